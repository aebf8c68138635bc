package aof

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// state is the key/value map a replay builds.
type state map[string]string

func (s state) apply(del bool, key, value []byte) error {
	if del {
		delete(s, string(key))
	} else {
		s[string(key)] = string(value)
	}
	return nil
}

func loadState(t *testing.T, o Options) (state, LoadStats) {
	t.Helper()
	s := state{}
	ls, err := Load(o, fakeRDBDecode, s.apply)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s, ls
}

func diffState(got, want state) string {
	var keys []string
	for k := range want {
		if got[k] != want[k] {
			keys = append(keys, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	k := keys[0]
	return fmt.Sprintf("%d keys differ; first %q: got %q, want %q", len(keys), k, got[k], want[k])
}

func mustOpen(t *testing.T, o Options) *AOF {
	t.Helper()
	a, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return a
}

func put(t *testing.T, a *AOF, epoch uint64, del bool, k, v string) {
	t.Helper()
	tk, err := a.Append(epoch, del, []byte(k), []byte(v))
	if err != nil {
		t.Fatalf("Append(%s): %v", k, err)
	}
	if err := a.Wait(tk); err != nil {
		t.Fatalf("Wait(%s): %v", k, err)
	}
}

func TestFreshLayoutAndExactBytes(t *testing.T) {
	for _, policy := range []string{FsyncAlways, FsyncEverysec, FsyncNo} {
		t.Run(policy, func(t *testing.T) {
			dir := t.TempDir()
			o := Options{Dir: dir, Fsync: policy}
			a := mustOpen(t, o)
			put(t, a, 0, false, "k1", "v1")
			put(t, a, 0, true, "k1", "")
			put(t, a, 0, false, "k2", "v2")
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			ad := filepath.Join(dir, "appendonlydir")
			names, _ := vfs.Default.List(ad)
			wantNames := []string{"appendonly.aof.1.base.aof", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"}
			if fmt.Sprint(names) != fmt.Sprint(wantNames) {
				t.Errorf("files = %v, want %v", names, wantNames)
			}
			man, _ := os.ReadFile(filepath.Join(ad, "appendonly.aof.manifest"))
			if want := "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"; string(man) != want {
				t.Errorf("manifest = %q, want %q", man, want)
			}
			incr, _ := os.ReadFile(filepath.Join(ad, "appendonly.aof.1.incr.aof"))
			// One batch per Wait, each opened by its annotation: CRC-32C
			// and length of the records after it (checked by hand).
			want := "#PB:ef6d553e 0000000052\r\n" +
				"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" +
				"*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$2\r\nv1\r\n" +
				"#PB:dc69fd9c 0000000021\r\n" +
				"*2\r\n$3\r\nDEL\r\n$2\r\nk1\r\n" +
				"#PB:70ac813d 0000000029\r\n" +
				"*3\r\n$3\r\nSET\r\n$2\r\nk2\r\n$2\r\nv2\r\n"
			if string(incr) != want {
				t.Errorf("incr = %q, want %q", incr, want)
			}
			got, ls := loadState(t, o)
			if d := diffState(got, state{"k2": "v2"}); d != "" {
				t.Error(d)
			}
			if ls.Files != 2 || ls.Records != 3 {
				t.Errorf("LoadStats = %+v, want 2 files, 3 records", ls)
			}
		})
	}
}

func TestReopenAppendsWithSelect(t *testing.T) {
	o := Options{Dir: t.TempDir(), Fsync: FsyncAlways}
	a := mustOpen(t, o)
	put(t, a, 0, false, "a", "1")
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	a, _, err := LoadAndOpen(o, nil, state{}.apply)
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, 0, false, "b", "2")
	if got := a.Size(); got != 2*int64(batchHdrLen+len(AppendSelect(nil, 0)))+int64(len(AppendSet(nil, []byte("a"), []byte("1")))*2) {
		t.Errorf("Size = %d", got)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, state{"a": "1", "b": "2"}); d != "" {
		t.Error(d)
	}
	if _, err := a.Append(0, false, []byte("x"), nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}

// TestGroupCommit: many concurrent writers under always share fdatasyncs,
// and every acknowledged write is in the file.
func TestGroupCommit(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default, syncDelay: 300 * time.Microsecond}
	o := Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncAlways}
	a := mustOpen(t, o)
	ffs.incrSyncs.Store(0) // count from here: Open synced the new empty files
	const writers, per = 64, 40
	want := state{}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		for i := 0; i < per; i++ {
			want[fmt.Sprintf("w%d-%d", w, i)] = fmt.Sprint(i)
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				tk, err := a.Append(1, false, []byte(fmt.Sprintf("w%d-%d", w, i)), []byte(fmt.Sprint(i)))
				if err == nil {
					err = a.Wait(tk)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	st := a.Stats()
	syncs := ffs.incrSyncs.Load()
	t.Logf("%d acknowledged writes, %d fdatasyncs", writers*per, syncs)
	if syncs >= writers*per || st.Fsyncs != syncs {
		t.Errorf("fdatasyncs = %d (stats %d), want fewer than %d writes", syncs, st.Fsyncs, writers*per)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, want); d != "" {
		t.Error(d)
	}
}

// TestAlwaysAcksAfterFsync: under always, Wait does not return while the
// fdatasync covering the write is still running.
func TestAlwaysAcksAfterFsync(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default}
	a := mustOpen(t, Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncAlways})
	defer a.Close()
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	ffs.setSyncHook(func(string) {
		once.Do(func() { close(entered) })
		<-release
	})
	tk, err := a.Append(0, false, []byte("k"), []byte("v"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Wait(tk) }()
	<-entered
	select {
	case err := <-done:
		t.Fatalf("Wait returned (%v) while its fdatasync was still running", err)
	case <-time.After(50 * time.Millisecond):
	}
	ffs.setSyncHook(nil)
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestStickyErrors(t *testing.T) {
	tests := []struct {
		policy string
		fail   func(*faultFS)
		// a record written before its fdatasync failed may be in the file:
		// it was never acknowledged, which is all the policy promises
		mayKeep bool
	}{
		{FsyncAlways, func(f *faultFS) { f.failSync.Store(true) }, true},
		{FsyncAlways, func(f *faultFS) { f.failWrite.Store(true) }, false},
		{FsyncNo, func(f *faultFS) { f.failWrite.Store(true) }, false},
		{FsyncEverysec, func(f *faultFS) { f.failWrite.Store(true) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			ffs := &faultFS{FS: vfs.Default}
			o := Options{FS: ffs, Dir: t.TempDir(), Fsync: tt.policy}
			a := mustOpen(t, o)
			put(t, a, 0, false, "good", "1")
			tt.fail(ffs)
			tk, err := a.Append(0, false, []byte("bad"), []byte("2"))
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Wait(tk); !errors.Is(err, errInjected) {
				t.Fatalf("Wait after failure = %v, want the injected error", err)
			}
			if _, err := a.Append(0, false, []byte("later"), []byte("3")); !errors.Is(err, errInjected) {
				t.Errorf("Append after failure = %v, want the sticky error", err)
			}
			if a.Stats().Err == "" {
				t.Error("Stats.Err is empty after a failure")
			}
			ffs.failSync.Store(false)
			ffs.failWrite.Store(false)
			_ = a.Close()
			got, _ := loadState(t, o)
			want := state{"good": "1"}
			if tt.mayKeep && got["bad"] == "2" {
				want["bad"] = "2"
			}
			if d := diffState(got, want); d != "" {
				t.Errorf("after the failure the file holds: %s", d)
			}
		})
	}
}

// TestEverysecFsyncErrorIsSticky: a failed background fsync stops writes.
func TestEverysecFsyncErrorIsSticky(t *testing.T) {
	ffs := &faultFS{FS: vfs.Default}
	clk := newFakeClock()
	a := mustOpen(t, Options{FS: ffs, Dir: t.TempDir(), Fsync: FsyncEverysec, Clock: clk.Now})
	defer a.Close()
	ffs.failSync.Store(true)
	put(t, a, 0, false, "k", "v") // acknowledged once written: everysec
	clk.Advance(1100 * time.Millisecond)
	eventually(t, "the background fsync to fail", func() bool { return a.Err() != nil })
	if _, err := a.Append(0, false, []byte("k2"), nil); !errors.Is(err, errInjected) {
		t.Errorf("Append after failed background fsync = %v, want the injected error", err)
	}
}
