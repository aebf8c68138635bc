package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// ShouldRewrite is Redis's automatic rewrite rule (serverCron): rewrite when
// the AOF is over minSize (auto-aof-rewrite-min-size) and has grown by at
// least percent (auto-aof-rewrite-percentage, 100 = doubled) over baseSize,
// the size after the last rewrite. percent <= 0 disables it.
func ShouldRewrite(size, baseSize int64, percent int, minSize int64) bool {
	if percent <= 0 || size <= minSize {
		return false
	}
	base := baseSize
	if base <= 0 {
		base = 1
	}
	return size/base*100+size%base*100/base-100 >= int64(percent)
}

// BeginRewrite starts a rewrite for snapshot epoch, as Redis's
// openNewIncrAofForAppend does: incr seq+1 is created; the records
// buffered so far are written to the old incr, which is fdatasynced and
// closed; a manifest listing the old base, the old incrs and the new incr
// is persisted; only then does the new incr take writes (Waits block for
// those few fsyncs). Every record appended from then on goes to the new
// incr, whatever its epoch.
//
// The base given to FinishRewrite must hold every write appended before
// BeginRewrite: a snapshot at epoch or later (a later one also holds some
// writes the new incr has; replaying them again on top of the base, in
// order, ends in the same state). It fails with ErrEpochOrder, and does
// nothing, when a record already carries epoch or more: such a snapshot
// would miss it.
func (a *AOF) BeginRewrite(epoch uint64) error {
	_, err := a.beginRewrite(epoch, false)
	return err
}

// BeginRewriteNext is BeginRewrite with the epoch chosen under the lock:
// one past the highest epoch appended so far (0 if none), so it cannot
// fail with ErrEpochOrder. Any snapshot begun after it returns holds every
// record appended before. It suits an engine whose BeginSnapshot publishes
// the new epoch itself: call BeginRewriteNext, then BeginSnapshot.
func (a *AOF) BeginRewriteNext() (uint64, error) {
	return a.beginRewrite(0, true)
}

func (a *AOF) beginRewrite(epoch uint64, next bool) (uint64, error) {
	a.ctl.Lock()
	defer a.ctl.Unlock()
	if err := a.usable(); err != nil {
		return 0, err
	}
	a.mu.Lock()
	busy, maxEpoch, any := a.rewriting, a.maxEpoch, a.anyRecord
	a.mu.Unlock()
	if busy {
		return 0, ErrRewriting
	}
	if !next && any && maxEpoch >= epoch {
		return 0, fmt.Errorf("%w: epoch %d, a record already carries %d", ErrEpochOrder, epoch, maxEpoch)
	}
	o := a.opts
	cand := a.man.clone()
	nf := cand.newIncr(o.Filename)
	f, err := o.FS.Create(o.path(nf.Name))
	if err != nil {
		return 0, fmt.Errorf("aof: begin rewrite: create %s: %w", nf.Name, err)
	}
	cand.Incrs = append(cand.Incrs, nf)
	epoch, err = a.rotate(cand, &incrFile{name: nf.Name, f: f}, epoch, next)
	if err != nil {
		return 0, fmt.Errorf("aof: begin rewrite: %w", err)
	}
	return epoch, nil
}

