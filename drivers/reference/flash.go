package reference

import (
	"fmt"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/reference/flash"
	"github.com/persistbench/persistbench/reference/vfs"
)

// flashStore is the hybrid-memory store (profiles flash and flash-commit).
type flashStore struct{ *flash.Store }

// deviceHeadroom: the device holds this many times the dataset's logical
// bytes, so that live data at the defrag low-water mark plus the free-block
// reserve fit (a full device refuses writes, as Aerospike's stop-writes).
const deviceHeadroom = 4

func openFlash(fs vfs.FS, dir string, f drivers.Flash, hint int64, onEvent func(string, time.Time, time.Duration, string)) (store, error) {
	if need := hint * deviceHeadroom; need > f.DeviceBytes {
		f.DeviceBytes = (need + f.WriteBlock - 1) / f.WriteBlock * f.WriteBlock
	}
	s, err := flash.Open(flash.Options{
		FS: fs, Dir: dir, DeviceBytes: f.DeviceBytes, WriteBlock: f.WriteBlock, FlushMax: f.FlushMax,
		CommitToDevice: f.CommitToDevice, DurableDelete: f.DurableDelete, DefragLWMPct: f.DefragLWMPct,
		PostWriteCache: f.PostWriteCache, OnEvent: flashEvents(onEvent),
	})
	if err != nil {
		return nil, err
	}
	return flashStore{s}, nil
}

// flashEvents passes defrags on; flushes happen every flush-max and would
// bury every other event of the timeline.
func flashEvents(onEvent func(string, time.Time, time.Duration, string)) func(string, time.Time, time.Duration, string) {
	return func(kind string, at time.Time, d time.Duration, detail string) {
		if kind == "defrag" {
			onEvent(kind, at, d, detail)
		}
	}
}

// Stats keys the flash store adds.
const (
	StatIndexBytesPerRecord = "index_bytes_per_record"
	StatDeviceBytesUsed     = "device_bytes_used"
	StatDefragBlocks        = "defrag_blocks"
	StatCacheHitRatio       = "post_write_cache_hit_ratio"
)

func (f flashStore) stats(out drivers.Stats) {
	st := f.Store.Stats()
	out[drivers.StatKeys] = float64(st.Records)
	out[StatLiveBytes] = float64(st.LiveBytes)
	out[drivers.StatBytesWritten] = float64(st.DeviceBytesWritten)
	out[StatIndexBytesPerRecord] = st.IndexBytesPerEntry
	out[StatDeviceBytesUsed] = float64(st.DeviceBytesUsed)
	// The device file is preallocated: its size on disk says nothing of
	// the data; the blocks in use do.
	out[drivers.StatDiskBytes] = float64(st.DeviceBytesUsed)
	out[StatDefragBlocks] = float64(st.DefragBlocks)
	out[drivers.StatFsyncs] = float64(st.Syncs)
	if n := st.CacheHits + st.CacheMisses; n > 0 {
		out[StatCacheHitRatio] = float64(st.CacheHits) / float64(n)
	}
}

func (f flashStore) recovered() map[string]string {
	c := f.ColdStart()
	return map[string]string{"source": "cold start: device scan", "detail": fmt.Sprintf("%+v", c)}
}
