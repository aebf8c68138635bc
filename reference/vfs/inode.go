package vfs

import (
	"io"
	"sync"
	"time"
)

type page [PageSize]byte

// An inode is one file's content in two layers: what the OS holds (pages,
// size) and what is durable (dpages, dsize). The layers share *page values
// until the OS copy of a page is written again (copy on write), so a sync
// copies pointers, not bytes. A nil page reads as zeros. Invariants: the
// bytes of pages past size, and of dpages past dsize, are zero; a page that
// is not dirty holds the same bytes in both layers below min(dsize,
// lowSize) and zeros past it; len(pages) == len(dirty) == pagesFor(size).
type inode struct {
	mu        sync.RWMutex
	fs        *CrashFS
	size      int64
	pages     []*page
	dsize     int64
	dpages    []*page
	dirty     []bool    // per page of pages: differs from the disk
	dirtyList []int     // the dirty pages, in the order they became dirty; may repeat or be stale
	lowSize   int64     // the smallest size since the inode was last clean
	since     time.Time // when the inode went from clean to dirty; zero when clean
	last      span      // the last unsynced write, a candidate for tearing
	modTime   time.Time
}

// span is a byte range [off, end) of a file.
type span struct{ off, end int64 }

func newInode(fs *CrashFS, now time.Time) *inode {
	return &inode{fs: fs, modTime: now}
}

// pagesFor is the number of pages that hold n bytes.
func pagesFor(n int64) int { return int((n + PageSize - 1) / PageSize) }

// readAt copies the OS view at off into p. Under mu (read).
func (n *inode) readAt(p []byte, off int64) (int, error) {
	if off >= n.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), n.size-off)
	for done := int64(0); done < want; {
		pos := off + done
		i, o := pos/PageSize, pos%PageSize
		c := min(PageSize-o, want-done)
		dst := p[done : done+c]
		if pg := n.pages[i]; pg != nil {
			copy(dst, pg[o:o+c])
		} else {
			clear(dst)
		}
		done += c
	}
	if want < int64(len(p)) {
		return int(want), io.EOF
	}
	return int(want), nil
}

// writeAt writes p at off into the OS view. Under mu.
func (n *inode) writeAt(p []byte, off int64, now time.Time) {
	n.expire(now)
	end := off + int64(len(p))
	if len(p) == 0 {
		return
	}
	n.resize(max(end, n.size))
	for done := int64(0); done < int64(len(p)); {
		pos := off + done
		i, o := pos/PageSize, pos%PageSize
		c := min(PageSize-o, int64(len(p))-done)
		pg := n.writable(int(i))
		copy(pg[o:o+c], p[done:done+c])
		n.markDirty(int(i))
		done += c
	}
	n.last = span{off, end}
	n.touch(now)
}

// truncate sets the OS view's size. Under mu.
func (n *inode) truncate(size int64, now time.Time) {
	n.expire(now)
	if size == n.size {
		return
	}
	if size < n.size {
		if i, o := size/PageSize, size%PageSize; o != 0 {
			pg := n.writable(int(i))
			clear(pg[o:])
			n.markDirty(int(i))
		}
	}
	n.resize(size)
	n.lowSize = min(n.lowSize, size)
	n.last = span{}
	n.touch(now)
}

// touch records a change of the OS view at now.
func (n *inode) touch(now time.Time) {
	if n.since.IsZero() {
		n.since = now
	}
	n.modTime = now
}

// resize sets size and fits pages and dirty to it, dropping the pages past
// the end (and their dirty state).
func (n *inode) resize(size int64) {
	np := pagesFor(size)
	for i := np; i < len(n.pages); i++ {
		n.pages[i], n.dirty[i] = nil, false
	}
	if np <= len(n.pages) {
		n.pages, n.dirty = n.pages[:np], n.dirty[:np]
	} else {
		n.pages = append(n.pages, make([]*page, np-len(n.pages))...)
		n.dirty = append(n.dirty, make([]bool, np-len(n.dirty))...)
	}
	n.size = size
}

// writable returns page i of the OS view ready to be written: allocated if
// it was a hole, copied if the durable layer shares it.
func (n *inode) writable(i int) *page {
	pg := n.pages[i]
	switch {
	case pg == nil:
		pg = new(page)
	case i < len(n.dpages) && n.dpages[i] == pg:
		cp := new(page)
		*cp = *pg
		pg = cp
	default:
		return pg
	}
	n.pages[i] = pg
	return pg
}

// markDirty records that page i of the OS view differs from the disk.
func (n *inode) markDirty(i int) {
	if !n.dirty[i] {
		n.dirty[i] = true
		n.dirtyList = append(n.dirtyList, i)
	}
}

// sync makes the OS view durable (fdatasync: data and size). Under mu.
func (n *inode) sync() { n.flush() }

// revert makes the durable view the OS view, as after a power cut. Under mu.
func (n *inode) revert() {
	np := pagesFor(n.dsize)
	n.pages = make([]*page, np)
	copy(n.pages, n.dpages)
	n.dirty = make([]bool, np)
	n.size = n.dsize
	n.clean()
}

// dirtyPages counts the dirty pages. Under mu (read).
func (n *inode) dirtyPages() int {
	c := 0
	for _, d := range n.dirty {
		if d {
			c++
		}
	}
	return c
}

// info describes the OS view. Under mu (read).
func (n *inode) info(name string) *fileInfo {
	return &fileInfo{name: name, size: n.size, modTime: n.modTime}
}
