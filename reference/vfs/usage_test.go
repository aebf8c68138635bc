package vfs

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		fs   FS
		root string
	}{
		{"crash", NewCrash(CrashOptions{}), "/data"},
		{"os", Default, t.TempDir()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sub := filepath.Join(tc.root, "appendonlydir")
			must(t, tc.fs.MkdirAll(sub, 0o755))
			writeFile(t, tc.fs, filepath.Join(tc.root, "dump.rdb"), strings.Repeat("r", 5000), false)
			writeFile(t, tc.fs, filepath.Join(sub, "appendonly.aof.1.incr.aof"), strings.Repeat("a", 123), false)
			writeFile(t, tc.fs, filepath.Join(sub, "empty"), "", false)
			must(t, tc.fs.MkdirAll(filepath.Join(sub, "deeper", "still"), 0o755))
			writeFile(t, tc.fs, filepath.Join(sub, "deeper", "still", "x"), "xyz", false)
			got, err := Usage(tc.fs, tc.root)
			must(t, err)
			if want := int64(5000 + 123 + 3); got != want {
				t.Errorf("Usage = %d, want %d", got, want)
			}
			if got, err := Usage(tc.fs, sub); err != nil || got != 126 {
				t.Errorf("Usage(sub) = %d, %v; want 126", got, err)
			}
			_, err = Usage(tc.fs, filepath.Join(tc.root, "missing"))
			if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "vfs: usage of ") {
				t.Errorf("Usage(missing) err = %v, want a vfs: error wrapping ErrNotExist", err)
			}
		})
	}
}
