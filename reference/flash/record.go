package flash

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/cespare/xxhash/v2"
)

// Record layout constants (see the package doc).
const (
	recordHeaderSize = 56
	recordMagic      = 0xF1A5
	recordVersion    = 1
	flagTombstone    = 1
	unit             = 16 // records start and end on 16-byte boundaries
	pageSize         = 4096
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// digest is the 128-bit key digest the index is keyed by.
type digest [2]uint64

// digestSeed seeds the second half of the digest; any constant works, it
// only has to stay the same for the life of a device.
const digestSeed = 0x5851f42d4c957f2d

func digestOf(key []byte) digest {
	var d xxhash.Digest
	d.ResetWithSeed(digestSeed)
	_, _ = d.Write(key)
	return digest{xxhash.Sum64(key), d.Sum64()}
}

// recordHeader is the decoded fixed part of a record.
type recordHeader struct {
	dataCRC uint32
	flags   uint8
	epoch   uint32 // low 32 bits of the block's epoch
	klen    uint32
	vlen    uint32
	digest  digest
	gen     uint64
	lut     int64 // last-update time, Unix ns
}

func (h *recordHeader) tombstone() bool { return h.flags&flagTombstone != 0 }

// size is the record's padded length on the device.
func (h *recordHeader) size() int { return paddedLen(int(h.klen), int(h.vlen)) }

// paddedLen is the device length of a record with these key and value
// lengths.
func paddedLen(klen, vlen int) int {
	return (recordHeaderSize + klen + vlen + unit - 1) &^ (unit - 1)
}

// putHeader writes h into b[:recordHeaderSize], header checksum included.
func putHeader(b []byte, h *recordHeader) {
	le := binary.LittleEndian
	le.PutUint32(b[4:], h.dataCRC)
	le.PutUint16(b[8:], recordMagic)
	b[10] = h.flags
	b[11] = recordVersion
	le.PutUint32(b[12:], h.epoch)
	le.PutUint32(b[16:], h.klen)
	le.PutUint32(b[20:], h.vlen)
	le.PutUint64(b[24:], h.digest[0])
	le.PutUint64(b[32:], h.digest[1])
	le.PutUint64(b[40:], h.gen)
	le.PutUint64(b[48:], uint64(h.lut))
	le.PutUint32(b[0:], crc(b[4:recordHeaderSize]))
}

// putRecord writes a whole record into b, which must hold h.size() bytes:
// header, key, value and zero padding. h.dataCRC must already be set.
func putRecord(b []byte, h *recordHeader, key, value []byte) {
	putHeader(b, h)
	n := recordHeaderSize + copy(b[recordHeaderSize:], key)
	n += copy(b[n:], value)
	clear(b[n:h.size()])
}

// dataCRC is the checksum of a record's key and value.
func dataCRC(key, value []byte) uint32 {
	return crc32.Update(crc(key), castagnoli, value)
}

// headerState says what a record header's bytes are.
type headerState uint8

const (
	headerOK      headerState = iota
	headerForeign             // zeros, another format, or not of this block's life: a clean end
	headerTorn                // of this block's life but damaged
)

// parseHeader decodes the record header at the start of b (at least
// recordHeaderSize bytes) and judges it against the block's epoch.
func parseHeader(b []byte, epoch uint32) (recordHeader, headerState) {
	le := binary.LittleEndian
	ours := le.Uint16(b[8:]) == recordMagic && b[11] == recordVersion && le.Uint32(b[12:]) == epoch
	if !ours {
		return recordHeader{}, headerForeign
	}
	if le.Uint32(b[0:]) != crc(b[4:recordHeaderSize]) {
		return recordHeader{}, headerTorn
	}
	h := recordHeader{
		dataCRC: le.Uint32(b[4:]),
		flags:   b[10],
		epoch:   epoch,
		klen:    le.Uint32(b[16:]),
		vlen:    le.Uint32(b[20:]),
		digest:  digest{le.Uint64(b[24:]), le.Uint64(b[32:])},
		gen:     le.Uint64(b[40:]),
		lut:     int64(le.Uint64(b[48:])),
	}
	if h.flags&^flagTombstone != 0 || (h.tombstone() && h.vlen != 0) {
		return recordHeader{}, headerTorn
	}
	return h, headerOK
}

// checkRecord verifies that rec (starting with a header parsed into h)
// holds the whole record and that its key and value match their checksum.
func checkRecord(rec []byte, h *recordHeader) bool {
	end := uint64(recordHeaderSize) + uint64(h.klen) + uint64(h.vlen)
	if end > uint64(len(rec)) {
		return false
	}
	return crc(rec[recordHeaderSize:end]) == h.dataCRC
}

// recordKey and recordValue slice a checked record.
func recordKey(rec []byte, h *recordHeader) []byte {
	return rec[recordHeaderSize : recordHeaderSize+int(h.klen)]
}

func recordValue(rec []byte, h *recordHeader) []byte {
	k := recordHeaderSize + int(h.klen)
	return rec[k : k+int(h.vlen)]
}
