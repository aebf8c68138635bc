package rdb

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Info describes a decoded RDB.
type Info struct {
	Version int
	Aux     map[string]string // AUX fields: redis-ver, ctime, aof-base, ...
	DBs     []int             // databases selected, in file order
	Keys    int64             // string keys delivered (expired ones included)
	Expires int64             // of which with an expiry
	// Checksum is the stored CRC-64; ChecksumVerified is false when the
	// file has none (version < 5) or it is 0 (rdbchecksum no).
	Checksum         uint64
	ChecksumVerified bool
	// Size is the length of the RDB, trailer included. An AOF with an RDB
	// preamble continues with commands at this offset; the decoder reads
	// ahead, so the caller must seek there itself.
	Size int64
}

// Decode reads a whole RDB, calling fn for every string key with the key,
// its value and its expiry in Unix milliseconds (0 when it has none). key
// and value point into the decoder's buffer: they are valid only during
// the call, fn must copy what it keeps and must not modify them.
// Keys are delivered as stored, already-expired ones too. An error from fn
// stops decoding and is returned wrapped.
func Decode(r io.Reader, fn func(key, value []byte, expireAtMS int64) error) (Info, error) {
	return decode(r, "", fn)
}

type decoder struct {
	rd      *reader
	path    string
	info    Info
	key     []byte   // copy of the key being decoded
	num     [24]byte // decimal text of an integer-encoded string
	scratch []byte   // strings longer than the read buffer
	lzfIn   []byte   // compressed data longer than the read buffer
	lzfOut  []byte   // decompressed string
	fn      func(key, value []byte, expireAtMS int64) error
}

func decode(r io.Reader, path string, fn func(key, value []byte, expireAtMS int64) error) (Info, error) {
	d := &decoder{rd: newReader(r), path: path, fn: fn}
	defer d.rd.close()
	d.info.Aux = make(map[string]string)
	if err := d.header(); err != nil {
		return d.info, err
	}
	var expire int64
	for {
		if expire == 0 {
			if err := d.stringRun(); err != nil {
				return d.info, err
			}
		}
		off := d.rd.offset()
		op, err := d.rd.byte()
		if err != nil {
			return d.info, d.fail(off, "opcode", err)
		}
		switch op {
		case typeString:
			ok, err := d.pairInPlace(off, expire)
			if !ok && err == nil {
				err = d.pair(off, expire)
			}
			if err != nil {
				return d.info, err
			}
			expire = 0
		case opExpireTimeMS:
			p, err := d.rd.bytes(8)
			if err != nil {
				return d.info, d.fail(off, "EXPIRETIME_MS", err)
			}
			expire = int64(binary.LittleEndian.Uint64(p))
		case opExpireTime:
			p, err := d.rd.bytes(4)
			if err != nil {
				return d.info, d.fail(off, "EXPIRETIME", err)
			}
			expire = int64(int32(binary.LittleEndian.Uint32(p))) * 1000
		case opIdle:
			if _, err := d.plainLen(); err != nil {
				return d.info, d.fail(off, "IDLE", err)
			}
		case opFreq:
			if _, err := d.rd.byte(); err != nil {
				return d.info, d.fail(off, "FREQ", err)
			}
		case opAux:
			if err := d.aux(); err != nil {
				return d.info, d.fail(off, "AUX", err)
			}
		case opResizeDB:
			if _, err := d.plainLen(); err != nil {
				return d.info, d.fail(off, "RESIZEDB", err)
			}
			if _, err := d.plainLen(); err != nil {
				return d.info, d.fail(off, "RESIZEDB", err)
			}
		case opSelectDB:
			db, err := d.plainLen()
			if err != nil {
				return d.info, d.fail(off, "SELECTDB", err)
			}
			if db > math.MaxInt32 {
				return d.info, d.corrupt(off, fmt.Sprintf("SELECTDB: database %d out of range", db))
			}
			d.info.DBs = append(d.info.DBs, int(db))
		case opEOF:
			return d.info, d.trailer()
		case opModuleAux:
			return d.info, d.unsupported(off, "module aux data (opcode 0xF7)")
		case opFunction2, opFunctionPreGA:
			return d.info, d.unsupported(off, fmt.Sprintf("function library (opcode 0x%02X)", op))
		default:
			if op >= 0xF0 { // opcodes of later Redis versions (0xF4 SLOT_INFO, ...)
				return d.info, d.unsupported(off, fmt.Sprintf("opcode 0x%02X", op))
			}
			what := fmt.Sprintf("value type %d (%s)", op, typeName(op))
			if k, err := d.str(); err == nil { // name the key when it can be read
				what += fmt.Sprintf(" of key %q", truncate(k, 64))
			}
			return d.info, d.unsupported(off, what)
		}
	}
}

// header checks the magic and reads the version.
func (d *decoder) header() error {
	p, err := d.rd.bytes(9)
	if err != nil {
		return d.fail(0, "magic", err)
	}
	if string(p[:5]) != "REDIS" {
		return d.corrupt(0, fmt.Sprintf("bad magic %q, want \"REDIS\"", p[:5]))
	}
	v := 0
	for _, c := range p[5:9] {
		if c < '0' || c > '9' {
			return d.corrupt(5, fmt.Sprintf("bad version %q", p[5:9]))
		}
		v = v*10 + int(c-'0')
	}
	d.info.Version = v
	if v < 1 || v > maxVersion {
		return d.unsupported(5, fmt.Sprintf("RDB version %d (this decoder reads 1 to %d)", v, maxVersion))
	}
	return nil
}

// trailer verifies the CRC-64 after the EOF opcode (RDB version 5 and up).
func (d *decoder) trailer() error {
	computed := d.rd.sum()
	if d.info.Version >= 5 {
		off := d.rd.offset()
		p, err := d.rd.bytes(8)
		if err != nil {
			return d.fail(off, "checksum", err)
		}
		stored := binary.LittleEndian.Uint64(p)
		d.info.Checksum = stored
		if stored != 0 {
			if stored != computed {
				return d.corrupt(off, fmt.Sprintf("checksum mismatch: stored %#016x, computed %#016x", stored, computed))
			}
			d.info.ChecksumVerified = true
		}
	}
	d.info.Size = d.rd.offset()
	return nil
}
