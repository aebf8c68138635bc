package flash

import (
	"fmt"
	"time"
)

// flusher is the goroutine that writes write buffers to the device: sealed
// (full) buffers as soon as they are sealed, the partial current buffer
// after FlushMax, at once under CommitToDevice, or when urged (Close, a
// writer waiting for blocks). Each round writes, then fdatasyncs once.
func (s *Store) flusher() {
	defer s.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		for s.flushRound() {
			select {
			case <-s.stop:
				return
			default:
			}
		}
		wait := s.flushDeadline()
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-timer.C:
		}
	}
}

// flushDeadline is how long until the partial buffer is due.
func (s *Store) flushDeadline() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.cur; c != nil && c.used > max(c.mark, blockHeaderSize) {
		return max(time.Until(c.since.Add(s.opts.FlushMax)), 0)
	}
	return time.Hour
}

// span is a byte range of a buffer to write.
type span struct {
	buf      *wbuf
	from, to int
}

// flushRound writes what is due and syncs. It reports whether it wrote
// anything (the caller loops until nothing is due).
func (s *Store) flushRound() bool {
	s.mu.Lock()
	if s.abandoned || s.err != nil {
		s.mu.Unlock()
		return false
	}
	jobs := s.sealed
	s.sealed = nil
	c := s.cur
	pendingData := c != nil && c.used > max(c.mark, blockHeaderSize)
	partial := pendingData && (s.opts.CommitToDevice || s.urgent || time.Since(c.since) >= s.opts.FlushMax)
	if len(jobs) == 0 && !partial {
		s.urgent = false
		s.mu.Unlock()
		return false
	}
	var spans []span
	for _, j := range jobs {
		spans = append(spans, span{j, alignDown(j.mark), j.used})
		j.mark = j.used
	}
	// The frontier: every write appended before it is in this round or
	// already on the device.
	var hi uint64
	var frontier time.Time
	var g *syncGroup
	if partial || !pendingData {
		hi, frontier = s.seq, s.opts.Clock()
		g, s.group = s.group, newGroup()
		s.urgent = false
	} else {
		last := jobs[len(jobs)-1]
		hi, frontier = last.sealSeq, last.sealAt
	}
	if partial {
		spans = append(spans, span{c, alignDown(c.mark), c.used})
		c.mark = c.used
	}
	s.flushing = true
	s.mu.Unlock()

	start := time.Now()
	n, err := s.writeSpans(spans)
	d := time.Since(start)

	s.mu.Lock()
	s.flushing = false
	if err != nil {
		s.failLocked(err)
		s.mu.Unlock()
		if g != nil {
			g.finish(err)
		}
		return false
	}
	s.durable = max(s.durable, hi)
	for _, j := range jobs {
		s.retireLocked(j)
	}
	s.releaseLocked()
	s.space.Broadcast()
	s.mu.Unlock()
	if g != nil {
		g.finish(nil)
	}
	s.st.deviceBytes.Add(n)
	s.st.syncs.Add(1)
	s.st.flushes.Add(int64(len(jobs)))
	if partial {
		s.st.partialFlushes.Add(1)
	}
	if len(jobs) > 0 || !s.opts.CommitToDevice {
		// Commit rounds that fill no block are not events: there are
		// thousands a second.
		s.event("flush", frontier, d, "%d full blocks, partial %v, %d bytes", len(jobs), partial, n)
	}
	return true
}

// writeSpans writes the spans and fdatasyncs the device once.
func (s *Store) writeSpans(spans []span) (int64, error) {
	var n int64
	for _, sp := range spans {
		if sp.to <= sp.from {
			continue
		}
		if s.dead.Load() {
			return n, ErrClosed
		}
		off := s.dev.blockOff(sp.buf.block) + int64(sp.from)
		if _, err := s.dev.f.WriteAt(sp.buf.data[sp.from:sp.to], off); err != nil {
			return n, fmt.Errorf("flash: write block %d at offset %d of %s: %w", sp.buf.block, sp.from, s.dev.path, err)
		}
		n += int64(sp.to - sp.from)
	}
	if s.dead.Load() {
		return n, ErrClosed
	}
	if err := s.dev.f.Sync(); err != nil {
		return n, fmt.Errorf("flash: sync %s: %w", s.dev.path, err)
	}
	return n, nil
}

// alignDown rounds a buffer offset down to a page: a partial block is
// rewritten from the page its last write ended in.
func alignDown(off int) int { return off &^ (pageSize - 1) }

// retireLocked marks a flushed full buffer's block as used and moves its
// image to the post-write cache, or drops it.
func (s *Store) retireLocked(j *wbuf) {
	m := &s.blocks[j.block]
	m.status = statusUsed
	if s.opts.PostWriteCache < int64(len(j.data)) {
		m.mem.Store(nil)
	} else {
		s.cached = append(s.cached, cacheItem{j.block, j.epoch})
		s.cachedBytes += int64(len(j.data))
		for s.cachedBytes > s.opts.PostWriteCache {
			s.evictLocked()
		}
	}
	if s.belowLWM(m.live) {
		s.defragNeeded = true
		s.kickDefrag()
	}
}

// evictLocked drops the oldest block image of the post-write cache.
func (s *Store) evictLocked() {
	it := s.cached[0]
	s.cached = s.cached[1:]
	s.cachedBytes -= s.dev.hdr.blockSize
	m := &s.blocks[it.block]
	if mb := m.mem.Load(); mb != nil && mb.epoch == it.epoch && m.status != statusCur && m.status != statusSealed {
		m.mem.Store(nil)
	}
}

// releaseLocked frees the defragged blocks whose moves are durable.
func (s *Store) releaseLocked() {
	kept := s.pending[:0]
	for _, b := range s.pending {
		m := &s.blocks[b]
		if m.stamp > s.durable {
			kept = append(kept, b)
			continue
		}
		m.status, m.live, m.fill = statusFree, 0, 0
		m.mem.Store(nil)
		s.free = append(s.free, b)
		s.defragStuck = false
	}
	s.pending = kept
}
