package aof

import (
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

func TestNoPolicyFsyncsOnlyAtClose(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default}
	clk := newFakeClock()
	a := mustOpen(t, Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncNo, Clock: clk.Now})
	ffs.incrSyncs.Store(0) // Open synced the new empty files
	for i := 0; i < 50; i++ {
		put(t, a, 0, false, "k", "v")
		clk.Advance(100 * time.Millisecond)
	}
	time.Sleep(3 * cronInterval) // let the cron run with a clock 5 s ahead
	if n := ffs.incrSyncs.Load(); n != 0 {
		t.Errorf("appendfsync no: %d fdatasyncs before Close, want 0", n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if n := ffs.incrSyncs.Load(); n != 1 {
		t.Errorf("appendfsync no: %d fdatasyncs at Close, want 1 (Redis fsyncs at shutdown)", n)
	}
}

func TestEverysecFsyncsOncePerSecond(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default}
	clk := newFakeClock()
	a := mustOpen(t, Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncEverysec, Clock: clk.Now})
	defer a.Close()
	ffs.incrSyncs.Store(0) // Open synced the new empty files
	for i := 0; i < 20; i++ {
		put(t, a, 0, false, "k", "v")
	}
	if n := ffs.incrSyncs.Load(); n != 0 {
		t.Fatalf("%d fdatasyncs within the first second, want 0", n)
	}
	clk.Advance(time.Second)
	eventually(t, "the first background fsync", func() bool { return ffs.incrSyncs.Load() == 1 })
	put(t, a, 0, false, "k", "v")
	time.Sleep(3 * cronInterval)
	if n := ffs.incrSyncs.Load(); n != 1 {
		t.Errorf("%d fdatasyncs before the next second, want 1", n)
	}
	clk.Advance(time.Second)
	eventually(t, "the second background fsync", func() bool { return ffs.incrSyncs.Load() == 2 })
}

// TestEverysecPostponement follows Redis's flushAppendOnlyFile: while the
// background fsync runs, writes are postponed (kept in memory, yet
// acknowledged); after 2 s they are forced and aof_delayed_fsync counts it.
func TestEverysecPostponement(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default}
	clk := newFakeClock()
	o := Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncEverysec, Clock: clk.Now}
	a := mustOpen(t, o)
	stuck, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ffs.setSyncHook(func(string) {
		once.Do(func() { close(stuck) })
		<-release
	})
	put(t, a, 0, false, "a", "1")
	clk.Advance(time.Second)
	<-stuck // the background fsync is now running and blocked

	before := a.Size()
	put(t, a, 0, false, "b", "2") // acknowledged, not written
	if a.Size() != before {
		t.Errorf("write went to the file while the fsync ran: size %d -> %d", before, a.Size())
	}
	if st := a.Stats(); st.PostponedWrites != 1 || st.DelayedFsyncs != 0 {
		t.Errorf("after a postponed write: %+v", st)
	}
	clk.Advance(2100 * time.Millisecond)
	put(t, a, 0, false, "c", "3") // forced after 2 s
	if a.Size() <= before {
		t.Error("write still postponed after 2 s")
	}
	if st := a.Stats(); st.DelayedFsyncs != 1 {
		t.Errorf("DelayedFsyncs = %d, want 1", st.DelayedFsyncs)
	}
	ffs.setSyncHook(nil)
	close(release)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, state{"a": "1", "b": "2", "c": "3"}); d != "" {
		t.Error(d)
	}
}

func TestSlowFsyncEvent(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default}
	clk := newFakeClock()
	type ev struct {
		kind, detail string
		d            time.Duration
	}
	var mu sync.Mutex
	var events []ev
	o := Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncAlways, Clock: clk.Now, SlowFsync: 10 * time.Millisecond,
		OnEvent: func(kind string, _ time.Time, d time.Duration, detail string) {
			mu.Lock()
			events = append(events, ev{kind, detail, d})
			mu.Unlock()
		}}
	a := mustOpen(t, o)
	defer a.Close()
	put(t, a, 0, false, "fast", "1")
	ffs.setSyncHook(func(string) { clk.Advance(250 * time.Millisecond) })
	put(t, a, 0, false, "slow", "1")
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 1 || events[0].kind != EventFsyncSlow || events[0].d != 250*time.Millisecond || events[0].detail != "appendonly.aof.1.incr.aof" {
		t.Errorf("events = %+v, want one fsync-slow of 250ms on the incr", events)
	}
	if st := a.Stats(); st.SlowFsyncs != 1 || st.FsyncMax != 250*time.Millisecond || st.Fsyncs != 2 {
		t.Errorf("stats = %+v", st)
	}
}
