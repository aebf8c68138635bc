package aof

import (
	"fmt"
	"time"
)

// rotate switches appends to nf. Under the lock it takes the old incr's
// buffered records and makes nf current, holding the flush turn so nothing
// reaches nf yet; then it writes and fdatasyncs the old incr (Redis
// fsyncs and closes it in the background: done here first, a power cut can
// never leave an unsynced tail in an incr that is not the last) and
// persists cand. If the manifest cannot be renamed into place, the old incr
// stays current and takes nf's records.
func (a *AOF) rotate(cand Manifest, nf *incrFile, epoch uint64, next bool) (uint64, error) {
	o := a.opts
	a.mu.Lock()
	for a.flushing {
		a.cond.Wait()
	}
	if a.err != nil {
		err := a.err
		a.mu.Unlock()
		_ = nf.f.Close()
		_ = o.FS.Remove(o.path(nf.name))
		return 0, err
	}
	if next {
		epoch = 0
		if a.anyRecord {
			epoch = a.maxEpoch + 1
		}
	} else if a.anyRecord && a.maxEpoch >= epoch {
		maxEpoch := a.maxEpoch
		a.mu.Unlock()
		_ = nf.f.Close()
		_ = o.FS.Remove(o.path(nf.name))
		return 0, fmt.Errorf("%w: epoch %d, a record already carries %d", ErrEpochOrder, epoch, maxEpoch)
	}
	old := a.cur
	data, off := old.buf, old.off
	old.buf = nil
	hi := a.ticket
	a.cur = nf
	a.flushing = true
	a.mu.Unlock()

	n, err := writeRecords(old, data, off)
	var d time.Duration
	synced := false
	if err == nil {
		d, err = a.syncFile(old)
		synced = true
	}
	var mn int64
	var renamed bool
	var merr error
	if err == nil {
		mn, renamed, merr = writeManifest(o, cand)
	}

	a.mu.Lock()
	a.flushing = false
	a.noteWriteLocked(old, n)
	a.st.MetaBytes += mn
	if synced {
		a.st.addFsync(d, d > a.opts.SlowFsync)
	}
	if err != nil {
		a.failLocked(err)
		a.mu.Unlock()
		return 0, err
	}
	// Every record up to hi is in the old incr and durable.
	a.written, a.synced = max(a.written, hi), max(a.synced, hi)
	old.synced = old.off
	if merr != nil && !renamed {
		old.buf = joinBatches(old.buf, nf.buf) // nf's records start with their own SELECT 0: harmless
		a.cur = old
		a.cond.Broadcast()
		a.mu.Unlock()
		_ = nf.f.Close()
		_ = o.FS.Remove(o.path(nf.name))
		return 0, merr
	}
	a.man = cand
	a.rewriting = true
	a.rewriteEpoch = epoch
	a.rewriteStart = o.Clock()
	if merr != nil {
		// The manifest is visible but perhaps not durable: stop
		// acknowledging writes rather than guess.
		a.failLocked(merr)
	}
	a.cond.Broadcast()
	for a.fsyncRunning { // the background fsync may still hold the old incr
		a.cond.Wait()
	}
	a.mu.Unlock()
	if cerr := old.f.Close(); cerr != nil && merr == nil {
		merr = fmt.Errorf("close %s: %w", old.name, cerr)
	}
	return epoch, merr
}
