package vfs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"
)

// Mirror is an FS for crash tests that must still cost what real I/O costs:
// every operation runs on the real disk below Root — so a write pays the
// write and an fsync pays the fsync — and on a CrashFS model that remembers
// what is durable. Reads are served by the disk.
//
// Kill is process death on both sides (old handles fail with ErrKilled;
// the files stay as the OS holds them). PowerCut reverts the model to its
// durable state and then rewrites the disk below Root to match it, fsyncs
// it and drops it from the page cache, so that recovery reads it cold, as
// after a real power cut.
type Mirror struct {
	disk  FS
	model *CrashFS
	root  string

	mu    sync.Mutex
	gen   int64
	files map[*mirrorFile]struct{}
}

// NewMirror mirrors root (a directory on the OS file system) into a
// CrashFS made with opts. root is created if missing.
func NewMirror(root string, opts CrashOptions) (*Mirror, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	m := &Mirror{disk: Default, model: NewCrash(opts), root: root, files: map[*mirrorFile]struct{}{}}
	if err := m.model.MkdirAll(root, 0o755); err != nil {
		return nil, err
	}
	return m, nil
}

// Root is the mirrored directory.
func (m *Mirror) Root() string { return m.root }

// Model is the CrashFS that tracks durability.
func (m *Mirror) Model() *CrashFS { return m.model }

// Kill ends the process that used the mirror: its handles fail from now on.
func (m *Mirror) Kill() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.model.Kill()
	m.killLocked()
}

func (m *Mirror) killLocked() {
	m.gen++
	for f := range m.files {
		f.disk.Close()
	}
	m.files = map[*mirrorFile]struct{}{}
}

// PowerCut loses everything that was not durable, on the model and then
// on the disk.
func (m *Mirror) PowerCut() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.model.PowerCut()
	m.killLocked()
	entries, err := os.ReadDir(m.root)
	if err != nil {
		return fmt.Errorf("vfs: power cut of %s: %w", m.root, err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(m.root, e.Name())); err != nil {
			return fmt.Errorf("vfs: power cut of %s: %w", m.root, err)
		}
	}
	if err := m.restore(m.root); err != nil {
		return fmt.Errorf("vfs: power cut of %s: %w", m.root, err)
	}
	return nil
}

// restore writes the model's durable tree below dir back to the disk.
func (m *Mirror) restore(dir string) error {
	names, err := m.model.List(dir)
	if err != nil {
		return err
	}
	for _, n := range names {
		p := filepath.Join(dir, n)
		fi, err := m.model.Stat(p)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			if err := m.restore(p); err != nil {
				return err
			}
			continue
		}
		if err := m.restoreFile(p); err != nil {
			return err
		}
	}
	return Default.SyncDir(dir)
}

func (m *Mirror) restoreFile(p string) error {
	src, err := m.model.Open(p)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(p)
	if err != nil {
		return err
	}
	defer dst.Close()
	if _, err := io.Copy(dst, src); err != nil {
		return err
	}
	if err := dst.Sync(); err != nil {
		return err
	}
	// Drop the restored pages from the page cache: after a real power cut
	// recovery reads the disk cold.
	_ = unix.Fadvise(int(dst.Fd()), 0, 0, unix.FADV_DONTNEED)
	return nil
}

type mirrorFile struct {
	m       *Mirror
	gen     int64
	disk    File
	model   File
	scratch []byte
}

func (m *Mirror) open(name string, openDisk, openModel func(string) (File, error)) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, err := openDisk(name)
	if err != nil {
		return nil, err
	}
	mf, err := openModel(name)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("vfs: mirror model of %s: %w", name, err)
	}
	f := &mirrorFile{m: m, gen: m.gen, disk: d, model: mf}
	m.files[f] = struct{}{}
	return f, nil
}

func (m *Mirror) Create(name string) (File, error) {
	return m.open(name, m.disk.Create, m.model.Create)
}
func (m *Mirror) Open(name string) (File, error) { return m.open(name, m.disk.Open, m.model.Open) }
func (m *Mirror) OpenReadWrite(name string) (File, error) {
	return m.open(name, m.disk.OpenReadWrite, m.model.OpenReadWrite)
}

// both runs op on the disk, then on the model.
func both(disk, model func() error) error {
	if err := disk(); err != nil {
		return err
	}
	return model()
}

func (m *Mirror) Remove(name string) error {
	return both(func() error { return m.disk.Remove(name) }, func() error { return m.model.Remove(name) })
}

func (m *Mirror) Rename(oldname, newname string) error {
	return both(func() error { return m.disk.Rename(oldname, newname) }, func() error { return m.model.Rename(oldname, newname) })
}

func (m *Mirror) MkdirAll(dir string, perm os.FileMode) error {
	return both(func() error { return m.disk.MkdirAll(dir, perm) }, func() error { return m.model.MkdirAll(dir, perm) })
}

func (m *Mirror) SyncDir(dir string) error {
	return both(func() error { return m.disk.SyncDir(dir) }, func() error { return m.model.SyncDir(dir) })
}

func (m *Mirror) List(dir string) ([]string, error)     { return m.disk.List(dir) }
func (m *Mirror) Stat(name string) (os.FileInfo, error) { return m.disk.Stat(name) }

func (f *mirrorFile) alive() error {
	f.m.mu.Lock()
	defer f.m.mu.Unlock()
	if f.gen != f.m.gen {
		return &os.PathError{Op: "use", Path: f.disk.Name(), Err: ErrKilled}
	}
	return nil
}

func (f *mirrorFile) Name() string { return f.disk.Name() }

func (f *mirrorFile) Read(p []byte) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	n, err := f.disk.Read(p)
	if n > 0 { // keep the model's offset in step, for a Write that follows
		if cap(f.scratch) < n {
			f.scratch = make([]byte, n)
		}
		if _, merr := io.ReadFull(f.model, f.scratch[:n]); merr != nil {
			return n, merr
		}
	}
	return n, err
}

func (f *mirrorFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	return f.disk.ReadAt(p, off)
}

func (f *mirrorFile) Write(p []byte) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	n, err := f.disk.Write(p)
	if n > 0 {
		if _, merr := f.model.Write(p[:n]); merr != nil {
			return n, merr
		}
	}
	return n, err
}

func (f *mirrorFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	n, err := f.disk.WriteAt(p, off)
	if n > 0 {
		if _, merr := f.model.WriteAt(p[:n], off); merr != nil {
			return n, merr
		}
	}
	return n, err
}

func (f *mirrorFile) Sync() error {
	if err := f.alive(); err != nil {
		return err
	}
	return both(f.disk.Sync, f.model.Sync)
}

func (f *mirrorFile) Size() (int64, error) {
	if err := f.alive(); err != nil {
		return 0, err
	}
	return f.disk.Size()
}

func (f *mirrorFile) Truncate(size int64) error {
	if err := f.alive(); err != nil {
		return err
	}
	return both(func() error { return f.disk.Truncate(size) }, func() error { return f.model.Truncate(size) })
}

func (f *mirrorFile) Close() error {
	f.m.mu.Lock()
	_, open := f.m.files[f]
	delete(f.m.files, f)
	f.m.mu.Unlock()
	if !open {
		return nil // closed by a crash already
	}
	err := f.disk.Close()
	if merr := f.model.Close(); err == nil && merr != nil && !errors.Is(merr, ErrKilled) {
		err = merr
	}
	return err
}
