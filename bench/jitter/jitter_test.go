package jitter

import (
	"testing"
	"time"
)

func TestProbeWakesAndReports(t *testing.T) {
	p, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	_ = p.IntervalMax()
	r := p.Stop()
	// 200 ms at a 1 ms period: at least a few dozen wake-ups even on a
	// badly overloaded machine; never more than the period allows.
	if r.Wakeups < 20 || r.Wakeups > 210 {
		t.Fatalf("%d wake-ups in 200 ms at a %s period", r.Wakeups, Period)
	}
	if !(r.P50 <= r.P99 && r.P99 <= r.P999 && r.P999 <= r.Max+time.Microsecond) {
		t.Fatalf("percentiles out of order: %+v", r)
	}
}

func TestResultPercentiles(t *testing.T) {
	counts := make([]uint64, buckets)
	counts[10] = 990 // 10 µs
	counts[500] = 9  // 500 µs
	counts[4000] = 1 // 4 ms
	r := result(counts, 4*time.Millisecond+300*time.Microsecond, false)
	if r.Wakeups != 1000 || r.P50 != 10*time.Microsecond || r.P99 != 10*time.Microsecond ||
		r.P999 != 500*time.Microsecond || r.Max != 4300*time.Microsecond {
		t.Fatalf("%+v", r)
	}
}
