package flash

import (
	"sync"
	"unsafe"
)

// entry is one index value: where the record is and its generation (see
// the package doc for the bit layout). 16 bytes, no pointer.
type entry struct {
	loc  uint64
	meta uint64
}

func makeEntry(block uint32, off, size int, gen uint64, tomb bool) entry {
	e := entry{
		loc:  uint64(block)<<40 | uint64(off/unit)<<20 | uint64(size/unit),
		meta: gen << 1,
	}
	if tomb {
		e.meta |= 1
	}
	return e
}

func (e entry) block() uint32   { return uint32(e.loc >> 40) }
func (e entry) off() int        { return int(e.loc>>20&(1<<20-1)) * unit }
func (e entry) size() int       { return int(e.loc&(1<<20-1)) * unit }
func (e entry) gen() uint64     { return e.meta >> 1 }
func (e entry) tombstone() bool { return e.meta&1 != 0 }

const nShards = 256

// indexShard is one shard of the DRAM index. Writers hold Store.mu and the
// shard's lock; readers hold only the shard's read lock.
type indexShard struct {
	indexShardState
	_ [128 - unsafe.Sizeof(indexShardState{})%128]byte // no false sharing of locks
}

type indexShardState struct {
	mu sync.RWMutex
	m  map[digest]entry
}

// index is the sharded DRAM index.
type index struct {
	shards [nShards]indexShard
}

func newIndex(hint int) *index {
	x := &index{}
	for i := range x.shards {
		x.shards[i].m = make(map[digest]entry, hint/nShards)
	}
	return x
}

func (x *index) shard(d digest) *indexShard { return &x.shards[d[0]>>56] }

// get returns the entry of d.
func (x *index) get(d digest) (entry, bool) {
	s := x.shard(d)
	s.mu.RLock()
	e, ok := s.m[d]
	s.mu.RUnlock()
	return e, ok
}

// put sets d's entry and returns the one it replaced. Under Store.mu.
func (x *index) put(d digest, e entry) (entry, bool) {
	s := x.shard(d)
	s.mu.Lock()
	old, ok := s.m[d]
	s.m[d] = e
	s.mu.Unlock()
	return old, ok
}

// remove drops d's entry and returns it. Under Store.mu.
func (x *index) remove(d digest) (entry, bool) {
	s := x.shard(d)
	s.mu.Lock()
	old, ok := s.m[d]
	if ok {
		delete(s.m, d)
	}
	s.mu.Unlock()
	return old, ok
}

// entries is the number of index entries (records and tombstones).
func (x *index) entries() int64 {
	var n int64
	for i := range x.shards {
		s := &x.shards[i]
		s.mu.RLock()
		n += int64(len(s.m))
		s.mu.RUnlock()
	}
	return n
}
