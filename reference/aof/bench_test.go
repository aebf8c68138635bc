package aof

import (
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

const (
	benchWriters = 64
	benchValue   = 4096
)

// fsyncProbe is the raw group commit the AOF is measured against: append
// to a shared buffer, and the first waiter that finds no flush running
// writes everything queued and fdatasyncs once. No RESP, no manifest, no
// policy: the disk's limit for acknowledged writes.
type fsyncProbe struct {
	mu       sync.Mutex
	cond     *sync.Cond
	f        vfs.File
	off      int64
	buf      []byte
	spare    []byte
	queued   uint64
	synced   uint64
	flushing bool
	syncs    int64
}

func newFsyncProbe(b *testing.B) *fsyncProbe {
	f, err := vfs.Default.Create(filepath.Join(b.TempDir(), "probe.aof"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	p := &fsyncProbe{f: f}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *fsyncProbe) commit(key []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = AppendSet(p.buf, key, benchVal)
	p.queued++
	t := p.queued
	for p.synced < t {
		if p.flushing {
			p.cond.Wait()
			continue
		}
		data, hi := p.buf, p.queued
		p.buf, p.spare, p.flushing = p.spare[:0], nil, true
		p.mu.Unlock()
		_, err := p.f.WriteAt(data, p.off)
		if err == nil {
			err = p.f.Sync()
		}
		p.mu.Lock()
		p.flushing = false
		p.spare = data[:0]
		p.cond.Broadcast()
		if err != nil {
			return err
		}
		p.off += int64(len(data))
		p.synced = hi
		p.syncs++
	}
	return nil
}

// runWriters runs n acknowledged writes from benchWriters goroutines and
// returns the acknowledged writes per second.
func runWriters(b *testing.B, n int, write func(w, i int) error) float64 {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, benchWriters)
	start := time.Now()
	for w := 0; w < benchWriters; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1))
				if i > n {
					return
				}
				if err := write(w, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}

func benchKey(w, i int) []byte { return []byte(fmt.Sprintf("w%02d:%012d", w, i)) }

var benchVal = make([]byte, benchValue)

// BenchmarkFsyncProbe: 64 goroutines append 4 KiB records (the same RESP
// bytes the AOF writes) to one file with group-committed fdatasync.
func BenchmarkFsyncProbe(b *testing.B) {
	p := newFsyncProbe(b)
	b.ResetTimer()
	acks := runWriters(b, b.N, func(w, i int) error {
		return p.commit(benchKey(w, i))
	})
	b.ReportMetric(acks, "acks/s")
	b.ReportMetric(float64(b.N)/float64(max(p.syncs, 1)), "writes/fsync")
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
	p := newFsyncProbe(b)
	a, err := Open(Options{Dir: b.TempDir(), Fsync: FsyncAlways})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	var probeT, aofT float64 // seconds spent
	ratios := make([]float64, 0, b.N)
	b.ResetTimer()
	for r := 0; r < b.N; r++ {
		pr := runWriters(b, round, func(w, i int) error {
			return p.commit(benchKey(w, i))
		})
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
	b.ReportMetric(n/float64(max(p.syncs, 1)), "probe-writes/fsync")
	b.ReportMetric(n/float64(max(a.Stats().Fsyncs, 1)), "aof-writes/fsync")
}
