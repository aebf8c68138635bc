package reference

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
)

// TestConcurrentModel runs goroutines that Set/Get/Delete random keys of
// their own (so each keeps an exact model and checks every read) while
// sharing shards, hashes and — with the colliding hash — overflow lists
// with the others; a snapshot runs now and then. At the end the store must
// equal the union of the models.
func TestConcurrentModel(t *testing.T) {
	for i, tc := range []struct {
		name string
		opts Options
	}{
		{"maphash", Options{Shards: 64}},
		{"colliding", Options{Shards: 4, Hash: collidingHash(16)}},
		{"one-hash", Options{Shards: 1, Hash: func([]byte) uint64 { return 42 }}},
	} {
		seed := testSeed(t, i)
		t.Run(tc.name, func(t *testing.T) { concurrentModel(t, tc.opts, seed) })
	}
}

func concurrentModel(t *testing.T, opts Options, seed uint64) {
	goroutines, ops, keys := 8, 4000, 200
	if opts.Shards == 1 { // every key in one overflow list: quadratic
		ops, keys = 1000, 40
	}
	db := mustOpen(t, opts)
	models := make([]map[string]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		models[g] = make(map[string]string)
		wg.Go(func() {
			if err := ownKeys(db, models[g], g, ops, keys, seed); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() { // a snapshot every now and then, checked for duplicates
		for range 5 {
			sn, err := db.BeginSnapshot()
			if err != nil {
				t.Error(err)
				return
			}
			collect(t, sn, nil)
			sn.Close()
		}
	})
	wg.Wait()
	want := make(map[string]string)
	var all []string
	for g, m := range models {
		for k, v := range m {
			want[k] = v
		}
		for i := range keys {
			all = append(all, ownKey(g, i))
		}
	}
	if d := diffState(want, dbState(db, all)); d != "" {
		t.Fatalf("store differs from the models: %s", d)
	}
	if n := db.Len(); n != int64(len(want)) {
		t.Fatalf("Len = %d, models hold %d keys", n, len(want))
	}
	if opts.Hash != nil && collisionsSeen(db) == 0 {
		t.Fatalf("colliding hash but no overflow entry left: collision path untested")
	}
}

func ownKey(g, i int) string { return "g" + strconv.Itoa(g) + ":" + strconv.Itoa(i) }

// ownKeys does random operations on goroutine g's keys, checking each read
// against the model m.
func ownKeys(db *DB, m map[string]string, g, ops, keys int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, uint64(g)))
	var buf []byte
	for i := range ops {
		k := ownKey(g, rng.IntN(keys))
		switch rng.IntN(10) {
		case 0, 1:
			ok, err := db.Delete([]byte(k))
			_, had := m[k]
			if err != nil || ok != had {
				return fmt.Errorf("g%d op %d: Delete(%s) = %v, %v; model had it: %v", g, i, k, ok, err, had)
			}
			delete(m, k)
		case 2, 3, 4, 5:
			v := fmt.Sprintf("%s=%d%s", k, i, make([]byte, rng.IntN(300)))
			if err := db.Set([]byte(k), []byte(v)); err != nil {
				return err
			}
			m[k] = v
		default:
			var ok bool
			buf, ok = db.Get([]byte(k), buf)
			want, had := m[k]
			if ok != had || string(buf) != want {
				return fmt.Errorf("g%d op %d: Get(%s) = %.30q, %v; want %.30q, %v", g, i, k, buf, ok, want, had)
			}
		}
	}
	return nil
}

// collisionsSeen counts the overflow entries of the store.
func collisionsSeen(db *DB) int {
	n := 0
	for i := range db.shards {
		s := &db.shards[i]
		s.mu.RLock()
		for _, ov := range s.overflow {
			n += len(ov)
		}
		s.mu.RUnlock()
	}
	return n
}
