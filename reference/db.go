package reference

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/persistbench/persistbench/reference/vfs"
)

// Errors returned by the engine; test with errors.Is.
var (
	ErrClosed             = errors.New("reference: closed")
	ErrSnapshotInProgress = errors.New("reference: a snapshot is in progress")
	ErrSnapshotUsed       = errors.New("reference: snapshot already visited")
)

// DefaultShards is the shard count when Options.Shards is 0.
const DefaultShards = 1024

// maxShards bounds Options.Shards; more only adds per-shard overhead.
const maxShards = 1 << 16

// Options configure Open.
type Options struct {
	// FS is the file system persistence layers use; nil means vfs.Default.
	// The in-memory core itself never touches it.
	FS vfs.FS
	// Shards is the number of shards, a power of two; 0 means 1024.
	Shards int
	// Persister receives every write; nil keeps the store in memory only.
	Persister Persister
	// Hash replaces the seeded maphash of keys. Tests use it to force hash
	// collisions; nil is right everywhere else.
	Hash func(key []byte) uint64
}

// DB is the in-memory store. It is safe for concurrent use.
type DB struct {
	dir       string
	fs        vfs.FS
	persister Persister
	hashFn    func([]byte) uint64
	seed      maphash.Seed
	shards    []shard
	shift     uint

	epoch      atomic.Uint64
	closed     atomic.Bool
	compacting atomic.Bool
	cow        cowMeter

	snapMu sync.Mutex // guards snap and snapStats
	snap   *Snapshot
	snapStats
}

// Open returns an empty store. dir is where persistence layers keep their
// files; the in-memory core does not use it and may be given "".
func Open(dir string, opts Options) (*DB, error) {
	n := opts.Shards
	if n == 0 {
		n = DefaultShards
	}
	if n < 1 || n > maxShards || n&(n-1) != 0 {
		return nil, fmt.Errorf("reference: open %q: shards %d: want a power of two in 1..%d", dir, opts.Shards, maxShards)
	}
	db := &DB{
		dir:       dir,
		fs:        opts.FS,
		persister: opts.Persister,
		hashFn:    opts.Hash,
		seed:      maphash.MakeSeed(),
		shards:    make([]shard, n),
		shift:     uint(64 - bits.TrailingZeros(uint(n))),
	}
	if db.fs == nil {
		db.fs = vfs.Default
	}
	db.epoch.Store(1)
	for i := range db.shards {
		s := &db.shards[i]
		s.index = make(map[uint64]ref)
		s.captured = 1
		s.compactAt = drawCompactAt()
	}
	return db, nil
}

// Dir is the directory given to Open.
func (db *DB) Dir() string { return db.dir }

// FS is the file system of Options (vfs.Default when none was given).
func (db *DB) FS() vfs.FS { return db.fs }

func (db *DB) hash(key []byte) uint64 {
	if db.hashFn != nil {
		return db.hashFn(key)
	}
	return maphash.Bytes(db.seed, key)
}

// shardFor picks a shard by the top bits of h (a shift of 64 yields 0).
func (db *DB) shardFor(h uint64) *shard { return &db.shards[h>>db.shift] }

// Get appends the value of key to dst[:0] and returns it, and whether the
// key exists.
func (db *DB) Get(key, dst []byte) ([]byte, bool) {
	h := db.hash(key)
	s := db.shardFor(h)
	s.mu.RLock()
	if db.closed.Load() {
		s.mu.RUnlock()
		return dst[:0], false
	}
	r, ok := s.find(h, key)
	if ok {
		_, v := s.slab.record(r)
		dst = append(dst[:0], v...)
	} else {
		dst = dst[:0]
	}
	s.mu.RUnlock()
	s.gets.Add(1)
	return dst, ok
}

// Set stores value under key. Neither slice is retained. An error from the
// Persister's Append means the write was not applied; one from its Wait,
// that it was applied but is not acknowledged (see Persister).
func (db *DB) Set(key, value []byte) error {
	_, err := db.write(key, value, false, true)
	return err
}

