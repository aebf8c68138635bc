package flash

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/persistbench/persistbench/internal/fsyncprobe"
	"github.com/persistbench/persistbench/reference/vfs"
	"golang.org/x/sys/unix"
)

var (
	benchRecords = flag.Int("flash.records", 1_000_000, "records for BenchmarkColdStart and BenchmarkIndexBytes (10000000 for the 10 M figure)")
	benchValue   = flag.Int("flash.value", 1024, "value bytes for BenchmarkColdStart")
)

const (
	benchWriters = 64
	commitValue  = 4096 // the AOF probe's record size
)

// benchStore opens a store in a fresh directory of the real disk.
func benchStore(b *testing.B, o Options) *Store {
	b.Helper()
	o.FS = vfs.Default
	if o.Dir == "" {
		o.Dir = b.TempDir()
	}
	s, err := Open(o)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchKey(i int) []byte { return fmt.Appendf(nil, "key:%012d", i) }

// runWriters runs n acknowledged writes from benchWriters goroutines and
// returns the acknowledged writes per second.
func runWriters(b *testing.B, n int, write func(w, i int) error) float64 {
	d, err := fsyncprobe.Writers(benchWriters, n, write)
	if err != nil {
		b.Fatal(err)
	}
	return float64(n) / d.Seconds()
}

// BenchmarkIndexBytes measures the DRAM one record costs: the live heap
// after a GC, before and after N inserts (small values, no post-write
// cache), divided by N; next to it the map's own cost per entry that Stats
// reports, and Aerospike's 64 bytes.
func BenchmarkIndexBytes(b *testing.B) {
	n := *benchRecords
	for range b.N {
		dev := (int64(n)*96*5/4>>20 + 64) << 20 // 96-byte records, the 5 % reserve, spare blocks
		s := benchStore(b, Options{DeviceBytes: dev, WriteBlock: 1 << 20, FlushMax: time.Hour})
		val := make([]byte, 16)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < n; i++ {
			if err := s.Set(benchKey(i), val); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		st := s.Stats()
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heap-B/record")
		b.ReportMetric(st.IndexBytesPerEntry, "map-B/entry")
		b.ReportMetric(float64(unsafe.Sizeof(digest{})+unsafe.Sizeof(entry{})), "slot-B")
		b.ReportMetric(64, "aerospike-B/record")
		s.Close()
	}
}

// BenchmarkSetFlash: 64 writers overwrite 4 KiB values of 20 000 keys,
// acknowledged from the write buffer.
func BenchmarkSetFlash(b *testing.B) { benchSet(b, false) }

// BenchmarkSetFlashCommit: the same with commit-to-device (group commit).
func BenchmarkSetFlashCommit(b *testing.B) { benchSet(b, true) }

func benchSet(b *testing.B, commit bool) {
	s := benchStore(b, Options{DeviceBytes: 1 << 30, CommitToDevice: commit})
	val := make([]byte, commitValue)
	b.SetBytes(commitValue)
	b.ResetTimer()
	acks := runWriters(b, b.N, func(_, i int) error { return s.Set(benchKey(i%20000), val) })
	b.StopTimer()
	if err := s.Close(); err != nil { // flushes the buffer: write amplification counts it
		b.Fatal(err)
	}
	st := s.Stats()
	b.ReportMetric(acks, "acks/s")
	b.ReportMetric(float64(st.Sets)/float64(max(st.Syncs, 1)), "writes/fsync")
	b.ReportMetric(st.WriteAmplification(), "write-amp")
}

// BenchmarkCommitVsProbe alternates rounds of the raw probe and of
// flash-commit on the same disk, 64 writers of 4 KiB each, so both see the
// same noise, and reports both rates and their ratio (target >= 0.8).
func BenchmarkCommitVsProbe(b *testing.B) {
	const round = 4000
	// The probe's records are as long as flash's: header, 16-byte key, value.
	p, err := fsyncprobe.Open(b.TempDir(), commitValue+recordHeaderSize+16)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	s := benchStore(b, Options{DeviceBytes: 1 << 30, CommitToDevice: true})
	defer s.Close()
	val := make([]byte, commitValue)
	var probeT, flashT float64
	b.ResetTimer()
	for r := 0; r < b.N; r++ {
		res, err := p.Run(benchWriters, round)
		if err != nil {
			b.Fatal(err)
		}
		probeT += res.Elapsed.Seconds()
		flashT += round / runWriters(b, round, func(_, i int) error { return s.Set(benchKey(r*round+i), val) })
	}
	n := float64(b.N * round)
	b.ReportMetric(n/probeT, "probe-acks/s")
	b.ReportMetric(n/flashT, "flash-acks/s")
	b.ReportMetric(probeT/flashT, "ratio")
}

// BenchmarkColdStart fills a device sized to the data with -flash.records
// records of -flash.value bytes, closes it, and times Open's scan; then
// reads the same file sequentially in 1 MiB reads, and reports the scan's
// rate over the raw read's (target >= 0.5). cache=warm reads both from the
// page cache (a restart after a kill: the file was just written), the
// harshest comparison, where the raw read is a memory copy;
// cache=evicted drops the file's pages (posix_fadvise DONTNEED, this file
// only) before each, so both read the disk (a restart after a reboot).
func BenchmarkColdStart(b *testing.B) {
	n, vlen := *benchRecords, *benchValue
	rec := paddedLen(len(benchKey(0)), vlen)
	o := Options{FS: vfs.Default, Dir: b.TempDir(), WriteBlock: 1 << 20}
	blocks := int64(n)/((o.WriteBlock-blockHeaderSize)/int64(rec)) + 1
	o.DeviceBytes = (blocks*21/20 + 8) * o.WriteBlock // + the 5 % reserve, the header, the buffers
	s := benchStore(b, o)
	val := make([]byte, vlen)
	for i := range val {
		val[i] = byte(rand.IntN(256))
	}
	runWriters(b, n, func(_, i int) error { return s.Set(benchKey(i-1), val) })
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	for _, evict := range []bool{false, true} {
		b.Run(map[bool]string{false: "cache=warm", true: "cache=evicted"}[evict], func(b *testing.B) {
			var cs ColdStartStats
			var scanT, rawT time.Duration
			for range b.N {
				dropCache(b, o, evict)
				s, err := Open(o)
				if err != nil {
					b.Fatal(err)
				}
				cs = s.ColdStart()
				scanT += cs.Duration
				s.Close()
				dropCache(b, o, evict)
				rawT += rawRead(b, o)
			}
			if cs.Records != int64(n) {
				b.Fatalf("cold start found %d records, want %d", cs.Records, n)
			}
			perRun := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
			b.ReportMetric(float64(cs.Records)/perRun(scanT), "records/s")
			b.ReportMetric(float64(cs.BytesScanned)/1e6/perRun(scanT), "scan-MB/s")
			b.ReportMetric(float64(o.DeviceBytes)/1e6/perRun(rawT), "raw-MB/s")
			b.ReportMetric(float64(cs.BytesScanned)/float64(o.DeviceBytes)*perRun(rawT)/perRun(scanT), "ratio")
		})
	}
}

// dropCache evicts the device file's pages from the page cache.
func dropCache(b *testing.B, o Options, evict bool) {
	if !evict {
		return
	}
	f, err := os.Open(filepath.Join(o.Dir, DeviceFile))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		b.Fatal(err)
	}
}

// rawRead reads the device file sequentially, 1 MiB at a time.
func rawRead(b *testing.B, o Options) time.Duration {
	f, err := o.FS.Open(filepath.Join(o.Dir, DeviceFile))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	start := time.Now()
	for off := int64(0); off < o.DeviceBytes; off += int64(len(buf)) {
		if _, err := f.ReadAt(buf, off); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkBloat overwrites 20 000 keys of 1 KiB uniformly, ten times
// over, on a 256 MiB device, sampling device bytes in use (blocks not
// free) against the live logical bytes (keys and values): the space the
// defrag low-water mark lets garbage take, record headers and padding
// included. rate=max is one writer as fast as it goes (defrag, on the same
// two cores, falls behind); rate=50k paces it to 50 000 writes/s.
func BenchmarkBloat(b *testing.B) {
	for _, rate := range []int{0, 50000} {
		name := "rate=max"
		if rate > 0 {
			name = fmt.Sprintf("rate=%dk", rate/1000)
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				bloat(b, rate)
			}
		})
	}
}

func bloat(b *testing.B, rate int) {
	const keys, vlen = 20000, 1024
	s := benchStore(b, Options{DeviceBytes: 256 << 20, FlushMax: 100 * time.Millisecond})
	val := make([]byte, vlen)
	rng := rand.New(rand.NewPCG(1, 2))
	logical := float64(keys * (len(benchKey(0)) + vlen))
	var peak, sum float64
	samples := 0
	start := time.Now()
	for i := 0; i < 10*keys; i++ {
		k := i
		if i >= keys {
			k = rng.IntN(keys)
		}
		if err := s.Set(benchKey(k), val); err != nil {
			b.Fatal(err)
		}
		if rate > 0 && i%100 == 0 {
			if d := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); d > 0 {
				time.Sleep(d)
			}
		}
		if i >= keys && i%1000 == 0 {
			r := float64(s.Stats().DeviceBytesUsed) / logical
			peak, sum, samples = max(peak, r), sum+r, samples+1
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	st := s.Stats()
	b.ReportMetric(peak, "peak-bloat")
	b.ReportMetric(sum/float64(samples), "mean-bloat")
	b.ReportMetric(st.WriteAmplification(), "write-amp")
	b.ReportMetric(float64(st.DefragBlocks), "defrag-blocks")
}
