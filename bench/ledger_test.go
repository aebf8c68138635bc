package bench

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestLedgerVersionsAndBusy(t *testing.T) {
	l := NewLedger(time.Now())
	v, ok := l.Begin(5, false)
	if !ok || v != 1 {
		t.Fatalf("first Begin = %d, %v", v, ok)
	}
	if _, ok := l.Begin(5, false); ok {
		t.Fatal("a second write of a busy key was allowed")
	}
	l.Ack(5, v, false, time.Now())
	if l.Live() != 1 {
		t.Fatalf("live %d", l.Live())
	}
	v, _ = l.Begin(5, true)
	l.Ack(5, v, true, time.Now())
	v, _ = l.Begin(5, false)
	l.Fail(5)
	e := l.Get(5)
	if e.AckedVersion != 2 || !e.AckedDelete || e.AttemptedVersion != 3 || e.AttemptedDelete || e.InFlight || !e.Indeterminate() {
		t.Fatalf("entry %+v", e)
	}
	if l.Live() != 0 {
		t.Fatalf("live %d after a delete", l.Live())
	}
	if got := l.Get(1 << 40); got != (Entry{}) {
		t.Fatalf("unknown key: %+v", got)
	}
}

// TestLedgerConcurrent: concurrent writers of overlapping keys never hold
// the same key at once and every version is handed out exactly once.
func TestLedgerConcurrent(t *testing.T) {
	l := NewLedger(time.Now())
	const keys, writers, rounds = 64, 8, 2000
	var holders [keys]int32
	var mu sync.Mutex
	acks := make([]uint64, keys)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				k := uint64((i*7 + w) % keys)
				v, ok := l.Begin(k, false)
				if !ok {
					continue
				}
				mu.Lock()
				holders[k]++
				if holders[k] != 1 {
					t.Errorf("key %d held twice", k)
				}
				holders[k]--
				acks[k]++
				if v != acks[k] {
					t.Errorf("key %d: version %d after %d acks", k, v, acks[k]-1)
				}
				mu.Unlock()
				l.Ack(k, v, false, time.Now())
			}
		}(w)
	}
	wg.Wait()
}

// BenchmarkLedger reports the ledger's bytes per tracked key (target ≤ 16)
// and the cost of a Begin+Ack.
func BenchmarkLedger(b *testing.B) {
	const keys = 10_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := NewLedger(time.Now())
	now := time.Now()
	for k := uint64(0); k < keys; k++ {
		v, _ := l.Begin(k, false)
		l.Ack(k, v, false, now)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := float64(after.HeapAlloc-before.HeapAlloc) / keys
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := uint64(i) % keys
		v, _ := l.Begin(k, false)
		l.Ack(k, v, false, now)
	}
	b.ReportMetric(heap, "heap-bytes/key")
	b.ReportMetric(float64(l.Bytes())/keys, "ledger-bytes/key")
	runtime.KeepAlive(l)
}
