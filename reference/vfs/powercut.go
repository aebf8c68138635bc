package vfs

import "time"

// A cut is one power loss in progress. It holds fs.mu (write) throughout,
// and visits directories and files in name order so that the same seed
// draws the same fates.
type cut struct {
	fs    *CrashFS
	now   time.Time
	stats CutStats
	seen  map[*inode]bool
}

// run settles the fate of every unsynced entry, then of every file still
// reachable from a durable entry, then forgets the OS view.
func (c *cut) run() {
	c.entries(c.fs.root)
	c.seen = map[*inode]bool{}
	c.files(c.fs.root)
	c.revert(c.fs.root)
}

// entries writes back the expired directories below d and keeps each
// remaining unsynced entry with probability KeepUnsynced.
func (c *cut) entries(d *dir) {
	d.expire(c.fs, c.now)
	for _, name := range sortedKeys(d.dirty) {
		if c.fs.keep() {
			d.apply(name)
			c.stats.EntriesKept++
		} else {
			c.stats.EntriesDropped++
		}
	}
	for _, name := range sortedKeys(d.dirs) {
		c.entries(d.dirs[name])
	}
}

// files settles the data of every file a durable entry reaches; the other
// files are unreachable after the cut and need no settling.
func (c *cut) files(d *dir) {
	for _, name := range sortedKeys(d.dfiles) {
		if n := d.dfiles[name]; !c.seen[n] {
			c.seen[n] = true
			c.file(n)
		}
	}
	for _, name := range sortedKeys(d.dirs) {
		c.files(d.dirs[name])
	}
}

// file writes n back if it expired; otherwise its size change and each
// dirty page survive with probability KeepUnsynced, and a page prefix of
// its last write survives if it tears. Then the OS view reverts to the
// durable one.
func (c *cut) file(n *inode) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.expire(c.now)
	if !n.since.IsZero() {
		c.settle(n)
	}
	n.revert()
}

func (c *cut) settle(n *inode) {
	torn := c.tear(n)
	keepSize := c.fs.keep()
	if keepSize {
		n.setDurableSize(min(n.dsize, n.lowSize))
	}
	for _, i := range n.dirtyList {
		if i >= len(n.dirty) || !n.dirty[i] {
			continue
		}
		if (int64(i) >= torn.off && int64(i) < torn.end) || c.fs.keep() {
			n.applyPage(i)
			c.stats.PagesKept++
			continue
		}
		n.dirty[i] = false // counted once even if listed twice
		c.stats.PagesDropped++
		c.stats.BytesDropped += n.pageBytes(i)
	}
	if keepSize {
		n.setDurableSize(n.size)
	}
}

// tear returns the pages [off, end) of n's last unsynced write that reach
// the disk: a prefix of whole pages, of a length drawn uniformly from none
// to all.
func (c *cut) tear(n *inode) span {
	if !c.fs.opts.TearWrites || n.last.end <= n.last.off {
		return span{}
	}
	first := n.last.off / PageSize
	pages := (n.last.end-1)/PageSize - first + 1
	m := c.fs.rng.Int64N(pages + 1)
	if m > 0 && m < pages {
		c.stats.TornWrites++
	}
	return span{first, first + m}
}

// revert makes every directory's OS view its durable one.
func (c *cut) revert(d *dir) {
	d.revert()
	for _, sub := range d.dirs {
		c.revert(sub)
	}
}
