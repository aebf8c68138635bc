package rdb

import "errors"

// LZF as Redis 7.0 bundles it: liblzf 3.6 (src/lzf_c.c, lzf_d.c, lzfP.h:
// HLOG 16, VERY_FAST 1, ULTRA_FAST 0). liblzf 3.5 also refused matches
// starting within 4 bytes of the end, so its output differs slightly; both
// decode the same. The compressed stream is a sequence of
//
//	000LLLLL <L+1 literal bytes>          literal run of 1..32 bytes
//	LLLooooo oooooooo                      back reference, length L+2 (L 1..6)
//	111ooooo LLLLLLLL oooooooo             back reference, length L+9
//
// where the reference starts o+1 bytes before the output position (o is 13
// bits: at most 8 KiB back) and may overlap the bytes it produces.
//
// The compressor follows lzf_c.c step for step (same hash, same match
// search, same output-bound checks) so that it makes the same decision as
// Redis about whether a string is worth compressing. One difference:
// Redis leaves its hash table uninitialised (INIT_HTAB 0), so stale slots
// from earlier strings may, rarely, offer it a match; here every string
// starts from a clean table, which lzf_c.c documents as the deterministic
// configuration.
const (
	lzfHLog   = 16
	lzfHSize  = 1 << lzfHLog
	lzfMaxLit = 1 << 5
	lzfMaxOff = 1 << 13
	lzfMaxRef = 1<<8 + 1<<3
	// lzfMaxRatio bounds how much LZF can expand: a 3-byte back reference
	// yields at most 264 bytes. The decoder refuses a declared length above
	// ratio × compressed length before allocating anything.
	lzfMaxRatio = lzfMaxRef / 3
)

var (
	errLZFOutput = errors.New("output longer than declared")
	errLZFInput  = errors.New("compressed data ends inside an item")
	errLZFRef    = errors.New("back reference before the start of the output")
)

// lzfTable is the compressor's hash table, reused across strings. Slots hold
// base+position; a slot below base belongs to an earlier string and reads as
// "no candidate", which gives a clean table per string without clearing
// 256 KiB each time.
type lzfTable struct {
	slots [lzfHSize]uint32
	base  uint32
}

func lzfIdx(h uint32) uint32 { return ((h >> (3*8 - lzfHLog)) - h*5) & (lzfHSize - 1) }

// begin prepares the table for an input of n bytes.
func (t *lzfTable) begin(n int) {
	if uint64(t.base)+uint64(n)+1 > 1<<32-1 {
		clear(t.slots[:])
		t.base = 0
	}
}

// end retires the positions of an input of n bytes.
func (t *lzfTable) end(n int) { t.base += uint32(n) + 1 }

