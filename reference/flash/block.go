package flash

import (
	"bytes"
	"encoding/binary"
)

// Block header layout constants (see the package doc).
const (
	blockHeaderSize = 64
	blockVersion    = 1
)

var blockMagic = [4]byte{'P', 'B', 'W', 'B'}

// blockHeader is the decoded header of one write block's current life.
type blockHeader struct {
	index    uint32
	epoch    uint64
	deviceID uint64
	opened   int64
}

func putBlockHeader(b []byte, h blockHeader) {
	le := binary.LittleEndian
	clear(b[:blockHeaderSize])
	copy(b[4:], blockMagic[:])
	le.PutUint16(b[8:], blockVersion)
	le.PutUint32(b[12:], h.index)
	le.PutUint64(b[16:], h.epoch)
	le.PutUint64(b[24:], h.deviceID)
	le.PutUint64(b[32:], uint64(h.opened))
	le.PutUint32(b[0:], crc(b[4:blockHeaderSize]))
}

// blockState says what a block's header bytes are.
type blockState uint8

const (
	blockEmpty   blockState = iota // never written, or of another device or format
	blockValid                     // a life of this block on this device
	blockDamaged                   // our magic, but a bad checksum or the wrong block number
)

func parseBlockHeader(b []byte, index uint32, deviceID uint64) (blockHeader, blockState) {
	if len(b) < blockHeaderSize || !bytes.Equal(b[4:8], blockMagic[:]) {
		return blockHeader{}, blockEmpty
	}
	le := binary.LittleEndian
	if le.Uint32(b[0:]) != crc(b[4:blockHeaderSize]) || le.Uint16(b[8:]) != blockVersion {
		return blockHeader{}, blockDamaged
	}
	h := blockHeader{
		index:    le.Uint32(b[12:]),
		epoch:    le.Uint64(b[16:]),
		deviceID: le.Uint64(b[24:]),
		opened:   int64(le.Uint64(b[32:])),
	}
	switch {
	case h.deviceID != deviceID:
		return blockHeader{}, blockEmpty
	case h.index != index:
		return blockHeader{}, blockDamaged
	}
	return h, blockValid
}

// scanResult is what one block scan found.
type scanResult struct {
	state   blockState
	header  blockHeader
	fill    int  // bytes of the block holding its life's records (header included)
	torn    bool // the scan stopped at a damaged record
	records int  // valid records visited
}

// scanBlock walks the records of one block image (the whole block, or a
// prefix of it) and calls fn for each valid record: its offset, header and
// bytes (rec[:h.size()] when the padding fits in img). It stops at the first
// record that is not of the block's life or is damaged.
func scanBlock(img []byte, index uint32, deviceID uint64, fn func(off int, h *recordHeader, rec []byte)) scanResult {
	hdr, st := parseBlockHeader(img, index, deviceID)
	res := scanResult{state: st, header: hdr}
	if st != blockValid {
		res.torn = st == blockDamaged
		return res
	}
	epoch := uint32(hdr.epoch)
	off := blockHeaderSize
	for off+recordHeaderSize <= len(img) {
		h, hs := parseHeader(img[off:], epoch)
		if hs == headerForeign {
			break
		}
		end := uint64(off) + uint64(recordHeaderSize) + uint64(h.klen) + uint64(h.vlen)
		if hs == headerTorn || end > uint64(len(img)) || !checkRecord(img[off:end], &h) {
			res.torn = true
			break
		}
		if fn != nil {
			fn(off, &h, img[off:min(off+h.size(), len(img))])
		}
		res.records++
		off += h.size()
	}
	res.fill = min(off, len(img))
	return res
}
