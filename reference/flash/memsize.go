package flash

import (
	"math/rand/v2"
	"runtime"
	"slices"
)

// calibration is the measured heap cost of one entry of an index shard's
// Go map, at the shard size it was measured for. Go does not say how much
// memory a map holds, and a swiss-table map's cost per entry swings with
// its fill (each table doubles at 7/8 full), so instead of a guess from
// the slot size (32 bytes here) Stats builds a map of the same type, grown
// by inserts to the index's current shard size, and measures the live heap
// it adds (runtime.MemStats.HeapAlloc after a GC, before and after; the
// median of three trials, since other goroutines allocate meanwhile).
//
// It measures once, at the first Stats call — a benchmark run samples
// Stats before its run phase starts, after the load — and reuses that
// figure: measuring forces six full GCs, which the runner would otherwise
// see as stalls of the store while the workload runs. The cost per entry
// then drifts with the maps' fill as inserts grow them (61–85 bytes over a
// doubling, measured at 0.7–1.4 M records).
type calibration struct {
	perShard int64 // entries per shard it was measured at; 0 = never
	perEntry float64
}

// minCalibration is the smallest shard size measured: below it the fixed
// cost of a map dominates and per-entry figures mean little.
const minCalibration = 1024

func (s *Store) indexBytesPerEntry(entries int64) float64 {
	per := max(entries/nShards, minCalibration)
	s.calMu.Lock()
	defer s.calMu.Unlock()
	c := &s.cal
	if c.perShard == 0 {
		c.perShard, c.perEntry = per, measureMapBytes(int(per))
	}
	return c.perEntry
}

// measureMapBytes returns the live heap bytes per entry of a map of the
// index's type grown by n inserts.
func measureMapBytes(n int) float64 {
	var trials [3]float64
	for i := range trials {
		trials[i] = measureOnce(n, uint64(i))
	}
	slices.Sort(trials[:])
	return trials[1]
}

func measureOnce(n int, seed uint64) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := rand.New(rand.NewPCG(seed, 0x243f6a8885a308d3))
	m := make(map[digest]entry)
	for range n {
		m[digest{r.Uint64(), r.Uint64()}] = entry{}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(m)
	return max(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)), 0) / float64(n)
}