// Delete removes key and reports whether it existed. Deleting a missing key
// changes nothing and is not passed to the Persister.
func (db *DB) Delete(key []byte) (bool, error) {
	return db.write(key, nil, true, true)
}

// Restore stores key=value without calling the Persister: the bulk load of
// recovery, replaying what the persistence layer itself holds.
func (db *DB) Restore(key, value []byte) {
	_, _ = db.write(key, value, false, false) // fails only when closed
}

// write applies one change: see Persister for the order of Append and apply
// and the package doc for the epoch it carries.
func (db *DB) write(key, value []byte, del, persist bool) (bool, error) {
	existed, ticket, err := db.apply(key, value, del, persist)
	if err != nil || ticket == 0 {
		return existed, err
	}
	if err := db.persister.Wait(ticket); err != nil {
		return true, fmt.Errorf("reference: %s: persister wait: %w", opName(del), err)
	}
	return true, nil
}

// SetAsync applies a Set and returns the Persister's ticket without
// waiting for it (0 when there is nothing to wait for). A pipeline applies
// all its writes this way and then waits once for the last ticket, so the
// batch shares one fsync, as the commands of one Redis event-loop turn do.
func (db *DB) SetAsync(key, value []byte) (ticket uint64, err error) {
	_, ticket, err = db.apply(key, value, false, true)
	return ticket, err
}

// DeleteAsync is Delete without waiting (see SetAsync).
func (db *DB) DeleteAsync(key []byte) (existed bool, ticket uint64, err error) {
	return db.apply(key, nil, true, true)
}

// Wait returns when the write of ticket, and of every ticket before it, is
// as durable as the Persister promises.
func (db *DB) Wait(ticket uint64) error {
	if ticket == 0 || db.persister == nil {
		return nil
	}
	if err := db.persister.Wait(ticket); err != nil {
		return fmt.Errorf("reference: persister wait: %w", err)
	}
	return nil
}

// apply applies one change and returns the Persister's ticket (0 when
// not persisted).
func (db *DB) apply(key, value []byte, del, persist bool) (bool, uint64, error) {
	h := db.hash(key)
	s := db.shardFor(h)
	s.mu.Lock()
	if db.closed.Load() {
		s.mu.Unlock()
		return false, 0, ErrClosed
	}
	epoch := db.epoch.Load()
	if del {
		if _, ok := s.find(h, key); !ok {
			s.mu.Unlock()
			return false, 0, nil
		}
	}
	p := db.persister
	if !persist {
		p = nil
	}
	var ticket uint64
	if p != nil {
		t, err := p.Append(epoch, del, key, value)
		if err != nil {
			s.mu.Unlock()
			return false, 0, fmt.Errorf("reference: %s: persister append: %w", opName(del), err)
		}
		ticket = t
	}
	pending := s.captured < epoch // a snapshot has not captured this shard yet
	if pending {
		db.cow.add(s.preserve(h))
	}
	if del {
		s.remove(h, key)
		s.deletes++
	} else {
		s.put(h, key, value, !pending)
		s.sets++
	}
	db.maybeCompact(s, epoch)
	s.mu.Unlock()
	return true, ticket, nil
}

func opName(del bool) string {
	if del {
		return "delete"
	}
	return "set"
}

// Len is the number of keys.
func (db *DB) Len() int64 {
	var n int64
	for i := range db.shards {
		s := &db.shards[i]
		s.mu.RLock()
		n += s.keys
		s.mu.RUnlock()
	}
	return n
}

// Close frees the store; later writes return ErrClosed, reads find nothing
// and a running snapshot's Each returns ErrClosed. It does not close the
// Persister, which belongs to the caller.
func (db *DB) Close() error {
	if !db.closed.CompareAndSwap(false, true) {
		return nil
	}
	for i := range db.shards {
		s := &db.shards[i]
		s.mu.Lock()
		s.index, s.overflow, s.slab = nil, nil, slab{}
		s.keys, s.live, s.garbage = 0, 0, 0
		s.pres, s.presOverflow, s.presBytes = nil, nil, 0
		s.mu.Unlock()
	}
	return nil
}
