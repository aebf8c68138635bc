package bench

import (
	"sync/atomic"
	"time"
)

// Ledger remembers, for every key index, the last write the backend
// acknowledged and the last write that was attempted, so that the verify
// phase can tell lost, stale, resurrected and indeterminate records apart.
//
// Each key costs two 64-bit words (16 bytes):
//
//	attempted: bit 63 busy (a write is in flight), bit 62 delete, bits 0..61 version
//	acked:     bit 63 delete, bits 32..62 acknowledgement time (ms since the
//	           ledger's epoch, 31 bits ≈ 24 days), bits 0..31 version
//
// Versions start at 1 (the load phase writes version 1) and grow by one per
// attempted write or delete of the key. Only one write per key is in flight
// at a time: Begin refuses a busy key, so the backend sees each key's writes
// in version order and a verifier can compare versions.
//
// Storage is a fixed directory of lazily allocated chunks, so inserts can
// grow the key space without locks or copying.
type Ledger struct {
	epoch time.Time
	live  atomic.Int64 // keys whose acknowledged state is a value
	dir   [ledgerDirSize]atomic.Pointer[ledgerChunk]
}

const (
	ledgerChunkBits = 16
	ledgerChunkSize = 1 << ledgerChunkBits
	ledgerDirSize   = 1 << 16 // 2^32 keys at most

	busyBit    = 1 << 63
	delBit     = 1 << 62
	verMask    = delBit - 1
	ackDelBit  = 1 << 63
	ackVerMask = 1<<32 - 1
	ackTMSMask = 1<<31 - 1
)

type ledgerChunk [ledgerChunkSize]ledgerSlot

type ledgerSlot struct {
	attempted atomic.Uint64
	acked     atomic.Uint64
}

// MaxLedgerKeys is the largest key index + 1 a ledger can track.
const MaxLedgerKeys = ledgerChunkSize * ledgerDirSize

// NewLedger returns an empty ledger whose acknowledgement times count from
// epoch.
func NewLedger(epoch time.Time) *Ledger { return &Ledger{epoch: epoch} }

// Epoch is the time acknowledgement times count from.
func (l *Ledger) Epoch() time.Time { return l.epoch }

func (l *Ledger) slot(key uint64) *ledgerSlot {
	d := key >> ledgerChunkBits
	c := l.dir[d].Load()
	if c == nil {
		c = new(ledgerChunk)
		if !l.dir[d].CompareAndSwap(nil, c) {
			c = l.dir[d].Load()
		}
	}
	return &c[key&(ledgerChunkSize-1)]
}

func (l *Ledger) peek(key uint64) *ledgerSlot {
	if key >= MaxLedgerKeys {
		return nil
	}
	c := l.dir[key>>ledgerChunkBits].Load()
	if c == nil {
		return nil
	}
	return &c[key&(ledgerChunkSize-1)]
}

// Begin reserves the next version of key for a write (or a delete when del)
// and returns it; ok is false when another write of the key is in flight.
func (l *Ledger) Begin(key uint64, del bool) (version uint64, ok bool) {
	if key >= MaxLedgerKeys {
		return 0, false
	}
	s := l.slot(key)
	for {
		old := s.attempted.Load()
		if old&busyBit != 0 {
			return 0, false
		}
		v := old&verMask + 1
		nw := v | busyBit
		if del {
			nw |= delBit
		}
		if s.attempted.CompareAndSwap(old, nw) {
			return v, true
		}
	}
}

// Ack records that the backend acknowledged version of key at time at.
func (l *Ledger) Ack(key, version uint64, del bool, at time.Time) {
	s := l.slot(key)
	tms := uint64(at.Sub(l.epoch).Milliseconds()) & ackTMSMask
	w := version&ackVerMask | tms<<32
	if del {
		w |= ackDelBit
	}
	old := s.acked.Swap(w)
	wasLive := old&ackVerMask != 0 && old&ackDelBit == 0
	switch {
	case !del && !wasLive:
		l.live.Add(1)
	case del && wasLive:
		l.live.Add(-1)
	}
	s.release()
}

// Live is the number of keys whose acknowledged state is a value.
func (l *Ledger) Live() int64 { return l.live.Load() }

// Fail records that the write of key failed: it stays attempted (it may or
// may not have reached the backend) but the key is free again.
func (l *Ledger) Fail(key uint64) { l.slot(key).release() }

func (s *ledgerSlot) release() {
	for {
		old := s.attempted.Load()
		if s.attempted.CompareAndSwap(old, old&^busyBit) {
			return
		}
	}
}

// Entry is what the ledger knows of one key.
type Entry struct {
	AckedVersion     uint64 // 0: never acknowledged
	AckedDelete      bool
	AckedAt          time.Duration // since the ledger's epoch
	AttemptedVersion uint64
	AttemptedDelete  bool
	InFlight         bool
}

// Indeterminate reports whether a write newer than the acknowledged state
// was attempted and never acknowledged.
func (e Entry) Indeterminate() bool { return e.AttemptedVersion > e.AckedVersion }

// Get returns the ledger entry of key (the zero Entry for an unknown key).
func (l *Ledger) Get(key uint64) Entry {
	s := l.peek(key)
	if s == nil {
		return Entry{}
	}
	a, k := s.attempted.Load(), s.acked.Load()
	return Entry{
		AckedVersion:     k & ackVerMask,
		AckedDelete:      k&ackDelBit != 0,
		AckedAt:          time.Duration(k>>32&ackTMSMask) * time.Millisecond,
		AttemptedVersion: a & verMask,
		AttemptedDelete:  a&delBit != 0,
		InFlight:         a&busyBit != 0,
	}
}

// Bytes is the memory the ledger holds for its allocated chunks.
func (l *Ledger) Bytes() int64 {
	var n int64
	for i := range l.dir {
		if l.dir[i].Load() != nil {
			n += ledgerChunkSize * 16
		}
	}
	return n + ledgerDirSize*8
}
