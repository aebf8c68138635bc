package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/persistbench/persistbench/workloads"
)

// progressEvery is how often the aggregator refreshes progress and samples.
const progressEvery = 200 * time.Millisecond

// runPhase drives the workload for warm-up + duration (or until the crash),
// then merges what the workers measured.
func (r *Runner) runPhase(ctx context.Context, c *cellRun, cell *Cell) error {
	spec := c.spec
	total := spec.Warmup + spec.Duration
	crashAt, err := c.crashTime()
	if err != nil {
		return err
	}
	if spec.Rate > 0 {
		perReq := float64(spec.Conns*spec.Pipeline) / spec.Rate
		c.interval = time.Duration(perReq * float64(time.Second))
	}
	c.intervals = make(chan intervalReport, 4*spec.Conns)
	c.tl = newTimeline(c.tick, &c.histPool)
	c.workers = make([]*worker, spec.Conns)
	for i := range c.workers {
		c.workers[i] = newWorker(c, i)
	}
	c.measureFrom = spec.Warmup
	c.measureTo.Store(int64(total))
	c.samples = newSampler(c)

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	c.runStart = time.Now()
	for _, w := range c.workers {
		wg.Add(1)
		go func(w *worker) { defer wg.Done(); w.run(wctx) }(w)
	}
	workersDone := make(chan struct{})
	go func() { wg.Wait(); close(workersDone) }()

	r.Progress.Phase(fmt.Sprintf("run %s (warm-up %s)", spec.Duration, spec.Warmup), total)
	r.aggregate(ctx, c, crashAt, workersDone)
	cancel()
	<-workersDone
	r.Progress.Done()
	c.drain()
	c.samples.stop()
	c.collect(cell)
	if c.crashErr != nil {
		return fmt.Errorf("crash: %w", c.crashErr)
	}
	return nil
}

// aggregate runs until the workers stop: it merges interval reports,
// refreshes progress, samples the backend, ends the run on time and
// crashes the backend when asked.
func (r *Runner) aggregate(ctx context.Context, c *cellRun, crashAt time.Duration, workersDone <-chan struct{}) {
	total := c.spec.Warmup + c.spec.Duration
	tk := time.NewTicker(progressEvery)
	defer tk.Stop()
	var lastDone int64
	lastT := time.Duration(0)
	cancelled := ctx.Done()
	for {
		select {
		case rep := <-c.intervals:
			c.tl.add(rep)
			continue
		case <-workersDone:
			return
		case <-tk.C:
		case <-cancelled:
			cancelled = nil
			c.stop(time.Since(c.runStart))
		}
		el := time.Since(c.runStart)
		c.samples.tick(el)
		if crashAt > 0 && !c.crashed.Load() && el >= crashAt {
			c.crash(ctx, el)
		}
		if el >= total && !c.stopped.Load() {
			c.stop(total)
		}
		done := c.doneOps()
		rate := float64(done-lastDone) / (el - lastT).Seconds()
		lastDone, lastT = done, el
		r.Progress.Update(el, rate, c.tl.latestP99(int64(el/c.tick)))
	}
}

func (c *cellRun) stop(at time.Duration) {
	if c.stopped.CompareAndSwap(false, true) {
		if at < time.Duration(c.measureTo.Load()) {
			c.measureTo.Store(int64(at))
		}
	}
}

func (c *cellRun) doneOps() int64 {
	var n int64
	for _, w := range c.workers {
		n += w.done.Load()
	}
	return n
}

// drain merges the interval reports left in the channel after the workers
// stopped.
func (c *cellRun) drain() {
	for {
		select {
		case rep := <-c.intervals:
			c.tl.add(rep)
		default:
			return
		}
	}
}

// crashTime resolves --crash-at: the end of the run by default, a fixed
// time, or a seeded random time within the measured window.
func (c *cellRun) crashTime() (time.Duration, error) {
	s := c.spec
	if s.Crash == "" || s.Crash == "none" {
		return 0, nil
	}
	switch s.CrashAt {
	case "":
		return s.Warmup + s.Duration, nil
	case "random":
		rng := rand.New(rand.NewPCG(uint64(s.Seed), 0x9e3779b97f4a7c15))
		lo, span := s.Warmup+s.Duration/10, s.Duration*8/10
		return lo + time.Duration(rng.Int64N(int64(span)+1)), nil
	}
	return time.ParseDuration(s.CrashAt)
}

// collect merges the workers' histograms into the cell.
func (c *cellRun) collect(cell *Cell) {
	var ok, failed int64
	for t := workloads.OpType(0); t < workloads.NumOpTypes; t++ {
		h, eh := newHist(), newHist()
		for _, w := range c.workers {
			if w.hist[t] != nil {
				h.Merge(w.hist[t])
			}
			if w.errHist[t] != nil {
				eh.Merge(w.errHist[t])
			}
		}
		name := t.String()
		if s := summarize(h); s != nil {
			cell.Latency[name] = s
			c.merged[name] = h
			ok += s.Count
		}
		if s := summarize(eh); s != nil {
			if cell.LatencyErrors == nil {
				cell.LatencyErrors = map[string]*Latency{}
			}
			cell.LatencyErrors[name] = s
			failed += s.Count
		}
	}
	lag := newHist()
	for _, w := range c.workers {
		if w.lag != nil {
			lag.Merge(w.lag)
		}
	}
	cell.ScheduleLag = summarize(lag)
	window := time.Duration(c.measureTo.Load()) - c.measureFrom
	cell.Ops, cell.ErrorCount = ok, failed
	if window > 0 {
		cell.ThroughputOps = float64(ok) / window.Seconds()
	}
	cell.Timeline = c.tl.result()
	c.samples.fill(cell)
}
