package redis

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/persistbench/persistbench/drivers"
)

// benchDriver opens a managed server with profile none and 64 keys of 100
// bytes.
func benchDriver(b *testing.B, conns int) *managed {
	b.Helper()
	redisServer(b)
	p, _ := drivers.LookupProfile("none")
	d, err := Open(context.Background(), drivers.Config{Profile: p, DataDir: b.TempDir(), Conns: conns})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	m := d.(*managed)
	for i := 0; i < 64; i++ {
		if err := m.Set(context.Background(), key(i), make([]byte, 100)); err != nil {
			b.Fatal(err)
		}
	}
	return m
}

func reportOps(b *testing.B, ops int) {
	b.ReportMetric(float64(ops)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkGet is one GET round trip from one goroutine: the client's own
// cost plus loopback and server time. Allocations per op are the client's.
func BenchmarkGet(b *testing.B) {
	d := benchDriver(b, 1)
	ctx := context.Background()
	dst := make([]byte, 0, 128)
	keys := make([][]byte, 64)
	for i := range keys {
		keys[i] = key(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if dst, _, err = d.Get(ctx, keys[i&63], dst); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b, b.N)
}

func BenchmarkSet(b *testing.B) {
	d := benchDriver(b, 1)
	ctx := context.Background()
	val := make([]byte, 100)
	keys := make([][]byte, 64)
	for i := range keys {
		keys[i] = key(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := d.Set(ctx, keys[i&63], val); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b, b.N)
}

// BenchmarkSetParallel: 50 goroutines as 50 connections, as in the
// comparison with redis-benchmark -c 50.
func BenchmarkSetParallel(b *testing.B) {
	const conns = 50
	d := benchDriver(b, conns)
	ctx := context.Background()
	val := make([]byte, 100)
	b.ReportAllocs()
	b.SetParallelism((conns + 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		k := key(1)
		for pb.Next() {
			if err := d.Set(ctx, k, val); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportOps(b, b.N)
}

// BenchmarkPipeline16 sends batches of 8 SETs and 8 GETs.
func BenchmarkPipeline16(b *testing.B) {
	d := benchDriver(b, 1)
	ctx := context.Background()
	ops := make([]drivers.Op, 16)
	for i := range ops {
		ops[i] = drivers.Op{Kind: drivers.OpKind(i % 2), Key: key(i), Value: make([]byte, 100, 128)}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range ops {
			if ops[j].Kind == drivers.OpSet {
				ops[j].Value = ops[j].Value[:100]
			}
		}
		if err := d.Pipeline(ctx, ops); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b, 16*b.N)
}

func BenchmarkParseInfo(b *testing.B) {
	s := readInfo(b, "after")
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for i := 0; i < b.N; i++ {
		if m := parseInfo(s); len(m) == 0 {
			b.Fatal(fmt.Errorf("nothing parsed"))
		}
	}
}

// BenchmarkMixedParallel is redis-benchmark's shape (-c 50 -d 100, SET and
// GET) through the driver alone: 50 goroutines, half GETs and half SETs of
// 100-byte values over 100k keys, with p50/p99 of every operation. Set
// against `redis-benchmark -c 50 -d 100 -t set,get` it says whether the
// driver could be the bottleneck of a run.
func BenchmarkMixedParallel(b *testing.B) {
	const conns, keys = 50, 100_000
	d := benchDriver(b, conns)
	ctx := context.Background()
	var mu sync.Mutex
	all := hdr.New(1, 10_000_000, 3)
	var seq atomic.Int64
	b.SetParallelism((conns + 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		h := hdr.New(1, 10_000_000, 3)
		id := seq.Add(1)
		k, val, dst := make([]byte, 0, 32), make([]byte, 100), make([]byte, 0, 128)
		for i := int(id); pb.Next(); i += conns {
			k = fmt.Appendf(k[:0], "pb:%012d", (i*7919)%keys)
			start := time.Now()
			var err error
			if i&1 == 0 {
				err = d.Set(ctx, k, val)
			} else {
				dst, _, err = d.Get(ctx, k, dst)
			}
			h.RecordValue(time.Since(start).Microseconds())
			if err != nil {
				b.Error(err)
				return
			}
		}
		mu.Lock()
		all.Merge(h)
		mu.Unlock()
	})
	reportOps(b, b.N)
	b.ReportMetric(float64(all.ValueAtQuantile(50)), "p50-µs")
	b.ReportMetric(float64(all.ValueAtQuantile(99)), "p99-µs")
}
