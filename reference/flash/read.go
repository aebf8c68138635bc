package flash

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// errStale says a record read was not the one the index entry named: the
// block was defragged and reused between the lookup and the read.
var errStale = errors.New("flash: stale location")

// Get returns key's value appended to dst[:0], and whether key exists. A
// record is served only after its checksums and full key are verified.
func (s *Store) Get(key, dst []byte) ([]byte, bool, error) {
	d := s.opts.digest(key)
	var last entry
	for attempt := 0; ; attempt++ {
		e, ok := s.idx.get(d)
		if !ok || e.tombstone() {
			return dst[:0], false, nil
		}
		out, err := s.readRecord(e, d, key, dst)
		if !errors.Is(err, errStale) {
			s.st.gets.Add(1)
			return out, err == nil, err
		}
		if attempt > 0 && e == last {
			// The index did not move and the record still does not check.
			return dst[:0], false, fmt.Errorf("flash: read block %d offset %d of %s: %w",
				e.block(), e.off(), s.dev.path, ErrCorrupt)
		}
		last = e
	}
}

// readRecord reads the record e names, from memory when a write buffer or
// the post-write cache holds its block, and appends its value to dst[:0].
func (s *Store) readRecord(e entry, d digest, key, dst []byte) ([]byte, error) {
	b, off, size := e.block(), e.off(), e.size()
	if int(b) >= len(s.blocks) || int64(off+size) > s.dev.hdr.blockSize {
		return dst[:0], errStale
	}
	if mb := s.blocks[b].mem.Load(); mb != nil {
		s.st.cacheHits.Add(1)
		// A buffer in memory may be the write buffer, or be recycled into
		// one, while we read: copy the record out under the store's lock,
		// which every writer of a buffer holds, then verify the copy.
		buf := slices.Grow(dst[:0], size)[:size]
		s.mu.Lock()
		copy(buf, mb.data[off:off+size])
		s.mu.Unlock()
		v, err := verify(buf, e, d, key)
		if err != nil {
			return dst[:0], err
		}
		return buf[:copy(buf, v)], nil
	}
	s.st.cacheMisses.Add(1)
	buf := slices.Grow(dst[:0], size)[:size]
	n, err := s.dev.f.ReadAt(buf, s.dev.blockOff(b)+int64(off))
	if err != nil && !(errors.Is(err, io.EOF) && n == size) {
		return dst[:0], fmt.Errorf("flash: read block %d offset %d of %s: %w", b, off, s.dev.path, err)
	}
	v, err := verify(buf, e, d, key)
	if err != nil {
		return dst[:0], err
	}
	return buf[:copy(buf, v)], nil
}

// verify checks that rec is the record e names, for key, and returns its
// value. A valid record of another key with the same digest is a digest
// collision; anything else is errStale, for the caller to look again.
func verify(rec []byte, e entry, d digest, key []byte) ([]byte, error) {
	h, st := parseHeader(rec, binary.LittleEndian.Uint32(rec[12:]))
	if st != headerOK || !checkRecord(rec, &h) || h.gen != e.gen() || h.digest != d {
		return nil, errStale
	}
	if !bytes.Equal(recordKey(rec, &h), key) {
		return nil, fmt.Errorf("flash: key %q shares its digest with key %q: %w", key, recordKey(rec, &h), ErrDigestCollision)
	}
	return recordValue(rec, &h), nil
}
