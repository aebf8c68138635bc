package reference

import (
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// phase is what paced clients saw during one phase of BenchmarkSnapshot.
type phase struct {
	lat     *hdrhistogram.Histogram // per-operation latency, ns
	jitter  *hdrhistogram.Histogram // oversleep of a 1 ms sleep, ns: the host's floor
	ops     int64
	elapsed time.Duration
	gc      gcDelta
}

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(1, int64(60*time.Second), 3) }

// runPhase runs paced GET/SET 50/50 clients offering rate ops/s in total on
// keys 0..keys-1 (values of len(value)), with a jitter probe beside them,
// while during runs; then stops them and returns what they measured.
// Clients work in 1 ms ticks and catch up after a stall, as an open-loop
// load would; latency is each call's own duration.
func runPhase(db *DB, keys, rate int, value []byte, during func()) phase {
	const clients = 4
	var stop atomic.Bool
	var wg sync.WaitGroup
	hists := make([]*hdrhistogram.Histogram, clients)
	var ops atomic.Int64
	perTick := float64(rate) / 1000 / clients
	before := readGC()
	start := time.Now()
	for c := range clients {
		hists[c] = newHist()
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), uint64(start.UnixNano())))
			h := hists[c]
			var k, dst []byte
			next, owed := time.Now(), 0.0
			var n int64
			for !stop.Load() {
				next = next.Add(time.Millisecond)
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				}
				for owed += perTick; owed >= 1; owed-- {
					x := rng.Uint64()
					k = benchKey(k[:0], int(x%uint64(keys)))
					t0 := time.Now()
					if x>>63 == 0 {
						dst, _ = db.Get(k, dst)
					} else {
						db.Set(k, value)
					}
					h.RecordValue(int64(time.Since(t0)))
					n++
				}
			}
			ops.Add(n)
		})
	}
	jitter := newHist()
	wg.Go(func() {
		for !stop.Load() {
			t0 := time.Now()
			time.Sleep(time.Millisecond)
			jitter.RecordValue(int64(time.Since(t0) - time.Millisecond))
		}
	})
	during()
	stop.Store(true)
	wg.Wait()
	p := phase{lat: newHist(), jitter: jitter, ops: ops.Load(), elapsed: time.Since(start)}
	for _, h := range hists {
		p.lat.Merge(h)
	}
	p.gc = readGC().since(before)
	return p
}

// gcSample is the collector's cumulative work at one moment.
type gcSample struct {
	cycles  uint64
	markCPU float64 // seconds of CPU spent marking (assist + dedicated + idle workers)
	pauseNs uint64  // stop-the-world pauses, wall time
}

// gcDelta is the collector's work between two samples.
type gcDelta struct {
	cycles  uint64
	markCPU time.Duration
	pause   time.Duration
}

var gcMetrics = []string{
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
}

// readGC samples the collector. ReadMemStats stops the world briefly: it is
// only called at phase boundaries.
func readGC() gcSample {
	s := make([]metrics.Sample, len(gcMetrics))
	for i, name := range gcMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return gcSample{
		cycles:  s[0].Value.Uint64(),
		markCPU: s[1].Value.Float64() + s[2].Value.Float64() + s[3].Value.Float64(),
		pauseNs: ms.PauseTotalNs,
	}
}

func (s gcSample) since(before gcSample) gcDelta {
	return gcDelta{
		cycles:  s.cycles - before.cycles,
		markCPU: time.Duration((s.markCPU - before.markCPU) * float64(time.Second)),
		pause:   time.Duration(s.pauseNs - before.pauseNs),
	}
}

// perCycle divides the delta by its cycles (zero when none ran).
func (d gcDelta) perCycle() (mark, pause time.Duration) {
	if d.cycles == 0 {
		return 0, 0
	}
	return d.markCPU / time.Duration(d.cycles), d.pause / time.Duration(d.cycles)
}
