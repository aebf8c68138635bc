package flash

import (
	"fmt"
	"time"
)

// Set stores key=value. It returns when the write is acknowledged: once
// buffered (and indexed), or with CommitToDevice once it is on the device.
func (s *Store) Set(key, value []byte) error {
	h := recordHeader{
		dataCRC: dataCRC(key, value),
		klen:    uint32(len(key)),
		vlen:    uint32(len(value)),
		digest:  s.opts.digest(key),
		lut:     s.opts.Clock().UnixNano(),
	}
	if err := s.checkSize(len(key), len(value)); err != nil {
		return err
	}
	s.mu.Lock()
	b, off, err := s.appendLocked(&h, key, value, false)
	if err != nil {
		s.mu.Unlock()
		return err
	}
	s.installLocked(h.digest, makeEntry(b, off, h.size(), h.gen, false))
	g := s.group
	s.mu.Unlock()
	s.st.clientBytes.Add(int64(len(key) + len(value)))
	s.st.sets.Add(1)
	if s.opts.CommitToDevice {
		return s.waitDurable(g)
	}
	return nil
}

// Delete removes key and reports whether it was there. Without
// DurableDelete only the index entry goes (the record may come back at
// cold start); with it a tombstone is written, and with CommitToDevice the
// call returns once the tombstone is on the device.
func (s *Store) Delete(key []byte) (bool, error) {
	d := s.opts.digest(key)
	s.mu.Lock()
	if err := s.usableLocked(); err != nil {
		s.mu.Unlock()
		return false, err
	}
	e, ok := s.idx.get(d)
	if !ok || e.tombstone() {
		s.mu.Unlock()
		return false, nil
	}
	s.st.deletes.Add(1)
	if !s.opts.DurableDelete {
		s.idx.remove(d)
		s.dropLocked(e)
		s.mu.Unlock()
		return true, nil
	}
	h := recordHeader{flags: flagTombstone, dataCRC: dataCRC(key, nil), klen: uint32(len(key)),
		digest: d, lut: s.opts.Clock().UnixNano()}
	b, off, err := s.appendLocked(&h, key, nil, false)
	if err != nil {
		s.mu.Unlock()
		return false, err
	}
	s.installLocked(d, makeEntry(b, off, h.size(), h.gen, true))
	g := s.group
	s.mu.Unlock()
	if s.opts.CommitToDevice {
		return true, s.waitDurable(g)
	}
	return true, nil
}

func (s *Store) checkSize(klen, vlen int) error {
	if int64(paddedLen(klen, vlen)) > s.dev.hdr.blockSize-blockHeaderSize {
		return fmt.Errorf("flash: key of %d and value of %d bytes: %w", klen, vlen, ErrTooLarge)
	}
	return nil
}

// appendLocked copies a record into the current write buffer, opening a
// block if needed, and returns where it went. A client write gets the next
// sequence as its generation; defrag's copies keep theirs.
func (s *Store) appendLocked(h *recordHeader, key, value []byte, defrag bool) (uint32, int, error) {
	size := h.size()
	for {
		if err := s.usableLocked(); err != nil {
			return 0, 0, err
		}
		c := s.cur
		if c != nil && c.used+size <= len(c.data) {
			break
		}
		if c != nil {
			if len(s.sealed) >= s.maxSealed {
				// The flusher is behind: wait for it (Aerospike fails the
				// write instead: "device overload", past max-write-cache).
				s.st.throttled.Add(1)
				s.kickFlusher()
				s.space.Wait()
				continue
			}
			s.sealLocked()
			continue
		}
		if err := s.openLocked(defrag); err != nil {
			return 0, 0, err
		}
	}
	c := s.cur
	if c.used <= max(c.mark, blockHeaderSize) {
		c.since = time.Now() // the first record the flusher has not seen: flush-max starts
		if !s.opts.CommitToDevice {
			s.kickFlusher()
		}
	}
	s.seq++
	if !defrag {
		h.gen = s.seq
	}
	h.epoch = uint32(c.epoch)
	off := c.used
	putRecord(c.data[off:], h, key, value)
	c.used += size
	if s.opts.CommitToDevice {
		s.kickFlusher()
	}
	return c.block, off, nil
}

