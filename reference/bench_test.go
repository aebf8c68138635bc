package reference

import (
	"math/rand/v2"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReference is the engine's raw speed: GET/SET 50/50 on uniformly
// random keys of a preloaded store, 1 KiB values, every core busy
// (b.RunParallel). Run: go test ./reference -run '^$' -bench Reference.
func BenchmarkReference(b *testing.B) {
	const keys = 100_000 // 100 MiB of values: past the CPU caches
	db, err := Open("", Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	value := make([]byte, 1024)
	for i := range value {
		value[i] = byte(i)
	}
	var kb []byte
	for i := range keys {
		kb = benchKey(kb[:0], i)
		db.Set(kb, value)
	}
	var streams atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(streams.Add(1), 7))
		k := make([]byte, 0, 32)
		dst := make([]byte, 0, len(value))
		for pb.Next() {
			n := rng.Uint64()
			k = benchKey(k[:0], int(n%keys))
			if n>>63 == 0 {
				dst, _ = db.Get(k, dst)
			} else if err := db.Set(k, value); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

func benchKey(dst []byte, i int) []byte {
	return strconv.AppendInt(append(dst, "key:"...), int64(i), 10)
}
