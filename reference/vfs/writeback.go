package vfs

import "time"

// Writeback follows the kernel's own rule: an inode remembers when it went
// from clean to dirty (inode->dirtied_when); once that is older than
// dirty_expire_centisecs, the flusher writes the inode back whole (in
// chunks, in one pass), and the next change dirties it anew (Linux
// fs/fs-writeback.c: move_expired_inodes, wb_writeback). So a writeback is a sync of one file (or one
// directory) at one moment, which keeps the durable state a state the file
// really had.

// cutoff returns the moment at or before which a dirty inode counts as
// written back at now, and false when writeback is off.
func (fs *CrashFS) cutoff(now time.Time) (time.Time, bool) {
	if fs.writeback < 0 {
		return time.Time{}, false
	}
	return now.Add(-fs.writeback), true
}

// expired reports whether something dirty since since has been written
// back by now.
func (fs *CrashFS) expired(since, now time.Time) bool {
	cut, ok := fs.cutoff(now)
	return ok && !since.IsZero() && !since.After(cut)
}

// expire writes n back if it has been dirty for longer than the writeback
// interval. It runs before every change of n and at a cut, so what it
// writes back is what the OS held when the interval ran out. Under mu.
func (n *inode) expire(now time.Time) {
	if n.fs.expired(n.since, now) {
		n.fs.stats.pagesWrittenBack.Add(int64(n.flush()))
	}
}

// flush makes the OS view durable and returns how many dirty pages it
// wrote. Under mu.
func (n *inode) flush() int {
	n.setDurableSize(min(n.dsize, n.lowSize)) // what a truncate cut off is gone
	written := 0
	for _, i := range n.dirtyList {
		if n.applyPage(i) {
			written++
		}
	}
	n.setDurableSize(n.size)
	n.clean()
	return written
}

// applyPage makes dirty page i durable and reports whether it was dirty.
// As in ext4's data=ordered mode, the durable size grows with the data
// written, never past the OS's size.
func (n *inode) applyPage(i int) bool {
	if i >= len(n.dirty) || !n.dirty[i] {
		return false // truncated away, or listed twice
	}
	if i >= len(n.dpages) {
		n.dpages = append(n.dpages, make([]*page, i+1-len(n.dpages))...)
	}
	n.dpages[i] = n.pages[i]
	n.dirty[i] = false
	n.dsize = max(n.dsize, min(n.size, int64(i+1)*PageSize))
	return true
}

// setDurableSize sets the durable size, zeroing what a shrink cuts off so
// that a later growth reads zeros there.
func (n *inode) setDurableSize(size int64) {
	if size < n.dsize {
		np := pagesFor(size)
		if np < len(n.dpages) {
			clear(n.dpages[np:])
			n.dpages = n.dpages[:np]
		}
		if o := size % PageSize; o != 0 && np <= len(n.dpages) && n.dpages[np-1] != nil {
			cp := new(page)
			copy(cp[:o], n.dpages[np-1][:o])
			n.dpages[np-1] = cp
		}
	}
	n.dsize = size
}

// clean forgets every dirty mark, once the layers agree or after a cut.
func (n *inode) clean() {
	clear(n.dirty)
	n.dirtyList = n.dirtyList[:0]
	n.lowSize = n.size
	n.since = time.Time{}
	n.last = span{}
}

// pageBytes is how many bytes of the OS view page i holds.
func (n *inode) pageBytes(i int) int64 {
	start := int64(i) * PageSize
	return max(0, min(n.size, start+PageSize)-start)
}
