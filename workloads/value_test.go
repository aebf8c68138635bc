package workloads

import (
	"bytes"
	"compress/flate"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/persistbench/persistbench/internal/golden"
	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/values")

// goldenValues are stored in testdata/values: the payload format must not
// change silently (a verifier may read values an older build wrote), and
// they seed FuzzCheckValue.
var goldenValues = []struct {
	key, version uint64
	size         int
	compressible float64
}{
	{0, 1, MinValueSize, 0},
	{1234, 7, 100, 0.5},
	{99, 3, 1024, 0},
	{1 << 40, 1 << 33, 4096, 1},
	{5, 2, 1000, 0.25},
}

func goldenName(key, version uint64, size int, c float64) string {
	return fmt.Sprintf("key%d-v%d-%dB-c%g.bin", key, version, size, c)
}

func TestValueGolden(t *testing.T) {
	for _, g := range goldenValues {
		path := filepath.Join("testdata", "values", goldenName(g.key, g.version, g.size, g.compressible))
		v := EncodeValue(nil, g.key, g.version, g.size, g.compressible)
		golden.Check(t, path, v, *update) // a difference means the payload format changed
		if ver, err := CheckValue(g.key, v); err != nil || ver != g.version {
			t.Errorf("CheckValue(%s) = %d, %v", path, ver, err)
		}
	}
}

func TestValueLayout(t *testing.T) {
	v := EncodeValue([]byte("prefix"), 0x0102030405060708, 9, 64, 0)
	if len(v) != 6+64 || string(v[:6]) != "prefix" {
		t.Fatalf("EncodeValue appended %d bytes after %q", len(v)-6, v[:6])
	}
	v = v[6:]
	want := []byte("pbv1\x08\x07\x06\x05\x04\x03\x02\x01\x09\x00\x00\x00\x00\x00\x00\x00\x40\x00\x00\x00")
	if !bytes.Equal(v[:24], want) {
		t.Errorf("header % x, want % x", v[:24], want)
	}
}

func TestCheckValue(t *testing.T) {
	good := EncodeValue(nil, 42, 5, 200, 0.5)
	tests := []struct {
		name    string
		key     uint64
		value   []byte
		version uint64
		err     error
	}{
		{"intact", 42, good, 5, nil},
		{"another key's value", 43, good, 5, ErrWrongKey},
		{"empty", 42, nil, 0, ErrCorrupt},
		{"header only", 42, good[:MinValueSize-1], 0, ErrCorrupt},
		{"truncated", 42, good[:199], 0, ErrCorrupt},
		{"extended", 42, append(bytes.Clone(good), 0), 0, ErrCorrupt},
		{"zeroed", 42, make([]byte, 200), 0, ErrCorrupt},
		{"other data", 42, bytes.Repeat([]byte("x"), 200), 0, ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ver, err := CheckValue(tt.key, tt.value)
			if !errors.Is(err, tt.err) || ver != tt.version {
				t.Errorf("CheckValue = %d, %v; want %d, %v", ver, err, tt.version, tt.err)
			}
		})
	}
}

func TestValueRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.Uint64().Draw(t, "key")
		version := rapid.Uint64().Draw(t, "version")
		size := rapid.IntRange(MinValueSize, 5000).Draw(t, "size")
		c := rapid.Float64Range(0, 1).Draw(t, "compressible")
		v := EncodeValue(nil, key, version, size, c)
		if len(v) != size {
			t.Fatalf("EncodeValue gave %d bytes, want %d", len(v), size)
		}
		if !bytes.Equal(v, EncodeValue(nil, key, version, size, c)) {
			t.Fatal("EncodeValue is not deterministic")
		}
		if got, err := CheckValue(key, v); err != nil || got != version {
			t.Fatalf("CheckValue = %d, %v; want %d", got, err, version)
		}
	})
}

// Any single changed byte, wherever it is, makes the value ErrCorrupt:
// CRC-32C detects every error burst of up to 32 bits, and the fields
// outside the checksum's reach are checked on their own.
func TestValueAnyFlippedByteIsCorrupt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := rapid.Uint64().Draw(t, "key")
		size := rapid.IntRange(MinValueSize, 3000).Draw(t, "size")
		v := EncodeValue(nil, key, rapid.Uint64().Draw(t, "version"), size, rapid.Float64Range(0, 1).Draw(t, "compressible"))
		pos := rapid.IntRange(0, size-1).Draw(t, "pos")
		v[pos] ^= rapid.ByteRange(1, 255).Draw(t, "xor")
		if _, err := CheckValue(key, v); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("byte %d of %d changed: CheckValue = %v, want ErrCorrupt", pos, size, err)
		}
	})
}

// Filler compresses to about (1-c) of its size; the 28-byte header does
// not compress, hence the larger values here.
func TestValueCompressibility(t *testing.T) {
	for _, size := range []int{4096, 64 << 10} {
		for _, c := range []float64{0, 0.25, 0.5, 0.75, 1} {
			v := EncodeValue(nil, 77, 1, size, c)
			var buf bytes.Buffer
			w, err := flate.NewWriter(&buf, flate.DefaultCompression)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(v)
			w.Close()
			ratio := float64(buf.Len()) / float64(size)
			want := float64(MinValueSize)/float64(size) + (1-c)*float64(size-MinValueSize)/float64(size)
			if ratio < want-0.06 || ratio > want+0.06 {
				t.Errorf("size %d compressible %g: DEFLATE ratio %.3f, want %.3f ± 0.06", size, c, ratio, want)
			}
		}
	}
}

func TestEncodeValueDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 4096)
	if a := testing.AllocsPerRun(1000, func() { buf = EncodeValue(buf[:0], 1, 2, 4096, 0.5) }); a != 0 {
		t.Errorf("EncodeValue allocates %.1f times with a big enough dst", a)
	}
}

func TestEncodeValuePanicsOnBadSize(t *testing.T) {
	for _, size := range []int{0, MinValueSize - 1, MaxValueSize + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("EncodeValue(size %d) did not panic", size)
				}
			}()
			EncodeValue(nil, 1, 1, size, 0)
		}()
	}
}
