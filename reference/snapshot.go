package reference

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Snapshot is a point-in-time view of the store: the state after every
// write Appended with an epoch below Epoch() and before any other. Only one
// snapshot runs at a time; call Close when done with it (after Each too).
type Snapshot struct {
	db    *DB
	epoch uint64
	start time.Time

	mu   sync.Mutex // serialises Each and Close
	next int        // first shard not yet captured
	done bool
	buf  []byte // the captured shard's records, reused shard after shard
}

// snapStats are the snapshot figures of Stats, guarded by DB.snapMu.
type snapStats struct {
	snapshots, aborted int64
	durMax, durLast    time.Duration
}

// BeginSnapshot starts a snapshot and returns at once: it only bumps the
// epoch. From then on writers preserve what they overwrite in shards not yet
// captured. It returns ErrSnapshotInProgress while another snapshot runs.
func (db *DB) BeginSnapshot() (*Snapshot, error) {
	db.snapMu.Lock()
	defer db.snapMu.Unlock()
	if db.closed.Load() {
		return nil, ErrClosed
	}
	if db.snap != nil {
		return nil, fmt.Errorf("reference: begin snapshot (epoch %d running): %w", db.snap.epoch, ErrSnapshotInProgress)
	}
	db.cow.reset() // before the epoch moves, so the first preserve counts
	sn := &Snapshot{db: db, start: time.Now()}
	sn.epoch = db.epoch.Add(1)
	db.snap = sn
	return sn, nil
}

// Epoch is the snapshot's epoch E: it holds exactly the writes Appended
// with an epoch below E.
func (sn *Snapshot) Epoch() uint64 { return sn.epoch }

// Each calls fn for every key of the point-in-time state exactly once,
// shard by shard. key and value are valid only during the call. Each
// captures a shard under its read lock and calls fn after releasing it, so
// fn may be slow and may even write to the store (it must not call the
// snapshot's Close, which waits for Each). An error from fn stops
// the visit and is returned wrapped. Each runs once per snapshot: a second
// call returns ErrSnapshotUsed.
func (sn *Snapshot) Each(fn func(key, value []byte) error) error {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.done || sn.next > 0 {
		return fmt.Errorf("reference: snapshot %d: %w", sn.epoch, ErrSnapshotUsed)
	}
	db := sn.db
	for sn.next < len(db.shards) {
		i := sn.next
		s := &db.shards[i]
		s.mu.RLock()
		if db.closed.Load() {
			s.mu.RUnlock()
			return fmt.Errorf("reference: snapshot %d, shard %d: %w", sn.epoch, i, ErrClosed)
		}
		var released int64
		sn.buf, released = s.capture(sn.buf[:0], sn.epoch)
		s.mu.RUnlock()
		db.cow.release(released)
		sn.next++
		if err := visit(sn.buf, fn); err != nil {
			return fmt.Errorf("reference: snapshot %d, shard %d: %w", sn.epoch, i, err)
		}
	}
	sn.finish(true)
	return nil
}

// visit calls fn for each record of buf, as capture laid them out.
func visit(buf []byte, fn func(key, value []byte) error) error {
	for len(buf) > 0 {
		k, v := decodeRecord(buf)
		if err := fn(k, v); err != nil {
			return err
		}
		buf = buf[recordLen(len(k), len(v)):]
	}
	return nil
}

// Close releases what the snapshot still holds: the shards Each did not
// capture stop preserving and drop their preserved entries. It is a no-op
// after Each ran to the end, and may be called more than once.
func (sn *Snapshot) Close() {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.done {
		return
	}
	db := sn.db
	for ; sn.next < len(db.shards); sn.next++ {
		s := &db.shards[sn.next]
		s.mu.RLock() // see capture for why the read lock suffices
		released := s.release(sn.epoch)
		s.mu.RUnlock()
		db.cow.release(released)
	}
	sn.finish(false)
}

// finish ends the snapshot and lets the next one begin.
func (sn *Snapshot) finish(complete bool) {
	db := sn.db
	d := time.Since(sn.start)
	db.snapMu.Lock()
	if complete {
		db.snapshots++
		db.durLast = d
		db.durMax = max(db.durMax, d)
	} else {
		db.aborted++
	}
	db.snap = nil
	db.snapMu.Unlock()
	sn.done = true
	sn.buf = nil
}

// cowMeter counts the bytes snapshots pin (preserved entries and the
// records they keep from compaction) and the peak of the latest snapshot.
type cowMeter struct {
	cur, peak atomic.Int64
}

func (m *cowMeter) add(n int64) {
	if n == 0 {
		return
	}
	c := m.cur.Add(n)
	for {
		p := m.peak.Load()
		if c <= p || m.peak.CompareAndSwap(p, c) {
			return
		}
	}
}

func (m *cowMeter) release(n int64) { m.cur.Add(-n) }

func (m *cowMeter) reset() { m.peak.Store(m.cur.Load()) }
