package reference

import (
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// mortalFS is a CrashFS as one process sees it. The process dies at its
// armed operation (that operation fails) or when die is called: the
// CrashFS is killed or loses power, and every later operation of this
// process fails with vfs.ErrKilled — namespace operations and new files
// too, which CrashFS.Kill alone cannot refuse. So a snapshot or rewrite
// caught half-way cannot rename or sync anything after its process died.
// The next process gets a new mortalFS on the same CrashFS.
type mortalFS struct {
	crash *vfs.CrashFS
	clock *fakeClock
	power bool   // the death is a power cut (else a kill)
	onDie func() // runs at the moment of death, with every operation held off

	mu    sync.RWMutex // read: one operation; write: the death
	dead  bool
	cutAt time.Time // the clock at death
	ops   atomic.Int64
	armAt atomic.Int64 // the operation that dies; 0: none

	// For everysecHold: the AOF incr files' last write and last fsync
	// (operation numbers, and the clock at the fsync's start), the fsyncs
	// running, and the AOF's count of postponed writes (Stats) as it was
	// at the last incr write.
	incrWrite, incrSync, incrSyncAt atomic.Int64
	syncing                         atomic.Int64
	postponed                       func() int64
	postponedAtWrite                atomic.Int64
}

type mortalFile struct {
	vfs.File
	m *mortalFS
}

// arm makes the n-th operation from now the one that dies (n >= 1).
func (m *mortalFS) arm(n int64) { m.armAt.Store(m.ops.Load() + n) }

// enter admits one operation, or dies at the armed one.
func (m *mortalFS) enter() error {
	if n := m.ops.Add(1); n == m.armAt.Load() {
		m.die()
		return vfs.ErrKilled
	}
	m.mu.RLock()
	if m.dead {
		m.mu.RUnlock()
		return vfs.ErrKilled
	}
	return nil
}

func (m *mortalFS) leave() { m.mu.RUnlock() }

// die kills the process now (once); operations in flight finish first.
func (m *mortalFS) die() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dead {
		return
	}
	if m.power {
		m.crash.PowerCut()
	} else {
		m.crash.Kill()
	}
	m.dead = true
	m.cutAt = m.clock.Now()
	if m.onDie != nil {
		m.onDie()
	}
}

func (m *mortalFS) isDead() bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.dead
}

func (m *mortalFS) op(f func() error) error {
	if err := m.enter(); err != nil {
		return err
	}
	defer m.leave()
	return f()
}

func (m *mortalFS) file(open func(string) (vfs.File, error), name string) (vfs.File, error) {
	var f vfs.File
	err := m.op(func() (err error) { f, err = open(name); return err })
	if err != nil {
		return nil, err
	}
	return mortalFile{File: f, m: m}, nil
}

func (m *mortalFS) Create(name string) (vfs.File, error) { return m.file(m.crash.Create, name) }
func (m *mortalFS) Open(name string) (vfs.File, error)   { return m.file(m.crash.Open, name) }
func (m *mortalFS) OpenReadWrite(name string) (vfs.File, error) {
	return m.file(m.crash.OpenReadWrite, name)
}
func (m *mortalFS) Remove(name string) error {
	return m.op(func() error { return m.crash.Remove(name) })
}
func (m *mortalFS) Rename(a, b string) error {
	return m.op(func() error { return m.crash.Rename(a, b) })
}
func (m *mortalFS) SyncDir(dir string) error {
	return m.op(func() error { return m.crash.SyncDir(dir) })
}
func (m *mortalFS) MkdirAll(dir string, perm os.FileMode) error {
	return m.op(func() error { return m.crash.MkdirAll(dir, perm) })
}
func (m *mortalFS) List(dir string) (names []string, err error) {
	err = m.op(func() error { names, err = m.crash.List(dir); return err })
	return names, err
}
func (m *mortalFS) Stat(name string) (fi os.FileInfo, err error) {
	err = m.op(func() error { fi, err = m.crash.Stat(name); return err })
	return fi, err
}

// everysecHold reports whether fake time must stand still for an everysec
// AOF: an fsync is running (a fast disk), one is owed — the incr files
// were written since their last fsync began, a second or more ago — or
// writes are postponed behind one that was asked for and has not run yet.
// A host slow to schedule the background fsync would otherwise show as
// seconds of unsynced, or postponed, writes that the policy did not cause.
func (m *mortalFS) everysecHold() bool {
	if m.isDead() {
		return false
	}
	if m.syncing.Load() > 0 || m.postponed() > m.postponedAtWrite.Load() {
		return true
	}
	return m.incrWrite.Load() > m.incrSync.Load() && m.clock.ns.Load()-m.incrSyncAt.Load() >= int64(time.Second)
}

func isIncr(name string) bool { return strings.HasSuffix(name, ".incr.aof") }

func (f mortalFile) Sync() error {
	f.m.syncing.Add(1)
	defer f.m.syncing.Add(-1)
	if isIncr(f.Name()) {
		f.m.incrSyncAt.Store(f.m.clock.ns.Load())
		f.m.incrSync.Store(f.m.ops.Load())
	}
	return f.m.op(f.File.Sync)
}
func (f mortalFile) Truncate(n int64) error {
	return f.m.op(func() error { return f.File.Truncate(n) })
}
func (f mortalFile) Write(p []byte) (n int, err error) {
	f.noteWrite()
	err = f.m.op(func() error { n, err = f.File.Write(p); return err })
	return n, err
}
func (f mortalFile) WriteAt(p []byte, off int64) (n int, err error) {
	f.noteWrite()
	err = f.m.op(func() error { n, err = f.File.WriteAt(p, off); return err })
	return n, err
}

func (f mortalFile) noteWrite() {
	if isIncr(f.Name()) {
		f.m.incrWrite.Store(f.m.ops.Load() + 1)
		if f.m.postponed != nil { // the write that ends a postponement
			f.m.postponedAtWrite.Store(f.m.postponed())
		}
	}
}

// fakeClock is the time the CrashFS's writeback and the AOF's everysec
// logic read. Writers move it forward a step per operation, except while
// hold says no: the writer then goes on at the same instant, its next
// write being the flush turn that starts an owed fsync.
type fakeClock struct {
	ns    atomic.Int64
	hold  atomic.Pointer[func() bool]
	skips atomic.Int64 // Advances skipped in a row
}

// A hold that outlasts maxSkips Advances and then maxHold of real time
// is an fsync the AOF owes and does not start: a bug, not the scheduler.
const (
	maxSkips = 30
	maxHold  = time.Second
)

var errOwedFsync = errors.New("an everysec fsync owed for over a second of fake time, or one writes are postponed behind, did not run")

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time { return time.Unix(0, c.ns.Load()) }

// Advance moves the clock by d, unless it is held.
func (c *fakeClock) Advance(d time.Duration) error {
	if h := c.hold.Load(); h != nil && (*h)() {
		if c.skips.Add(1) <= maxSkips {
			return nil
		}
		for deadline := time.Now().Add(maxHold); (*h)(); time.Sleep(50 * time.Microsecond) {
			if time.Now().After(deadline) {
				c.skips.Store(0)
				return errOwedFsync
			}
		}
	}
	c.skips.Store(0)
	c.ns.Add(int64(d))
	return nil
}
