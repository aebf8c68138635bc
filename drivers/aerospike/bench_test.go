package aerospike

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// BenchmarkParseNamespace parses a captured namespace/test response, as
// Stats and Events do on every poll.
func BenchmarkParseNamespace(b *testing.B) {
	s, err := os.ReadFile("testdata/info/namespace-flash-7.1.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseNamespace(string(s)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSet writes 100-byte values through one client to
// AEROSPIKE_ADDR (or a managed asd with profile flash), reporting ops/s.
func BenchmarkSet(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	flash, err := drivers.LookupProfile("flash")
	if err != nil {
		b.Fatal(err)
	}
	cfg := drivers.Config{Profile: flash, Conns: 1, Addr: os.Getenv("AEROSPIKE_ADDR")}
	if cfg.Addr == "" {
		asdBinary(b)
		cfg.DataDir = b.TempDir()
	}
	d, err := Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	val := make([]byte, 100)
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if err := d.Set(ctx, fmt.Appendf(nil, "bench%d", i%100000), val); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}
