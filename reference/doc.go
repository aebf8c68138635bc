// Package reference is the embedded key-value store persistbench benchmarks
// when no server is installed. This package owns the in-memory core: the
// sharded, pointer-free key/value layout, slab compaction, the snapshot
// epoch that lets point-in-time snapshots run without stopping the world,
// and the Persister hook every acknowledged write goes through. Snapshot
// files (reference/rdb), the append-only file (reference/aof) and the
// flash layout (reference/flash) are built on top of it.
//
// # Layout
//
// Keys are hashed with a seeded hash (hash/maphash) to 64 bits; the top
// bits pick one of Options.Shards shards, each guarded by a sync.RWMutex.
// A shard holds no per-key Go pointer, string or slice, so the garbage
// collector marks a 10 M-key store in milliseconds:
//
//	index    map[uint64]uint64    key hash -> ref of the record
//	overflow map[uint64][]uint64  refs of other keys whose hash collides
//	                              with the key in index (almost always nil)
//	chunks   [][]byte             append-only slab chunks (a few per shard)
//
// A ref is a 64-bit location in the shard's slab:
//
//	 63               32 31                0
//	+-------------------+-------------------+
//	|   chunk index     |  byte offset      |
//	+-------------------+-------------------+
//
// A record in a chunk is (uvarint as in encoding/binary):
//
//	+-------------+---------------+---------+-----------+
//	| uvarint klen| uvarint vlen  | key     | value     |
//	+-------------+---------------+---------+-----------+
//
// Records never straddle chunks; a record larger than the chunk size gets a
// chunk of its own. An overwrite whose record fits in the old one rewrites
// it in place (the common case of same-size values: no garbage), unless a
// snapshot of the shard is pending; otherwise it appends a new record and
// leaves the old one as garbage. When a shard's garbage exceeds a fraction
// of its slab (drawn at random per shard in 25–50 %, so that shards filled
// at the same pace do not all compact at once) the next write compacts the
// shard into fresh chunks. At most one such compaction runs at a time; a
// shard whose garbage passes two thirds of its slab compacts regardless.
//
// # Snapshots
//
// A snapshot is one atomic epoch. BeginSnapshot bumps the epoch to E and
// returns at once: no shard is locked. From then on, a writer that changes a
// key in a shard not yet captured for E first preserves that key's old ref
// (or "absent") — one map entry per key, never a shard copy — and the
// shard neither compacts nor overwrites in place, so that preserved refs
// stay valid.
// Snapshot.Each then visits the shards one by one: under the shard's read
// lock it copies the shard's entries as of E's start (current entries,
// overridden by preserved ones; keys preserved as absent skipped; keys
// deleted since E included from their preserved ref) into a reusable
// buffer, marks the shard captured and drops its preserved map; only after
// the lock is released does it hand the entries to the consumer, so no
// snapshot I/O happens under a lock. The bytes pinned by preserved entries
// are the snapshot's copy-on-write cost, reported as Stats.COWPeakBytes.
//
// # Persistence
//
// Every write that changes the store is passed to Options.Persister: Append
// under the shard's write lock, with the epoch read under that lock, then
// Wait after the lock is released; the write is acknowledged only when Wait
// returns nil. Because the epoch is read, the write Appended and the write
// applied under one lock hold, and BeginSnapshot bumps the epoch before any
// shard is captured, the following holds for a snapshot whose Epoch() is E:
//
//	every write Appended with epoch < E is in the snapshot,
//	and no write Appended with epoch >= E is.
//
// An AOF rewrite relies on it: records with epoch >= E go to the new
// incremental file. See Persister for the order of Append and apply.
package reference
