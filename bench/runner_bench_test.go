package bench

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// BenchmarkRunner measures the runner's own cost per operation — drawing
// the operation, formatting the key and value, the ledger, the histograms
// and the timeline — against a driver that does nothing. Target: ≤ 1 µs
// and 0 allocations per operation.
func BenchmarkRunner(b *testing.B) {
	for _, pipeline := range []int{1, 16} {
		b.Run("pipeline="+strconv.Itoa(pipeline), func(b *testing.B) {
			spec := testCell(b, nil)
			spec.Pipeline = pipeline
			d := newMemDriver()
			d.noop = true
			c, err := newCellRun(spec, d, "")
			if err != nil {
				b.Fatal(err)
			}
			c.intervals = make(chan intervalReport, 1024)
			c.tl = newTimeline(c.tick, &c.histPool)
			c.runStart = time.Now()
			c.measureTo.Store(int64(time.Hour))
			go func() {
				for rep := range c.intervals {
					c.tl.add(rep)
				}
			}()
			w := newWorker(c, 0)
			c.workers = []*worker{w}
			ctx := context.Background()
			for i := 0; i < 1000; i++ { // allocate the lazy histograms
				w.doBatchOrOne(ctx)
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			n := b.N / pipeline
			for i := 0; i <= n; i++ {
				w.doBatchOrOne(ctx)
			}
			el := time.Since(start)
			b.StopTimer()
			ops := w.done.Load() - 1000*int64(pipeline)
			b.ReportMetric(float64(el.Nanoseconds())/float64(ops), "ns/runner-op")
			b.ReportMetric(float64(ops)/el.Seconds(), "ops/s")
		})
	}
}

func (w *worker) doBatchOrOne(ctx context.Context) {
	if w.c.spec.Pipeline > 1 {
		w.doBatch(ctx, time.Now())
	} else {
		w.doOne(ctx, time.Now())
	}
}
