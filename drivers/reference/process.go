package reference

import (
	"fmt"
	"os"
	"sync"

	"github.com/persistbench/persistbench/reference/vfs"
)

// processFS is the file system as one run of the engine sees it. Crash
// ends the run: it waits for the operations in flight, then every later
// one fails with vfs.ErrKilled — on open files, and new files, renames,
// removes and directory syncs too. Two reasons:
//
//   - vfs.Mirror.Kill only stops the handles already open, and the
//     engine's background work (a snapshot or rewrite goroutine, the
//     save-point cron) goes on until Abandon has stopped it: a snapshot
//     begun before the crash could still create, rename and fsync its file
//     afterwards and make writes durable that a real crash loses;
//   - a write in flight on a Mirror file when Kill closes its handles can
//     land on the disk and not on the model; the Mirror then fails reads
//     of that file ("unexpected EOF" when recovery replays the AOF).
//
// Restart opens a new processFS.
type processFS struct {
	vfs.FS
	mu   sync.RWMutex // read: one operation; write: the crash, after those in flight
	dead bool
}

func (p *processFS) kill() {
	p.mu.Lock()
	p.dead = true
	p.mu.Unlock()
}

// do runs op unless the process is dead.
func (p *processFS) do(name string, op func() error) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.dead {
		return &os.PathError{Op: "use", Path: name, Err: fmt.Errorf("%w (the engine crashed)", vfs.ErrKilled)}
	}
	return op()
}

func (p *processFS) open(name string, open func(string) (vfs.File, error)) (vfs.File, error) {
	var f vfs.File
	err := p.do(name, func() (err error) { f, err = open(name); return err })
	if err != nil {
		return nil, err
	}
	return &processFile{File: f, p: p}, nil
}

// processFile is a file of a processFS: its operations are the process's.
type processFile struct {
	vfs.File
	p *processFS
}

func (f *processFile) Read(b []byte) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.Read(b); return err })
	return n, err
}
func (f *processFile) ReadAt(b []byte, off int64) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.ReadAt(b, off); return err })
	return n, err
}
func (f *processFile) Write(b []byte) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.Write(b); return err })
	return n, err
}
func (f *processFile) WriteAt(b []byte, off int64) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.WriteAt(b, off); return err })
	return n, err
}
func (f *processFile) Sync() error { return f.p.do(f.Name(), f.File.Sync) }
func (f *processFile) Truncate(size int64) error {
	return f.p.do(f.Name(), func() error { return f.File.Truncate(size) })
}
func (f *processFile) Size() (n int64, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.Size(); return err })
	return n, err
}

func (p *processFS) Create(name string) (vfs.File, error) { return p.open(name, p.FS.Create) }
func (p *processFS) Open(name string) (vfs.File, error)   { return p.open(name, p.FS.Open) }
func (p *processFS) OpenReadWrite(name string) (vfs.File, error) {
	return p.open(name, p.FS.OpenReadWrite)
}
func (p *processFS) Remove(name string) error {
	return p.do(name, func() error { return p.FS.Remove(name) })
}
func (p *processFS) Rename(oldname, newname string) error {
	return p.do(oldname, func() error { return p.FS.Rename(oldname, newname) })
}
func (p *processFS) MkdirAll(dir string, perm os.FileMode) error {
	return p.do(dir, func() error { return p.FS.MkdirAll(dir, perm) })
}
func (p *processFS) SyncDir(dir string) error {
	return p.do(dir, func() error { return p.FS.SyncDir(dir) })
}
func (p *processFS) List(dir string) (names []string, err error) {
	err = p.do(dir, func() error { names, err = p.FS.List(dir); return err })
	return names, err
}
func (p *processFS) Stat(name string) (fi os.FileInfo, err error) {
	err = p.do(name, func() error { fi, err = p.FS.Stat(name); return err })
	return fi, err
}

// newProcess returns the file system for a new run of the engine: d.fs,
// behind a processFS when the engine may be crashed.
func (d *Driver) newProcess() vfs.FS {
	if d.mirror == nil {
		return d.fs
	}
	d.proc = &processFS{FS: d.fs}
	return d.proc
}
