// Package fsyncprobe owns the raw group-commit fdatasync probe: the disk's
// limit for acknowledged writes, against which the durable write paths are
// measured.
//
// The probe is the simplest correct group commit. Writers append a record
// to a shared in-memory queue; the first writer that finds no flush running
// takes everything queued, writes it at the end of one file and calls
// fdatasync once for all of it, while the others wait; a writer is
// acknowledged when a flush that included its record has returned. There is
// no encoding, no index, no manifest and no policy, so the acks/s it reaches
// is what the disk allows for a given number of writers and record size.
//
// That is why it is the yardstick for aof-always (reference/aof under
// appendfsync always) and flash-commit (reference/flash with
// CommitToDevice): both promise the same thing, a write is acknowledged only
// once it is on the device, and both group commit to keep that affordable.
// Their benchmarks alternate rounds of the probe and of the store on the
// same disk, so both see the same noise (a shared disk's fdatasync latency
// swings by 10x within seconds), and report the store's rate over the
// probe's; the target is >= 0.8.
//
// The probe writes to the real file system through package os and
// golang.org/x/sys/unix, not through a vfs.FS: it measures the disk, not an
// abstraction over it.
package fsyncprobe

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// FileName is the file a probe writes in its directory.
const FileName = "fsyncprobe.dat"

// Result is what one run of the probe measured.
type Result struct {
	Records int           // records written and acknowledged
	Fsyncs  int64         // fdatasync calls made for them
	Elapsed time.Duration // wall time from the first write to the last ack
}

// AcksPerSec is the rate of acknowledged records.
func (r Result) AcksPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Records) / r.Elapsed.Seconds()
}

// RecordsPerFsync is how many records one fdatasync made durable on
// average: the group commit's batch size.
func (r Result) RecordsPerFsync() float64 {
	return float64(r.Records) / float64(max(r.Fsyncs, 1))
}

// Probe is an open probe file. Successive runs append to the same file, so
// rounds interleaved with another store's rounds keep one growing file, as
// the store does.
type Probe struct {
	rec []byte // the record every writer appends

	mu       sync.Mutex
	flushed  *sync.Cond
	f        *os.File
	off      int64
	queue    []byte
	spare    []byte // the last flushed queue, reused
	queued   int64  // records queued so far
	synced   int64  // records on the device
	flushing bool
	fsyncs   int64
	err      error // the first failed flush; sticky
}

// Open creates (or truncates) dir/FileName for a probe whose writers append
// records of size bytes.
func Open(dir string, size int) (*Probe, error) {
	if size <= 0 {
		return nil, fmt.Errorf("fsyncprobe: record size %d: must be positive", size)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("fsyncprobe: create %s: %w", path, err)
	}
	rec := make([]byte, size)
	for i := range rec {
		rec[i] = byte('a' + i%26) // not zeros, in case the file system treats those specially
	}
	p := &Probe{rec: rec, f: f}
	p.flushed = sync.NewCond(&p.mu)
	return p, nil
}

// Run has writers goroutines append records records, each acknowledged by
// a group-committed fdatasync, and reports what it took.
func (p *Probe) Run(writers, records int) (Result, error) {
	p.mu.Lock()
	before := p.fsyncs
	p.mu.Unlock()
	elapsed, err := Writers(writers, records, func(_, _ int) error { return p.commit() })
	p.mu.Lock()
	res := Result{Records: records, Fsyncs: p.fsyncs - before, Elapsed: elapsed}
	p.mu.Unlock()
	return res, err
}

// Close closes the probe's file; the file stays in its directory.
func (p *Probe) Close() error {
	if err := p.f.Close(); err != nil {
		return fmt.Errorf("fsyncprobe: close %s: %w", p.f.Name(), err)
	}
	return nil
}

// Run opens a probe in dir, runs it once and closes it.
func Run(dir string, writers, records, size int) (Result, error) {
	p, err := Open(dir, size)
	if err != nil {
		return Result{}, err
	}
	res, err := p.Run(writers, records)
	return res, errors.Join(err, p.Close())
}

// commit appends one record and returns once a flush that included it has
// returned.
func (p *Probe) commit() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue = append(p.queue, p.rec...)
	p.queued++
	mine := p.queued
	for p.synced < mine && p.err == nil {
		if p.flushing {
			p.flushed.Wait()
			continue
		}
		p.flush()
	}
	return p.err
}

// flush writes and syncs everything queued; p.mu is held on entry and on
// return, released around the I/O so that writers keep queueing.
func (p *Probe) flush() {
	data, upto := p.queue, p.queued
	p.queue, p.spare, p.flushing = p.spare[:0], nil, true
	p.mu.Unlock()
	_, err := p.f.WriteAt(data, p.off)
	if err != nil {
		err = fmt.Errorf("fsyncprobe: write %d bytes to %s at offset %d: %w", len(data), p.f.Name(), p.off, err)
	} else if err = unix.Fdatasync(int(p.f.Fd())); err != nil {
		err = fmt.Errorf("fsyncprobe: fdatasync %s: %w", p.f.Name(), err)
	}
	p.mu.Lock()
	p.flushing = false
	p.spare = data[:0]
	p.flushed.Broadcast()
	if err != nil {
		p.err = err
		return
	}
	p.off += int64(len(data))
	p.synced = upto
	p.fsyncs++
}
