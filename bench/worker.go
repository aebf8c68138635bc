package bench

import (
	"context"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// maxRedraws bounds how often a worker draws another key when the one it
// drew has a write in flight from another connection (the ledger allows one
// write per key at a time so that versions stay ordered).
const maxRedraws = 16

// worker is one connection of the run phase. Everything it records is its
// own: histograms are merged after it stops, interval histograms are handed
// to the timeline over a channel once per interval, so the hot path takes no
// lock.
type worker struct {
	c   *cellRun
	gen *workloads.Generator

	key, val, got []byte
	batch         []pending
	ops           []drivers.Op
	rmw           []drivers.Op
	rmwIdx        []int

	hist    [workloads.NumOpTypes]*hdr.Histogram
	lag     *hdr.Histogram // open loop: send time minus scheduled start
	errHist [workloads.NumOpTypes]*hdr.Histogram

	ival      *hdr.Histogram
	ivalIdx   int64
	ivalOps   int64
	ivalErrs  int64
	ivalCount bool

	done       atomic.Int64 // operations completed (progress)
	errs       atomic.Int64
	clientB    atomic.Int64 // value bytes written and acknowledged
	inFlight   atomic.Int64 // unix ns when the current request started, 0 when idle
	lastDoneNS atomic.Int64
}

// pending is one operation of the current request.
type pending struct {
	typ     workloads.OpType
	key     uint64
	version uint64
	size    int
}

func newWorker(c *cellRun, id int) *worker {
	w := &worker{
		c:    c,
		gen:  c.spec.Workload.NewGenerator(uint64(c.spec.Seed)*1000003+uint64(id)+1, c.shared),
		key:  make([]byte, 0, 64),
		val:  make([]byte, 0, c.maxValue),
		got:  make([]byte, 0, c.maxValue),
		ival: newIntervalHist(),
	}
	if c.spec.Pipeline > 1 {
		w.batch = make([]pending, 0, c.spec.Pipeline)
		w.ops = make([]drivers.Op, c.spec.Pipeline)
		w.rmw = make([]drivers.Op, 0, c.spec.Pipeline)
		for i := range w.ops {
			w.ops[i].Key = make([]byte, 0, 32)
			w.ops[i].Value = make([]byte, 0, c.maxValue)
		}
	}
	return w
}

// next draws the next operation and reserves its ledger version; ok is
// false when every draw hit a key with a write in flight.
func (w *worker) next() (p pending, ok bool) {
	for i := 0; i < maxRedraws; i++ {
		op := w.gen.Next()
		p = pending{typ: op.Type, key: op.Key}
		if !op.Type.Writes() {
			return p, true
		}
		v, free := w.c.ledger.Begin(op.Key, op.Type == workloads.Delete)
		if !free {
			continue
		}
		p.version = v
		if op.Type != workloads.Delete {
			p.size = w.gen.ValueSize()
		}
		return p, true
	}
	return p, false
}

// run is the worker's loop until ctx is done or the run's end passes.
func (w *worker) run(ctx context.Context) {
	c := w.c
	sched := c.runStart
	for ctx.Err() == nil {
		if c.stopped.Load() {
			break
		}
		start := time.Now()
		if c.interval > 0 { // open loop: wait for the scheduled start
			if !waitUntil(ctx, sched) {
				break
			}
			w.recordLag(time.Since(sched))
			start = sched
			sched = sched.Add(c.interval)
		}
		if c.spec.Pipeline > 1 {
			w.doBatch(ctx, start)
		} else {
			w.doOne(ctx, start)
		}
	}
	w.flushInterval()
}

// waitUntil returns at t or after; false when ctx is done first. Go's
// timers wake up to ~1 ms late on Linux for sub-millisecond sleeps (the
// netpoller waits in whole milliseconds); spinning instead would burn the
// cores the backend needs, so the lateness is measured (recordLag) and
// reported as schedule_lag rather than hidden.
func waitUntil(ctx context.Context, t time.Time) bool {
	if d := time.Until(t); d > 0 && !sleepCtx(ctx, d) {
		return false
	}
	return ctx.Err() == nil
}

// recordLag records how late the worker sent a request after its scheduled
// start: the runner's own part of an open-loop latency.
func (w *worker) recordLag(d time.Duration) {
	el := time.Since(w.c.runStart)
	if el < w.c.measureFrom || el > time.Duration(w.c.measureTo.Load()) {
		return
	}
	if w.lag == nil {
		w.lag = newHist()
	}
	record(w.lag, d)
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (w *worker) doOne(ctx context.Context, start time.Time) {
	p, ok := w.next()
	if !ok {
		return
	}
	w.inFlight.Store(start.UnixNano())
	err := w.exec(ctx, p)
	end := time.Now()
	w.inFlight.Store(0)
	w.finish(p, err, start, end)
}

// exec performs one operation without pipelining.
func (w *worker) exec(ctx context.Context, p pending) error {
	d := w.c.drv
	w.key = workloads.Key(w.key[:0], p.key)
	switch p.typ {
	case workloads.Read:
		var err error
		w.got, _, err = d.Get(ctx, w.key, w.got[:0])
		return err
	case workloads.Delete:
		return d.Delete(ctx, w.key)
	case workloads.ReadModifyWrite:
		var err error
		if w.got, _, err = d.Get(ctx, w.key, w.got[:0]); err != nil {
			return err
		}
	}
	w.val = workloads.EncodeValue(w.val[:0], p.key, p.version, p.size, w.c.compressible)
	return d.Set(ctx, w.key, w.val)
}

// doBatch sends up to Pipeline operations in one round trip; the writes of
// read-modify-writes follow in a second one.
func (w *worker) doBatch(ctx context.Context, start time.Time) {
	w.batch = w.batch[:0]
	for len(w.batch) < cap(w.batch) {
		p, ok := w.next()
		if !ok {
			break
		}
		w.batch = append(w.batch, p)
	}
	if len(w.batch) == 0 {
		return
	}
	ops := w.ops[:len(w.batch)]
	w.rmw = w.rmw[:0]
	for i, p := range w.batch {
		o := &ops[i]
		o.Key = workloads.Key(o.Key[:0], p.key)
		o.Found, o.Err = false, nil
		switch p.typ {
		case workloads.Read, workloads.ReadModifyWrite:
			o.Kind, o.Value = drivers.OpGet, o.Value[:0]
		case workloads.Delete:
			o.Kind = drivers.OpDelete
		default:
			o.Kind = drivers.OpSet
			o.Value = workloads.EncodeValue(o.Value[:0], p.key, p.version, p.size, w.c.compressible)
		}
	}
	w.inFlight.Store(start.UnixNano())
	berr := w.c.pipe.Pipeline(ctx, ops)
	end := time.Now()
	rmwIdx := w.rmwIdx[:0]
	for i, p := range w.batch {
		if p.typ == workloads.ReadModifyWrite && berr == nil && ops[i].Err == nil {
			rmwIdx = append(rmwIdx, i)
			continue
		}
		err := ops[i].Err
		if berr != nil {
			err = berr
		}
		w.finish(p, err, start, end)
	}
	if len(rmwIdx) > 0 {
		w.doRMWWrites(ctx, start, rmwIdx)
	}
	w.rmwIdx = rmwIdx
	w.inFlight.Store(0)
}

func (w *worker) doRMWWrites(ctx context.Context, start time.Time, idx []int) {
	for _, i := range idx {
		p := w.batch[i]
		o := drivers.Op{Kind: drivers.OpSet, Key: w.ops[i].Key,
			Value: workloads.EncodeValue(w.ops[i].Value[:0], p.key, p.version, p.size, w.c.compressible)}
		w.rmw = append(w.rmw, o)
	}
	berr := w.c.pipe.Pipeline(ctx, w.rmw)
	end := time.Now()
	for j, i := range idx {
		err := w.rmw[j].Err
		if berr != nil {
			err = berr
		}
		w.finish(w.batch[i], err, start, end)
	}
}

// finish records one completed operation in the ledger and the histograms.
func (w *worker) finish(p pending, err error, start, end time.Time) {
	c := w.c
	if p.typ.Writes() {
		if err == nil {
			c.ledger.Ack(p.key, p.version, p.typ == workloads.Delete, end)
			w.clientB.Add(int64(p.size))
		} else {
			c.ledger.Fail(p.key)
		}
	}
	lat := end.Sub(start)
	w.lastDoneNS.Store(end.UnixNano())
	w.done.Add(1)
	if err != nil {
		w.errs.Add(1)
	}
	el := end.Sub(c.runStart)
	w.recordInterval(el, lat, err != nil)
	if el < c.measureFrom || el > time.Duration(c.measureTo.Load()) {
		return
	}
	h := &w.hist[p.typ]
	if err != nil {
		h = &w.errHist[p.typ]
	}
	if *h == nil {
		*h = newHist()
	}
	record(*h, lat)
}

// recordInterval adds an operation to the timeline interval it finished in,
// handing the previous interval to the timeline when a new one starts.
func (w *worker) recordInterval(el, lat time.Duration, failed bool) {
	idx := int64(el / w.c.tick)
	if idx != w.ivalIdx && w.ivalCount {
		w.flushInterval()
	}
	w.ivalIdx, w.ivalCount = idx, true
	w.ivalOps++
	if failed {
		w.ivalErrs++
	}
	record(w.ival, lat)
}

func (w *worker) flushInterval() {
	if !w.ivalCount {
		return
	}
	w.c.intervals <- intervalReport{idx: w.ivalIdx, hist: w.ival, ops: w.ivalOps, errs: w.ivalErrs}
	w.ival = w.c.histPool.Get().(*hdr.Histogram)
	w.ivalOps, w.ivalErrs, w.ivalCount = 0, 0, false
}
