package aof

import (
	"fmt"
	"sort"
	"testing"

	"github.com/persistbench/persistbench/internal/fsyncprobe"
)

const (
	benchWriters = 64
	benchValue   = 4096
)

// runWriters runs n acknowledged writes from benchWriters goroutines and
// returns the acknowledged writes per second.
func runWriters(b *testing.B, n int, write func(w, i int) error) float64 {
	d, err := fsyncprobe.Writers(benchWriters, n, write)
	if err != nil {
		b.Fatal(err)
	}
	return float64(n) / d.Seconds()
}

// openProbe opens the raw group-commit probe the AOF is measured against,
// its records as long as the RESP SET the AOF writes for one benchmark
// write.
func openProbe(b *testing.B) *fsyncprobe.Probe {
	p, err := fsyncprobe.Open(b.TempDir(), len(AppendSet(nil, benchKey(0, 0), benchVal)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return p
}

func benchKey(w, i int) []byte { return []byte(fmt.Sprintf("w%02d:%012d", w, i)) }

var benchVal = make([]byte, benchValue)

// BenchmarkFsyncProbe: 64 goroutines append 4 KiB records (as long as the
// RESP SET the AOF writes) to one file with group-committed fdatasync.
func BenchmarkFsyncProbe(b *testing.B) {
	p := openProbe(b)
	b.ResetTimer()
	res, err := p.Run(benchWriters, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(res.AcksPerSec(), "acks/s")
	b.ReportMetric(res.RecordsPerFsync(), "writes/fsync")
}

// BenchmarkAOFAlways: 64 writers Append a 4 KiB SET and Wait under
// appendfsync always.
func BenchmarkAOFAlways(b *testing.B) {
	a, err := Open(Options{Dir: b.TempDir(), Fsync: FsyncAlways})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	b.ResetTimer()
	acks := runWriters(b, b.N, func(w, i int) error {
		t, err := a.Append(1, false, benchKey(w, i), benchVal)
		if err != nil {
			return err
		}
		return a.Wait(t)
	})
	b.ReportMetric(acks, "acks/s")
	b.ReportMetric(float64(b.N)/float64(max(a.Stats().Fsyncs, 1)), "writes/fsync")
}

// BenchmarkAOFAlwaysVsProbe alternates short rounds of the probe and the
// AOF on the same disk, so that both see the same noise (a shared disk's
// fdatasync latency swings by 10x within seconds), and reports both rates
// and the median of the per-round ratios AOF/probe (the target is >= 0.8).
func BenchmarkAOFAlwaysVsProbe(b *testing.B) {
	const round = 1000
	p := openProbe(b)
	a, err := Open(Options{Dir: b.TempDir(), Fsync: FsyncAlways})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	var probeT, aofT float64 // seconds spent
	var probeFsyncs int64
	ratios := make([]float64, 0, b.N)
	b.ResetTimer()
	for r := 0; r < b.N; r++ {
		res, err := p.Run(benchWriters, round)
		if err != nil {
			b.Fatal(err)
		}
		pr := res.AcksPerSec()
		probeFsyncs += res.Fsyncs
		ar := runWriters(b, round, func(w, i int) error {
			t, err := a.Append(1, false, benchKey(w, i), benchVal)
			if err != nil {
				return err
			}
			return a.Wait(t)
		})
		probeT += round / pr
		aofT += round / ar
		ratios = append(ratios, ar/pr)
	}
	sort.Float64s(ratios)
	n := float64(b.N * round)
	b.ReportMetric(n/probeT, "probe-acks/s")
	b.ReportMetric(n/aofT, "aof-acks/s")
	b.ReportMetric(ratios[len(ratios)/2], "median-ratio")
	b.ReportMetric(n/float64(max(probeFsyncs, 1)), "probe-writes/fsync")
	b.ReportMetric(n/float64(max(a.Stats().Fsyncs, 1)), "aof-writes/fsync")
}
