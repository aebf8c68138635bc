package rdb

import (
	"encoding/binary"
	"hash/crc64"
)

// The RDB trailer is CRC-64/Jones as Redis's crc64.c computes it: polynomial
// 0xad93d23594c935a9, reflected input and output, initial value 0 and no
// final xor; its check value is crc64("123456789") = 0xe9c6d914c4b8d9ca.
//
// Go's hash/crc64 builds the same reflected table from the bit-reversed
// polynomial, but it complements the register before and after every update
// (init and xorout of all ones). Complementing around the call cancels
// that, so crcUpdate(c, p) == ^crc64.Update(^c, jonesTable, p).
const jonesPolyReflected = 0x95ac9329ac4bc9b5

var jonesTable = crc64.MakeTable(jonesPolyReflected)

// crcStride is the length of each of the four streams the fast path hashes
// side by side; a block is 4*crcStride bytes. Must be a power of two.
const crcStride = 4096

// crcTables holds the slicing-by-8 tables of the Jones CRC and the tables of
// the linear map "feed crcStride zero bytes", used to splice the four
// interleaved streams back into one CRC (as zlib's crc32_combine).
type crcTables struct {
	slice [8][256]uint64
	shift [8][256]uint64
}

var crcTab = newCRCTables()

func newCRCTables() *crcTables {
	t := new(crcTables)
	for i := range 256 {
		t.slice[0][i] = jonesTable[i]
	}
	for k := 1; k < 8; k++ {
		for i := range 256 {
			v := t.slice[k-1][i]
			t.slice[k][i] = jonesTable[byte(v)] ^ v>>8
		}
	}
	// z1 is the matrix (column i = image of bit i) of one zero byte:
	// s -> T[s&0xff] ^ s>>8. Squaring it log2(crcStride) times gives the
	// matrix of crcStride zero bytes.
	var z [64]uint64
	for i := range 64 {
		s := uint64(1) << i
		z[i] = jonesTable[byte(s)] ^ s>>8
	}
	for n := 1; n < crcStride; n *= 2 {
		var sq [64]uint64
		for i := range 64 {
			sq[i] = gf2Apply(&z, z[i])
		}
		z = sq
	}
	for k := range 8 {
		for b := range 256 {
			t.shift[k][b] = gf2Apply(&z, uint64(b)<<(8*k))
		}
	}
	return t
}

// gf2Apply multiplies the GF(2) matrix m by the vector v.
func gf2Apply(m *[64]uint64, v uint64) uint64 {
	var out uint64
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			out ^= m[i]
		}
	}
	return out
}

// crcUpdate returns crc extended with p (Redis's crc64(crc, p, len)).
func crcUpdate(crc uint64, p []byte) uint64 {
	if len(p) >= 4*crcStride {
		crc, p = crcInterleaved(crc, p)
	}
	if len(p) == 0 {
		return crc
	}
	return ^crc64.Update(^crc, jonesTable, p)
}

// crcInterleaved hashes whole blocks of 4*crcStride bytes as four
// independent slicing-by-8 streams, so that the CPU overlaps four chains of
// table loads instead of waiting on one, then splices the four CRCs:
// crc(A||B) = shift_len(B)(crc(A)) ^ crc(B) for a CRC with zero init.
func crcInterleaved(crc uint64, p []byte) (uint64, []byte) {
	t := crcTab
	for len(p) >= 4*crcStride {
		s0 := p[0*crcStride : 1*crcStride : 1*crcStride]
		s1 := p[1*crcStride : 2*crcStride : 2*crcStride]
		s2 := p[2*crcStride : 3*crcStride : 3*crcStride]
		s3 := p[3*crcStride : 4*crcStride : 4*crcStride]
		c0, c1, c2, c3 := crc, uint64(0), uint64(0), uint64(0)
		for i := 0; i+8 <= len(s0) && i+8 <= len(s1) && i+8 <= len(s2) && i+8 <= len(s3); i += 8 {
			c0 = t.step(c0 ^ binary.LittleEndian.Uint64(s0[i:]))
			c1 = t.step(c1 ^ binary.LittleEndian.Uint64(s1[i:]))
			c2 = t.step(c2 ^ binary.LittleEndian.Uint64(s2[i:]))
			c3 = t.step(c3 ^ binary.LittleEndian.Uint64(s3[i:]))
		}
		crc = t.zeros(t.zeros(t.zeros(c0)^c1)^c2) ^ c3
		p = p[4*crcStride:]
	}
	return crc, p
}

// step advances the register over the 8 bytes already xored into it.
func (t *crcTables) step(c uint64) uint64 {
	return t.slice[7][byte(c)] ^ t.slice[6][byte(c>>8)] ^
		t.slice[5][byte(c>>16)] ^ t.slice[4][byte(c>>24)] ^
		t.slice[3][byte(c>>32)] ^ t.slice[2][byte(c>>40)] ^
		t.slice[1][byte(c>>48)] ^ t.slice[0][byte(c>>56)]
}

// zeros returns the register after crcStride zero bytes.
func (t *crcTables) zeros(c uint64) uint64 {
	return t.shift[0][byte(c)] ^ t.shift[1][byte(c>>8)] ^
		t.shift[2][byte(c>>16)] ^ t.shift[3][byte(c>>24)] ^
		t.shift[4][byte(c>>32)] ^ t.shift[5][byte(c>>40)] ^
		t.shift[6][byte(c>>48)] ^ t.shift[7][byte(c>>56)]
}
