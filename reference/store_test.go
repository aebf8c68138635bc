package reference

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/aof"
	"github.com/persistbench/persistbench/reference/vfs"
)

func openStore(t *testing.T, fs vfs.FS, p Persistence) *Store {
	t.Helper()
	s, err := OpenStore("/data", Options{FS: fs, Shards: 8}, p)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	return s
}

func mustSet(t *testing.T, s *Store, k, v string) {
	t.Helper()
	if err := s.Set([]byte(k), []byte(v)); err != nil {
		t.Fatalf("Set %s: %v", k, err)
	}
}

// storeState reads keys from s.
func storeState(s *Store, keys []string) map[string]string {
	return dbState(s.DB, keys)
}

// TestOpenStoreRecovers: a cleanly closed store reopens with what its
// persistence kept — the AOF when there is one (Redis prefers it, also
// over a dump.rdb beside it), else the last snapshot, else nothing.
func TestOpenStoreRecovers(t *testing.T) {
	withRewrite := func(p Persistence) Persistence { p.RewritePercent, p.RewriteMinBytes = 100, 1; return p }
	dual := aofPersistence(aof.FsyncEverysec, false)
	dual.Save = fastSave
	for _, tc := range []struct {
		name    string
		p       Persistence
		source  string
		rewrite bool // rewrite the AOF half way
		all     bool // the writes after the snapshot survive
	}{
		{"none", Persistence{}, "", false, false},
		{"rdb", Persistence{Save: fastSave, RDBCompression: true}, "rdb", false, false},
		{"aof-always", aofPersistence(aof.FsyncAlways, false), "aof", false, true},
		{"aof-everysec rewritten", withRewrite(aofPersistence(aof.FsyncEverysec, false)), "aof", true, true},
		{"aof-no", aofPersistence(aof.FsyncNo, false), "aof", false, true},
		{"aof-preamble rewritten", aofPersistence(aof.FsyncEverysec, true), "aof", true, true},
		{"dual", dual, "aof", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := vfs.NewCrash(vfs.CrashOptions{})
			s := openStore(t, fs, tc.p)
			for i := range 50 {
				mustSet(t, s, fmt.Sprint("k", i), strings.Repeat("v", i))
			}
			if _, err := s.Delete([]byte("k7")); err != nil {
				t.Fatal(err)
			}
			if tc.rewrite {
				if err := s.BGRewriteAOF(); err != nil {
					t.Fatal(err)
				}
				waitChild(t, s)
			}
			if len(tc.p.Save) > 0 {
				if err := s.BGSave(); err != nil {
					t.Fatal(err)
				}
				waitChild(t, s)
			}
			mustSet(t, s, "k1", "after the snapshot")
			var keys []string
			for i := range 50 {
				keys = append(keys, fmt.Sprint("k", i))
			}
			want := storeState(s, keys)
			if !tc.all {
				want["k1"] = "v"
			}
			if tc.source == "" {
				want = map[string]string{}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			s = openStore(t, fs, tc.p)
			defer s.Close()
			if d := diffState(want, storeState(s, keys)); d != "" {
				t.Fatalf("recovered state: %s", d)
			}
			rec := s.Recovery()
			if rec.Source != tc.source || (tc.source != "" && (rec.Records < 49 || rec.Bytes <= 0)) {
				t.Fatalf("Recovery = %+v, want source %q with the records", rec, tc.source)
			}
		})
	}
}

