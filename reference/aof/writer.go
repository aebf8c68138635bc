package aof

import (
	"fmt"
	"sync"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// incrFile is an incr file open for append, with the records buffered for
// it and not yet written (Redis's aof_buf, one per file while a rewrite
// routes late records to the old file).
type incrFile struct {
	name     string
	f        vfs.File
	off      int64  // bytes in the file (written)
	synced   int64  // bytes covered by the last fdatasync
	buf      []byte // records not yet written, after room for their batch annotation
	spare    []byte // the previous buffer, reused
	selected bool   // SELECT 0 already buffered by this process
}

// AOF is an open append-only file. Append and Wait are safe for concurrent
// use; the rewrite calls and Close are serialised among themselves.
type AOF struct {
	opts Options
	ctl  sync.Mutex // serialises BeginRewrite, FinishRewrite, AbortRewrite, Close

	mu   sync.Mutex
	cond *sync.Cond

	man          Manifest  // the live manifest (changed under ctl and mu)
	cur          *incrFile // the last incr: every record goes here
	rewriting    bool      // between BeginRewrite and FinishRewrite/AbortRewrite
	rewriteEpoch uint64
	rewriteStart time.Time
	maxEpoch     uint64 // highest epoch appended, for the BeginRewrite check
	anyRecord    bool

	ticket   uint64 // last ticket issued
	written  uint64 // tickets <= written are in the OS
	synced   uint64 // tickets <= synced are fdatasynced (always)
	acked    uint64 // tickets <= acked were acknowledged while their write was postponed (everysec)
	flushing bool   // a flush turn is doing I/O
	err      error  // sticky: set on a failed write or fsync
	closed   bool

	baseSize        int64 // size of the base file
	incrSize        int64 // bytes in every live incr file
	rewriteBaseSize int64 // Redis's aof_rewrite_base_size

	fsyncRunning   bool // everysec: the background fsync is busy
	lastFsync      time.Time
	postponedSince time.Time
	fsyncReq       chan *incrFile
	stop           chan struct{}
	wg             sync.WaitGroup

	st Stats
}

// cronInterval is how often the background goroutine retries postponed
// writes and checks the once-a-second fsync: Redis's serverCron at hz 10.
const cronInterval = 100 * time.Millisecond

// postponeLimit is how long an everysec write may wait behind a running
// fsync before it is forced (flushAppendOnlyFile: "can't wait over two
// seconds").
const postponeLimit = 2 * time.Second

// Open opens the AOF in opts.Dir/opts.DirName for append. A missing
// directory or manifest gets a fresh layout (empty base seq 1, incr seq 1);
// an existing one has its history and temp files removed and its last incr
// opened for append. Run Load first: it cuts a torn tail that appending
// after would turn into mid-file corruption (LoadAndOpen does both).
func Open(opts Options) (*AOF, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := o.FS.MkdirAll(o.aofDir(), 0o755); err != nil {
		return nil, fmt.Errorf("aof: open: %w", err)
	}
	a := &AOF{opts: o, fsyncReq: make(chan *incrFile, 1), stop: make(chan struct{})}
	a.cond = sync.NewCond(&a.mu)
	a.st.Policy = o.Fsync
	m, exists, err := readManifest(o)
	if err != nil {
		return nil, err
	}
	var meta int64
	if exists {
		meta, err = tidyLayout(o, &m)
	} else {
		m, meta, err = createLayout(o)
	}
	a.st.MetaBytes += meta
	if err != nil {
		return nil, err
	}
	a.man = m
	if err := a.openSizes(); err != nil {
		return nil, err
	}
	last := m.Incrs[len(m.Incrs)-1]
	f, err := o.FS.OpenReadWrite(o.path(last.Name))
	if err != nil {
		return nil, fmt.Errorf("aof: open incr for append: %w", err)
	}
	size, err := f.Size()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("aof: open incr for append: size of %s: %w", last.Name, err)
	}
	// synced stays 0: what a killed predecessor wrote may still be only in
	// the page cache, and the first fsync of this process covers it too.
	a.cur = &incrFile{name: last.Name, f: f, off: size}
	a.lastFsync = o.Clock()
	a.wg.Add(2)
	go a.cron()
	go a.bio()
	return a, nil
}

