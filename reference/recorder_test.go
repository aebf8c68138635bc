package reference

import (
	"flag"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"
)

var seedFlag = flag.Int64("seed", 0, "replay randomized tests with this seed (0: a fresh seed per run, logged)")

// testSeed returns the seed of a randomized test (iteration i) and logs it.
func testSeed(t testing.TB, i int) uint64 {
	t.Helper()
	s := *seedFlag
	if s == 0 {
		s = time.Now().UnixNano()
	}
	s += int64(i)
	t.Logf("seed %d (replay with -seed %d)", s, s-int64(i))
	return uint64(s)
}

// logEntry is one write a recorder saw.
type logEntry struct {
	epoch      uint64
	del        bool
	key, value string
}

// recorder is a Persister that logs every Append, in the order Appends
// happen (per key that is the apply order: both run under the shard lock).
type recorder struct {
	mu         sync.Mutex
	log        []logEntry
	failAppend func(key []byte) error
	failWait   func(ticket uint64) error
	waits      int
}

func (r *recorder) Append(epoch uint64, del bool, key, value []byte) (uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failAppend != nil {
		if err := r.failAppend(key); err != nil {
			return 0, err
		}
	}
	r.log = append(r.log, logEntry{epoch, del, string(key), string(value)})
	return uint64(len(r.log)), nil
}

func (r *recorder) Wait(ticket uint64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.waits++
	if r.failWait != nil {
		return r.failWait(ticket)
	}
	return nil
}

// replay is the state after every logged write with an epoch below
// (a delete removes the key).
func (r *recorder) replay(below uint64) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := make(map[string]string)
	for _, e := range r.log {
		if e.epoch >= below {
			continue
		}
		if e.del {
			delete(m, e.key)
		} else {
			m[e.key] = e.value
		}
	}
	return m
}

// collect runs a snapshot's Each into a map, failing on a key seen twice.
func collect(t testing.TB, sn *Snapshot, between func(shard int)) map[string]string {
	t.Helper()
	got := make(map[string]string)
	var dup []string
	shard := -1
	err := sn.Each(func(k, v []byte) error {
		if sn.next != shard {
			shard = sn.next
			if between != nil {
				between(shard)
			}
		}
		if _, ok := got[string(k)]; ok {
			dup = append(dup, string(k))
		}
		got[string(k)] = string(v)
		return nil
	})
	if err != nil {
		t.Fatalf("Each: %v", err)
	}
	if len(dup) > 0 {
		t.Fatalf("snapshot %d visited %d keys twice, e.g. %q", sn.Epoch(), len(dup), dup[0])
	}
	return got
}

// diffState reports the first differences between two states.
func diffState(want, got map[string]string) string {
	var out []string
	for k, w := range want {
		if g, ok := got[k]; !ok {
			out = append(out, fmt.Sprintf("%q missing (want %.20q)", k, w))
		} else if g != w {
			out = append(out, fmt.Sprintf("%q = %.20q, want %.20q", k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%q = %.20q, want absent", k, g))
		}
	}
	if len(out) == 0 {
		return ""
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("... %d differences", len(out)))
	}
	return fmt.Sprint(out)
}

// dbState reads every key of the model from db and returns what it found.
func dbState(db *DB, keys []string) map[string]string {
	m := make(map[string]string)
	var buf []byte
	for _, k := range keys {
		v, ok := db.Get([]byte(k), buf)
		if ok {
			m[k] = string(v)
		}
		buf = v
	}
	return m
}
