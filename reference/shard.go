package reference

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// shardState is one shard: its index, its slab and its snapshot bookkeeping.
// Everything but gets is guarded by mu; see capture for the fields the
// snapshot changes under the read lock.
type shardState struct {
	mu   sync.RWMutex
	gets atomic.Int64 // readers share the read lock, so this one is atomic

	index    map[uint64]ref
	overflow map[uint64][]ref // nil unless two keys of the shard share a hash
	slab

	keys, live, garbage int64
	sets, deletes       int64
	compactions         int64
	deferred            int64  // compactions put off because a snapshot was pending
	deferredNoted       bool   // deferred counted since the last compaction
	compactAt           uint16 // garbage share (/1024 of the slab) that triggers compaction

	// captured is the latest snapshot epoch whose state this shard has
	// handed over (or dropped). A write with epoch > captured preserves.
	captured     uint64
	pres         map[uint64]ref   // key hash -> ref as of the snapshot's start, or absent
	presOverflow map[uint64][]ref // the collision refs of a preserved hash
	presBytes    int64            // bytes pinned by pres (copy-on-write cost)
}

// shard pads shardState to a multiple of 128 bytes so that two shards'
// locks never share a cache line (or an adjacent-line prefetch pair).
type shard struct {
	shardState
	_ [128 - unsafe.Sizeof(shardState{})%128]byte
}

// preservedEntryBytes is what one preserved index entry costs beyond the
// record it pins: a key hash and a ref.
const preservedEntryBytes = 16

// find returns the ref of key, whose hash is h.
func (s *shard) find(h uint64, key []byte) (ref, bool) {
	r, ok := s.index[h]
	if !ok {
		return 0, false
	}
	if s.keyIs(r, key) {
		return r, true
	}
	for _, o := range s.overflow[h] {
		if s.keyIs(o, key) {
			return o, true
		}
	}
	return 0, false
}

// put stores key=value. When inPlace (no snapshot pending on the shard)
// and the new record fits in the old one, it overwrites the old record: no
// garbage and no compaction for the common case of same-size values.
// Otherwise it appends a new record and retires the old one.
func (s *shard) put(h uint64, key, value []byte, inPlace bool) {
	r, inIndex := s.index[h]
	found, oi := false, -1 // oi: the key's position in overflow[h], if there
	if inIndex {
		if found = s.keyIs(r, key); !found {
			for i, o := range s.overflow[h] {
				if s.keyIs(o, key) {
					r, oi, found = o, i, true
					break
				}
			}
		}
	}
	if found && inPlace {
		if freed, ok := s.slab.rewrite(r, key, value); ok {
			s.live -= freed
			s.garbage += freed
			return
		}
	}
	nr, tail := s.slab.add(key, value, s.slab.bytes/2)
	s.garbage += tail
	s.live += int64(recordLen(len(key), len(value)))
	switch {
	case !inIndex:
		s.index[h] = nr
		s.keys++
	case found && oi < 0:
		s.index[h] = nr
		s.retire(r)
	case found:
		s.overflow[h][oi] = nr
		s.retire(r)
	default:
		if s.overflow == nil {
			s.overflow = make(map[uint64][]ref)
		}
		s.overflow[h] = append(s.overflow[h], nr)
		s.keys++
	}
}

// remove deletes key and reports whether it existed. When the key in index
// goes and others share its hash, one of them moves up into index, so that
// overflow[h] is never set without index[h].
func (s *shard) remove(h uint64, key []byte) bool {
	r, ok := s.index[h]
	if !ok {
		return false
	}
	ov := s.overflow[h]
	if s.keyIs(r, key) {
		if len(ov) == 0 {
			delete(s.index, h)
		} else {
			s.index[h] = ov[len(ov)-1]
			s.setOverflow(h, ov[:len(ov)-1])
		}
	} else {
		i := 0
		for i < len(ov) && !s.keyIs(ov[i], key) {
			i++
		}
		if i == len(ov) {
			return false
		}
		r = ov[i]
		ov[i] = ov[len(ov)-1]
		s.setOverflow(h, ov[:len(ov)-1])
	}
	s.retire(r)
	s.keys--
	return true
}

func (s *shard) setOverflow(h uint64, ov []ref) {
	if len(ov) > 0 {
		s.overflow[h] = ov
		return
	}
	delete(s.overflow, h)
	if len(s.overflow) == 0 {
		s.overflow = nil
	}
}

// retire turns the record at r into garbage.
func (s *shard) retire(r ref) {
	n := s.slab.size(r)
	s.live -= n
	s.garbage += n
}

// preserve records the state of hash h's keys as of the pending snapshot's
// start, unless already done, and returns the bytes it pins. It must run
// before the first change to h after the snapshot began.
func (s *shard) preserve(h uint64) int64 {
	if _, done := s.pres[h]; done {
		return 0
	}
	if s.pres == nil {
		s.pres = make(map[uint64]ref)
	}
	r, ok := s.index[h]
	if !ok {
		s.pres[h] = absent
		s.presBytes += preservedEntryBytes
		return preservedEntryBytes
	}
	s.pres[h] = r
	n := preservedEntryBytes + s.slab.size(r)
	if ov := s.overflow[h]; len(ov) > 0 {
		if s.presOverflow == nil {
			s.presOverflow = make(map[uint64][]ref)
		}
		s.presOverflow[h] = append([]ref(nil), ov...)
		for _, o := range ov {
			n += 8 + s.slab.size(o)
		}
	}
	s.presBytes += n
	return n
}

// capture appends to buf the records of the shard as they were when the
// snapshot with this epoch began, marks the shard captured and drops the
// preserved entries. It returns buf and the bytes released.
//
// It runs under the read lock although it changes captured and the
// preserved maps: only writers (under the write lock) and the single
// running snapshot touch those fields, so readers may keep reading.
func (s *shard) capture(buf []byte, epoch uint64) ([]byte, int64) {
	for h, r := range s.index {
		if pr, ok := s.pres[h]; ok {
			buf = s.appendBucket(buf, pr, s.presOverflow[h])
			continue
		}
		buf = s.appendBucket(buf, r, s.overflow[h])
	}
	for h, pr := range s.pres {
		if _, ok := s.index[h]; !ok { // deleted since the snapshot began
			buf = s.appendBucket(buf, pr, s.presOverflow[h])
		}
	}
	return buf, s.release(epoch)
}

// release marks the shard captured for epoch and drops what preserve kept.
func (s *shard) release(epoch uint64) int64 {
	n := s.presBytes
	s.captured = epoch
	s.pres, s.presOverflow, s.presBytes = nil, nil, 0
	return n
}

func (s *shard) appendBucket(buf []byte, r ref, ov []ref) []byte {
	if r == absent {
		return buf
	}
	buf = append(buf, s.slab.raw(r)...)
	for _, o := range ov {
		buf = append(buf, s.slab.raw(o)...)
	}
	return buf
}
