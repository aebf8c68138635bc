package vfs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// split cleans name into its components; the root has none.
func split(name string) ([]string, error) {
	p := filepath.ToSlash(filepath.Clean(name))
	p = strings.TrimLeft(p, "/")
	if p == "" || p == "." {
		return nil, nil
	}
	parts := strings.Split(p, "/")
	if parts[0] == ".." {
		return nil, syscall.ENOENT
	}
	return parts, nil
}

// walk returns the directory that the components name. Under fs.mu.
func (fs *CrashFS) walk(parts []string) (*dir, error) {
	d := fs.root
	for _, p := range parts {
		sub, ok := d.dirs[p]
		if !ok {
			if _, isFile := d.files[p]; isFile {
				return nil, syscall.ENOTDIR
			}
			return nil, syscall.ENOENT
		}
		d = sub
	}
	return d, nil
}

// parent returns the directory holding name and name's last component.
// Under fs.mu.
func (fs *CrashFS) parent(name string) (*dir, string, error) {
	parts, err := split(name)
	if err != nil {
		return nil, "", err
	}
	if len(parts) == 0 {
		return nil, "", syscall.EISDIR // the root is no file
	}
	d, err := fs.walk(parts[:len(parts)-1])
	return d, parts[len(parts)-1], err
}

// lookup returns the inode of the file name. Under fs.mu.
func (fs *CrashFS) lookup(name string) (*inode, error) {
	d, base, err := fs.parent(name)
	if err != nil {
		return nil, err
	}
	if _, ok := d.dirs[base]; ok {
		return nil, syscall.EISDIR
	}
	n, ok := d.files[base]
	if !ok {
		return nil, syscall.ENOENT
	}
	return n, nil
}

// Create creates or truncates the named file for reading and writing.
// Truncating an existing file is a data change (durable at its Sync);
// creating a new one is a directory change (durable at SyncDir).
func (fs *CrashFS) Create(name string) (File, error) {
	now := fs.clock()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	d, base, err := fs.parent(name)
	if err != nil {
		return nil, &os.PathError{Op: "create", Path: name, Err: err}
	}
	if _, ok := d.dirs[base]; ok {
		return nil, &os.PathError{Op: "create", Path: name, Err: syscall.EISDIR}
	}
	n, ok := d.files[base]
	if ok {
		n.mu.Lock()
		if n.size != 0 {
			n.truncate(0, now)
			fs.stats.truncates.Add(1)
		}
		n.mu.Unlock()
	} else {
		n = newInode(fs, now)
		d.setEntry(fs, base, n, now)
	}
	return fs.newHandle(n, name, true), nil
}

// Open opens the named file read-only.
func (fs *CrashFS) Open(name string) (File, error) { return fs.open("open", name, false) }

// OpenReadWrite opens an existing file for reading and writing.
func (fs *CrashFS) OpenReadWrite(name string) (File, error) { return fs.open("open", name, true) }

func (fs *CrashFS) open(op, name string, write bool) (File, error) {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	n, err := fs.lookup(name)
	if err != nil {
		return nil, &os.PathError{Op: op, Path: name, Err: err}
	}
	return fs.newHandle(n, name, write), nil
}

// Remove removes a file (durable at SyncDir) or an empty directory
// (durable at once).
func (fs *CrashFS) Remove(name string) error {
	now := fs.clock()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	d, base, err := fs.parent(name)
	if err != nil {
		return &os.PathError{Op: "remove", Path: name, Err: err}
	}
	if sub, ok := d.dirs[base]; ok {
		if len(sub.dirs)+len(sub.files) > 0 {
			return &os.PathError{Op: "remove", Path: name, Err: syscall.ENOTEMPTY}
		}
		delete(d.dirs, base)
		return nil
	}
	if _, ok := d.files[base]; !ok {
		return &os.PathError{Op: "remove", Path: name, Err: syscall.ENOENT}
	}
	d.setEntry(fs, base, nil, now)
	return nil
}

// errDirRename is returned for a rename of a directory, which CrashFS does
// not model.
var errDirRename = errors.New("vfs: CrashFS does not rename directories")

// Rename atomically replaces newname with oldname in the OS view. Each of
// the two directory entries becomes durable at a SyncDir of its directory.
func (fs *CrashFS) Rename(oldname, newname string) error {
	now := fs.clock()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fail := func(err error) error { return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err} }
	od, obase, err := fs.parent(oldname)
	if err != nil {
		return fail(err)
	}
	nd, nbase, err := fs.parent(newname)
	if err != nil {
		return fail(err)
	}
	if _, ok := od.dirs[obase]; ok {
		return fail(errDirRename)
	}
	n, ok := od.files[obase]
	if !ok {
		return fail(syscall.ENOENT)
	}
	if _, ok := nd.dirs[nbase]; ok {
		return fail(syscall.EISDIR)
	}
	if nd.files[nbase] == n {
		return nil // the same name, or two links to one file: rename(2) does nothing
	}
	od.setEntry(fs, obase, nil, now)
	nd.setEntry(fs, nbase, n, now)
	return nil
}

// MkdirAll creates a directory and its parents, durable at once.
func (fs *CrashFS) MkdirAll(name string, perm os.FileMode) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	parts, err := split(name)
	if err != nil {
		return &os.PathError{Op: "mkdir", Path: name, Err: err}
	}
	d := fs.root
	for _, p := range parts {
		if _, isFile := d.files[p]; isFile {
			return &os.PathError{Op: "mkdir", Path: name, Err: syscall.ENOTDIR}
		}
		sub, ok := d.dirs[p]
		if !ok {
			sub = d.makeDurableDir(p)
		}
		d = sub
	}
	return nil
}

// List returns the names of the entries of dir as the process sees them.
func (fs *CrashFS) List(name string) ([]string, error) {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	parts, err := split(name)
	if err == nil {
		var d *dir
		if d, err = fs.walk(parts); err == nil {
			return d.names(), nil
		}
	}
	return nil, &os.PathError{Op: "open", Path: name, Err: err}
}

// Stat describes the named file or directory as the process sees it.
func (fs *CrashFS) Stat(name string) (os.FileInfo, error) {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	parts, err := split(name)
	if err != nil {
		return nil, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	if len(parts) == 0 {
		return &fileInfo{name: "/", dir: true}, nil
	}
	d, err := fs.walk(parts[:len(parts)-1])
	if err != nil {
		return nil, &os.PathError{Op: "stat", Path: name, Err: err}
	}
	base := parts[len(parts)-1]
	if _, ok := d.dirs[base]; ok {
		return &fileInfo{name: base, dir: true}, nil
	}
	n, ok := d.files[base]
	if !ok {
		return nil, &os.PathError{Op: "stat", Path: name, Err: syscall.ENOENT}
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.info(base), nil
}

// SyncDir makes the creates, renames and removes in dir durable.
func (fs *CrashFS) SyncDir(name string) error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.stats.dirSyncs.Add(1)
	parts, err := split(name)
	if err == nil {
		var d *dir
		if d, err = fs.walk(parts); err == nil {
			d.sync()
			return nil
		}
	}
	return &os.PathError{Op: "fsync", Path: name, Err: err}
}

// fileInfo describes a file or directory of a CrashFS.
type fileInfo struct {
	name    string
	size    int64
	dir     bool
	modTime time.Time
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) ModTime() time.Time { return fi.modTime }
func (fi *fileInfo) IsDir() bool        { return fi.dir }
func (fi *fileInfo) Sys() any           { return nil }

func (fi *fileInfo) Mode() os.FileMode {
	if fi.dir {
		return os.ModeDir | 0o755
	}
	return 0o644
}
