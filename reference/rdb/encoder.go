package rdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Options are the settings that shape an RDB file.
type Options struct {
	// Compress stores strings longer than 20 bytes LZF-compressed when that
	// saves at least 4 bytes, as Redis with rdbcompression yes.
	Compress bool
	// RedisVer is the AUX redis-ver field; default DefaultRedisVer.
	RedisVer string
	// AOFBase writes AUX aof-base 1: the RDB is the base of an AOF.
	AOFBase bool
	// Ctime is the AUX ctime field (Unix seconds); the zero time means now.
	Ctime time.Time
	// UsedMem is the AUX used-mem field (bytes).
	UsedMem int64
}

// DefaultRedisVer is the redis-ver written when Options.RedisVer is empty:
// Debian 12's redis-server, the version this codec is checked against.
const DefaultRedisVer = "7.0.15"

// encBufSize is the encoder's buffer: snapshots are written in 1 MiB
// writes, and the CRC is updated once per buffer.
const encBufSize = 1 << 20

// ErrClosed is returned by an Encoder used after Close.
var ErrClosed = errors.New("rdb: encoder closed")

// Encoder writes an RDB stream. It buffers, so nothing reaches w before the
// buffer fills or Close is called. After a write error every method returns
// that error. An Encoder is not safe for concurrent use.
type Encoder struct {
	w       io.Writer
	buf     []byte
	crc     uint64 // over everything already handed to w
	flushed int64
	keys    int64
	err     error

	compress bool
	lzf      *lzfTable
	lzfOut   []byte
}

// NewEncoder writes the magic "REDIS0010" and the AUX fields Redis 7.0
// writes (rdbSaveInfoAuxFields: redis-ver, redis-bits, ctime, used-mem,
// aof-base) to a buffer in front of w.
func NewEncoder(w io.Writer, opts Options) (*Encoder, error) {
	if w == nil {
		return nil, errors.New("rdb: new encoder: nil writer")
	}
	if opts.UsedMem < 0 {
		return nil, fmt.Errorf("rdb: new encoder: negative used-mem %d", opts.UsedMem)
	}
	e := &Encoder{w: w, buf: make([]byte, 0, encBufSize), compress: opts.Compress}
	if opts.Compress {
		e.lzf = new(lzfTable)
	}
	ver := opts.RedisVer
	if ver == "" {
		ver = DefaultRedisVer
	}
	ctime := opts.Ctime
	if ctime.IsZero() {
		ctime = time.Now()
	}
	aofBase := 0
	if opts.AOFBase {
		aofBase = 1
	}
	e.buf = append(e.buf, "REDIS"...)
	e.buf = fmt.Appendf(e.buf, "%04d", Version)
	e.aux("redis-ver", ver)
	e.aux("redis-bits", strconv.Itoa(strconv.IntSize))
	e.aux("ctime", strconv.FormatInt(ctime.Unix(), 10))
	e.aux("used-mem", strconv.FormatInt(opts.UsedMem, 10))
	e.aux("aof-base", strconv.Itoa(aofBase))
	return e, nil
}

// aux appends an AUX field; both halves are strings (rdbSaveAuxField).
func (e *Encoder) aux(key, value string) {
	e.buf = append(e.buf, opAux)
	e.putString([]byte(key))
	e.putString([]byte(value))
}

// SelectDB starts database db and writes the RESIZEDB hint Redis writes
// after it: the number of keys, and of keys with an expiry, that follow.
func (e *Encoder) SelectDB(db int, size, expires uint64) error {
	if e.err != nil {
		return e.err
	}
	if db < 0 {
		return fmt.Errorf("rdb: select db %d: negative", db)
	}
	e.reserve(1 + 9 + 1 + 9 + 9)
	e.buf = append(e.buf, opSelectDB)
	e.buf = appendLen(e.buf, uint64(db))
	e.buf = append(e.buf, opResizeDB)
	e.buf = appendLen(e.buf, size)
	e.buf = appendLen(e.buf, expires)
	return e.err
}