// openSizes reads the base and incr sizes; the rewrite base size starts as
// the base size, as Redis initialises aof_rewrite_base_size on restart.
func (a *AOF) openSizes() error {
	o := a.opts
	if b := a.man.Base; b != nil {
		n, err := fileSize(o.FS, o.path(b.Name))
		if err != nil {
			return fmt.Errorf("aof: open: base %s: %w", b.Name, err)
		}
		a.baseSize = n
	}
	for _, f := range a.man.Incrs {
		n, err := fileSize(o.FS, o.path(f.Name))
		if err != nil {
			return fmt.Errorf("aof: open: incr %s: %w", f.Name, err)
		}
		a.incrSize += n
	}
	a.rewriteBaseSize = a.baseSize
	return nil
}

// Append buffers one record (SET key value, or DEL key when del) and
// returns its ticket for Wait. It does no I/O and never waits on the disk:
// the engine calls it under a shard lock. Records go to the last incr in
// Append order, so a key's records keep the order the engine applied them
// in; epoch only serves BeginRewrite's check.
func (a *AOF) Append(epoch uint64, del bool, key, value []byte) (uint64, error) {
	a.mu.Lock()
	if a.err != nil || a.closed {
		err := a.err
		if err == nil {
			err = ErrClosed
		}
		a.mu.Unlock()
		return 0, err
	}
	f := a.cur
	f.buf = reserveBatchHeader(f.buf)
	if !f.selected {
		f.buf = AppendSelect(f.buf, 0)
		f.selected = true
	}
	if del {
		f.buf = AppendDel(f.buf, key)
	} else {
		f.buf = AppendSet(f.buf, key, value)
	}
	if epoch > a.maxEpoch {
		a.maxEpoch = epoch
	}
	a.anyRecord = true
	a.ticket++
	a.st.Records++
	t := a.ticket
	a.mu.Unlock()
	return t, nil
}

// Wait returns when the record of ticket is as durable as the policy
// promises: fdatasynced (always), written to the OS or postponed behind a
// running fsync (everysec), written to the OS (no). The first waiter that
// finds no flush running does the flush for everyone queued (group
// commit). An error means the write must not be acknowledged.
func (a *AOF) Wait(ticket uint64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ticket > a.ticket {
		return fmt.Errorf("aof: wait: unknown ticket %d", ticket)
	}
	for {
		if a.coveredLocked(ticket) {
			return nil
		}
		if a.err != nil {
			return a.err
		}
		if !a.flushing {
			a.flushLocked(false)
			continue
		}
		a.cond.Wait()
	}
}

func (a *AOF) coveredLocked(t uint64) bool {
	switch a.opts.Fsync {
	case FsyncAlways:
		return t <= a.synced
	case FsyncEverysec:
		return t <= a.written || t <= a.acked
	default:
		return t <= a.written
	}
}

// Size is the bytes of the base and the incr files written so far (Redis's
// aof_current_size), for the auto-rewrite rule.
func (a *AOF) Size() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.baseSize + a.incrSize
}

// BaseSize is Redis's aof_rewrite_base_size: the AOF size right after the
// last rewrite (new base plus what the new incr held then), or the base
// size after Open. ShouldRewrite compares Size against it.
func (a *AOF) BaseSize() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rewriteBaseSize
}

// Stats returns a copy of the counters.
func (a *AOF) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.st
	s.BytesWritten = s.RecordBytes + s.BaseBytes + s.MetaBytes
	if a.err != nil {
		s.Err = a.err.Error()
	}
	return s
}

// Err returns the sticky error, nil while the AOF accepts writes.
func (a *AOF) Err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.err
}

// Close writes what is buffered, fdatasyncs the open incr files under every
// policy (Redis's shutdown does, even with appendfsync no), stops the
// background goroutines and closes the file. A rewrite in progress is left
// as an aborted one would be: the manifest already lists the new incr after
// the old ones.
func (a *AOF) Close() error {
	a.ctl.Lock()
	defer a.ctl.Unlock()
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return ErrClosed
	}
	a.closed = true
	a.mu.Unlock()
	close(a.stop)
	a.wg.Wait()

	a.mu.Lock()
	for a.flushing {
		a.cond.Wait()
	}
	a.flushLocked(true)
	err := a.err
	f := a.cur
	a.mu.Unlock()

	if err == nil && f.off > f.synced {
		d, serr := a.syncFile(f)
		a.mu.Lock()
		a.st.addFsync(d, d > a.opts.SlowFsync)
		if serr != nil {
			a.failLocked(serr)
		}
		a.mu.Unlock()
		err = serr
	}
	if cerr := f.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("aof: close %s: %w", f.name, cerr)
	}
	a.cond.Broadcast()
	return err
}
