package aof

import (
	"bufio"
	"io"
	"strconv"
)

// AppendSelect appends a SELECT db record, byte for byte as Redis's
// feedAppendOnlyFile writes it.
func AppendSelect(dst []byte, db int) []byte {
	return appendCommand(dst, []byte("SELECT"), strconv.AppendInt(nil, int64(db), 10))
}

// AppendSet appends a SET key value record.
func AppendSet(dst, key, value []byte) []byte {
	return appendCommand(dst, []byte("SET"), key, value)
}

// AppendDel appends a DEL key record.
func AppendDel(dst, key []byte) []byte {
	return appendCommand(dst, []byte("DEL"), key)
}

// appendCommand is Redis's catAppendOnlyGenericCommand: an array header
// then one bulk string per argument.
func appendCommand(dst []byte, args ...[]byte) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}

// BaseWriter writes a RESP base the way Redis's rewriteAppendOnlyFileRio
// does for strings: SELECT 0 before the first key (nothing at all for an
// empty dataset), then one SET per key. It buffers; call Flush at the end.
type BaseWriter struct {
	w        *bufio.Writer
	buf      []byte
	selected bool
	keys     int64
}

// NewBaseWriter returns a BaseWriter writing to w.
func NewBaseWriter(w io.Writer) *BaseWriter {
	return &BaseWriter{w: bufio.NewWriterSize(w, 256<<10)}
}

// Set writes one key.
func (b *BaseWriter) Set(key, value []byte) error {
	b.buf = b.buf[:0]
	if !b.selected {
		b.buf = AppendSelect(b.buf, 0)
		b.selected = true
	}
	b.buf = AppendSet(b.buf, key, value)
	b.keys++
	_, err := b.w.Write(b.buf)
	return err
}

// Keys is the number of keys written so far.
func (b *BaseWriter) Keys() int64 { return b.keys }

// Flush writes buffered bytes to the underlying writer.
func (b *BaseWriter) Flush() error { return b.w.Flush() }
