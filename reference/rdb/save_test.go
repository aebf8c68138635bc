package rdb

import (
	"errors"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/persistbench/persistbench/reference/vfs"
)

// writeKeys returns a Save callback writing n keys named prefix0..n-1.
func writeKeys(prefix string, n int) func(*Encoder) error {
	return func(e *Encoder) error {
		if err := e.SelectDB(0, uint64(n), 0); err != nil {
			return err
		}
		for i := range n {
			if err := e.Set([]byte(prefix+strconv.Itoa(i)), []byte("value-"+strconv.Itoa(i))); err != nil {
				return err
			}
		}
		return nil
	}
}

// loadKeys loads dir/dump.rdb and returns its keys and values.
func loadKeys(t *testing.T, fs vfs.FS, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	if _, err := Load(fs, filepath.Join(dir, "dump.rdb"), func(k, v []byte, exp int64) error {
		m[string(k)] = string(v)
		return nil
	}); err != nil {
		t.Fatalf("load: %v", err)
	}
	return m
}

// noTemp fails if a temp file of Save is left in dir.
func noTemp(t *testing.T, fs vfs.FS, dir string) {
	t.Helper()
	names, err := fs.List(dir)
	must(t, err)
	for _, n := range names {
		if IsTemp(n) {
			t.Errorf("temp file %s left behind", n)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	dir := t.TempDir()
	st, err := Save(vfs.Default, dir, "dump.rdb", Options{Compress: true}, writeKeys("k", 1000))
	must(t, err)
	fi, err := vfs.Default.Stat(filepath.Join(dir, "dump.rdb"))
	must(t, err)
	if st.Keys != 1000 || st.Bytes != fi.Size() || st.Duration <= 0 {
		t.Errorf("stats %+v, file %d bytes", st, fi.Size())
	}
	if m := loadKeys(t, vfs.Default, dir); len(m) != 1000 || m["k999"] != "value-999" {
		t.Errorf("loaded %d keys, k999=%q", len(m), m["k999"])
	}
	noTemp(t, vfs.Default, dir)
}

// TestSaveFailureKeepsOldFile injects a failure at each step of Save: the
// temp file is gone, the previous dump.rdb is intact, and the error wraps
// the cause.
func TestSaveFailureKeepsOldFile(t *testing.T) {
	errWrite := errors.New("write callback failed")
	tests := []struct {
		name  string
		fault *vfs.Fault
		write func(*Encoder) error
		want  error
	}{
		{"write callback fails", nil, func(e *Encoder) error {
			_ = writeKeys("new", 10)(e)
			return errWrite
		}, errWrite},
		{"disk full midway", &vfs.Fault{Op: vfs.OpWrite, Path: "temp-", Err: syscall.ENOSPC, After: 1}, nil, syscall.ENOSPC},
		{"first write fails", &vfs.Fault{Op: vfs.OpWrite, Path: "temp-", Err: syscall.EIO}, nil, syscall.EIO},
		{"fsync fails", &vfs.Fault{Op: vfs.OpSync, Err: syscall.EIO}, nil, syscall.EIO},
		{"close fails", &vfs.Fault{Op: vfs.OpClose, Path: "temp-", Err: syscall.EIO}, nil, syscall.EIO},
		{"rename fails", &vfs.Fault{Op: vfs.OpRename, Err: syscall.EXDEV}, nil, syscall.EXDEV},
		{"create fails", &vfs.Fault{Op: vfs.OpCreate, Err: syscall.EACCES}, nil, syscall.EACCES},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Save(vfs.Default, dir, "dump.rdb", Options{}, writeKeys("old", 5))
			must(t, err)
			fs := vfs.NewErrorFS(vfs.Default)
			if tt.fault != nil {
				fs.Inject(*tt.fault)
			}
			write := tt.write
			if write == nil {
				write = writeKeys("new", 300000) // > 1 MiB: several writes
			}
			_, err = Save(fs, dir, "dump.rdb", Options{}, write)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Save: %v, want it to wrap %v", err, tt.want)
			}
			fs.Clear()
			noTemp(t, fs, dir)
			if m := loadKeys(t, fs, dir); len(m) != 5 || m["old4"] != "value-4" {
				t.Fatalf("old dump changed: %d keys", len(m))
			}
		})
	}
}

// TestSaveSurvivesPowerCut runs Save on the crash-simulating file system:
// once Save returns, a power cut keeps the new snapshot (the file and the
// directory were synced); a Save that fails at the directory sync leaves
// the old one after the cut, and no temp file.
func TestSaveSurvivesPowerCut(t *testing.T) {
	cfs := vfs.NewCrash(vfs.CrashOptions{Seed: 1, Writeback: -1})
	must(t, cfs.MkdirAll("/data", 0o755))
	_, err := Save(cfs, "/data", "dump.rdb", Options{}, writeKeys("first", 100))
	must(t, err)
	cfs.PowerCut()
	if m := loadKeys(t, cfs, "/data"); len(m) != 100 || m["first99"] != "value-99" {
		t.Fatalf("after the cut: %d keys", len(m))
	}

	efs := vfs.NewErrorFS(cfs)
	efs.Inject(vfs.Fault{Op: vfs.OpSyncDir, Err: syscall.EIO})
	st, err := Save(efs, "/data", "dump.rdb", Options{}, writeKeys("second", 50))
	if !errors.Is(err, syscall.EIO) || st.Keys != 50 {
		t.Fatalf("Save with failing directory sync: %v, stats %+v", err, st)
	}
	if m := loadKeys(t, cfs, "/data"); len(m) != 50 {
		t.Fatalf("before the cut the new file is in place: %d keys", len(m))
	}
	cfs.PowerCut()
	if m := loadKeys(t, cfs, "/data"); len(m) != 100 {
		t.Fatalf("after the cut the rename is undone: %d keys, want the first snapshot's 100", len(m))
	}
	noTemp(t, cfs, "/data")
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		"temp-123-0badf00d.rdb": true, "temp-9.rdb": true, "dump.rdb": false,
		"temp-1.rdb.bak": false, "appendonly.aof.1.base.rdb": false,
	} {
		if IsTemp(name) != want {
			t.Errorf("IsTemp(%q) = %v", name, !want)
		}
	}
}
