package reference

import (
	"bufio"
	"encoding/binary"
	"flag"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"
)

var (
	benchKeys   = flag.Int("keys", 1_000_000, "BenchmarkSnapshot: keys of 100-byte values (the documented figure is -keys 10000000)")
	benchRate   = flag.Int("rate", 90_000, "BenchmarkSnapshot: GET/SET ops/s offered by the paced clients")
	benchShards = flag.Int("shards", 4096, "BenchmarkSnapshot: engine shards")
	benchSnaps  = flag.Int("snapshots", 5, "BenchmarkSnapshot: back-to-back snapshots in the measured phase")
)

// BenchmarkSnapshot measures what a snapshot costs the clients of a store
// of -keys keys × 100-byte values: paced GET/SET 50/50 clients (-rate ops/s)
// run once without a snapshot and once while -snapshots snapshots run back
// to back, for about the same time; the snapshots' consumer serialises every entry into a buffered writer (an
// RDB encoder's work without the disk). Reported: p99.9 and max latency of
// both phases beside the host's jitter floor (oversleep of a 1 ms sleep),
// the longest snapshot, the largest copy-on-write peak (bytes and % of the
// live data), and the collector's mark CPU and pause per cycle, measured on a
// forced cycle at this heap.
//
//	go test ./reference -run '^$' -bench Snapshot -benchtime 1x [-keys 10000000]
func BenchmarkSnapshot(b *testing.B) {
	const valueSize = 100
	value := make([]byte, valueSize)
	for i := range value {
		value[i] = byte('a' + i%26)
	}
	db, err := Open("", Options{Shards: *benchShards})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	load(db, *benchKeys, value)
	runtime.GC()
	var snap, snapTotal time.Duration
	var cowPeak int64
	warm := snapshotOnce(b, db) // settles memory; sizes the baseline phase
	b.ResetTimer()
	var base, during phase
	for range b.N {
		base = runPhase(db, *benchKeys, *benchRate, value, func() {
			time.Sleep(time.Duration(*benchSnaps)*warm + 400*time.Millisecond)
		})
		during = runPhase(db, *benchKeys, *benchRate, value, func() {
			time.Sleep(200 * time.Millisecond)
			for range *benchSnaps {
				d := snapshotOnce(b, db)
				snap, snapTotal = max(snap, d), snapTotal+d
				cowPeak = max(cowPeak, db.Stats().COWPeakBytes)
			}
			time.Sleep(200 * time.Millisecond)
		})
	}
	b.StopTimer()
	st := db.Stats()
	st.COWPeakBytes = cowPeak
	before := readGC()
	runtime.GC()
	forced := readGC().since(before)
	mark, pause := forced.perCycle()

	us := func(ns int64) float64 { return float64(ns) / 1e3 }
	b.ReportMetric(us(base.lat.ValueAtPercentile(99.9)), "base-p99.9-us")
	b.ReportMetric(us(base.lat.Max()), "base-max-us")
	b.ReportMetric(us(base.jitter.Max()), "base-jitter-max-us")
	b.ReportMetric(us(during.lat.ValueAtPercentile(99.9)), "snap-p99.9-us")
	b.ReportMetric(us(during.lat.Max()), "snap-max-us")
	b.ReportMetric(us(during.jitter.Max()), "snap-jitter-max-us")
	b.ReportMetric(float64(snap.Milliseconds()), "snapshot-ms")
	b.ReportMetric(float64(st.COWPeakBytes)/(1<<20), "cow-peak-MiB")
	b.ReportMetric(100*float64(st.COWPeakBytes)/float64(st.LiveBytes), "cow-%-of-live")
	b.ReportMetric(float64(mark.Microseconds())/1e3, "gc-mark-cpu-ms/cycle")
	b.ReportMetric(float64(pause.Microseconds()), "gc-pause-us/cycle")
	b.ReportMetric(float64(base.gc.cycles+during.gc.cycles), "gc-cycles")
	b.ReportMetric(0, "ns/op") // one op is a whole measurement: ns/op means nothing
	for _, p := range []struct {
		name string
		p    phase
	}{{"base", base}, {"snap", during}} {
		m, ps := p.p.gc.perCycle()
		b.Logf("%s: %d ops in %v (%.0f ops/s); latency p50 %.1fµs p99 %.1fµs p99.9 %.1fµs max %.0fµs; jitter p99.9 %.0fµs max %.0fµs; %d GC cycles (mark %v, pause %v per cycle)",
			p.name, p.p.ops, p.p.elapsed.Round(time.Millisecond), float64(p.p.ops)/p.p.elapsed.Seconds(),
			us(p.p.lat.ValueAtPercentile(50)), us(p.p.lat.ValueAtPercentile(99)), us(p.p.lat.ValueAtPercentile(99.9)), us(p.p.lat.Max()),
			us(p.p.jitter.ValueAtPercentile(99.9)), us(p.p.jitter.Max()), p.p.gc.cycles, m, ps)
	}
	b.Logf("keys %d, live %d MiB, slab %d MiB, garbage %d MiB; %d snapshots: max %v, mean %v; COW peak %d KiB (%.3f%% of live); forced GC: mark %v CPU, pause %v",
		st.Keys, st.LiveBytes>>20, st.SlabBytes>>20, st.Garbage>>20, *benchSnaps, snap.Round(time.Millisecond),
		(snapTotal / time.Duration(*benchSnaps*b.N)).Round(time.Millisecond), st.COWPeakBytes>>10,
		100*float64(st.COWPeakBytes)/float64(st.LiveBytes), mark, pause)
}

// load fills db with keys 0..n-1 on every core.
func load(db *DB, n int, value []byte) {
	procs := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for p := range procs {
		wg.Go(func() {
			var k []byte
			for i := p; i < n; i += procs {
				k = benchKey(k[:0], i)
				db.Restore(k, value)
			}
		})
	}
	wg.Wait()
}

// snapshotOnce takes a snapshot, serialising it into a buffered discard
// writer with an RDB-like header per entry, and returns its duration.
func snapshotOnce(b *testing.B, db *DB) time.Duration {
	start := time.Now()
	sn, err := db.BeginSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	defer sn.Close()
	w := bufio.NewWriterSize(io.Discard, 1<<20)
	var hdr [2 * binary.MaxVarintLen64]byte
	err = sn.Each(func(k, v []byte) error {
		n := binary.PutUvarint(hdr[:], uint64(len(k)))
		n += binary.PutUvarint(hdr[n:], uint64(len(v)))
		w.Write(hdr[:n])
		w.Write(k)
		_, err := w.Write(v)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
