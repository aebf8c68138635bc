package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// loadPipeline is the batch size of the load phase when the backend
// pipelines (memtier and redis-benchmark load with deep pipelines too).
const loadPipeline = 64

// cellRun is the state shared by the workers of one cell.
type cellRun struct {
	spec    CellSpec
	drv     drivers.Driver
	pipe    drivers.Pipeliner
	server  drivers.Server
	dataDir string

	ledger       *Ledger
	shared       *workloads.Shared
	maxValue     int
	compressible float64

	runStart    time.Time
	measureFrom time.Duration // since runStart
	measureTo   atomic.Int64  // since runStart, ns
	stopped     atomic.Bool
	interval    time.Duration // open loop: spacing of one worker's requests
	tick        time.Duration
	intervals   chan intervalReport
	histPool    sync.Pool

	workers         []*worker
	merged          map[string]*hdr.Histogram
	crashed         atomic.Bool
	crashEl         time.Duration // since runStart
	crashErr        error
	tl              *timeline
	samples         sampler
	events          []Event
	eventsMu        sync.Mutex
	clientLoadBytes atomic.Int64
}

func newCellRun(spec CellSpec, drv drivers.Driver, dataDir string) (*cellRun, error) {
	c := &cellRun{
		spec: spec, drv: drv, dataDir: dataDir,
		ledger:       NewLedger(time.Now()),
		shared:       workloads.NewShared(spec.Records),
		maxValue:     sizeMax(spec.Workload.Value.Size),
		compressible: spec.Workload.Value.Compressible,
		tick:         spec.tick(),
		merged:       map[string]*hdr.Histogram{},
	}
	c.histPool.New = func() any { return newIntervalHist() }
	c.server, _ = drv.(drivers.Server)
	if p, ok := drv.(drivers.Pipeliner); ok && drv.Info().Caps.Has(drivers.CapPipeline) {
		c.pipe = p
	}
	if spec.Pipeline > 1 && c.pipe == nil {
		return nil, fmt.Errorf("backend %s cannot pipeline: use --pipeline 1", spec.Backend)
	}
	return c, nil
}

// load inserts keys 0..Records-1 (version 1), split into contiguous ranges
// over the connections.
func (r *Runner) load(ctx context.Context, c *cellRun, cell *Cell) error {
	n, conns := c.spec.Records, int64(c.spec.Conns)
	if conns > n {
		conns = n
	}
	r.Progress.Phase(fmt.Sprintf("load %s records", FormatCount(n)), 0)
	start := time.Now()
	hists := make([]*hdr.Histogram, conns)
	var done, failed atomic.Int64
	var firstErr firstError
	var wg sync.WaitGroup
	for w := int64(0); w < conns; w++ {
		lo, hi := n*w/conns, n*(w+1)/conns
		hists[w] = newHist()
		wg.Add(1)
		go func(w int64) {
			defer wg.Done()
			l := loader{c: c, hist: hists[w], gen: c.spec.Workload.NewGenerator(uint64(c.spec.Seed)+uint64(w)<<32, c.shared)}
			l.run(ctx, lo, hi, &done, &failed, &firstErr)
		}(w)
	}
	stop := make(chan struct{})
	go func() { wg.Wait(); close(stop) }()
	tk := time.NewTicker(200 * time.Millisecond)
	defer tk.Stop()
wait:
	for {
		select {
		case <-stop:
			break wait
		case <-tk.C:
			el := time.Since(start)
			r.Progress.Update(el, float64(done.Load())/el.Seconds(), 0)
		}
	}
	r.Progress.Done()
	el := time.Since(start)
	total := newHist()
	for _, h := range hists {
		total.Merge(h)
	}
	cell.Load = &PhaseSummary{Ops: done.Load(), Errors: failed.Load(), DurationMS: float64(el) / 1e6,
		ThroughputOps: float64(done.Load()) / el.Seconds(), Latency: summarize(total)}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("load: %d of %d writes failed, first: %v", f, n, firstErr.get())
	}
	return nil
}

type loader struct {
	c    *cellRun
	hist *hdr.Histogram
	gen  *workloads.Generator
}

func (l *loader) run(ctx context.Context, lo, hi int64, done, failed *atomic.Int64, firstErr *firstError) {
	c := l.c
	batch := 1
	if c.pipe != nil {
		batch = loadPipeline
	}
	// Buffers are reused from batch to batch: the load phase of a large
	// dataset must not churn the garbage collector.
	bufs := make([]drivers.Op, batch)
	keys := make([]uint64, 0, batch)
	for k := lo; k < hi && ctx.Err() == nil; {
		keys = keys[:0]
		ops := bufs[:0]
		for ; k < hi && len(ops) < batch; k++ {
			v, _ := c.ledger.Begin(uint64(k), false)
			o := bufs[len(ops)]
			o.Kind, o.Err = drivers.OpSet, nil
			o.Key = workloads.Key(o.Key[:0], uint64(k))
			o.Value = workloads.EncodeValue(o.Value[:0], uint64(k), v, l.gen.ValueSize(), c.compressible)
			bufs[len(ops)] = o
			ops = append(ops, o)
			keys = append(keys, uint64(k))
		}
		start := time.Now()
		var berr error
		if c.pipe != nil {
			berr = c.pipe.Pipeline(ctx, ops)
		} else {
			ops[0].Err = c.drv.Set(ctx, ops[0].Key, ops[0].Value)
		}
		end := time.Now()
		for i := range ops {
			err := ops[i].Err
			if berr != nil {
				err = berr
			}
			if err != nil {
				c.ledger.Fail(keys[i])
				failed.Add(1)
				firstErr.set(err)
				continue
			}
			c.ledger.Ack(keys[i], 1, false, end)
			c.clientLoadBytes.Add(int64(len(ops[i].Value)))
			record(l.hist, end.Sub(start))
			done.Add(1)
		}
	}
}

// firstError keeps the first error reported by any goroutine.
type firstError struct {
	mu  sync.Mutex
	err error
}

func (f *firstError) set(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

func (f *firstError) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
