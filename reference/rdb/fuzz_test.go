package rdb

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRDBDecode feeds the decoder mutations of real files: it must return
// an error or decode, never panic or hang, and never allocate far more than
// its input (lengths are checked against the input before allocation).
func FuzzRDBDecode(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.rdb"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no seed files in testdata: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(craft("0010", nil, kv("k", "v"), []byte{opExpireTime, 1, 2, 3, 4, opIdle, 5, opFreq, 6}, kv("k2", "v2")))
	f.Fuzz(func(t *testing.T, b []byte) {
		keys := int64(0)
		info, err := Decode(bytes.NewReader(b), func(k, v []byte, exp int64) error {
			keys++
			if len(v) > lzfMaxRatio*len(b) {
				t.Fatalf("value of %d bytes from %d bytes of input", len(v), len(b))
			}
			return nil
		})
		if info.Keys != keys {
			t.Fatalf("info.Keys %d, callbacks %d", info.Keys, keys)
		}
		var ce *CorruptError
		var ue *UnsupportedError
		if err != nil && !errors.As(err, &ce) && !errors.As(err, &ue) {
			t.Fatalf("error of no known kind: %v", err)
		}
		if err == nil && info.Size > int64(len(b)) {
			t.Fatalf("size %d beyond the input's %d bytes", info.Size, len(b))
		}
	})
}