// TestOpenStoreErrors: a snapshot that cannot be read is an error, never
// an empty store that the next save would write over it; a snapshot-only
// store creates its directory so its saves do not fail.
func TestOpenStoreErrors(t *testing.T) {
	p := Persistence{Save: fastSave}
	t.Run("corrupt dump.rdb", func(t *testing.T) {
		fs := vfs.NewCrash(vfs.CrashOptions{})
		s := openStore(t, fs, p)
		mustSet(t, s, "k", "v")
		if err := s.BGSave(); err != nil {
			t.Fatal(err)
		}
		waitChild(t, s)
		s.Close()
		f, err := fs.OpenReadWrite("/data/dump.rdb")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt([]byte{0xFF}, 12); err != nil {
			t.Fatal(err)
		}
		f.Close()
		_, err = OpenStore("/data", Options{FS: fs}, p)
		if err == nil || !strings.HasPrefix(err.Error(), "reference: recover: rdb:") || !strings.Contains(err.Error(), "dump.rdb") {
			t.Fatalf("OpenStore on a corrupt dump.rdb: %v", err)
		}
	})
	t.Run("unreadable dump.rdb", func(t *testing.T) {
		efs := vfs.NewErrorFS(vfs.NewCrash(vfs.CrashOptions{}))
		efs.Inject(vfs.Fault{Op: vfs.OpStat, Path: "dump.rdb", Err: syscall.EIO})
		_, err := OpenStore("/data", Options{FS: efs}, p)
		if !errors.Is(err, syscall.EIO) {
			t.Fatalf("OpenStore when dump.rdb cannot be stat'ed: %v, want EIO", err)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		fs := vfs.NewCrash(vfs.CrashOptions{})
		s, err := OpenStore("/no/such/dir", Options{FS: fs}, p)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.BGSave(); err != nil {
			t.Fatal(err)
		}
		waitChild(t, s)
		if ps := s.PersistStats(); ps.Snapshots != 1 {
			t.Fatalf("snapshot in a directory OpenStore had to create: %+v", ps)
		}
	})
}

// TestOneChildAtATime: while a snapshot runs (its fsync held up), a second
// BGSave and a BGRewriteAOF are refused, as Redis runs one child.
func TestOneChildAtATime(t *testing.T) {
	efs := vfs.NewErrorFS(vfs.NewCrash(vfs.CrashOptions{}))
	s := openStore(t, efs, aofPersistence(aof.FsyncAlways, false))
	defer s.Close()
	mustSet(t, s, "k", "v")
	efs.Inject(vfs.Fault{Op: vfs.OpSync, Path: "temp-", Delay: 200 * time.Millisecond, Once: true})
	if err := s.BGSave(); err != nil {
		t.Fatal(err)
	}
	if err := s.BGSave(); !errors.Is(err, errBusy) {
		t.Errorf("second BGSave: %v, want busy", err)
	}
	if err := s.BGRewriteAOF(); !errors.Is(err, errBusy) {
		t.Errorf("BGRewriteAOF during a BGSave: %v, want busy", err)
	}
	waitChild(t, s)
	if err := s.BGRewriteAOF(); err != nil {
		t.Errorf("BGRewriteAOF after the BGSave: %v", err)
	}
	waitChild(t, s)
	snapOnly := openStore(t, vfs.NewCrash(vfs.CrashOptions{}), Persistence{Save: fastSave})
	defer snapOnly.Close()
	if err := snapOnly.BGRewriteAOF(); err == nil {
		t.Error("BGRewriteAOF without an AOF succeeded")
	}
}

// TestCronFiresSavePointsAndRewrites: the 100 ms cron starts a snapshot
// once a save point is met (1 s, 1 change) and a rewrite once the AOF
// outgrew the rewrite rule, and reports both as events.
func TestCronFiresSavePointsAndRewrites(t *testing.T) {
	var mu sync.Mutex
	events := map[string]int{}
	p := aofPersistence(aof.FsyncNo, false)
	p.Save, p.RewriteMinBytes = fastSave, 4<<10
	p.OnEvent = func(kind string, _ time.Time, _ time.Duration, detail string) {
		mu.Lock()
		events[kind]++
		mu.Unlock()
	}
	s := openStore(t, vfs.NewCrash(vfs.CrashOptions{}), p)
	defer s.Close()
	for i := range 100 {
		mustSet(t, s, fmt.Sprint("k", i), strings.Repeat("x", 100))
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.PersistStats().Snapshots == 0 || s.AOFStats().Rewrites == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %+v, AOF %+v", s.PersistStats(), s.AOFStats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitChild(t, s)
	mu.Lock()
	defer mu.Unlock()
	if events["snapshot"] == 0 || events[aof.EventRewrite] == 0 {
		t.Fatalf("events %v, want a snapshot and a rewrite", events)
	}
}

// TestPersistenceClock: Persistence.Clock is the AOF's clock — with one
// that jumps 100 ms at each reading, every fsync looks slow.
func TestPersistenceClock(t *testing.T) {
	var mu sync.Mutex
	now, slow := time.Unix(0, 0), 0
	p := aofPersistence(aof.FsyncAlways, false)
	p.Clock = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(100 * time.Millisecond)
		return now
	}
	p.OnEvent = func(kind string, _ time.Time, d time.Duration, _ string) {
		if kind == aof.EventFsyncSlow && d >= 100*time.Millisecond {
			mu.Lock()
			slow++
			mu.Unlock()
		}
	}
	s := openStore(t, vfs.NewCrash(vfs.CrashOptions{}), p)
	defer s.Close()
	mustSet(t, s, "k", "v")
	mu.Lock()
	defer mu.Unlock()
	if slow == 0 {
		t.Fatal("no fsync-slow event: the AOF does not read Persistence.Clock")
	}
}

// TestFailedFsyncIsNotAcknowledged: under aof-always a write whose fsync
// failed returns the error, and so does every later write, as Redis stops
// accepting writes rather than acknowledge what it could not persist.
func TestFailedFsyncIsNotAcknowledged(t *testing.T) {
	efs := vfs.NewErrorFS(vfs.NewCrash(vfs.CrashOptions{}))
	s := openStore(t, efs, aofPersistence(aof.FsyncAlways, false))
	defer s.Close()
	mustSet(t, s, "before", "v")
	efs.Inject(vfs.Fault{Op: vfs.OpSync, Path: ".incr.aof", Err: syscall.EIO, Once: true})
	if err := s.Set([]byte("k"), []byte("v")); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Set with a failing fsync: %v, want EIO", err)
	}
	if err := s.Set([]byte("k2"), []byte("v")); err == nil {
		t.Fatal("a write after a failed fsync was acknowledged")
	}
	if st := s.AOFStats(); st.Err == "" {
		t.Fatalf("AOF stats carry no error: %+v", st)
	}
}
