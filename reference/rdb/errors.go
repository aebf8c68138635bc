package rdb

import (
	"errors"
	"fmt"
	"io"
)

// CorruptError reports bytes that are not a valid RDB: a bad magic, an
// impossible length, LZF data that does not expand to its declared length,
// a checksum mismatch. A file that ends early wraps io.ErrUnexpectedEOF.
type CorruptError struct {
	Path   string // the file, when known (Load sets it)
	Offset int64  // byte offset of the item that failed
	Reason string
	Err    error // the underlying cause, if any (io.ErrUnexpectedEOF for truncation)
}

func (e *CorruptError) Error() string {
	s := "rdb: decode"
	if e.Path != "" {
		s += " " + e.Path
	}
	s += fmt.Sprintf(" at offset %d: %s", e.Offset, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *CorruptError) Unwrap() error { return e.Err }

// ErrUnsupported is wrapped by an *UnsupportedError.
var ErrUnsupported = errors.New("rdb: content not supported (string keys only)")

// UnsupportedError reports valid RDB content this codec does not handle: a
// value type other than string, a module or function section. The decoder
// stops there rather than skip data a caller would silently lose.
type UnsupportedError struct {
	Path   string
	Offset int64  // byte offset of the type or opcode byte
	What   string // e.g. `value type 4 (hash) of key "user:1"`
}

func (e *UnsupportedError) Error() string {
	s := "rdb: decode"
	if e.Path != "" {
		s += " " + e.Path
	}
	return s + fmt.Sprintf(" at offset %d: %s: not supported (string keys only)", e.Offset, e.What)
}

func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// pathPart is " <path>" when the file is known, for error messages.
func (d *decoder) pathPart() string {
	if d.path == "" {
		return ""
	}
	return " " + d.path
}

func (d *decoder) corrupt(off int64, reason string) error {
	return &CorruptError{Path: d.path, Offset: off, Reason: reason}
}

func (d *decoder) unsupported(off int64, what string) error {
	return &UnsupportedError{Path: d.path, Offset: off, What: what}
}

// fail turns an error met while reading the item at off into the error
// Decode returns: truncation and bad bytes become a *CorruptError, a read
// error is wrapped with the offset.
func (d *decoder) fail(off int64, item string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &CorruptError{Path: d.path, Offset: off, Reason: item + ": file truncated", Err: io.ErrUnexpectedEOF}
	}
	var de *detail
	if errors.As(err, &de) {
		return &CorruptError{Path: d.path, Offset: de.off, Reason: item + ": " + de.reason, Err: de.err}
	}
	return fmt.Errorf("rdb: decode%s at offset %d: %s: read: %w", d.pathPart(), off, item, err)
}

// detail is a low-level decoding failure at a precise offset, turned into
// a *CorruptError by fail.
type detail struct {
	off    int64
	reason string
	err    error
}

func (e *detail) Error() string { return e.reason }

// truncate shortens a key quoted in an error message.
func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// typeName names the value types of rdb.h (RDB_TYPE_*), for errors.
func typeName(t byte) string {
	names := [...]string{
		0: "string", 1: "list", 2: "set", 3: "zset", 4: "hash", 5: "zset-2",
		6: "module-pre-ga", 7: "module-2", 9: "hash-zipmap", 10: "list-ziplist",
		11: "set-intset", 12: "zset-ziplist", 13: "hash-ziplist", 14: "list-quicklist",
		15: "stream-listpacks", 16: "hash-listpack", 17: "zset-listpack",
		18: "list-quicklist-2", 19: "stream-listpacks-2", 20: "set-listpack",
		21: "stream-listpacks-3",
	}
	if int(t) < len(names) && names[t] != "" {
		return names[t]
	}
	return "unknown"
}
