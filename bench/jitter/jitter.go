// Package jitter measures the host's scheduling jitter floor, as cyclictest
// does: a thread sleeps for a short period and records how late it wakes.
// On a small VM the hypervisor pauses virtual CPUs for milliseconds at
// times without a trace in the guest's steal counters; a pause figure
// measured by a benchmark means nothing until it is compared with this
// floor.
//
// With cgo the probe is a POSIX thread outside the Go scheduler, so it sees
// the kernel's and the hypervisor's delays only. Without cgo it falls back
// to a goroutine, which also sees the Go scheduler's delays (Result.GoThread
// says which one measured).
package jitter

import "time"

// Period is how long the probe sleeps between wake-ups.
const Period = time.Millisecond

// buckets of 1 µs of lateness; later wake-ups count in the last one and
// in the maximum.
const buckets = 100_000

// Result is the lateness of the probe's wake-ups.
type Result struct {
	Wakeups  int64
	P50, P99 time.Duration
	P999     time.Duration
	Max      time.Duration
	// GoThread is true when the probe ran as a goroutine (no cgo).
	GoThread bool
}

func result(counts []uint64, max time.Duration, goThread bool) Result {
	var n uint64
	for _, c := range counts {
		n += c
	}
	r := Result{Wakeups: int64(n), Max: max, GoThread: goThread}
	if n == 0 {
		return r
	}
	qs := []float64{0.5, 0.99, 0.999}
	out := make([]time.Duration, len(qs))
	for i, q := range qs {
		rank := uint64(q*float64(n-1)) + 1
		var seen uint64
		for b, c := range counts {
			seen += c
			if seen >= rank {
				out[i] = time.Duration(b) * time.Microsecond
				break
			}
		}
	}
	r.P50, r.P99, r.P999 = out[0], out[1], out[2]
	return r
}