// sealLocked hands the full current buffer to the flusher.
func (s *Store) sealLocked() {
	c := s.cur
	c.sealSeq = s.seq
	c.sealAt = s.opts.Clock()
	s.blocks[c.block].status = statusSealed
	s.blocks[c.block].fill = c.used
	s.sealed = append(s.sealed, c)
	s.cur = nil
	s.kickFlusher()
}

// openLocked opens a free block as the current buffer, or waits once for
// one to free up (the caller loops), or fails with ErrDeviceFull. Client
// writes leave s.reserve blocks to defrag.
func (s *Store) openLocked(defrag bool) error {
	if len(s.free) > s.reserve || (defrag && len(s.free) > 0) {
		return s.openBlockLocked()
	}
	switch {
	case len(s.pending) > 0 || len(s.sealed) > 0 || s.flushing:
		// Blocks free up once the flusher has made the moves durable.
		s.urgent = true
		s.kickFlusher()
	case !defrag && !s.defragStuck && s.defragCandidateLocked():
		s.defragNeeded = true
		s.kickDefrag()
	default:
		return fmt.Errorf("flash: %d of %d blocks free, none to defrag: %w", len(s.free), len(s.blocks)-1, ErrDeviceFull)
	}
	s.space.Wait()
	return nil
}

// openBlockLocked makes the longest-free block the current buffer.
func (s *Store) openBlockLocked() error {
	if s.nextEpoch >= s.dev.hdr.epochLimit {
		if err := s.dev.reserveEpochs(s.nextEpoch); err != nil {
			s.failLocked(err)
			return err
		}
	}
	b := s.free[0]
	s.free = s.free[1:]
	epoch := s.nextEpoch
	s.nextEpoch++
	c := &wbuf{block: b, epoch: epoch, data: make([]byte, s.dev.hdr.blockSize), used: blockHeaderSize}
	putBlockHeader(c.data, blockHeader{index: b, epoch: epoch, deviceID: s.dev.hdr.deviceID,
		opened: s.opts.Clock().UnixNano()})
	m := &s.blocks[b]
	m.status, m.epoch, m.fill, m.live = statusCur, epoch, blockHeaderSize, 0
	m.mem.Store(&memBlock{epoch: epoch, data: c.data})
	s.cur = c
	return nil
}

// installLocked points d at e and accounts for the entry it replaces.
func (s *Store) installLocked(d digest, e entry) {
	if old, ok := s.idx.put(d, e); ok {
		s.dropLocked(old)
	}
	s.blocks[e.block()].live += int64(e.size())
	if e.tombstone() {
		s.tombstones.Add(1)
	} else {
		s.records.Add(1)
	}
}

// dropLocked accounts for an entry leaving the index.
func (s *Store) dropLocked(old entry) {
	m := &s.blocks[old.block()]
	m.live -= int64(old.size())
	if old.tombstone() {
		s.tombstones.Add(-1)
	} else {
		s.records.Add(-1)
	}
	if m.status == statusUsed && s.belowLWM(m.live) && !s.defragNeeded {
		s.defragNeeded = true
		s.kickDefrag()
	}
}

// belowLWM reports whether a block with live bytes is a defrag candidate.
func (s *Store) belowLWM(live int64) bool {
	return live*100 < int64(s.opts.DefragLWMPct)*s.dev.hdr.blockSize
}

func (s *Store) defragCandidateLocked() bool {
	for i := range s.blocks {
		if m := &s.blocks[i]; m.status == statusUsed && s.belowLWM(m.live) {
			return true
		}
	}
	return false
}
