package aof

import (
	"fmt"
	"time"
)

// maxSpare bounds the buffer kept for reuse after a flush, so one burst
// does not pin its peak allocation for ever.
const maxSpare = 4 << 20

// flushLocked is one "event loop turn" (Redis's flushAppendOnlyFile). It is
// called with a.mu held and no flush running, and returns with a.mu held;
// the I/O runs with a.mu released so Append never waits on the disk.
// force skips the everysec postponement (Close).
func (a *AOF) flushLocked(force bool) {
	now := a.opts.Clock()
	pending := a.pendingLocked()
	if pending && a.opts.Fsync == FsyncEverysec && !force && a.fsyncRunning {
		// Redis postpones the write while the background fsync runs, since
		// write(2) would block behind it, and replies to clients anyway; past
		// 2 s it writes regardless and counts aof_delayed_fsync.
		if a.postponedSince.IsZero() {
			a.postponedSince = now
			a.st.PostponedWrites++
			a.acked = a.ticket
			return
		}
		if now.Sub(a.postponedSince) < postponeLimit {
			a.acked = a.ticket
			return
		}
		a.st.DelayedFsyncs++
	}
	if pending {
		if !a.writeTurnLocked() {
			return
		}
		a.postponedSince = time.Time{}
	}
	a.maybeStartFsyncLocked(now)
}

func (a *AOF) pendingLocked() bool { return len(a.cur.buf) > 0 }

// writeTurnLocked writes every buffered record and, under always,
// fdatasyncs: one fdatasync covers every record queued behind it. It
// reports success.
func (a *AOF) writeTurnLocked() bool {
	f := a.cur
	data, off := f.buf, f.off
	f.buf, f.spare = f.spare[:0], nil
	hi := a.ticket
	always := a.opts.Fsync == FsyncAlways
	a.flushing = true
	a.mu.Unlock()

	n, err := writeRecords(f, data, off)
	var d time.Duration
	synced := false
	if err == nil && always {
		d, err = a.syncFile(f)
		synced = true
	}

	a.mu.Lock()
	a.flushing = false
	a.noteWriteLocked(f, n)
	if f.spare == nil && cap(data) <= maxSpare {
		f.spare = data[:0]
	}
	if synced {
		a.st.addFsync(d, d > a.opts.SlowFsync)
	}
	if err != nil {
		a.failLocked(err)
		return false
	}
	a.written = hi
	if always {
		a.synced = hi
		f.synced = f.off
	}
	a.cond.Broadcast()
	return true
}

// writeRecords seals the batch in data (its annotation) and writes it at
// off. After a short write it cuts the partial batch off, as Redis cuts a
// partial record, so the file never ends in half a batch that a later
// append would bury; n is what stays written.
func writeRecords(f *incrFile, data []byte, off int64) (int, error) {
	if len(data) == 0 {
		return 0, nil
	}
	sealBatch(data)
	n, err := f.f.WriteAt(data, off)
	if err != nil {
		if n > 0 && f.f.Truncate(off) == nil {
			n = 0
		}
		return n, fmt.Errorf("aof: write %s at offset %d: %w", f.name, off, err)
	}
	return n, nil
}

func (a *AOF) noteWriteLocked(f *incrFile, n int) {
	f.off += int64(n)
	a.incrSize += int64(n)
	a.st.RecordBytes += int64(n)
}

// maybeStartFsyncLocked hands the files with unsynced bytes to the
// background fsync goroutine, at most once a second (everysec).
func (a *AOF) maybeStartFsyncLocked(now time.Time) {
	if a.opts.Fsync != FsyncEverysec || a.closed || a.fsyncRunning || a.err != nil {
		return
	}
	if now.Sub(a.lastFsync) < time.Second {
		return
	}
	if a.cur.off <= a.cur.synced {
		return
	}
	a.fsyncRunning = true
	a.lastFsync = now
	a.fsyncReq <- a.cur // capacity 1, and fsyncRunning admits one request at a time
}

// syncFile fdatasyncs f outside the lock and reports a slow one.
func (a *AOF) syncFile(f *incrFile) (time.Duration, error) {
	start := a.opts.Clock()
	err := f.f.Sync()
	d := a.opts.Clock().Sub(start)
	if d > a.opts.SlowFsync {
		a.opts.OnEvent(EventFsyncSlow, start, d, f.name)
	}
	if err != nil {
		return d, fmt.Errorf("aof: fdatasync %s: %w", f.name, err)
	}
	return d, nil
}

// failLocked makes err sticky: every later Append and every Wait not yet
// covered returns it.
func (a *AOF) failLocked(err error) {
	if a.err == nil {
		a.err = err
	}
	a.cond.Broadcast()
}

// bio is the background fsync goroutine (Redis's BIO_AOF_FSYNC thread).
func (a *AOF) bio() {
	defer a.wg.Done()
	for {
		select {
		case f := <-a.fsyncReq:
			a.backgroundSync(f)
		case <-a.stop:
			select {
			case f := <-a.fsyncReq:
				a.backgroundSync(f)
			default:
			}
			return
		}
	}
}

func (a *AOF) backgroundSync(f *incrFile) {
	a.mu.Lock()
	off := f.off // written before the fsync starts: covered by it
	a.mu.Unlock()
	d, err := a.syncFile(f)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.fsyncRunning = false
	a.st.addFsync(d, d > a.opts.SlowFsync)
	if err != nil {
		a.failLocked(err)
		return
	}
	f.synced = max(f.synced, off)
	a.cond.Broadcast()
}

// cron retries postponed writes, writes records nobody waits for and
// starts the everysec fsync when it is due (Redis's serverCron, hz 10).
func (a *AOF) cron() {
	defer a.wg.Done()
	t := time.NewTicker(cronInterval)
	defer t.Stop()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
			a.mu.Lock()
			if !a.flushing && !a.closed && a.err == nil {
				a.flushLocked(false)
			}
			a.mu.Unlock()
		}
	}
}
