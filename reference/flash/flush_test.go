package flash

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// TestFlushMax: without commit-to-device a write is acknowledged from the
// buffer, lost by a power cut until flush-max has passed and the partial
// block was written in place, and kept after.
func TestFlushMax(t *testing.T) {
	for _, kill := range []bool{false, true} {
		t.Run(fmt.Sprintf("kill=%v", kill), func(t *testing.T) {
			fs := vfs.NewCrash(vfs.CrashOptions{})
			o := small(fs)
			o.FlushMax = 30 * time.Millisecond
			flushed := make(chan time.Time, 16)
			o.OnEvent = func(kind string, at time.Time, _ time.Duration, _ string) {
				if kind == "flush" {
					flushed <- at
				}
			}
			crash := func(s *Store) *Store {
				s.Abandon()
				if kill {
					fs.Kill()
				} else {
					fs.PowerCut()
				}
				return mustOpen(t, o)
			}
			s := mustOpen(t, o)
			mustSet(t, s, "a", "1")
			s = crash(s) // at once: the buffer is lost, kill or power cut alike
			wantGet(t, s, "a", "", false)
			mustSet(t, s, "a", "2")
			acked := time.Now()
			at := <-flushed
			if at.Before(acked.Add(-time.Millisecond)) || time.Since(acked) < o.FlushMax {
				t.Fatalf("flush frontier %v for a write acknowledged at %v, flush-max %v", at, acked, o.FlushMax)
			}
			mustSet(t, s, "b", "3") // after the flush: in the buffer only
			s = crash(s)
			defer s.Close()
			wantGet(t, s, "a", "2", true)
			wantGet(t, s, "b", "", false)
			if st := s.Stats(); st.ColdStart.RecordsScanned != 1 {
				t.Fatalf("cold start found %d records, want 1", st.ColdStart.RecordsScanned)
			}
		})
	}
}

// TestCommitToDevice: an acknowledged write survives a power cut that
// keeps nothing unsynced, and concurrent writers share fdatasyncs.
func TestCommitToDevice(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	// A sync as slow as a disk's, so that writers queue behind it.
	slow := vfs.NewErrorFS(fs)
	slow.Inject(vfs.Fault{Op: vfs.OpSync, Delay: 200 * time.Microsecond})
	o := small(slow)
	o.CommitToDevice = true
	o.FlushMax = time.Hour
	s := mustOpen(t, o)
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if err := s.Set([]byte(fmt.Sprintf("w%d-%d", w, i)), value("v", i, 100)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	t.Logf("640 writes, %d fdatasyncs", st.Syncs)
	if st.Syncs >= st.Sets {
		t.Errorf("%d fdatasyncs for %d concurrent writes: no group commit", st.Syncs, st.Sets)
	}
	s.Abandon()
	fs.PowerCut()
	slow.Clear()
	s = mustOpen(t, o)
	defer s.Close()
	if n := s.Len(); n != 640 {
		t.Fatalf("%d of 640 acknowledged writes survived the power cut", n)
	}
}

// TestPostWriteCache: reads of a block just written come from memory while
// the cache holds it, from the device after.
func TestPostWriteCache(t *testing.T) {
	cases := []struct {
		cache    int64
		wantHits bool
	}{
		{0, false},
		{1 << 20, true},
	}
	for _, c := range cases {
		o := small(vfs.NewCrash(vfs.CrashOptions{}))
		o.PostWriteCache = c.cache
		s := mustOpen(t, o)
		for i := 0; i < 100; i++ { // ~4 blocks
			mustSet(t, s, fmt.Sprint(i), string(value("v", i, 600)))
		}
		waitFor(t, "blocks flushed", func() bool { return s.Stats().Flushes >= 3 })
		before := s.Stats()
		for i := 0; i < 20; i++ { // in the first, flushed, block
			if _, ok, err := s.Get([]byte(fmt.Sprint(i)), nil); !ok || err != nil {
				t.Fatalf("Get(%d): %v %v", i, ok, err)
			}
		}
		st := s.Stats()
		hits, misses := st.CacheHits-before.CacheHits, st.CacheMisses-before.CacheMisses
		if (hits == 20) != c.wantHits || hits+misses != 20 {
			t.Fatalf("cache %d: %d hits, %d misses", c.cache, hits, misses)
		}
		s.Close()
	}
}
