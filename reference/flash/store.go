package flash

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// blockStatus is where a block is in its life cycle:
//
//	free ──open──▶ cur ──full──▶ sealed ──flushed──▶ used ──defrag──▶ defrag ──moved──▶ pending ──durable──▶ free
type blockStatus uint8

const (
	statusFree blockStatus = iota
	statusCur
	statusSealed
	statusUsed
	statusDefrag
	statusPending
	statusHeader // block 0
)

// blockMeta is the in-memory state of one write block. All but mem are
// guarded by Store.mu.
type blockMeta struct {
	status blockStatus
	epoch  uint64
	fill   int    // bytes of the current life (header included)
	live   int64  // padded bytes of the records the index points at
	stamp  uint64 // pending: free once Store.durable reaches it
	mem    atomic.Pointer[memBlock]
}

// memBlock is a block image in memory: the write buffer while it fills,
// then the post-write cache. Readers load it without a lock; its bytes
// below the fill never change, and buffers are never recycled.
type memBlock struct {
	epoch uint64
	data  []byte
}

// wbuf is a write buffer: the image of one block being filled.
type wbuf struct {
	block   uint32
	epoch   uint64
	data    []byte
	used    int       // bytes filled
	mark    int       // bytes handed to the flusher
	since   time.Time // when the oldest record not yet handed over was appended
	sealSeq uint64    // the last sequence in the buffer, once sealed
	sealAt  time.Time // Options.Clock when sealed
}

// syncGroup is one group commit: closed when a flush round covering every
// record appended while it was current has synced, or failed.
type syncGroup struct {
	done chan struct{}
	err  error
}

func newGroup() *syncGroup { return &syncGroup{done: make(chan struct{})} }

func (g *syncGroup) finish(err error) {
	g.err = err
	close(g.done)
}

// Store is a hybrid-memory store. Its methods are safe for concurrent use.
type Store struct {
	opts      Options
	dev       *device
	idx       *index
	blocks    []blockMeta
	reserve   int // free blocks only defrag may take
	maxSealed int // full buffers that may wait for the flusher (MaxWriteQueue)

	mu           sync.Mutex
	space        *sync.Cond // signalled when blocks free up or the store fails
	cur          *wbuf
	sealed       []*wbuf
	seq          uint64 // last sequence appended (generations are sequences)
	durable      uint64 // every sequence up to it is on the device
	group        *syncGroup
	urgent       bool     // flush the partial buffer now
	flushing     bool     // a flush round is writing
	free         []uint32 // FIFO: the longest-free block is reused first
	pending      []uint32
	cached       []cacheItem // post-write cache, oldest first
	cachedBytes  int64
	nextEpoch    uint64
	defragStuck  bool // defrag found no block to move records into
	closing      bool
	closed       bool
	abandoned    bool
	err          error // sticky: a failed device write fails the store
	defragNeeded bool  // a defrag kick is on its way: spares a channel send per write

	dead                atomic.Bool // Abandon began: the flusher stops between system calls
	records, tombstones atomic.Int64
	st                  counters
	cold                ColdStartStats

	kick, defragKick chan struct{}
	stop             chan struct{}
	wg               sync.WaitGroup

	calMu sync.Mutex
	cal   calibration
}

// cacheItem is a block image in the post-write cache. A block freed while
// cached keeps its item (and its bytes counted) until evicted; the epoch
// tells eviction not to touch the block's next life.
type cacheItem struct {
	block uint32
	epoch uint64
}

// Open opens the store in opts.Dir: it creates and preallocates the device,
// or cold-starts from an existing one (see ColdStart).
func Open(opts Options) (*Store, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	dev, fresh, err := openDevice(o)
	if err != nil {
		return nil, err
	}
	n := int(dev.hdr.size / dev.hdr.blockSize)
	s := &Store{
		opts:       o,
		dev:        dev,
		blocks:     make([]blockMeta, n),
		reserve:    min(max(2, (n-1)/20), n-2),
		maxSealed:  MaxWriteQueue,
		group:      newGroup(),
		kick:       make(chan struct{}, 1),
		defragKick: make(chan struct{}, 1),
		stop:       make(chan struct{}),
	}
	s.space = sync.NewCond(&s.mu)
	s.blocks[0].status = statusHeader
	if fresh {
		s.idx = newIndex(0)
		for b := 1; b < n; b++ {
			s.free = append(s.free, uint32(b))
		}
		s.nextEpoch = 1
	} else if err := s.coldStart(); err != nil {
		dev.f.Close()
		return nil, err
	}
	if err := dev.reserveEpochs(s.nextEpoch); err != nil {
		dev.f.Close()
		return nil, err
	}
	s.wg.Add(2)
	go s.flusher()
	go s.defragger()
	return s, nil
}

// Len is the number of live records (tombstones excluded).
func (s *Store) Len() int64 { return s.records.Load() }

// ColdStart describes what Open found on the device.
func (s *Store) ColdStart() ColdStartStats { return s.cold }

// Close flushes the write buffer, stops the background goroutines and
// closes the device.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closing || s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closing = true
	s.space.Broadcast() // writers and defrag waiting for a block give up
	s.mu.Unlock()
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	s.urgent = true
	s.mu.Unlock()
	for s.flushRound() {
	}
	s.mu.Lock()
	err := s.err
	s.closed = true
	s.failGroupLocked(ErrClosed)
	s.space.Broadcast()
	s.mu.Unlock()
	if cerr := s.dev.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("flash: close %s: %w", s.dev.path, cerr)
	}
	return err
}

// Abandon stops the background goroutines without flushing anything, as a
// crash would: what the write buffer holds is lost. A flush caught between
// its write and its fdatasync stops there, as a process killed between the
// two system calls would: its data is in the OS's cache, not synced.
// Writers waiting for commit fail. The device file is left
// open (a dead process does not close it); the caller then kills or cuts
// the power of the file system and opens a new Store on it.
func (s *Store) Abandon() {
	s.mu.Lock()
	if s.abandoned || s.closed {
		s.mu.Unlock()
		return
	}
	s.abandoned = true
	s.closing = true
	s.dead.Store(true)
	s.space.Broadcast()
	s.mu.Unlock()
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	s.closed = true
	s.failGroupLocked(ErrClosed)
	s.space.Broadcast()
	s.mu.Unlock()
}

// failLocked makes err sticky and fails every writer waiting.
func (s *Store) failLocked(err error) {
	if s.err == nil {
		s.err = err
	}
	s.failGroupLocked(err)
	s.space.Broadcast()
}

func (s *Store) failGroupLocked(err error) {
	s.group.finish(err)
	s.group = newGroup()
}

// usableLocked returns the error that stops new writes, if any.
func (s *Store) usableLocked() error {
	switch {
	case s.err != nil:
		return s.err
	case s.closing || s.closed:
		return ErrClosed
	}
	return nil
}

// kickFlusher wakes the flusher without blocking.
func (s *Store) kickFlusher() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Store) kickDefrag() {
	select {
	case s.defragKick <- struct{}{}:
	default:
	}
}

// event reports to Options.OnEvent.
func (s *Store) event(kind string, at time.Time, d time.Duration, format string, args ...any) {
	if s.opts.OnEvent != nil {
		s.opts.OnEvent(kind, at, d, fmt.Sprintf(format, args...))
	}
}

// waitDurable waits for a group commit.
func (s *Store) waitDurable(g *syncGroup) error {
	<-g.done
	if g.err != nil {
		if errors.Is(g.err, ErrClosed) {
			return ErrClosed
		}
		return g.err
	}
	return nil
}
