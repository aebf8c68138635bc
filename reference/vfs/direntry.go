package vfs

import (
	"sort"
	"time"
)

// A dir holds a directory's subdirectories (durable from creation) and its
// file entries in two layers: what the OS holds (files) and what is durable
// (dfiles). dirty names the entries whose layers differ; since is when the
// directory went from clean to dirty, for writeback.
type dir struct {
	dirs   map[string]*dir
	files  map[string]*inode
	dfiles map[string]*inode
	dirty  map[string]bool
	since  time.Time
}

func newDir() *dir {
	return &dir{
		dirs:   map[string]*dir{},
		files:  map[string]*inode{},
		dfiles: map[string]*inode{},
		dirty:  map[string]bool{},
	}
}

// setEntry points name at n in the OS view (nil removes it). Under fs.mu.
func (d *dir) setEntry(fs *CrashFS, name string, n *inode, now time.Time) {
	d.expire(fs, now)
	if n == nil {
		delete(d.files, name)
	} else {
		d.files[name] = n
	}
	if d.files[name] == d.dfiles[name] {
		delete(d.dirty, name) // back to what the disk holds: nothing to lose
	} else {
		d.dirty[name] = true
	}
	if d.since.IsZero() {
		d.since = now
	}
}

// expire writes the directory back if it has been dirty for longer than
// the writeback interval. Under fs.mu.
func (d *dir) expire(fs *CrashFS, now time.Time) {
	if fs.expired(d.since, now) {
		d.sync()
	}
}

// apply makes one entry durable.
func (d *dir) apply(name string) {
	if n, ok := d.files[name]; ok {
		d.dfiles[name] = n
	} else {
		delete(d.dfiles, name)
	}
	delete(d.dirty, name)
}

// sync makes every entry durable (fsync of the directory).
func (d *dir) sync() {
	for name := range d.dirty {
		d.apply(name)
	}
	d.since = time.Time{}
}

// revert makes the durable view the OS view, as after a power cut.
func (d *dir) revert() {
	d.files = make(map[string]*inode, len(d.dfiles))
	for name, n := range d.dfiles {
		d.files[name] = n
	}
	clear(d.dirty)
	d.since = time.Time{}
}

// makeDurableDir records a new subdirectory, durable at once; a pending
// removal of a file of that name becomes durable with it.
func (d *dir) makeDurableDir(name string) *dir {
	sub := newDir()
	d.dirs[name] = sub
	delete(d.dfiles, name)
	delete(d.dirty, name)
	return sub
}

// names lists the OS view's entries, sorted.
func (d *dir) names() []string {
	out := make([]string, 0, len(d.dirs)+len(d.files))
	for name := range d.dirs {
		out = append(out, name)
	}
	for name := range d.files {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// sortedKeys returns the keys of m in order, so that a cut draws its random
// numbers in the same order for the same seed.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dirtyPages counts the dirty pages of the files below d, each file once.
// Under fs.mu (read).
func (d *dir) dirtyPages(seen map[*inode]bool) int64 {
	var total int64
	for _, n := range d.files {
		if !seen[n] {
			seen[n] = true
			n.mu.RLock()
			total += int64(n.dirtyPages())
			n.mu.RUnlock()
		}
	}
	for _, sub := range d.dirs {
		total += sub.dirtyPages(seen)
	}
	return total
}
