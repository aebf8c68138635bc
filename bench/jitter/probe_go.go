//go:build !cgo || !linux

package jitter

import (
	"sync"
	"sync/atomic"
	"time"
)

// Probe is a running jitter probe (a goroutine: built without cgo).
type Probe struct {
	quit   chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	counts []uint64
	max    time.Duration
	ival   atomic.Int64
}

// Start starts a probe goroutine.
func Start() (*Probe, error) {
	p := &Probe{quit: make(chan struct{}), done: make(chan struct{}), counts: make([]uint64, buckets)}
	go p.loop()
	return p, nil
}

func (p *Probe) loop() {
	defer close(p.done)
	for {
		target := time.Now().Add(Period)
		select {
		case <-p.quit:
			return
		case <-time.After(Period):
		}
		late := max(time.Since(target), 0)
		b := min(int(late/time.Microsecond), buckets-1)
		p.mu.Lock()
		p.counts[b]++
		p.max = max(p.max, late)
		p.mu.Unlock()
		for {
			cur := p.ival.Load()
			if int64(late) <= cur || p.ival.CompareAndSwap(cur, int64(late)) {
				break
			}
		}
	}
}

// IntervalMax returns the latest wake-up since the previous call.
func (p *Probe) IntervalMax() time.Duration { return time.Duration(p.ival.Swap(0)) }

// Stop stops the probe and returns what it measured.
func (p *Probe) Stop() Result {
	close(p.quit)
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return result(p.counts, p.max, true)
}
