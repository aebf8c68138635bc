package reference

import (
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// collidingHash maps keys onto few hashes, so that most keys share theirs
// with others and the overflow path carries real traffic.
func collidingHash(n uint64) func([]byte) uint64 {
	seed := maphash.MakeSeed()
	return func(k []byte) uint64 { return maphash.Bytes(seed, k) % n * 0x9e3779b97f4a7c15 }
}

// TestSnapshotPointInTime checks the Persister invariant: a snapshot with
// epoch E holds exactly the replay of the writes Appended with epoch < E,
// while several writers keep writing increasing versions during Each.
func TestSnapshotPointInTime(t *testing.T) {
	iters := 10
	if testing.Short() {
		iters = 2
	}
	for i := range iters {
		seed := testSeed(t, i)
		for _, tc := range []struct {
			name string
			opts Options
		}{
			{"maphash", Options{Shards: 16}},
			{"colliding", Options{Shards: 8, Hash: collidingHash(64)}},
		} {
			t.Run(fmt.Sprintf("%s/seed=%d", tc.name, seed), func(t *testing.T) {
				pointInTime(t, tc.opts, seed)
			})
		}
	}
}

func pointInTime(t *testing.T, opts Options, seed uint64) {
	// Writes are capped so that the log replayed per snapshot stays small
	// on a loaded machine; the snapshots run while the writers do.
	const keys, writers, snapshots, maxWrites = 800, 4, 5, 20000
	rec := &recorder{}
	opts.Persister = rec
	db := mustOpen(t, opts)
	for k := range keys {
		if err := db.Set(key(k), []byte("v0")); err != nil {
			t.Fatal(err)
		}
	}
	var version atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for range maxWrites {
				select {
				case <-stop:
					return
				default:
				}
				k := key(rng.IntN(keys))
				if rng.IntN(5) == 0 {
					if _, err := db.Delete(k); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				v := strconv.AppendInt([]byte("v"), version.Add(1), 10)
				if err := db.Set(k, v); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	var preserved int64
	for range snapshots {
		time.Sleep(time.Millisecond) // let writes pile up between snapshots
		sn, err := db.BeginSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		got := collect(t, sn, func(int) { runtime.Gosched() }) // let writers in between shards
		sn.Close()
		preserved = max(preserved, db.Stats().COWPeakBytes)
		want := rec.replay(sn.Epoch())
		if d := diffState(want, got); d != "" {
			close(stop)
			wg.Wait()
			t.Fatalf("snapshot %d is not the state of the writes before it: %s", sn.Epoch(), d)
		}
	}
	close(stop)
	wg.Wait()
	if preserved == 0 {
		t.Errorf("no write preserved anything during %d snapshots: the copy-on-write path went untested", snapshots)
	}
	// After the last snapshot the store itself equals the full replay.
	want := rec.replay(^uint64(0))
	all := make([]string, keys)
	for k := range keys {
		all[k] = string(key(k))
	}
	if d := diffState(want, dbState(db, all)); d != "" {
		t.Fatalf("store differs from the replay of the persister log: %s", d)
	}
	if st := db.Stats(); st.COWBytes != 0 || st.Snapshots != snapshots {
		t.Errorf("after the snapshots: COWBytes %d, Snapshots %d", st.COWBytes, st.Snapshots)
	}
}

func key(i int) []byte { return strconv.AppendInt([]byte("key:"), int64(i), 10) }

func TestSnapshotLifecycle(t *testing.T) {
	rec := &recorder{}
	db := mustOpen(t, Options{Shards: 4, Persister: rec})
	for k := range 100 {
		db.Set(key(k), []byte("a"))
	}
	sn, err := db.BeginSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if sn.Epoch() != 2 {
		t.Errorf("first snapshot epoch %d, want 2", sn.Epoch())
	}
	if _, err := db.BeginSnapshot(); !errors.Is(err, ErrSnapshotInProgress) {
		t.Fatalf("second BeginSnapshot: %v", err)
	}
	// Overwrite, delete and create while the snapshot is pending.
	for k := range 100 {
		db.Set(key(k), []byte("b"))
	}
	db.Delete(key(7))
	db.Set(key(1000), []byte("new"))
	st := db.Stats()
	if st.COWBytes == 0 || st.COWPeakBytes < st.COWBytes {
		t.Fatalf("pending snapshot: COWBytes %d, peak %d", st.COWBytes, st.COWPeakBytes)
	}
	stopErr := errors.New("stop")
	n := 0
	err = sn.Each(func(k, v []byte) error {
		if string(v) != "a" {
			t.Errorf("snapshot %q = %q, want a", k, v)
		}
		if n++; n == 10 {
			return stopErr
		}
		return nil
	})
	if !errors.Is(err, stopErr) {
		t.Fatalf("Each stopped by fn: %v", err)
	}
	if err := sn.Each(func(k, v []byte) error { return nil }); !errors.Is(err, ErrSnapshotUsed) {
		t.Fatalf("second Each: %v", err)
	}
	sn.Close()
	sn.Close()
	st = db.Stats()
	if st.COWBytes != 0 || st.SnapshotsAborted != 1 || st.Snapshots != 0 {
		t.Fatalf("after Close: %+v", st)
	}

	sn, err = db.BeginSnapshot()
	if err != nil {
		t.Fatalf("BeginSnapshot after Close: %v", err)
	}
	defer sn.Close()
	if sn.Epoch() != 3 {
		t.Errorf("second snapshot epoch %d, want 3", sn.Epoch())
	}
	db.Delete(key(8))
	got := collect(t, sn, nil)
	if d := diffState(rec.replay(sn.Epoch()), got); d != "" {
		t.Fatal(d)
	}
	if len(got) != 100 || got[string(key(8))] != "b" {
		t.Fatalf("snapshot has %d keys, key:8=%q", len(got), got[string(key(8))])
	}
	if st := db.Stats(); st.Snapshots != 1 || st.SnapshotDurationMax <= 0 || st.Epoch != 3 {
		t.Fatalf("after Each: %+v", st)
	}
}