// FinishRewrite installs the new base that writeBase writes (the snapshot:
// RESP, see BaseWriter, or RDB bytes with Options.RDBBase): temp file,
// fdatasync, rename to appendonly.aof.<n>.base.aof|rdb, the manifest
// switched to [new base, history, new incr] with a directory fsync, the
// history files removed and the manifest written once more without them
// (Redis's backgroundRewriteDoneHandler and aofDelHistoryFiles). An error
// from writeBase leaves the rewrite in progress (call AbortRewrite); a later
// error aborts it. The manifest on disk is valid in every case.
func (a *AOF) FinishRewrite(writeBase func(w io.Writer) error) error {
	a.ctl.Lock()
	defer a.ctl.Unlock()
	if err := a.usable(); err != nil {
		return err
	}
	a.mu.Lock()
	rewriting, curName := a.rewriting, a.cur.name
	a.mu.Unlock()
	if !rewriting {
		return ErrNoRewrite
	}
	o := a.opts
	cand := a.man.clone()
	nb := cand.newBase(o.Filename, o.RDBBase)
	tmp := o.path(fmt.Sprintf("temp-rewriteaof-%d.aof", nb.Seq))
	size, err := a.writeBaseFile(tmp, writeBase)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.rewriting = false // from here on, success or abort
	a.mu.Unlock()
	basePath := o.path(nb.Name)
	if err := o.FS.Rename(tmp, basePath); err != nil {
		_ = o.FS.Remove(tmp)
		a.countFailed()
		return fmt.Errorf("aof: finish rewrite: rename base: %w", err)
	}
	var keep []ManifestFile
	if cand.Base != nil {
		h := *cand.Base
		h.Type = TypeHistory
		cand.History = append(cand.History, h)
	}
	for _, f := range cand.Incrs {
		if f.Name == curName {
			keep = append(keep, f)
			continue
		}
		f.Type = TypeHistory
		cand.History = append(cand.History, f)
	}
	cand.Base, cand.Incrs = &nb, keep
	n, renamed, err := writeManifest(o, cand)
	a.mu.Lock()
	a.st.MetaBytes += n
	if renamed {
		a.man = cand
	}
	if err != nil && renamed {
		a.failLocked(err)
	}
	a.mu.Unlock()
	if err != nil {
		if !renamed {
			_ = o.FS.Remove(basePath)
		}
		a.countFailed()
		return fmt.Errorf("aof: finish rewrite: %w", err)
	}
	a.dropHistory(cand)

	a.mu.Lock()
	a.baseSize = size
	a.incrSize = a.cur.off
	a.rewriteBaseSize = a.baseSize + a.incrSize
	a.st.BaseBytes += size
	a.st.Rewrites++
	start := a.rewriteStart
	a.mu.Unlock()
	o.OnEvent(EventRewrite, start, o.Clock().Sub(start), nb.Name)
	return nil
}

// dropHistory removes the history files and persists the manifest without
// them. Failures are left for the next Open to finish, as Redis ignores
// aofDelHistoryFiles' result: both manifests describe the same data.
func (a *AOF) dropHistory(m Manifest) {
	o := a.opts
	for _, h := range m.History {
		if err := o.FS.Remove(o.path(h.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
	final := m.clone()
	final.History = nil
	n, renamed, _ := writeManifest(o, final)
	a.mu.Lock()
	a.st.MetaBytes += n
	if renamed {
		a.man = final
	}
	a.mu.Unlock()
}

// AbortRewrite ends a rewrite without a new base: the temp base is removed
// and the manifest stays as BeginRewrite wrote it (the new incr follows the
// old ones, as after a failed Redis rewrite).
func (a *AOF) AbortRewrite() error {
	a.ctl.Lock()
	defer a.ctl.Unlock()
	a.mu.Lock()
	rewriting := a.rewriting
	a.rewriting = false
	a.mu.Unlock()
	if !rewriting {
		return nil
	}
	o := a.opts
	if names, err := o.FS.List(o.aofDir()); err == nil {
		for _, n := range names {
			if strings.HasPrefix(n, "temp-rewriteaof-") {
				_ = o.FS.Remove(o.path(n))
			}
		}
	}
	a.countFailed()
	return nil
}

func (a *AOF) countFailed() {
	a.mu.Lock()
	a.st.RewritesFailed++
	a.mu.Unlock()
}

// usable reports ErrClosed or the sticky error.
func (a *AOF) usable() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return ErrClosed
	}
	return a.err
}

// writeBaseFile writes the caller's base into tmp, fdatasyncs and closes it.
func (a *AOF) writeBaseFile(tmp string, writeBase func(w io.Writer) error) (int64, error) {
	f, err := a.opts.FS.Create(tmp)
	if err != nil {
		return 0, fmt.Errorf("aof: finish rewrite: create temp base: %w", err)
	}
	cw := &countWriter{w: f}
	bw := bufio.NewWriterSize(cw, 256<<10)
	err = writeBase(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = a.opts.FS.Remove(tmp)
		return 0, fmt.Errorf("aof: finish rewrite: write base: %w", err)
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
