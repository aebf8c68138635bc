package vfs

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// crashFile is an open file of a CrashFS. It belongs to the process
// generation that opened it: after Kill or PowerCut every call fails with
// ErrKilled (Close excepted, which a dead process cannot call anyway).
type crashFile struct {
	fs     *CrashFS
	n      *inode
	name   string
	gen    uint64
	write  bool
	closed atomic.Bool

	mu  sync.Mutex // the offset of Read and Write
	off int64
}

func (fs *CrashFS) newHandle(n *inode, name string, write bool) *crashFile {
	return &crashFile{fs: fs, n: n, name: name, gen: fs.gen.Load(), write: write}
}

// check returns why an operation may not proceed, or nil. Callers hold the
// inode's mutex, so that a Kill either precedes the operation or follows it.
func (f *crashFile) check(op string, write bool) error {
	switch {
	case f.closed.Load():
		return &os.PathError{Op: op, Path: f.name, Err: os.ErrClosed}
	case f.gen != f.fs.gen.Load():
		return &os.PathError{Op: op, Path: f.name, Err: ErrKilled}
	case write && !f.write:
		return &os.PathError{Op: op, Path: f.name, Err: syscall.EBADF}
	}
	return nil
}

func (f *crashFile) Name() string { return f.name }

func (f *crashFile) Close() error {
	if f.closed.Swap(true) {
		return &os.PathError{Op: "close", Path: f.name, Err: os.ErrClosed}
	}
	return nil
}

func (f *crashFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (f *crashFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &os.PathError{Op: "read", Path: f.name, Err: syscall.EINVAL}
	}
	f.n.mu.RLock()
	defer f.n.mu.RUnlock()
	if err := f.check("read", false); err != nil {
		return 0, err
	}
	return f.n.readAt(p, off)
}

func (f *crashFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.WriteAt(p, f.off)
	f.off += int64(n)
	return n, err
}

func (f *crashFile) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &os.PathError{Op: "write", Path: f.name, Err: syscall.EINVAL}
	}
	now := f.fs.clock()
	f.n.mu.Lock()
	defer f.n.mu.Unlock()
	if err := f.check("write", true); err != nil {
		return 0, err
	}
	f.n.writeAt(p, off, now)
	f.fs.stats.bytesWritten.Add(int64(len(p)))
	f.fs.stats.writes.Add(1)
	return len(p), nil
}

func (f *crashFile) Sync() error {
	f.n.mu.Lock()
	defer f.n.mu.Unlock()
	if err := f.check("sync", false); err != nil {
		return err
	}
	f.n.sync()
	f.fs.stats.syncs.Add(1)
	return nil
}

func (f *crashFile) Size() (int64, error) {
	f.n.mu.RLock()
	defer f.n.mu.RUnlock()
	if err := f.check("stat", false); err != nil {
		return 0, err
	}
	return f.n.size, nil
}

func (f *crashFile) Truncate(size int64) error {
	if size < 0 {
		return &os.PathError{Op: "truncate", Path: f.name, Err: syscall.EINVAL}
	}
	now := f.fs.clock()
	f.n.mu.Lock()
	defer f.n.mu.Unlock()
	if err := f.check("truncate", true); err != nil {
		return err
	}
	f.n.truncate(size, now)
	f.fs.stats.truncates.Add(1)
	return nil
}
