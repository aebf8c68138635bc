package reference

import "time"

// Stats are the engine's own figures. Byte counts are bytes.
type Stats struct {
	Keys      int64
	LiveBytes int64 // bytes of live records (keys, values, record headers)
	SlabBytes int64 // bytes of slab chunks allocated
	// Garbage is the bytes of dead records and abandoned chunk tails,
	// reclaimed by compaction.
	Garbage             int64
	Compactions         int64
	CompactionsDeferred int64 // times a shard due for compaction waited for a snapshot

	Snapshots            int64 // snapshots whose Each ran to the end
	SnapshotsAborted     int64 // snapshots closed before the end
	SnapshotDurationMax  time.Duration
	SnapshotDurationLast time.Duration // from BeginSnapshot to the end of Each
	// COWBytes is what the running snapshot pins now; COWPeakBytes the most
	// it pinned at once during the latest (or running) snapshot: preserved
	// index entries and the old records they keep alive.
	COWBytes     int64
	COWPeakBytes int64
	Epoch        uint64

	Sets, Gets, Deletes int64
}

// Stats gathers the figures; it takes each shard's read lock in turn.
func (db *DB) Stats() Stats {
	var st Stats
	for i := range db.shards {
		s := &db.shards[i]
		s.mu.RLock()
		st.Keys += s.keys
		st.LiveBytes += s.live
		st.SlabBytes += s.slab.bytes
		st.Garbage += s.garbage
		st.Compactions += s.compactions
		st.CompactionsDeferred += s.deferred
		st.Sets += s.sets
		st.Deletes += s.deletes
		s.mu.RUnlock()
		st.Gets += s.gets.Load()
	}
	db.snapMu.Lock()
	st.Snapshots = db.snapshots
	st.SnapshotsAborted = db.aborted
	st.SnapshotDurationMax = db.durMax
	st.SnapshotDurationLast = db.durLast
	db.snapMu.Unlock()
	st.COWBytes = db.cow.cur.Load()
	st.COWPeakBytes = db.cow.peak.Load()
	st.Epoch = db.epoch.Load()
	return st
}
