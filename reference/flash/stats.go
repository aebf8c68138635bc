package flash

import "sync/atomic"

// counters are the cumulative figures of Stats, updated without Store.mu.
type counters struct {
	sets, deletes, gets       atomic.Int64
	clientBytes, deviceBytes  atomic.Int64
	flushes, partialFlushes   atomic.Int64
	syncs, throttled          atomic.Int64
	defragBlocks              atomic.Int64
	defragRead, defragWritten atomic.Int64
	cacheHits, cacheMisses    atomic.Int64
}

// Stats are a Store's figures: gauges as of the call, counters since Open.
type Stats struct {
	Records    int64 // live records
	Tombstones int64 // durable-delete tombstones in the index

	// IndexBytes is the DRAM the index's Go maps hold, measured (see
	// calibration), and IndexBytesPerEntry the same per record or
	// tombstone. Aerospike's primary index costs 64 bytes per record.
	IndexBytes         int64
	IndexBytesPerEntry float64

	DeviceBytes     int64 // the device's size
	DeviceBytesUsed int64 // bytes of the blocks not free
	LiveBytes       int64 // padded bytes of the records and tombstones the index points at
	BlocksTotal     int64 // write blocks (the device header excluded)
	BlocksUsed      int64 // blocks holding data, or being filled
	BlocksFree      int64 // blocks free to write (Aerospike's available blocks)
	BlocksPending   int64 // defragged, free once their moves are durable

	Sets, Deletes, Gets int64
	Flushes             int64 // full write buffers written
	PartialFlushes      int64 // partial buffers written in place (flush-max, commit, Close)
	Syncs               int64 // fdatasyncs of the device
	Throttled           int64 // writes that waited for the flusher (MaxWriteQueue full)
	DeviceBytesWritten  int64 // every byte written to the device, defrag and rewrites included
	ClientBytesWritten  int64 // key and value bytes of Set calls

	DefragBlocks       int64
	DefragBytesRead    int64 // from the device (blocks still cached cost none)
	DefragBytesWritten int64 // records moved

	CacheHits   int64 // reads served from a write buffer or the post-write cache
	CacheMisses int64 // reads from the device

	ColdStart ColdStartStats
}

// WriteAmplification is device bytes written per client byte written.
func (st Stats) WriteAmplification() float64 {
	if st.ClientBytesWritten == 0 {
		return 0
	}
	return float64(st.DeviceBytesWritten) / float64(st.ClientBytesWritten)
}

// CacheHitRatio is the share of reads served from memory.
func (st Stats) CacheHitRatio() float64 {
	if n := st.CacheHits + st.CacheMisses; n > 0 {
		return float64(st.CacheHits) / float64(n)
	}
	return 0
}

// Stats returns the store's figures.
func (s *Store) Stats() Stats {
	st := Stats{
		Records:            s.records.Load(),
		Tombstones:         s.tombstones.Load(),
		DeviceBytes:        s.dev.hdr.size,
		BlocksTotal:        int64(len(s.blocks) - 1),
		Sets:               s.st.sets.Load(),
		Deletes:            s.st.deletes.Load(),
		Gets:               s.st.gets.Load(),
		Flushes:            s.st.flushes.Load(),
		PartialFlushes:     s.st.partialFlushes.Load(),
		Syncs:              s.st.syncs.Load(),
		Throttled:          s.st.throttled.Load(),
		DeviceBytesWritten: s.st.deviceBytes.Load(),
		ClientBytesWritten: s.st.clientBytes.Load(),
		DefragBlocks:       s.st.defragBlocks.Load(),
		DefragBytesRead:    s.st.defragRead.Load(),
		DefragBytesWritten: s.st.defragWritten.Load(),
		CacheHits:          s.st.cacheHits.Load(),
		CacheMisses:        s.st.cacheMisses.Load(),
		ColdStart:          s.cold,
	}
	s.mu.Lock()
	for i := 1; i < len(s.blocks); i++ {
		m := &s.blocks[i]
		st.LiveBytes += m.live
		switch m.status {
		case statusFree:
			st.BlocksFree++
		case statusPending:
			st.BlocksPending++
		}
	}
	s.mu.Unlock()
	st.BlocksUsed = st.BlocksTotal - st.BlocksFree - st.BlocksPending
	st.DeviceBytesUsed = (st.BlocksUsed + st.BlocksPending) * s.dev.hdr.blockSize
	entries := s.idx.entries()
	st.IndexBytesPerEntry = s.indexBytesPerEntry(entries)
	st.IndexBytes = int64(st.IndexBytesPerEntry * float64(entries))
	return st
}
