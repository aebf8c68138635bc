package rdb

import (
	"hash/crc64"
	"math/rand/v2"
	"testing"
)

// TestCRC64CheckValue proves that Go's hash/crc64, given the reflected
// Jones table and complemented around the call, reproduces the check value
// of Redis's crc64.c self test, and that the fast path agrees.
func TestCRC64CheckValue(t *testing.T) {
	const want uint64 = 0xe9c6d914c4b8d9ca // crc64.c: crc64(0, "123456789", 9)
	in := []byte("123456789")
	if got := ^crc64.Update(^uint64(0), crc64.MakeTable(jonesPolyReflected), in); got != want {
		t.Fatalf("hash/crc64 with the Jones table: got %#x, want %#x", got, want)
	}
	if got := crcUpdate(0, in); got != want {
		t.Fatalf("crcUpdate: got %#x, want %#x", got, want)
	}
}

// TestCRC64Interleaved checks the four-stream fast path and its splicing
// against hash/crc64 over lengths around the block size, fed in random
// pieces as the encoder and decoder feed it.
func TestCRC64Interleaved(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, n := range []int{0, 1, 7, 8, 4*crcStride - 1, 4 * crcStride, 4*crcStride + 1, 9*crcStride + 13, 1 << 20} {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		want := ^crc64.Update(^uint64(0), jonesTable, p)
		if got := crcUpdate(0, p); got != want {
			t.Fatalf("len %d whole: got %#x, want %#x", n, got, want)
		}
		var c uint64
		for rest := p; len(rest) > 0; {
			k := min(len(rest), 1+rng.IntN(6*crcStride))
			c = crcUpdate(c, rest[:k])
			rest = rest[k:]
		}
		if c != want {
			t.Fatalf("len %d in pieces: got %#x, want %#x", n, c, want)
		}
	}
}

func BenchmarkCRC64(b *testing.B) {
	p := make([]byte, 1<<20)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.Run("jones-interleaved", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		var c uint64
		for b.Loop() {
			c = crcUpdate(c, p)
		}
	})
	b.Run("hash-crc64", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		var c uint64
		for b.Loop() {
			c = crc64.Update(c, jonesTable, p)
		}
	})
}
