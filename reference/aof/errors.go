package aof

import (
	"errors"
	"fmt"
)

// CorruptError reports a file that cannot be replayed: bad RESP, a
// truncated file that is not the last one, a manifest entry that breaks the
// layout. Offset is the byte offset in File where the problem was found.
type CorruptError struct {
	File   string
	Offset int64
	Reason string
	torn   bool // the file ends inside a record: a cut-off tail, not damage
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("aof: replay %s at offset %d: %s", e.File, e.Offset, e.Reason)
}

var (
	// ErrClosed is returned by calls on a closed AOF.
	ErrClosed = errors.New("aof: closed")
	// ErrUnsupported is wrapped when a file holds a command the reference
	// engine cannot replay (anything but SELECT 0, SET k v, DEL, UNLINK,
	// MULTI/EXEC): loading stops rather than skip it.
	ErrUnsupported = errors.New("unsupported command")
	// ErrEpochOrder is returned by BeginRewrite(E) when a record with
	// epoch >= E was already appended: that record went to a file the
	// rewrite would drop and is not in the snapshot, so the rewrite is
	// refused (and aborted) instead of losing it.
	ErrEpochOrder = errors.New("aof: rewrite epoch not ahead of appended records")
	// ErrNoRewrite is returned by FinishRewrite without a BeginRewrite.
	ErrNoRewrite = errors.New("aof: no rewrite in progress")
	// ErrRewriting is returned by BeginRewrite while one is in progress.
	ErrRewriting = errors.New("aof: rewrite already in progress")
)
