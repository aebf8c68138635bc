package vfs

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"
)

func TestCrashErrors(t *testing.T) {
	fs := NewCrash(CrashOptions{})
	must(t, fs.MkdirAll("/d/sub", 0o755))
	writeFile(t, fs, "/d/file", "x", false)
	ro, err := fs.Open("/d/file")
	must(t, err)
	closed, err := fs.Open("/d/file")
	must(t, err)
	must(t, closed.Close())
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"open missing", second(fs.Open("/d/missing")), errNotExist},
		{"create in missing dir", second(fs.Create("/nope/a")), errNotExist},
		{"create over a dir", second(fs.Create("/d/sub")), syscall.EISDIR},
		{"open a dir", second(fs.Open("/d")), syscall.EISDIR},
		{"remove non-empty dir", fs.Remove("/d"), syscall.ENOTEMPTY},
		{"remove missing", fs.Remove("/d/missing"), errNotExist},
		{"rename missing", fs.Rename("/d/missing", "/d/x"), errNotExist},
		{"rename over a dir", fs.Rename("/d/file", "/d/sub"), syscall.EISDIR},
		{"mkdir through a file", fs.MkdirAll("/d/file/x", 0o755), syscall.ENOTDIR},
		{"list missing", second(fs.List("/nope")), errNotExist},
		{"stat missing", second(fs.Stat("/d/missing")), errNotExist},
		{"syncdir missing", fs.SyncDir("/nope"), errNotExist},
		{"write read-only", second(ro.Write([]byte("x"))), syscall.EBADF},
		{"read closed", second(closed.Read(make([]byte, 1))), os.ErrClosed},
	}
	for _, tc := range tests {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

var errNotExist = fs.ErrNotExist

func second[T any](_ T, err error) error { return err }

func TestCrashPathsAreCleaned(t *testing.T) {
	fs := NewCrash(CrashOptions{})
	must(t, fs.MkdirAll("data/dir/", 0o755))
	writeFile(t, fs, "/data/./dir/../dir/f", "x", false)
	if got, ok := content(t, fs, "data/dir/f"); !ok || got != "x" {
		t.Errorf("data/dir/f = %q, %v; want %q", got, ok, "x")
	}
	names, err := fs.List("/")
	must(t, err)
	if len(names) != 1 || names[0] != "data" {
		t.Errorf("List(/) = %v, want [data]", names)
	}
	fi, err := fs.Stat("/data")
	must(t, err)
	if !fi.IsDir() || fi.Mode()&os.ModeDir == 0 {
		t.Errorf("Stat(/data) is not a directory: %v", fi.Mode())
	}
}
