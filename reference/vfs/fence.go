package vfs

import (
	"fmt"
	"os"
	"sync"
)

// Fence is a file system as one run of a process sees it: the piece that
// makes a simulated crash a process death. Kill waits for the operations
// in flight, then every later one fails with ErrKilled — on open files,
// and new files, renames, removes and directory syncs too. Put one in
// front of a CrashFS or a Mirror, kill it first, then crash the file
// system under it. Two reasons:
//
//   - Mirror.Kill and CrashFS.Kill only stop the handles already open, and the
//     engine's background work (a snapshot or rewrite goroutine, the
//     save-point cron) goes on until Abandon has stopped it: a snapshot
//     begun before the crash could still create, rename and fsync its file
//     afterwards and make writes durable that a real crash loses;
//   - a write in flight on a Mirror file when Kill closes its handles can
//     land on the disk and not on the model; the Mirror then fails reads
//     of that file ("unexpected EOF" when recovery replays the AOF).
//
// A restarted process gets a new Fence over the same FS (NewFence).
type Fence struct {
	FS
	mu   sync.RWMutex // read: one operation; write: the crash, after those in flight
	dead bool
}

// Kill ends the run of the process: it waits for the operations in
// flight, then refuses every later one.
func (p *Fence) Kill() {
	p.mu.Lock()
	p.dead = true
	p.mu.Unlock()
}

// do runs op unless the process is dead.
func (p *Fence) do(name string, op func() error) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.dead {
		return &os.PathError{Op: "use", Path: name, Err: fmt.Errorf("%w (the process was killed)", ErrKilled)}
	}
	return op()
}

func (p *Fence) open(name string, open func(string) (File, error)) (File, error) {
	var f File
	err := p.do(name, func() (err error) { f, err = open(name); return err })
	if err != nil {
		return nil, err
	}
	return &fenceFile{File: f, p: p}, nil
}

// fenceFile is a file of a Fence: its operations are the process's.
type fenceFile struct {
	File
	p *Fence
}

func (f *fenceFile) Read(b []byte) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.Read(b); return err })
	return n, err
}
func (f *fenceFile) ReadAt(b []byte, off int64) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.ReadAt(b, off); return err })
	return n, err
}
func (f *fenceFile) Write(b []byte) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.Write(b); return err })
	return n, err
}
func (f *fenceFile) WriteAt(b []byte, off int64) (n int, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.WriteAt(b, off); return err })
	return n, err
}
func (f *fenceFile) Sync() error { return f.p.do(f.Name(), f.File.Sync) }
func (f *fenceFile) Truncate(size int64) error {
	return f.p.do(f.Name(), func() error { return f.File.Truncate(size) })
}
func (f *fenceFile) Size() (n int64, err error) {
	err = f.p.do(f.Name(), func() error { n, err = f.File.Size(); return err })
	return n, err
}

func (p *Fence) Create(name string) (File, error) { return p.open(name, p.FS.Create) }
func (p *Fence) Open(name string) (File, error)   { return p.open(name, p.FS.Open) }
func (p *Fence) OpenReadWrite(name string) (File, error) {
	return p.open(name, p.FS.OpenReadWrite)
}
func (p *Fence) Remove(name string) error {
	return p.do(name, func() error { return p.FS.Remove(name) })
}
func (p *Fence) Rename(oldname, newname string) error {
	return p.do(oldname, func() error { return p.FS.Rename(oldname, newname) })
}
func (p *Fence) MkdirAll(dir string, perm os.FileMode) error {
	return p.do(dir, func() error { return p.FS.MkdirAll(dir, perm) })
}
func (p *Fence) SyncDir(dir string) error {
	return p.do(dir, func() error { return p.FS.SyncDir(dir) })
}
func (p *Fence) List(dir string) (names []string, err error) {
	err = p.do(dir, func() error { names, err = p.FS.List(dir); return err })
	return names, err
}
func (p *Fence) Stat(name string) (fi os.FileInfo, err error) {
	err = p.do(name, func() error { fi, err = p.FS.Stat(name); return err })
	return fi, err
}

// NewFence returns a live fence over fs.
func NewFence(fs FS) *Fence { return &Fence{FS: fs} }
