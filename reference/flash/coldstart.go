package flash

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// ColdStartStats describe what Open found on an existing device.
type ColdStartStats struct {
	Cold           bool          // false when Open created the device
	Duration       time.Duration // scan, index rebuild and the closing fdatasync
	Records        int64         // live records indexed
	Tombstones     int64         // tombstones indexed
	RecordsScanned int64         // valid records read, older versions included
	Duplicates     int64         // older versions (or defrag copies) not indexed
	BlocksScanned  int64         // blocks whose header was read
	BlocksUsed     int64         // blocks with a valid life
	TornBlocks     int64         // blocks with a damaged header or a damaged record
	BytesScanned   int64         // bytes read from the device
	MaxGeneration  uint64
}

// RecordsPerSec and MBPerSec are the cold start's scan rates.
func (c ColdStartStats) RecordsPerSec() float64 {
	return float64(c.RecordsScanned) / max(c.Duration.Seconds(), 1e-9)
}

func (c ColdStartStats) MBPerSec() float64 {
	return float64(c.BytesScanned) / 1e6 / max(c.Duration.Seconds(), 1e-9)
}

// coldStart rebuilds the index by scanning every block, then fdatasyncs
// the device, so that what it read from the OS's cache (writes of a killed
// process not yet synced) is durable before any block it made obsolete is
// reused.
//
// Three passes. (1) The header page of every block, in order: which blocks
// hold a life. (2) Those blocks, whole, by one worker per CPU: each record
// is checked and its (digest, entry) appended to the worker's list for the
// record's index shard. (3) One shard at a time, per worker: the shard's
// map is made at its final size and filled from the lists, the highest
// generation winning (ties are defrag's identical copies). Building a
// shard at a time keeps its map in the CPU cache; filling one big index in
// scan order missed the cache on every insert and ran at a third of the
// speed.
func (s *Store) coldStart() error {
	start := time.Now()
	cs := ColdStartStats{Cold: true}
	valid, empty, err := s.scanHeaders(&cs)
	if err != nil {
		return err
	}
	workers := max(min(runtime.GOMAXPROCS(0), 8, len(valid)), 1)
	scans := make([]blockScanner, workers)
	var next atomic.Int64
	err = parallel(workers, func(w int) error {
		return scans[w].run(s, valid, &next, workers)
	})
	if err != nil {
		return err
	}
	for i := range scans {
		cs.add(&scans[i].stats)
	}
	s.idx = s.buildIndex(scans, workers, &cs)
	s.account(&cs)
	s.freeAfterScan(empty)
	if len(s.free) == 0 {
		if err := s.reopenTail(); err != nil {
			return err
		}
	}
	if err := s.dev.f.Sync(); err != nil {
		return fmt.Errorf("flash: cold start: sync %s: %w", s.dev.path, err)
	}
	s.seq, s.durable = cs.MaxGeneration, cs.MaxGeneration
	s.nextEpoch = s.dev.hdr.epochLimit
	cs.Duration = time.Since(start)
	s.cold = cs
	return nil
}

// scanHeaders reads the header page of every block and sorts the blocks
// into those with a valid life and the others (free).
func (s *Store) scanHeaders(cs *ColdStartStats) (valid, empty []uint32, err error) {
	page := make([]byte, pageSize)
	for b := uint32(1); int(b) < len(s.blocks); b++ {
		cs.BlocksScanned++
		if err := s.readAt(page, b, 0); err != nil {
			return nil, nil, err
		}
		cs.BytesScanned += pageSize
		switch _, st := parseBlockHeader(page, b, s.dev.hdr.deviceID); st {
		case blockValid:
			valid = append(valid, b)
		case blockDamaged:
			cs.TornBlocks++
			fallthrough
		default:
			empty = append(empty, b)
		}
	}
	return valid, empty, nil
}

// indexed is one record found by the scan.
type indexed struct {
	d digest
	e entry
}

// blockScanner is one scan worker: its records, by index shard.
type blockScanner struct {
	found [nShards][]indexed
	stats ColdStartStats
}

func (w *blockScanner) run(s *Store, valid []uint32, next *atomic.Int64, workers int) error {
	buf := make([]byte, s.dev.hdr.blockSize)
	for first := true; ; first = false {
		i := next.Add(1) - 1
		if i >= int64(len(valid)) {
			return nil
		}
		b := valid[i]
		if err := s.readAt(buf, b, 0); err != nil {
			return err
		}
		w.stats.BytesScanned += int64(len(buf))
		res := scanBlock(buf, b, s.dev.hdr.deviceID, func(off int, h *recordHeader, _ []byte) {
			w.stats.RecordsScanned++
			w.stats.MaxGeneration = max(w.stats.MaxGeneration, h.gen)
			sh := h.digest[0] >> 56
			w.found[sh] = append(w.found[sh], indexed{h.digest, makeEntry(b, off, h.size(), h.gen, h.tombstone())})
		})
		if first {
			// Size the lists for this worker's share of the blocks, as
			// full as its first: growing them by doubling costs more
			// than the scan.
			want := res.records * (len(valid)/workers + 1) / nShards * 9 / 8
			for sh := range w.found {
				w.found[sh] = slices.Grow(w.found[sh], want)
			}
		}
		if res.torn {
			w.stats.TornBlocks++
		}
		w.stats.BlocksUsed++
		m := &s.blocks[b] // this worker's block alone
		m.status, m.epoch, m.fill = statusUsed, res.header.epoch, res.fill
	}
}