// Set writes a string key without expiry (type 0). Keys and values that
// are canonical 32-bit decimal integers are integer-encoded, longer strings
// are LZF-compressed when Options.Compress is set and it saves space, as
// rdbSaveRawString does.
func (e *Encoder) Set(key, value []byte) error { return e.SetWithExpire(key, value, 0) }

// SetWithExpire writes a string key that expires at expireAtMS (Unix
// milliseconds, the EXPIRETIME_MS opcode); 0 means no expiry.
func (e *Encoder) SetWithExpire(key, value []byte, expireAtMS int64) error {
	if e.err != nil {
		return e.err
	}
	e.reserve(1 + 8 + 1)
	if expireAtMS != 0 {
		e.buf = append(e.buf, opExpireTimeMS)
		e.buf = binary.LittleEndian.AppendUint64(e.buf, uint64(expireAtMS))
	}
	e.buf = append(e.buf, typeString)
	e.putString(key)
	e.putString(value)
	e.keys++
	return e.err
}

// putString writes s as rdbSaveRawString does: an integer encoding if s is
// a canonical integer that fits in 32 bits, else LZF if enabled, longer
// than 20 bytes and at least 4 bytes smaller, else length and bytes.
func (e *Encoder) putString(s []byte) {
	e.reserve(1 + 9)
	if v, ok := parseCanonicalInt(s); ok {
		if b, ok := appendIntEnc(e.buf, v); ok {
			e.buf = b
			return
		}
	}
	if e.compress && len(s) > 20 && e.putLZF(s) {
		return
	}
	e.buf = appendLen(e.buf, uint64(len(s)))
	e.write(s)
}

// putLZF writes s compressed, as rdbSaveLzfStringObject: only if the
// compressed form fits in len(s)-4 bytes.
func (e *Encoder) putLZF(s []byte) bool {
	outLen := len(s) - 4
	if cap(e.lzfOut) < outLen+1 {
		e.lzfOut = make([]byte, outLen+1)
	}
	n := lzfCompress(e.lzf, e.lzfOut[:cap(e.lzfOut)], outLen, s)
	if n == 0 {
		return false
	}
	e.reserve(1 + 9 + 9)
	e.buf = append(e.buf, lenEnc<<6|encLZF)
	e.buf = appendLen(e.buf, uint64(n))
	e.buf = appendLen(e.buf, uint64(len(s)))
	e.write(e.lzfOut[:n])
	return true
}

// reserve makes room for n more bytes in the buffer (n is small).
func (e *Encoder) reserve(n int) {
	if len(e.buf)+n > cap(e.buf) {
		e.flush()
	}
}

// write appends p, or writes it straight through when it is large.
func (e *Encoder) write(p []byte) {
	if len(e.buf)+len(p) <= cap(e.buf) {
		e.buf = append(e.buf, p...)
		return
	}
	e.flush()
	if len(p) < cap(e.buf)/2 {
		e.buf = append(e.buf, p...)
		return
	}
	e.emit(p)
}

// flush hands the buffer to w.
func (e *Encoder) flush() {
	e.emit(e.buf)
	e.buf = e.buf[:0]
}

func (e *Encoder) emit(p []byte) {
	if e.err != nil || len(p) == 0 {
		return
	}
	e.crc = crcUpdate(e.crc, p)
	n, err := e.w.Write(p)
	e.flushed += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		e.err = fmt.Errorf("rdb: write at offset %d: %w", e.flushed, err)
	}
}

// Close writes the EOF opcode and the CRC-64 of everything before it
// (little-endian) and flushes. It does not close w.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	e.reserve(1 + 8)
	e.buf = append(e.buf, opEOF)
	sum := crcUpdate(e.crc, e.buf) // the trailer is not part of the checksum
	e.buf = binary.LittleEndian.AppendUint64(e.buf, sum)
	e.flush()
	if e.err != nil {
		return e.err
	}
	e.err = ErrClosed
	return nil
}

// Written is the number of bytes encoded so far, buffered or not.
func (e *Encoder) Written() int64 { return e.flushed + int64(len(e.buf)) }

// Keys is the number of keys written.
func (e *Encoder) Keys() int64 { return e.keys }
