package aof

import (
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// model is a toy engine for rewrite tests: sharded keys, one snapshot
// epoch read under the key's shard lock (so a key's Appends carry
// non-decreasing epochs), and per-key histories so that the snapshot at
// epoch E holds exactly the writes with epoch < E, as the engine promises.
type model struct {
	aof    *AOF
	epoch  atomic.Uint64
	shards [16]modelShard
	clock  func() time.Time // stamps acknowledgements; nil: none
}

type modelShard struct {
	mu   sync.Mutex
	hist map[string][]modelEntry
}

type modelEntry struct {
	epoch   uint64
	del     bool
	value   string
	acked   bool
	ackedAt time.Time
}

func newModel(a *AOF) *model {
	m := &model{aof: a}
	for i := range m.shards {
		m.shards[i].hist = map[string][]modelEntry{}
	}
	return m
}

func (m *model) shard(k string) *modelShard {
	h := fnv.New32a()
	h.Write([]byte(k))
	return &m.shards[h.Sum32()%uint32(len(m.shards))]
}

// write applies and appends under the shard lock, then waits outside it
// and marks the write acknowledged.
func (m *model) write(del bool, k, v string) error {
	s := m.shard(k)
	s.mu.Lock()
	e := m.epoch.Load()
	t, err := m.aof.Append(e, del, []byte(k), []byte(v))
	idx := len(s.hist[k])
	if err == nil {
		s.hist[k] = append(s.hist[k], modelEntry{epoch: e, del: del, value: v})
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if err := m.aof.Wait(t); err != nil {
		return err
	}
	s.mu.Lock()
	s.hist[k][idx].acked = true
	if m.clock != nil {
		s.hist[k][idx].ackedAt = m.clock()
	}
	s.mu.Unlock()
	return nil
}

// rewrite runs BeginRewrite, publishes the new epoch, waits out writers
// holding the old one, snapshots and finishes (or aborts).
func (m *model) rewrite(rdb, abort bool) error {
	e := m.epoch.Load() + 1
	if err := m.aof.BeginRewrite(e); err != nil {
		return err
	}
	m.epoch.Store(e)
	// An empty critical section per shard: writers that read the old
	// epoch have appended by the time it is passed.
	for i := range m.shards {
		m.shards[i].mu.Lock()
		m.shards[i].mu.Unlock() //nolint:staticcheck // barrier
	}
	snap := m.snapshot(e)
	if abort {
		return m.aof.AbortRewrite()
	}
	return m.aof.FinishRewrite(func(w io.Writer) error {
		if rdb {
			return fakeRDBEncode(w, snap)
		}
		bw := NewBaseWriter(w)
		keys := make([]string, 0, len(snap))
		for k := range snap {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := bw.Set([]byte(k), []byte(snap[k])); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

// snapshot is the state made of the writes with epoch < e.
func (m *model) snapshot(e uint64) state {
	out := state{}
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		for k, h := range s.hist {
			for j := len(h) - 1; j >= 0; j-- {
				if h[j].epoch < e {
					if !h[j].del {
						out[k] = h[j].value
					}
					break
				}
			}
		}
		s.mu.Unlock()
	}
	return out
}

// final is the state made of every write.
func (m *model) final() state { return m.snapshot(^uint64(0)) }

// recovered checks a recovered state against the histories. bad reports a
// state no write produced (a key never written, a value never written).
// lost reports an acknowledged write missing: per key the state must be
// the one after some write at or past the last acknowledged one; oldest is
// the time of the oldest acknowledgement lost (zero if none).
func (m *model) recovered(got state) (oldest time.Time, lost, bad error) {
	seen := map[string]bool{}
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		for k, h := range s.hist {
			seen[k] = true
			v, ok := got[k]
			// j = the latest write whose resulting state matches; -1 = before all.
			j := len(h) - 1
			for ; j >= 0; j-- {
				if (h[j].del && !ok) || (!h[j].del && ok && h[j].value == v) {
					break
				}
			}
			if j < 0 && ok && bad == nil {
				bad = fmt.Errorf("key %q = %q matches no write of it", k, v)
			}
			for _, e := range h[j+1:] {
				if !e.acked {
					continue
				}
				if oldest.IsZero() || e.ackedAt.Before(oldest) {
					oldest = e.ackedAt
				}
				if lost == nil {
					lost = fmt.Errorf("key %q: acknowledged write %q (del=%v) lost; recovered %q (present=%v)", k, e.value, e.del, v, ok)
				}
			}
		}
		s.mu.Unlock()
	}
	for k := range got {
		if !seen[k] && bad == nil {
			bad = fmt.Errorf("key %q was never written", k)
		}
	}
	return oldest, lost, bad
}
