package reference

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// compactValue is key k's value at round r: self-describing, so a reader
// can tell a torn or misplaced value from a stale one.
func compactValue(k, r int) []byte {
	v := fmt.Appendf(nil, "%d@%d|", k, r)
	return append(v, bytes.Repeat([]byte{byte('a' + r%26)}, 700+(k+37*r)%300)...) // sizes vary: some rewrites fit in place, some move
}

func checkCompactValue(k int, v []byte) error {
	var kk, r int
	if _, err := fmt.Sscanf(string(v), "%d@%d|", &kk, &r); err != nil || kk != k || !bytes.Equal(v, compactValue(k, r)) {
		return fmt.Errorf("key %d holds a corrupt value %.30q (%v)", k, v, err)
	}
	return nil
}

// TestCompaction overwrites a small store until it compacts, with readers
// checking every value throughout; then keeps overwriting while a snapshot
// is pending (compaction must wait for a shard's capture, the snapshot must
// still be the state at its start) and while Each runs (captured shards
// compact, the rest wait).
func TestCompaction(t *testing.T) {
	const keys = 300
	seed := testSeed(t, 0)
	db := mustOpen(t, Options{Shards: 2})
	round := make([]int, keys) // round of each key's latest write
	rewrite := func(r int) {
		for k := range keys {
			db.Set(key(k), compactValue(k, r))
			round[k] = r
		}
	}
	var stop atomic.Bool
	var readers sync.WaitGroup
	for g := range 2 {
		readers.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			var buf []byte
			for !stop.Load() {
				k := rng.IntN(keys)
				var ok bool
				if buf, ok = db.Get(key(k), buf); ok {
					if err := checkCompactValue(k, buf); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	defer func() { stop.Store(true); readers.Wait() }()
	checkAll := func(when string) {
		t.Helper()
		var buf []byte
		for k := range keys {
			var ok bool
			buf, ok = db.Get(key(k), buf)
			if !ok || !bytes.Equal(buf, compactValue(k, round[k])) {
				t.Fatalf("%s: key %d = %.30q, %v; want round %d", when, k, buf, ok, round[k])
			}
		}
	}

	for r := range 20 {
		rewrite(r)
	}
	checkAll("after 20 rounds")
	st := db.Stats()
	if st.Compactions == 0 {
		t.Fatalf("no compaction after 20 rounds of overwrites: %+v", st)
	}
	if st.Garbage*3 > st.SlabBytes*2 {
		t.Fatalf("garbage %d of slab %d: compaction does not keep up", st.Garbage, st.SlabBytes)
	}

	sn, err := db.BeginSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	want := make(map[string]string)
	for k := range keys {
		want[string(key(k))] = string(compactValue(k, round[k]))
	}
	before := db.Stats().Compactions
	for r := 20; r < 40; r++ {
		rewrite(r)
	}
	checkAll("pending snapshot")
	st = db.Stats()
	if st.Compactions != before || st.CompactionsDeferred == 0 {
		t.Fatalf("pending snapshot: compactions %d -> %d, deferred %d; want none, some deferred", before, st.Compactions, st.CompactionsDeferred)
	}

	// While Each runs: after the first shard is captured, keep rewriting.
	got := collect(t, sn, func(shard int) {
		if shard == 1 {
			for r := 40; r < 60; r++ {
				rewrite(r)
			}
			checkAll("during Each")
		}
	})
	if d := diffState(want, got); d != "" {
		t.Fatalf("snapshot after compactions: %s", d)
	}
	if st := db.Stats(); st.Compactions == before {
		t.Fatalf("the captured shard did not compact during Each: %+v", st)
	}
	for r := 60; r < 70; r++ {
		rewrite(r)
	}
	checkAll("after the snapshot")
	if st := db.Stats(); st.Garbage*3 > st.SlabBytes*2 || st.COWBytes != 0 {
		t.Fatalf("after the snapshot: %+v", st)
	}
}