// buildIndex makes each shard's map from the scanners' records.
func (s *Store) buildIndex(scans []blockScanner, workers int, cs *ColdStartStats) *index {
	x := &index{}
	var next atomic.Int64
	dups := make([]int64, workers)
	_ = parallel(workers, func(w int) error {
		for {
			sh := next.Add(1) - 1
			if sh >= nShards {
				return nil
			}
			n := 0
			for i := range scans {
				n += len(scans[i].found[sh])
			}
			m := make(map[digest]entry, n)
			for i := range scans {
				for _, r := range scans[i].found[sh] {
					if old, ok := m[r.d]; ok {
						dups[w]++
						if old.gen() >= r.e.gen() {
							continue
						}
					}
					m[r.d] = r.e
				}
				scans[i].found[sh] = nil
			}
			x.shards[sh].m = m
		}
	})
	for _, d := range dups {
		cs.Duplicates += d
	}
	return x
}

// parallel runs fn(0..n-1) in n goroutines and returns the first error.
func parallel(n int, fn func(w int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = fn(w)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// add merges a scan worker's counts.
func (c *ColdStartStats) add(o *ColdStartStats) {
	c.RecordsScanned += o.RecordsScanned
	c.BlocksUsed += o.BlocksUsed
	c.TornBlocks += o.TornBlocks
	c.BytesScanned += o.BytesScanned
	c.MaxGeneration = max(c.MaxGeneration, o.MaxGeneration)
}

// reopenTail makes the used block with the most room after its fill the
// current write buffer again, for a device left with no free block (a
// crash while defrag held the last free blocks, or resurrected records
// filling the free blocks they sat in): without it defrag could move
// nothing and the store would refuse every write for ever. The tail is
// zeroed on the device first (the caller syncs), so that records of the
// block's life that the scan did not reach (past a torn record) can never
// follow the new ones. New records keep the block's epoch.
func (s *Store) reopenTail() error {
	best, room := uint32(0), int64(0)
	for b := 1; b < len(s.blocks); b++ {
		if m := &s.blocks[b]; m.status == statusUsed && s.dev.hdr.blockSize-int64(m.fill) > room {
			best, room = uint32(b), s.dev.hdr.blockSize-int64(m.fill)
		}
	}
	if room < pageSize {
		return nil // nothing worth reopening; writes will find the device full
	}
	m := &s.blocks[best]
	data := make([]byte, s.dev.hdr.blockSize)
	if err := s.readAt(data[:m.fill], best, 0); err != nil {
		return err
	}
	if _, err := s.dev.f.WriteAt(data[m.fill:], s.dev.blockOff(best)+int64(m.fill)); err != nil {
		return fmt.Errorf("flash: cold start: zero the tail of block %d of %s: %w", best, s.dev.path, err)
	}
	s.cur = &wbuf{block: best, epoch: m.epoch, data: data, used: m.fill, mark: m.fill}
	m.status = statusCur
	m.mem.Store(&memBlock{epoch: m.epoch, data: data})
	return nil
}

// readAt reads len(p) bytes of block b at off; a short device reads as
// zeros.
func (s *Store) readAt(p []byte, b uint32, off int) error {
	n, err := s.dev.f.ReadAt(p, s.dev.blockOff(b)+int64(off))
	if errors.Is(err, io.EOF) {
		clear(p[n:])
		return nil
	}
	if err != nil {
		return fmt.Errorf("flash: cold start: read block %d of %s: %w", b, s.dev.path, err)
	}
	return nil
}

// account computes each block's live bytes and the record counts from the
// rebuilt index.
func (s *Store) account(cs *ColdStartStats) {
	for i := range s.idx.shards {
		for _, e := range s.idx.shards[i].m {
			s.blocks[e.block()].live += int64(e.size())
			if e.tombstone() {
				cs.Tombstones++
			} else {
				cs.Records++
			}
		}
	}
	s.records.Store(cs.Records)
	s.tombstones.Store(cs.Tombstones)
}

// freeAfterScan queues the free blocks: never-written ones first, then the
// used blocks left with no live record, oldest life first, so that old
// lives (and the deleted records they hold) linger as on a real device.
func (s *Store) freeAfterScan(empty []uint32) {
	s.free = append(s.free, empty...)
	var dead []uint32
	for b := range s.blocks {
		if m := &s.blocks[b]; m.status == statusUsed && m.live == 0 {
			dead = append(dead, uint32(b))
		}
	}
	slices.SortFunc(dead, func(a, b uint32) int {
		return int(int64(s.blocks[a].epoch) - int64(s.blocks[b].epoch))
	})
	for _, b := range dead {
		m := &s.blocks[b]
		m.status, m.fill = statusFree, 0
		s.free = append(s.free, b)
	}
}
