package reference

import "math/rand/v2"

// compactMinGarbage keeps small shards from compacting over a few KiB: below
// it the copy costs more than the memory is worth.
const compactMinGarbage = 32 << 10

// drawCompactAt picks a shard's trigger in 25–50 % garbage (of 1024). Shards
// of a uniform workload fill with garbage at one pace; a common threshold
// would make them all compact within moments of each other.
func drawCompactAt() uint16 { return 256 + uint16(rand.IntN(256)) }

func (s *shard) needsCompaction() bool {
	return s.garbage >= compactMinGarbage && s.garbage*1024 > s.slab.bytes*int64(s.compactAt)
}

// maybeCompact compacts s (write-locked) when its garbage passed its
// trigger, unless a snapshot of it is pending (preserved refs and the
// snapshot's view point into the old chunks) or another shard is
// compacting. A shard past two thirds of garbage compacts regardless of the
// others, to bound memory.
func (db *DB) maybeCompact(s *shard, epoch uint64) {
	if !s.needsCompaction() {
		return
	}
	if s.captured < epoch {
		if !s.deferredNoted {
			s.deferredNoted = true
			s.deferred++
		}
		return
	}
	if s.garbage*3 <= s.slab.bytes*2 {
		if !db.compacting.CompareAndSwap(false, true) {
			return
		}
		defer db.compacting.Store(false)
	}
	s.compact()
}

// compact copies the live records into fresh chunks sized to the live
// bytes plus an eighth of headroom, and repoints the index.
func (s *shard) compact() {
	var ns slab
	var tails int64
	left := s.live
	move := func(r ref) ref {
		k, v := s.slab.record(r)
		nr, tail := ns.add(k, v, left+left/8)
		tails += tail
		left -= int64(recordLen(len(k), len(v)))
		return nr
	}
	for h, r := range s.index {
		s.index[h] = move(r)
	}
	for _, ov := range s.overflow {
		for i, r := range ov {
			ov[i] = move(r)
		}
	}
	s.slab = ns
	s.garbage = tails
	s.compactions++
	s.deferredNoted = false
	s.compactAt = drawCompactAt()
}
