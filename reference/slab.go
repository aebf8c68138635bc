package reference

import (
	"encoding/binary"
	"math"
)

// ref locates a record in a shard's slab: chunk index in the high 32 bits,
// byte offset in the low 32 (see the package doc).
type ref = uint64

// absent is the preserved ref of a key that did not exist when a snapshot
// began.
const absent ref = math.MaxUint64

const (
	// minChunk is the first chunk of a shard: small, so that an empty store
	// of 4096 shards costs 16 MiB, not hundreds.
	minChunk = 4 << 10
	// maxChunk caps chunk growth: large enough that a 10 M-key shard has a
	// handful of chunks (a handful of pointers for the GC), small enough
	// that an abandoned tail or a growth step stays cheap.
	maxChunk = 256 << 10
)

// slab is a shard's append-only record storage. It is pointer-free apart
// from the chunk headers.
type slab struct {
	chunks [][]byte // len is the used part, cap the chunk size
	bytes  int64    // sum of chunk capacities (SlabBytes)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// recordLen is the size of a record in a chunk.
func recordLen(klen, vlen int) int {
	return uvarintLen(uint64(klen)) + uvarintLen(uint64(vlen)) + klen + vlen
}

// add appends a record and returns its ref and the bytes of the previous
// chunk's tail abandoned to make room (garbage). want sizes a new chunk.
func (sl *slab) add(key, value []byte, want int64) (r ref, tail int64) {
	n := recordLen(len(key), len(value))
	last := len(sl.chunks) - 1
	if last < 0 || cap(sl.chunks[last])-len(sl.chunks[last]) < n {
		if last >= 0 {
			c := sl.chunks[last]
			tail = int64(cap(c) - len(c))
		}
		sl.grow(n, want)
		last++
	}
	c := sl.chunks[last]
	off := len(c)
	c = binary.AppendUvarint(c, uint64(len(key)))
	c = binary.AppendUvarint(c, uint64(len(value)))
	c = append(c, key...)
	c = append(c, value...)
	sl.chunks[last] = c
	return uint64(last)<<32 | uint64(off), tail
}

// rewrite overwrites the record at r with key=value when the new record
// fits, and returns the bytes it no longer uses (they become garbage).
// Only safe when nothing else refers to the old record: no snapshot pending.
func (sl *slab) rewrite(r ref, key, value []byte) (freed int64, ok bool) {
	old := sl.raw(r)
	n := recordLen(len(key), len(value))
	if n > len(old) {
		return 0, false
	}
	c := binary.AppendUvarint(old[:0], uint64(len(key)))
	c = binary.AppendUvarint(c, uint64(len(value)))
	c = append(c, key...)
	_ = append(c, value...) // within old's bytes: n <= len(old)
	return int64(len(old) - n), true
}

// grow starts a new chunk with room for at least n bytes.
func (sl *slab) grow(n int, want int64) {
	size := int64(minChunk)
	if want > size {
		size = want
	}
	if size > maxChunk {
		size = maxChunk
	}
	if int64(n) > size {
		size = int64(n)
	}
	sl.chunks = append(sl.chunks, make([]byte, 0, size))
	sl.bytes += size
}

// uvarint decodes what binary.AppendUvarint wrote, with a fast path for
// the one-byte lengths of short keys.
func uvarint(b []byte) (uint64, int) {
	if b[0] < 0x80 {
		return uint64(b[0]), 1
	}
	return binary.Uvarint(b)
}

// raw returns the whole record at r (header included).
func (sl *slab) raw(r ref) []byte {
	c := sl.chunks[r>>32][uint32(r):]
	klen, n1 := uvarint(c)
	vlen, n2 := uvarint(c[n1:])
	return c[:n1+n2+int(klen)+int(vlen)]
}

// record returns the key and value at r; they alias the slab.
func (sl *slab) record(r ref) (key, value []byte) {
	return decodeRecord(sl.chunks[r>>32][uint32(r):])
}

// decodeRecord splits the record at the start of b, which must hold a whole
// record written by add.
func decodeRecord(b []byte) (key, value []byte) {
	klen, n1 := uvarint(b)
	vlen, n2 := uvarint(b[n1:])
	h := n1 + n2
	return b[h : h+int(klen)], b[h+int(klen) : h+int(klen)+int(vlen)]
}

// size is the length of the record at r.
func (sl *slab) size(r ref) int64 {
	k, v := sl.record(r)
	return int64(recordLen(len(k), len(v)))
}

// keyIs reports whether the record at r has key k.
func (sl *slab) keyIs(r ref, k []byte) bool {
	key, _ := sl.record(r)
	return string(key) == string(k)
}