// lzfCompress compresses in into out[:outLen] and returns the compressed
// length, or 0 if the result would not fit in outLen bytes (as lzf_compress).
// out must have room for outLen+1 bytes: like lzf_compress, the compressor
// may park a run header one byte past outLen before it gives up, which is
// why Redis allocates outlen+1.
func lzfCompress(t *lzfTable, out []byte, outLen int, in []byte) int {
	inLen := len(in)
	if inLen == 0 || outLen == 0 || inLen >= 1<<31 {
		return 0
	}
	out = out[:outLen+1]
	t.begin(inLen)
	defer t.end(inLen)
	base := t.base

	ip, op, lit := 0, 1, 0 // op 0 is the first run header
	var hval uint32
	if inLen >= 2 {
		hval = uint32(in[0])<<8 | uint32(in[1])
	}
	for ip < inLen-2 {
		hval = hval<<8 | uint32(in[ip+2])
		slot := &t.slots[lzfIdx(hval)]
		ref := 0
		if *slot >= base {
			ref = int(*slot - base)
		}
		*slot = base + uint32(ip)
		off := ip - ref - 1
		if ref < ip && off < lzfMaxOff && ref > 0 &&
			in[ref] == in[ip] && in[ref+1] == in[ip+1] && in[ref+2] == in[ip+2] {
			n := 2
			maxLen := min(inLen-ip-n, lzfMaxRef)
			out[op-lit-1] = byte(lit - 1) // close the literal run
			if lit == 0 {
				op-- // and drop it if it is empty
			}
			if op+3+1 >= outLen {
				return 0
			}
			n = lzfMatchLen(in, ref, ip, maxLen)
			n -= 2
			ip++
			if n < 7 {
				out[op] = byte(off>>8 + n<<5)
				op++
			} else {
				out[op] = byte(off>>8 + 7<<5)
				out[op+1] = byte(n - 7)
				op += 2
			}
			out[op] = byte(off)
			op += 2 // the reference's last byte, then a new run header
			lit = 0
			ip += n + 1
			if ip >= inLen-2 {
				break
			}
			// VERY_FAST: hash the last two positions of the match.
			ip -= 2
			hval = uint32(in[ip])<<8 | uint32(in[ip+1])
			hval = hval<<8 | uint32(in[ip+2])
			t.slots[lzfIdx(hval)] = base + uint32(ip)
			ip++
			hval = hval<<8 | uint32(in[ip+2])
			t.slots[lzfIdx(hval)] = base + uint32(ip)
			ip++
			continue
		}
		if op >= outLen {
			return 0
		}
		out[op] = in[ip]
		op, ip, lit = op+1, ip+1, lit+1
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			op, lit = op+1, 0
		}
	}
	if op+3 > outLen { // at most 3 bytes can be missing here
		return 0
	}
	for ip < inLen {
		out[op] = in[ip]
		op, ip, lit = op+1, ip+1, lit+1
		if lit == lzfMaxLit {
			out[op-lit-1] = byte(lit - 1)
			op, lit = op+1, 0
		}
	}
	out[op-lit-1] = byte(lit - 1)
	if lit == 0 {
		op--
	}
	return op
}

// lzfMatchLen extends a 3-byte match at ref/ip and returns its length. It
// keeps lzf_c.c's quirk: when more than 16 bytes may match it compares 16
// more bytes before looking at maxLen, so a match can run up to 2 bytes past
// maxLen (never past the input). Reproducing it keeps output identical.
func lzfMatchLen(in []byte, ref, ip, maxLen int) int {
	n := 2
	if maxLen > 16 {
		for range 16 {
			n++
			if in[ref+n] != in[ip+n] {
				return n
			}
		}
	}
	for {
		n++
		if n >= maxLen || in[ref+n] != in[ip+n] {
			return n
		}
	}
}

// lzfDecompress expands in into out and returns the number of bytes
// produced. It fails rather than read or write out of bounds, like lzf_d.c
// with CHECK_INPUT.
func lzfDecompress(out, in []byte) (int, error) {
	ip, op := 0, 0
	for ip < len(in) {
		ctrl := int(in[ip])
		ip++
		if ctrl < 1<<5 {
			n := ctrl + 1
			if op+n > len(out) {
				return op, errLZFOutput
			}
			if ip+n > len(in) {
				return op, errLZFInput
			}
			copy(out[op:], in[ip:ip+n])
			op, ip = op+n, ip+n
			continue
		}
		n := ctrl >> 5
		ref := op - (ctrl&0x1f)<<8 - 1
		if ip >= len(in) {
			return op, errLZFInput
		}
		if n == 7 {
			n += int(in[ip])
			ip++
			if ip >= len(in) {
				return op, errLZFInput
			}
		}
		ref -= int(in[ip])
		ip++
		n += 2
		if op+n > len(out) {
			return op, errLZFOutput
		}
		if ref < 0 {
			return op, errLZFRef
		}
		if op-ref >= n {
			copy(out[op:op+n], out[ref:ref+n])
		} else {
			for i := range n { // overlapping: each byte may be one just written
				out[op+i] = out[ref+i]
			}
		}
		op += n
	}
	return op, nil
}
