package aof

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

var errInjected = errors.New("injected I/O error")

// faultFS wraps a vfs.FS to count fdatasyncs of incr files, slow them down,
// run a hook inside them, and fail writes or syncs on demand.
type faultFS struct {
	vfs.FS
	incrSyncs atomic.Int64
	syncDelay time.Duration
	failSync  atomic.Bool
	failWrite atomic.Bool
	failDir   atomic.Bool

	mu       sync.Mutex
	syncHook func(name string) // runs inside Sync of an incr file
}

type faultFile struct {
	vfs.File
	fs *faultFS
}

func (f *faultFS) wrap(file vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return faultFile{File: file, fs: f}, nil
}

func (f *faultFS) Create(name string) (vfs.File, error) { return f.wrap(f.FS.Create(name)) }
func (f *faultFS) Open(name string) (vfs.File, error)   { return f.wrap(f.FS.Open(name)) }
func (f *faultFS) OpenReadWrite(name string) (vfs.File, error) {
	return f.wrap(f.FS.OpenReadWrite(name))
}

func (f *faultFS) SyncDir(dir string) error {
	if f.failDir.Load() {
		return errInjected
	}
	return f.FS.SyncDir(dir)
}

func (f *faultFS) setSyncHook(h func(name string)) {
	f.mu.Lock()
	f.syncHook = h
	f.mu.Unlock()
}

func (f faultFile) isIncr() bool { return strings.HasSuffix(f.Name(), ".incr.aof") }

func (f faultFile) Sync() error {
	if !f.isIncr() {
		return f.File.Sync()
	}
	f.fs.mu.Lock()
	hook := f.fs.syncHook
	f.fs.mu.Unlock()
	if hook != nil {
		hook(f.Name())
	}
	if f.fs.failSync.Load() {
		return errInjected
	}
	if f.fs.syncDelay > 0 {
		time.Sleep(f.fs.syncDelay)
	}
	f.fs.incrSyncs.Add(1)
	return f.File.Sync()
}

func (f faultFile) WriteAt(p []byte, off int64) (int, error) {
	if f.isIncr() && f.fs.failWrite.Load() {
		// A short write, to check that the torn half is cut away.
		n, _ := f.File.WriteAt(p[:len(p)/2], off)
		return n, errInjected
	}
	return f.File.WriteAt(p, off)
}

// fakeClock is a settable clock for the everysec and slow-fsync rules.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// eventually polls cond until it holds or a generous deadline passes; it
// waits for background goroutines, it does not measure them.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
