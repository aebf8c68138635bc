package vfs

import (
	"errors"
	"strings"
	"testing"
)

// absent marks a file that must not exist after the crash.
const absent = "<absent>"

func TestCrashDurability(t *testing.T) {
	page := func(c string, n int) string { return strings.Repeat(c, n*PageSize) }
	tests := []struct {
		name  string
		kill  bool // Kill instead of PowerCut
		steps func(t *testing.T, fs *CrashFS)
		want  map[string]string
	}{
		{
			name:  "synced file in an unsynced directory vanishes",
			steps: func(t *testing.T, fs *CrashFS) { writeFile(t, fs, "/d/a", "hello", true) },
			want:  map[string]string{"/d/a": absent},
		},
		{
			name:  "synced file in a synced directory survives",
			steps: func(t *testing.T, fs *CrashFS) { durableFile(t, fs, "/d/a", "hello") },
			want:  map[string]string{"/d/a": "hello"},
		},
		{
			name: "directory synced, file not: an empty file",
			steps: func(t *testing.T, fs *CrashFS) {
				writeFile(t, fs, "/d/a", "hello", false)
				must(t, fs.SyncDir("/d"))
			},
			want: map[string]string{"/d/a": ""},
		},
		{
			name: "unsynced append is lost",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello")
				appendFile(t, fs, "/d/a", " world", false)
			},
			want: map[string]string{"/d/a": "hello"},
		},
		{
			name: "synced append survives",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello")
				appendFile(t, fs, "/d/a", " world", true)
			},
			want: map[string]string{"/d/a": "hello world"},
		},
		{
			name: "rename without directory sync is undone",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/x", "old")
				durableFile(t, fs, "/d/tmp", "new")
				must(t, fs.Rename("/d/tmp", "/d/x"))
			},
			want: map[string]string{"/d/x": "old", "/d/tmp": "new"},
		},
		{
			name: "rename with directory sync is durable",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/x", "old")
				durableFile(t, fs, "/d/tmp", "new")
				must(t, fs.Rename("/d/tmp", "/d/x"))
				must(t, fs.SyncDir("/d"))
			},
			want: map[string]string{"/d/x": "new", "/d/tmp": absent},
		},
		{
			name: "rename across directories, destination synced only: two names",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/s/tmp", "new")
				must(t, fs.Rename("/s/tmp", "/d/x"))
				must(t, fs.SyncDir("/d"))
			},
			want: map[string]string{"/d/x": "new", "/s/tmp": "new"},
		},
		{
			name: "rename across directories, source synced only: no name",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/s/tmp", "new")
				must(t, fs.Rename("/s/tmp", "/d/x"))
				must(t, fs.SyncDir("/s"))
			},
			want: map[string]string{"/d/x": absent, "/s/tmp": absent},
		},
		{
			name: "rename across directories, both synced",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/s/tmp", "new")
				must(t, fs.Rename("/s/tmp", "/d/x"))
				must(t, fs.SyncDir("/s"))
				must(t, fs.SyncDir("/d"))
			},
			want: map[string]string{"/d/x": "new", "/s/tmp": absent},
		},
		{
			name: "renamed file whose data was never synced is empty",
			steps: func(t *testing.T, fs *CrashFS) {
				writeFile(t, fs, "/d/tmp", "new", false)
				must(t, fs.Rename("/d/tmp", "/d/x"))
				must(t, fs.SyncDir("/d"))
			},
			want: map[string]string{"/d/x": "", "/d/tmp": absent},
		},
		{
			name: "remove without directory sync comes back",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello")
				must(t, fs.Remove("/d/a"))
			},
			want: map[string]string{"/d/a": "hello"},
		},
		{
			name: "remove with directory sync is durable",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello")
				must(t, fs.Remove("/d/a"))
				must(t, fs.SyncDir("/d"))
			},
			want: map[string]string{"/d/a": absent},
		},
		{
			name: "truncate is not durable until sync",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello world")
				f, err := fs.OpenReadWrite("/d/a")
				must(t, err)
				must(t, f.Truncate(5))
			},
			want: map[string]string{"/d/a": "hello world"},
		},
		{
			name: "synced truncate then regrowth reads zeros",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello world")
				f, err := fs.OpenReadWrite("/d/a")
				must(t, err)
				must(t, f.Truncate(5))
				must(t, f.Truncate(8))
				must(t, f.Sync())
			},
			want: map[string]string{"/d/a": "hello\x00\x00\x00"},
		},
		{
			name: "create over a durable file truncates only in the OS",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "old content")
				writeFile(t, fs, "/d/a", "new", false)
			},
			want: map[string]string{"/d/a": "old content"},
		},
		{
			name: "write in the middle of a file is undone page by page",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/dev", page("a", 3))
				f, err := fs.OpenReadWrite("/d/dev")
				must(t, err)
				_, err = f.WriteAt([]byte(page("b", 1)), PageSize/2)
				must(t, err)
			},
			want: map[string]string{"/d/dev": page("a", 3)},
		},
		{
			name: "synced write in the middle of a file",
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/dev", page("a", 3))
				f, err := fs.OpenReadWrite("/d/dev")
				must(t, err)
				_, err = f.WriteAt([]byte(page("b", 1)), PageSize/2)
				must(t, err)
				must(t, f.Sync())
			},
			want: map[string]string{"/d/dev": page("a", 1)[:PageSize/2] + page("b", 1) + page("a", 2)[PageSize/2:]},
		},
		{
			name: "kill keeps what the OS holds",
			kill: true,
			steps: func(t *testing.T, fs *CrashFS) {
				durableFile(t, fs, "/d/a", "hello")
				appendFile(t, fs, "/d/a", " world", false)
				writeFile(t, fs, "/d/b", "unsynced", false)
				must(t, fs.Rename("/d/b", "/d/c"))
			},
			want: map[string]string{"/d/a": "hello world", "/d/b": absent, "/d/c": "unsynced"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := NewCrash(CrashOptions{Writeback: -1})
			must(t, fs.MkdirAll("/d", 0o755))
			must(t, fs.MkdirAll("/s", 0o755))
			tc.steps(t, fs)
			if tc.kill {
				fs.Kill()
			} else {
				fs.PowerCut()
			}
			for name, want := range tc.want {
				got, ok := content(t, fs, name)
				if !ok {
					got = absent
				}
				if got != want {
					t.Errorf("%s = %.40q (%d bytes), want %.40q (%d bytes)", name, got, len(got), want, len(want))
				}
			}
		})
	}
}

