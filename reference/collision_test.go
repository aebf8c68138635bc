package reference

import (
	"testing"
)

// TestCollisions drives one hash bucket shared by every key through the
// index/overflow transitions, with a snapshot pending over some of them.
func TestCollisions(t *testing.T) {
	rec := &recorder{}
	db := mustOpen(t, Options{Shards: 2, Persister: rec, Hash: func([]byte) uint64 { return 7 }})
	s := &db.shards[0]
	var sn *Snapshot
	var snapWant map[string]string
	steps := []struct {
		do       func()
		want     map[string]string
		overflow int
	}{
		{func() { db.Set([]byte("a"), []byte("1")) }, map[string]string{"a": "1"}, 0},
		{func() { db.Set([]byte("b"), []byte("2")); db.Set([]byte("c"), []byte("3")) },
			map[string]string{"a": "1", "b": "2", "c": "3"}, 2},
		{func() { db.Set([]byte("b"), []byte("22")) }, map[string]string{"a": "1", "b": "22", "c": "3"}, 2},
		// Deleting the key held in index promotes one from overflow.
		{func() { db.Delete([]byte("a")) }, map[string]string{"b": "22", "c": "3"}, 1},
		{func() { db.Set([]byte("a"), []byte("4")) }, map[string]string{"a": "4", "b": "22", "c": "3"}, 2},
		// Deleting an overflow key.
		{func() { db.Delete([]byte("c")) }, map[string]string{"a": "4", "b": "22"}, 1},
		{func() {
			var err error
			if sn, err = db.BeginSnapshot(); err != nil {
				t.Fatal(err)
			}
			snapWant = map[string]string{"a": "4", "b": "22"}
			db.Set([]byte("d"), []byte("5"))
			db.Delete([]byte("a"))
			db.Delete([]byte("b"))
			db.Set([]byte("b"), []byte("6"))
		}, map[string]string{"b": "6", "d": "5"}, 1},
		{func() {
			got := collect(t, sn, nil)
			sn.Close()
			if d := diffState(snapWant, got); d != "" {
				t.Fatalf("snapshot over a colliding bucket: %s", d)
			}
		}, map[string]string{"b": "6", "d": "5"}, 1},
		{func() { db.Delete([]byte("b")); db.Delete([]byte("d")) }, map[string]string{}, 0},
	}
	for i, st := range steps {
		st.do()
		if d := diffState(st.want, dbState(db, []string{"a", "b", "c", "d"})); d != "" {
			t.Fatalf("step %d: %s", i, d)
		}
		if n := len(s.overflow[7]); n != st.overflow {
			t.Fatalf("step %d: %d keys in overflow, want %d", i, n, st.overflow)
		}
		if db.Len() != int64(len(st.want)) {
			t.Fatalf("step %d: Len %d, want %d", i, db.Len(), len(st.want))
		}
	}
	if s.overflow != nil || len(s.index) != 0 {
		t.Fatalf("empty store keeps index %v overflow %v", s.index, s.overflow)
	}
}
