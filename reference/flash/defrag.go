package flash

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// defragPoll is how often the defragger looks for candidates without being
// kicked (a kick comes whenever a block falls below the low-water mark, so
// this only bounds the delay of a missed kick).
const defragPoll = 100 * time.Millisecond

// defragger is the goroutine that defrags blocks below the low-water mark,
// emptiest first, sleeping DefragSleep between blocks.
func (s *Store) defragger() {
	defer s.wg.Done()
	tick := time.NewTicker(defragPoll)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.defragKick:
		case <-tick.C:
		}
		for _, c := range s.defragCandidates() {
			if !s.defragBlock(c) {
				break
			}
			select {
			case <-s.stop:
				return
			case <-time.After(s.opts.DefragSleep):
			}
		}
	}
}

// candidate is a block to defrag and what defrag needs to read it. A used
// block's fill and epoch do not change until defrag frees it, and only the
// defragger frees used blocks.
type candidate struct {
	block uint32
	fill  int
	epoch uint64
	live  int64
}

// defragCandidates lists the used blocks below the low-water mark, the
// emptiest first.
func (s *Store) defragCandidates() []candidate {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.defragNeeded = false
	var out []candidate
	for i := range s.blocks {
		if m := &s.blocks[i]; m.status == statusUsed && s.belowLWM(m.live) {
			out = append(out, candidate{uint32(i), m.fill, m.epoch, m.live})
		}
	}
	slices.SortFunc(out, func(a, b candidate) int { return int(a.live - b.live) })
	return out
}

// movable is one record defrag found in a block.
type movable struct {
	h   recordHeader
	off int
	rec []byte
}

// defragBlock moves the live records of a candidate block and queues it to
// be freed. It reports whether to go on with the next candidate. It takes
// s.mu as few times as it can: a writer in a tight loop holds s.mu most of
// the time, and each acquisition by another goroutine can wait for the
// mutex's 1 ms starvation hand-off.
func (s *Store) defragBlock(c candidate) bool {
	start := time.Now()
	b, live := c.block, c.live
	m := &s.blocks[b]
	img, read, err := s.blockImage(b, c.fill, c.epoch)
	if err != nil {
		s.mu.Lock()
		s.failLocked(err)
		s.mu.Unlock()
		return false
	}
	var recs []movable
	res := scanBlock(img, b, s.dev.hdr.deviceID, func(off int, h *recordHeader, rec []byte) {
		recs = append(recs, movable{*h, off, rec})
	})
	if res.state != blockValid || res.header.epoch != c.epoch {
		s.mu.Lock()
		s.failLocked(fmt.Errorf("flash: defrag block %d of %s: header of epoch %d unreadable: %w", b, s.dev.path, c.epoch, ErrCorrupt))
		s.mu.Unlock()
		return false
	}
	moved, err := s.moveRecords(b, recs) // returns with s.mu held
	if err != nil {
		// No room to move into (or the store stopped): the block stays
		// used, its moved records already dead in it.
		s.defragStuck = errors.Is(err, ErrDeviceFull)
		s.space.Broadcast()
		s.mu.Unlock()
		return false
	}
	m.status, m.stamp = statusPending, s.seq
	s.pending = append(s.pending, b)
	s.releaseLocked()
	if len(s.pending) > 0 && len(s.free) <= s.reserve {
		s.urgent = true
		s.kickFlusher()
	}
	s.space.Broadcast()
	s.mu.Unlock()
	s.st.defragBlocks.Add(1)
	s.st.defragRead.Add(read)
	s.st.defragWritten.Add(moved)
	s.event("defrag", s.opts.Clock(), time.Since(start), "block %d: %d of %d bytes live, %d moved",
		b, live, s.dev.hdr.blockSize, moved)
	return true
}

// blockImage returns block b's records, from memory when the post-write
// cache still holds it, else read from the device (counted in read).
func (s *Store) blockImage(b uint32, fill int, epoch uint64) (img []byte, read int64, err error) {
	if mb := s.blocks[b].mem.Load(); mb != nil && mb.epoch == epoch {
		return mb.data[:fill], 0, nil
	}
	img = make([]byte, fill)
	n, err := s.dev.f.ReadAt(img, s.dev.blockOff(b))
	if err != nil && !(errors.Is(err, io.EOF) && n == fill) {
		return nil, int64(n), fmt.Errorf("flash: defrag read block %d of %s: %w", b, s.dev.path, err)
	}
	return img, int64(n), nil
}

// moveRecords appends again the records of block b that the index still
// points at, keeping their generation, and returns the bytes moved. It
// returns with s.mu held, so that the caller settles the block in the same
// hold.
func (s *Store) moveRecords(b uint32, recs []movable) (int64, error) {
	// Up to holdBytes are moved per hold of s.mu (~50 µs of copying):
	// short enough for client writes to interleave, long enough that a
	// block below a 50 % low-water mark usually moves in one hold.
	const holdBytes = 512 << 10
	var moved int64
	s.mu.Lock()
	if err := s.usableLocked(); err != nil {
		return 0, err
	}
	m := &s.blocks[b]
	m.status = statusDefrag
	held := 0
	for _, r := range recs {
		if held >= holdBytes {
			s.mu.Unlock()
			s.mu.Lock()
			held = 0
		}
		held += r.h.size()
		e, ok := s.idx.get(r.h.digest)
		if !ok || e.block() != b || e.off() != r.off || e.gen() != r.h.gen {
			continue // overwritten or deleted since: dead
		}
		h := r.h
		nb, off, err := s.appendLocked(&h, recordKey(r.rec, &r.h), recordValue(r.rec, &r.h), true)
		if err != nil {
			m.status = statusUsed
			return moved, err
		}
		s.installLocked(h.digest, makeEntry(nb, off, h.size(), h.gen, h.tombstone()))
		moved += int64(h.size())
	}
	return moved, nil
}
