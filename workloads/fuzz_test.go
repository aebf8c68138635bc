package workloads

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// addFiles seeds a fuzz test with the files matching pattern.
func addFiles(f *testing.F, pattern string, add func(name string, data []byte)) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files match %s: %v", pattern, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		add(file, data)
	}
}

func FuzzCheckValue(f *testing.F) {
	addFiles(f, filepath.Join("testdata", "values", "*.bin"), func(_ string, data []byte) {
		f.Add(binary.LittleEndian.Uint64(data[offKey:]), data)
	})
	f.Fuzz(func(t *testing.T, key uint64, value []byte) {
		version, err := CheckValue(key, value)
		switch {
		case err == nil:
			if len(value) < MinValueSize {
				t.Fatalf("accepted a %d-byte value", len(value))
			}
			if _, err := CheckValue(key+1, value); !errors.Is(err, ErrWrongKey) {
				t.Fatalf("value of key %d checked for key %d: %v, want ErrWrongKey", key, key+1, err)
			}
		case errors.Is(err, ErrWrongKey):
		case !errors.Is(err, ErrCorrupt):
			t.Fatalf("CheckValue error %v is neither ErrCorrupt nor ErrWrongKey", err)
		case version != 0:
			t.Fatalf("corrupt value returned version %d", version)
		}
	})
}

func FuzzParse(f *testing.F) {
	add := func(_ string, data []byte) { f.Add(data) }
	addFiles(f, filepath.Join("presets", "*.yaml"), add)
	addFiles(f, filepath.Join("testdata", "specs", "*.yaml"), add)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !bytes.HasPrefix([]byte(err.Error()), []byte("fuzz.yaml")) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse accepted a spec that does not validate: %v", err)
		}
		g := s.NewGenerator(1, nil)
		for range 10 {
			g.Next()
			g.ValueSize()
		}
	})
}

func FuzzParseKey(f *testing.F) {
	f.Add([]byte("pb:000000001234"))
	f.Add([]byte("pb:18446744073709551615"))
	f.Add([]byte("pb:0000000000000"))
	f.Fuzz(func(t *testing.T, key []byte) {
		idx, ok := ParseKey(key)
		if ok && !bytes.Equal(Key(nil, idx), key) {
			t.Fatalf("ParseKey(%q) = %d, but Key(%d) = %q", key, idx, idx, Key(nil, idx))
		}
	})
}