func TestCrashKillInvalidatesHandles(t *testing.T) {
	for _, cut := range []struct {
		name string
		do   func(*CrashFS)
	}{{"kill", (*CrashFS).Kill}, {"power cut", (*CrashFS).PowerCut}} {
		t.Run(cut.name, func(t *testing.T) {
			fs := NewCrash(CrashOptions{})
			durableFile(t, fs, "/a", "hello")
			f, err := fs.OpenReadWrite("/a")
			must(t, err)
			cut.do(fs)
			buf := make([]byte, 5)
			ops := map[string]func() error{
				"Write":    func() error { _, err := f.Write([]byte("x")); return err },
				"WriteAt":  func() error { _, err := f.WriteAt([]byte("x"), 0); return err },
				"Read":     func() error { _, err := f.Read(buf); return err },
				"ReadAt":   func() error { _, err := f.ReadAt(buf, 0); return err },
				"Sync":     f.Sync,
				"Truncate": func() error { return f.Truncate(0) },
				"Size":     func() error { _, err := f.Size(); return err },
			}
			for op, call := range ops {
				if err := call(); !errors.Is(err, ErrKilled) {
					t.Errorf("%s after %s: err = %v, want ErrKilled", op, cut.name, err)
				}
			}
			if got, _ := content(t, fs, "/a"); got != "hello" {
				t.Errorf("new handle reads %q, want %q", got, "hello")
			}
			appendFile(t, fs, "/a", "!", false)
			if got, _ := content(t, fs, "/a"); got != "hello!" {
				t.Errorf("after a new write: %q, want %q", got, "hello!")
			}
		})
	}
}

func TestCrashProcessViewUntilCut(t *testing.T) {
	fs := NewCrash(CrashOptions{Writeback: -1})
	must(t, fs.MkdirAll("/d", 0o755))
	durableFile(t, fs, "/d/a", "durable")
	writeFile(t, fs, "/d/b", "not durable", true)
	appendFile(t, fs, "/d/a", "+more", false)

	check := func(when string, names []string, sizeA int64) {
		t.Helper()
		got, err := fs.List("/d")
		must(t, err)
		if strings.Join(got, ",") != strings.Join(names, ",") {
			t.Errorf("%s: List = %v, want %v", when, got, names)
		}
		fi, err := fs.Stat("/d/a")
		must(t, err)
		if fi.Size() != sizeA || fi.IsDir() || fi.Name() != "a" {
			t.Errorf("%s: Stat(/d/a) = %s size %d dir %v, want size %d", when, fi.Name(), fi.Size(), fi.IsDir(), sizeA)
		}
	}
	check("before the cut", []string{"a", "b"}, int64(len("durable+more")))
	fs.PowerCut()
	check("after the cut", []string{"a"}, int64(len("durable")))
	st := fs.Stats()
	if st.LastCut.PagesDropped != 1 || st.LastCut.EntriesDropped != 1 || st.DirtyPages != 0 {
		t.Errorf("stats after the cut = %+v, want 1 page (of /d/a) and 1 entry (/d/b) dropped, none dirty", st)
	}
}
