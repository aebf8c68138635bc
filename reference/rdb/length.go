package rdb

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// Length and special string encodings (rdb.h RDB_6BITLEN .. RDB_ENC_LZF).
// The two high bits of the first byte choose the form:
//
//	00LLLLLL                        length 0..63
//	01LLLLLL LLLLLLLL               length 64..16383 (big-endian 14 bits)
//	10000000 <4 bytes big-endian>   length up to 2^32-1
//	10000001 <8 bytes big-endian>   length up to 2^64-1
//	11000000 <int8>                 string holding a decimal integer
//	11000001 <int16 little-endian>
//	11000010 <int32 little-endian>
//	11000011 <clen> <len> <clen bytes of LZF>
const (
	len6Bit  = 0
	len14Bit = 1
	len32Bit = 0x80
	len64Bit = 0x81
	lenEnc   = 3 // the two high bits of a special encoding

	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// appendLen appends n in the shortest length form, as rdbSaveLen.
func appendLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|len14Bit<<6, byte(n))
	case n <= math.MaxUint32:
		b = append(b, len32Bit)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, len64Bit)
		return binary.BigEndian.AppendUint64(b, n)
	}
}

// maxIntEncodedLen is the longest string rdbSaveRawString tries to store
// as an integer: "-2147483648" has 11 characters.
const maxIntEncodedLen = 11

// parseCanonicalInt reports whether s is the canonical decimal form of an
// int64 (no sign but '-', no leading zeros, no "-0", no spaces), as Redis's
// string2ll, which rdbTryIntegerEncoding uses. Only strings of at most 11
// bytes are tried.
func parseCanonicalInt(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) > maxIntEncodedLen {
		return 0, false
	}
	neg := s[0] == '-'
	d := s
	if neg {
		d = s[1:]
	}
	if len(d) == 0 || (d[0] == '0' && (len(d) > 1 || neg)) {
		return 0, false
	}
	var v int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0') // at most 11 digits: no overflow
	}
	if neg {
		v = -v
	}
	return v, true
}

// appendIntEnc appends v in the smallest integer encoding, as
// rdbEncodeInteger; ok is false when v does not fit in 32 bits.
func appendIntEnc(b []byte, v int64) (_ []byte, ok bool) {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(b, lenEnc<<6|encInt8, byte(v)), true
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return append(b, lenEnc<<6|encInt16, byte(v), byte(v>>8)), true
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return binary.LittleEndian.AppendUint32(append(b, lenEnc<<6|encInt32), uint32(v)), true
	}
	return b, false
}

// length reads a length, or (special true) the kind of a special string
// encoding, as rdbLoadLen.
func (d *decoder) length() (n uint64, special bool, err error) {
	off := d.rd.offset()
	b, err := d.rd.byte()
	if err != nil {
		return 0, false, err
	}
	switch b >> 6 {
	case len6Bit:
		return uint64(b & 0x3f), false, nil
	case len14Bit:
		b2, err := d.rd.byte()
		return uint64(b&0x3f)<<8 | uint64(b2), false, err
	case lenEnc:
		return uint64(b & 0x3f), true, nil
	}
	switch b {
	case len32Bit:
		p, err := d.rd.bytes(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(p)), false, nil
	case len64Bit:
		p, err := d.rd.bytes(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(p), false, nil
	}
	return 0, false, &detail{off: off, reason: fmt.Sprintf("unknown length encoding %#02x", b)}
}

// plainLen reads a length that may not be a special encoding.
func (d *decoder) plainLen() (uint64, error) {
	off := d.rd.offset()
	n, special, err := d.length()
	if err == nil && special {
		err = &detail{off: off, reason: fmt.Sprintf("string encoding %d where a length belongs", n)}
	}
	return n, err
}

// str reads a string in any of its forms. The result is valid until the
// next read.
func (d *decoder) str() ([]byte, error) {
	off := d.rd.offset()
	n, special, err := d.length()
	if err != nil {
		return nil, err
	}
	if !special {
		return d.raw(off, n)
	}
	var v int64
	switch n {
	case encInt8:
		b, err := d.rd.byte()
		if err != nil {
			return nil, err
		}
		v = int64(int8(b))
	case encInt16:
		p, err := d.rd.bytes(2)
		if err != nil {
			return nil, err
		}
		v = int64(int16(binary.LittleEndian.Uint16(p)))
	case encInt32:
		p, err := d.rd.bytes(4)
		if err != nil {
			return nil, err
		}
		v = int64(int32(binary.LittleEndian.Uint32(p)))
	case encLZF:
		return d.lzf(off)
	default:
		return nil, &detail{off: off, reason: fmt.Sprintf("unknown string encoding %d", n)}
	}
	return strconv.AppendInt(d.num[:0], v, 10), nil
}

// raw reads n bytes: in place when they fit the read buffer, else into
// scratch as they arrive.
func (d *decoder) raw(off int64, n uint64) ([]byte, error) {
	if n <= readBufMax {
		return d.rd.bytes(int(n))
	}
	if n > math.MaxInt {
		return nil, &detail{off: off, reason: fmt.Sprintf("string length %d out of range", n)}
	}
	var err error
	d.scratch, err = d.rd.large(n, d.scratch)
	return d.scratch, err
}

// lzf reads an LZF-compressed string (rdbLoadLzfStringObject). The declared
// length is checked against what LZF can produce from the compressed bytes
// before any allocation.
func (d *decoder) lzf(off int64) ([]byte, error) {
	clen, err := d.plainLen()
	if err != nil {
		return nil, err
	}
	ulen, err := d.plainLen()
	if err != nil {
		return nil, err
	}
	if clen == 0 || clen > math.MaxInt/lzfMaxRatio || ulen > clen*lzfMaxRatio {
		return nil, &detail{off: off, reason: fmt.Sprintf("LZF lengths impossible: %d bytes from %d compressed", ulen, clen)}
	}
	var in []byte
	if clen <= readBufMax {
		in, err = d.rd.bytes(int(clen))
	} else {
		d.lzfIn, err = d.rd.large(clen, d.lzfIn)
		in = d.lzfIn
	}
	if err != nil {
		return nil, err
	}
	if uint64(cap(d.lzfOut)) < ulen {
		d.lzfOut = make([]byte, ulen)
	}
	out := d.lzfOut[:ulen]
	n, err := lzfDecompress(out, in)
	if err == nil && uint64(n) != ulen {
		err = fmt.Errorf("expands to %d bytes, declared %d", n, ulen)
	}
	if err != nil {
		return nil, &detail{off: off, reason: "LZF string", err: err}
	}
	return out, nil
}
