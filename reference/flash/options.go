package flash

import (
	"errors"
	"fmt"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// Options configure a Store. The names follow Aerospike's storage-engine
// device configuration.
type Options struct {
	FS  vfs.FS // nil means vfs.Default
	Dir string // holds flash.dat
	// DeviceBytes is the preallocated size of flash.dat. 0 takes the size of
	// an existing device; a new device needs it.
	DeviceBytes int64
	// WriteBlock is the write-block size (write-block-size): a multiple of
	// 4 KiB between 8 KiB and 16 MiB. 0 means DefaultWriteBlock, or the size
	// of an existing device.
	WriteBlock int64
	// FlushMax (flush-max-ms): a partial write buffer is written in place
	// after this. 0 means DefaultFlushMax.
	FlushMax time.Duration
	// CommitToDevice (commit-to-device): each write is on the device
	// (written and fdatasync'd) before it is acknowledged; concurrent
	// writers share one fdatasync.
	CommitToDevice bool
	// DurableDelete writes tombstones; otherwise a delete only drops the
	// index entry and the deleted record may come back at cold start.
	DurableDelete bool
	// DefragLWMPct (defrag-lwm-pct): blocks whose live bytes are below this
	// percentage of the block size are defragged. 0 means DefaultDefragLWMPct.
	DefragLWMPct int
	// DefragSleep (defrag-sleep) is the pause between two blocks defragged.
	// 0 means DefaultDefragSleep.
	DefragSleep time.Duration
	// PostWriteCache is the bytes of recently written blocks kept in memory
	// to serve reads (post-write-cache). 0 keeps none.
	PostWriteCache int64
	// OnEvent, if set, is told of flushes and defrags, from the store's
	// goroutines (it must not call the Store). "flush": at is the flush's
	// frontier, every write acknowledged before it is on the device; d the
	// write and fdatasync time. Sent for every flush without
	// CommitToDevice, and with it only for flushes that complete a block
	// (commits alone come by the thousand). "defrag": one block moved; at
	// its end, d its duration.
	OnEvent func(kind string, at time.Time, d time.Duration, detail string)
	// Clock stamps records (last-update time) and events. nil means
	// time.Now. Timers (FlushMax, DefragSleep) run on real time.
	Clock func() time.Time

	// digest replaces the key digest (tests force collisions with it).
	digest func(key []byte) digest
}

// Defaults.
const (
	DefaultWriteBlock   = 1 << 20          // Aerospike uses 8 MiB since 7.1; smaller so a default run fills and defrags blocks
	DefaultFlushMax     = time.Second      // Aerospike's flush-max-ms 1000
	DefaultDefragLWMPct = 50               // Aerospike's defrag-lwm-pct 50
	DefaultDefragSleep  = time.Millisecond // Aerospike's defrag-sleep 1000 µs

	// MaxWriteQueue is the number of full write buffers that may wait for
	// the flusher; past it writers wait. Aerospike's max-write-cache is
	// 64 MiB, 8 of its 8 MiB write blocks.
	MaxWriteQueue = 8

	minWriteBlock = 8 << 10
	maxWriteBlock = 16 << 20 // offsets and sizes are 20-bit counts of 16-byte units in the index
	maxBlocks     = 1 << 24  // block numbers are 24 bits in the index
)

// Sentinel errors, checked with errors.Is.
var (
	ErrClosed          = errors.New("flash: store closed")
	ErrDeviceFull      = errors.New("flash: device full (stop-writes)")
	ErrTooLarge        = errors.New("flash: record larger than a write block")
	ErrCorrupt         = errors.New("flash: corrupt record")
	ErrDigestCollision = errors.New("flash: digest collision")
)

// withDefaults fills the zero fields that have defaults and checks the rest.
// Device geometry is checked by checkGeometry once it is known.
func (o Options) withDefaults() (Options, error) {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.Dir == "" {
		return o, fmt.Errorf("flash: options: Dir is empty")
	}
	if o.FlushMax == 0 {
		o.FlushMax = DefaultFlushMax
	}
	if o.DefragLWMPct == 0 {
		o.DefragLWMPct = DefaultDefragLWMPct
	}
	if o.DefragSleep == 0 {
		o.DefragSleep = DefaultDefragSleep
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.digest == nil {
		o.digest = digestOf
	}
	switch {
	case o.FlushMax < 0:
		return o, fmt.Errorf("flash: options: FlushMax %v: must be > 0", o.FlushMax)
	case o.DefragLWMPct < 1 || o.DefragLWMPct > 99:
		return o, fmt.Errorf("flash: options: DefragLWMPct %d: must be in 1..99", o.DefragLWMPct)
	case o.DefragSleep < 0:
		return o, fmt.Errorf("flash: options: DefragSleep %v: must be >= 0", o.DefragSleep)
	case o.PostWriteCache < 0:
		return o, fmt.Errorf("flash: options: PostWriteCache %d: must be >= 0", o.PostWriteCache)
	case o.DeviceBytes < 0 || o.WriteBlock < 0:
		return o, fmt.Errorf("flash: options: DeviceBytes and WriteBlock must be >= 0")
	}
	return o, nil
}

// checkGeometry checks a device's block size and size.
func checkGeometry(blockSize, deviceBytes int64) error {
	switch {
	case blockSize < minWriteBlock || blockSize > maxWriteBlock || blockSize%pageSize != 0:
		return fmt.Errorf("flash: write block %d: want a multiple of 4 KiB in 8 KiB..16 MiB", blockSize)
	case deviceBytes%blockSize != 0:
		return fmt.Errorf("flash: device size %d: not a multiple of the write block %d", deviceBytes, blockSize)
	case deviceBytes/blockSize < 4:
		return fmt.Errorf("flash: device size %d: must hold at least 4 write blocks of %d", deviceBytes, blockSize)
	case deviceBytes/blockSize > maxBlocks:
		return fmt.Errorf("flash: device size %d: more than 2^24 write blocks of %d", deviceBytes, blockSize)
	}
	return nil
}
