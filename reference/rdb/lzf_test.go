package rdb

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// compressLikeRedis runs the compressor with Redis's bound (len-4) and
// returns nil when Redis would store the string uncompressed.
func compressLikeRedis(t *lzfTable, in []byte) []byte {
	if len(in) <= 4 {
		return nil
	}
	out := make([]byte, len(in)-4+1)
	n := lzfCompress(t, out, len(in)-4, in)
	if n == 0 {
		return nil
	}
	return out[:n]
}

// TestLZFRoundTrip is a property test: whatever the input, what the
// compressor produces expands back to the input, never longer than the
// bound it was given, and the shared table carries no state between inputs.
func TestLZFRoundTrip(t *testing.T) {
	tab := new(lzfTable)
	rapid.Check(t, func(t *rapid.T) {
		// Inputs with repeats, so that back references of every length
		// and offset occur: pieces drawn from a small alphabet and
		// repeated.
		var in []byte
		for _, p := range rapid.SliceOfN(rapid.SliceOfN(rapid.ByteRange('a', 'e'), 1, 300), 0, 40).Draw(t, "pieces") {
			in = append(in, bytes.Repeat(p, rapid.IntRange(1, 30).Draw(t, "repeat"))...)
		}
		in = append(in, rapid.SliceOfN(rapid.Byte(), 0, 64).Draw(t, "tail")...)
		bound := rapid.IntRange(1, len(in)+64).Draw(t, "bound")
		out := make([]byte, bound+1)
		n := lzfCompress(tab, out, bound, in)
		if n > bound {
			t.Fatalf("compressed to %d bytes, bound %d", n, bound)
		}
		if n == 0 {
			return // did not fit: Redis stores the string raw
		}
		fresh := make([]byte, bound+1)
		if m := lzfCompress(new(lzfTable), fresh, bound, in); m != n || !bytes.Equal(fresh[:m], out[:n]) {
			t.Fatalf("output depends on earlier inputs: %d vs %d bytes", n, m)
		}
		got := make([]byte, len(in))
		m, err := lzfDecompress(got, out[:n])
		if err != nil || m != len(in) || !bytes.Equal(got, in) {
			t.Fatalf("round trip: %d of %d bytes, err %v", m, len(in), err)
		}
	})
}

// TestLZFRedisBlob expands LZF data Redis wrote: the 100 'a' value of the
// fixture, stored as a literal "aa", a 96-byte self-overlapping reference
// and a literal "aa" (clen 9, len 100).
func TestLZFRedisBlob(t *testing.T) {
	blob := []byte{0x01, 'a', 'a', 0xe0, 0x57, 0x00, 0x01, 'a', 'a'}
	out := make([]byte, 100)
	n, err := lzfDecompress(out, blob)
	if err != nil || n != 100 || string(out) != strings.Repeat("a", 100) {
		t.Fatalf("got %d bytes %q, err %v", n, out[:n], err)
	}
	if got := compressLikeRedis(new(lzfTable), out); !bytes.Equal(got, blob) {
		t.Fatalf("compress: got % x, Redis wrote % x", got, blob)
	}
	// The same bytes inside the committed Redis dump.
	dump, err := os.ReadFile(filepath.Join("testdata", "redis-7.0.15-compressed.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(dump, append([]byte{0xc3, 9, 0x40, 100}, blob...)) {
		t.Fatal("the fixture does not hold the expected LZF string for long:run")
	}
}

func TestLZFCompressDecisions(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		compress bool
	}{
		{"21 same bytes", strings.Repeat("a", 21), true},
		{"incompressible", "abcdefghijklmnopqrstuvwxyz0123456789", false},
		{"two repeats", "0123456789abcdef0123456789abcdef", true},
		{"5 bytes", "aaaaa", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compressLikeRedis(new(lzfTable), []byte(tt.in))
			if (got != nil) != tt.compress {
				t.Fatalf("compressed = %v (% x), want %v", got != nil, got, tt.compress)
			}
		})
	}
}

func TestLZFDecompressErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		out  int
		want error
	}{
		{"literal past output", []byte{0x02, 'a', 'b', 'c'}, 2, errLZFOutput},
		{"literal past input", []byte{0x05, 'a'}, 10, errLZFInput},
		{"reference before start", []byte{0x00, 'a', 0x20, 0x05}, 10, errLZFRef},
		{"reference missing offset", []byte{0x00, 'a', 0x20}, 10, errLZFInput},
		{"long reference missing length", []byte{0x00, 'a', 0xe0}, 300, errLZFInput},
		{"reference past output", []byte{0x00, 'a', 0x20, 0x00}, 2, errLZFOutput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := lzfDecompress(make([]byte, tt.out), tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func BenchmarkLZF(b *testing.B) {
	in := []byte(strings.Repeat("persistbench snapshot value ", 4))[:100]
	tab := new(lzfTable)
	out := make([]byte, len(in)+1)
	b.Run("compress-100B", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			lzfCompress(tab, out, len(in)-4, in)
		}
	})
	n := lzfCompress(tab, out, len(in)-4, in)
	dst := make([]byte, len(in))
	b.Run("decompress-100B", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := lzfDecompress(dst, out[:n]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestLZFTableWrap: when the table's position counter would wrap, the table
// is cleared, and output stays that of a clean table.
func TestLZFTableWrap(t *testing.T) {
	in := []byte(strings.Repeat("wrap around the table ", 20))
	want := compressLikeRedis(new(lzfTable), in)
	tab := new(lzfTable)
	tab.base = 1<<32 - 1 - uint32(len(in))/2
	for i := range 3 {
		if got := compressLikeRedis(tab, in); !bytes.Equal(got, want) {
			t.Fatalf("pass %d (base %d): output differs from a clean table's", i, tab.base)
		}
	}
}
