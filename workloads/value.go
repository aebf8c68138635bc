package workloads

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// MinValueSize is the size of the self-checking header (see the package
// doc): the smallest value EncodeValue can produce.
const MinValueSize = 28

// Errors CheckValue wraps.
var (
	// ErrCorrupt: the value is not a payload EncodeValue produced (magic,
	// length or checksum mismatch).
	ErrCorrupt = errors.New("corrupt value")
	// ErrWrongKey: the value is an intact payload written for another key.
	ErrWrongKey = errors.New("value of another key")
)

const (
	valueMagic   = "pbv1"
	offKey       = 4
	offVersion   = 12
	offLength    = 20
	offChecksum  = 24
	fillerBlock  = 256 // the compressible pattern repeats per block
	splitmixIncr = 0x9e3779b97f4a7c15
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// EncodeValue appends exactly size bytes to dst: the header for key and
// version, then filler compressible to about the given ratio (0 = random
// bytes, 1 = one repeated byte). The result is a pure function of (key,
// version, size, compressible). It allocates only when dst lacks capacity.
// It panics when size is below MinValueSize or above MaxValueSize.
func EncodeValue(dst []byte, key uint64, version uint64, size int, compressible float64) []byte {
	if size < MinValueSize || size > MaxValueSize {
		panic(fmt.Sprintf("workloads: EncodeValue: size %d outside %d..%d", size, MinValueSize, MaxValueSize))
	}
	start := len(dst)
	dst = slices.Grow(dst, size)[:start+size]
	v := dst[start:]
	copy(v, valueMagic)
	binary.LittleEndian.PutUint64(v[offKey:], key)
	binary.LittleEndian.PutUint64(v[offVersion:], version)
	binary.LittleEndian.PutUint32(v[offLength:], uint32(size))
	fill(v[MinValueSize:], key, version, compressible)
	binary.LittleEndian.PutUint32(v[offChecksum:], checksum(v))
	return dst
}

// fill writes the filler: per block, (1-c) pseudo-random bytes then one
// repeated byte.
func fill(b []byte, key, version uint64, compressible float64) {
	c := min(max(compressible, 0), 1)
	if math.IsNaN(compressible) {
		c = 0
	}
	state := mix64(key*splitmixIncr ^ mix64(version+splitmixIncr))
	pad := byte(state>>56) | 1
	for len(b) > 0 {
		blk := b[:min(fillerBlock, len(b))]
		b = b[len(blk):]
		random := int(math.Round(float64(len(blk)) * (1 - c)))
		i := 0
		for ; i+8 <= random; i += 8 {
			state += splitmixIncr
			binary.LittleEndian.PutUint64(blk[i:], mix64(state))
		}
		if i < random {
			state += splitmixIncr
			r := mix64(state)
			for ; i < random; i++ {
				blk[i] = byte(r)
				r >>= 8
			}
		}
		for ; i < len(blk); i++ {
			blk[i] = pad
		}
	}
}

// mix64 is splitmix64's finaliser: a cheap bijective 64-bit mix.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// checksum is the CRC-32C of the value without its checksum field.
func checksum(v []byte) uint32 {
	crc := crc32.Update(0, castagnoli, v[:offChecksum])
	return crc32.Update(crc, castagnoli, v[MinValueSize:])
}

// CheckValue verifies a value read back for key and returns the version it
// carries. It wraps ErrCorrupt when the value is not intact and ErrWrongKey
// when it is an intact value of another key (the version returned is then
// that value's). Whether the version is stale is for the caller to judge.
func CheckValue(key uint64, value []byte) (version uint64, err error) {
	if len(value) < MinValueSize {
		return 0, fmt.Errorf("workloads: value of key %d: %d bytes, shorter than the %d-byte header: %w", key, len(value), MinValueSize, ErrCorrupt)
	}
	if string(value[:offKey]) != valueMagic {
		return 0, fmt.Errorf("workloads: value of key %d: magic %q, want %q: %w", key, value[:offKey], valueMagic, ErrCorrupt)
	}
	if n := binary.LittleEndian.Uint32(value[offLength:]); int64(n) != int64(len(value)) {
		return 0, fmt.Errorf("workloads: value of key %d: %d bytes, header says %d: %w", key, len(value), n, ErrCorrupt)
	}
	if got, want := checksum(value), binary.LittleEndian.Uint32(value[offChecksum:]); got != want {
		return 0, fmt.Errorf("workloads: value of key %d: checksum %#08x, header says %#08x: %w", key, got, want, ErrCorrupt)
	}
	version = binary.LittleEndian.Uint64(value[offVersion:])
	if k := binary.LittleEndian.Uint64(value[offKey:]); k != key {
		return version, fmt.Errorf("workloads: value of key %d: written for key %d (version %d): %w", key, k, version, ErrWrongKey)
	}
	return version, nil
}
