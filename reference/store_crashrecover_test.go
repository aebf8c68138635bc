package reference

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/aof"
	"github.com/persistbench/persistbench/reference/rdb"
)

// prefill writes version 0 of some keys and closes the store cleanly
// (Close fsyncs the AOF; the rdb profile saves first): all durable.
func (r *crashRun) prefill() {
	m := &mortalFS{crash: r.cfs, clock: r.clk}
	s := r.open(m, nil)
	r.base = map[string]string{}
	r.hists = make([][]*keyHist, r.writers)
	for w := range r.writers {
		for k := range r.keys {
			h := &keyHist{key: "w" + strconv.Itoa(w) + ":k" + strconv.Itoa(k)}
			r.hists[w] = append(r.hists[w], h)
			if r.rng.IntN(10) < 7 {
				v := crashValue(h.key, 0, r.pad(r.rng))
				if err := s.Set([]byte(h.key), []byte(v)); err != nil {
					r.t.Fatalf("seed %d: prefill: %v", r.seed, err)
				}
				h.ops = append(h.ops, keyOp{value: v, durable: true})
				r.base[h.key] = v
			}
		}
	}
	if len(r.p.Save) > 0 {
		if err := s.BGSave(); err != nil {
			r.t.Fatalf("seed %d: prefill BGSave: %v", r.seed, err)
		}
		waitChild(r.t, s)
		if ps := s.PersistStats(); ps.Snapshots != 1 {
			r.t.Fatalf("seed %d: prefill snapshot did not complete: %+v", r.seed, ps)
		}
	}
	if err := s.Close(); err != nil {
		r.t.Fatalf("seed %d: prefill Close: %v", r.seed, err)
	}
}

// waitChild waits for the running snapshot or rewrite to end.
func waitChild(t testing.TB, s *Store) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.childBusy.Load(); time.Sleep(50 * time.Microsecond) {
		if time.Now().After(deadline) {
			t.Fatal("a snapshot or rewrite still runs after 10 s")
		}
	}
}

func (r *crashRun) pad(rng *rand.Rand) int {
	switch n := rng.IntN(20); {
	case n == 0:
		return 3000 + rng.IntN(6000) // a few pages: torn across 4 KiB boundaries
	case n < 6:
		return 100 + rng.IntN(1400)
	default:
		return rng.IntN(100)
	}
}

func (r *crashRun) allHists() []*keyHist {
	var out []*keyHist
	for _, hs := range r.hists {
		out = append(out, hs...)
	}
	return out
}

// recover opens the crashed files. A power cut that kept a later unsynced
// page of the last incr file and dropped an earlier one (a torn last write
// after dropped ones, or pages kept at random) leaves a hole of zeros
// there, which Redis refuses to load, as this engine does; then the
// operator's repair (redis-check-aof --fix: aof.Load with FixTail) runs
// first. A kill never needs it.
func (r *crashRun) recover() (map[string]string, int64) {
	m := &mortalFS{crash: r.cfs, clock: r.clk}
	s, err := OpenStore(crashDir, Options{FS: m, Shards: 16}, r.p)
	var repaired int64
	var ce *aof.CorruptError
	if err != nil && r.power && r.p.AOF && errors.As(err, &ce) {
		o := aof.Options{FS: m, Dir: crashDir, FixTail: true, Clock: r.clk.Now}
		if _, ferr := aof.Load(o, decodeRDB, func(bool, []byte, []byte) error { return nil }); ferr != nil {
			r.fail("recovery: %v; repair: %v", err, ferr)
			return nil, 0
		}
		repaired = 1
		s, err = OpenStore(crashDir, Options{FS: m, Shards: 16}, r.p)
	}
	if err != nil {
		r.fail("recovery: %v", err)
		return nil, 0
	}
	defer s.Close()
	if len(r.p.Save) > 0 && r.p.AOF {
		// Recovery read the AOF; the snapshot beside it must be whole too.
		path := crashDir + "/" + DumpName
		if _, err := m.Stat(path); err == nil {
			if _, err := rdb.Load(m, path, func([]byte, []byte, int64) error { return nil }); err != nil {
				r.fail("dump.rdb beside the AOF: %v", err)
			}
		}
	}
	got := map[string]string{}
	for _, h := range r.allHists() {
		if v, ok := s.Get([]byte(h.key), nil); ok {
			got[h.key] = string(v)
		}
	}
	if n := s.Len(); n != int64(len(got)) {
		got["<a key no writer wrote>"] = strconv.FormatInt(n-int64(len(got)), 10)
	}
	return got, repaired
}

// checkSnapshot checks the rdb profile's recovered state: exactly the
// state at the epoch of a snapshot that began before the crash, and no
// older than the last one that completed. It reports whether it could
// check (a snapshot the test did not start makes the epochs uncertain).
func (r *crashRun) checkSnapshot(got map[string]string, completed int64) bool {
	if r.cron || completed > int64(len(r.snaps)) {
		return false
	}
	cands := []uint64{1} // generation 1 starts at epoch 1: its state is the prefill
	for _, sn := range r.snaps {
		if !sn.exact {
			return false
		}
		cands = append(cands, sn.epoch)
	}
	floor := uint64(1)
	if completed > 0 {
		floor = r.snaps[completed-1].epoch
	}
	for _, e := range cands {
		if e >= floor && e <= r.epoch && sameState(got, stateAt(r.base, r.rec, e)) {
			return true
		}
	}
	r.fail("rdb: the recovered state (%d keys) is no snapshot's from epoch %d (the last completed of %d) to %d: %s",
		len(got), floor, completed, r.epoch, diffState(stateAt(r.base, r.rec, floor), got))
	return true
}

// reuse checks the recovered files take writes and survive a clean restart.
func (r *crashRun) reuse(keys int) {
	m := &mortalFS{crash: r.cfs, clock: r.clk}
	s := r.open(m, nil)
	if err := s.Set([]byte("after"), []byte("crash")); err != nil {
		r.fail("write after recovery: %v", err)
	}
	if len(r.p.Save) > 0 {
		if err := s.BGSave(); err != nil {
			r.fail("BGSave after recovery: %v", err)
		}
		waitChild(r.t, s)
	}
	if err := s.Close(); err != nil {
		r.fail("Close after recovery: %v", err)
	}
	s = r.open(&mortalFS{crash: r.cfs, clock: r.clk}, nil)
	defer s.Close()
	if v, ok := s.Get([]byte("after"), nil); !ok || string(v) != "crash" || s.Len() != int64(keys)+1 {
		r.fail("after a write and a clean restart: after=%q (%v), %d keys, want %d", v, ok, s.Len(), keys+1)
	}
}
