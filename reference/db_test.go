package reference

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/reference/vfs"
)

func mustOpen(t testing.TB, opts Options) *DB {
	t.Helper()
	db, err := Open(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenOptions(t *testing.T) {
	for _, tc := range []struct {
		shards, want int
		err          bool
	}{
		{0, DefaultShards, false},
		{1, 1, false},
		{4096, 4096, false},
		{3, 0, true},
		{-2, 0, true},
		{1 << 17, 0, true},
	} {
		db, err := Open("", Options{Shards: tc.shards})
		if tc.err {
			if err == nil || !strings.HasPrefix(err.Error(), "reference: open") {
				t.Errorf("Shards %d: err %v, want a reference: open error", tc.shards, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Shards %d: %v", tc.shards, err)
		}
		if len(db.shards) != tc.want || db.FS() != vfs.Default {
			t.Errorf("Shards %d: got %d shards, FS %v", tc.shards, len(db.shards), db.FS())
		}
		db.Close()
	}
}

func TestSetGetDelete(t *testing.T) {
	big := bytes.Repeat([]byte("b"), maxChunk+100) // gets a chunk of its own
	steps := []struct {
		op         string // set, get, del
		key, value string
		found      bool
	}{
		{"get", "a", "", false},
		{"set", "a", "1", false},
		{"get", "a", "1", true},
		{"set", "a", "22", false},
		{"get", "a", "22", true},
		{"set", "", "empty key", false},
		{"get", "", "empty key", true},
		{"set", "e", "", false},
		{"get", "e", "", true},
		{"set", "bin\x00\xff", "v\x00", false},
		{"get", "bin\x00\xff", "v\x00", true},
		{"set", "big", string(big), false},
		{"get", "big", string(big), true},
		{"set", "after-big", "x", false},
		{"get", "after-big", "x", true},
		{"del", "a", "", true},
		{"get", "a", "", false},
		{"del", "a", "", false},
		{"del", "never", "", false},
		{"get", "big", string(big), true},
	}
	for _, shards := range []int{1, 16} {
		rec := &recorder{}
		db := mustOpen(t, Options{Shards: shards, Persister: rec})
		for i, s := range steps {
			switch s.op {
			case "set":
				if err := db.Set([]byte(s.key), []byte(s.value)); err != nil {
					t.Fatalf("step %d: Set: %v", i, err)
				}
			case "get":
				v, ok := db.Get([]byte(s.key), []byte("junk"))
				if ok != s.found || string(v) != s.value {
					t.Fatalf("shards %d step %d: Get(%q) = %.20q, %v; want %.20q, %v", shards, i, s.key, v, ok, s.value, s.found)
				}
			case "del":
				ok, err := db.Delete([]byte(s.key))
				if err != nil || ok != s.found {
					t.Fatalf("step %d: Delete(%q) = %v, %v; want %v", i, s.key, ok, err, s.found)
				}
			}
		}
		if n := db.Len(); n != 5 {
			t.Errorf("Len = %d, want 5", n)
		}
		// 7 sets and 1 delete of an existing key reach the persister.
		if len(rec.log) != 8 || rec.waits != 8 {
			t.Errorf("persister saw %d appends, %d waits; want 8, 8", len(rec.log), rec.waits)
		}
		st := db.Stats()
		if st.Keys != 5 || st.Sets != 7 || st.Deletes != 1 || st.Gets != 10 || st.LiveBytes <= int64(len(big)) || st.SlabBytes < st.LiveBytes+st.Garbage {
			t.Errorf("Stats = %+v", st)
		}
	}
}

func TestPersisterErrors(t *testing.T) {
	boom := errors.New("boom")
	rec := &recorder{}
	db := mustOpen(t, Options{Shards: 4, Persister: rec})
	if err := db.Set([]byte("k"), []byte("old")); err != nil {
		t.Fatal(err)
	}

	// An Append error refuses the write: nothing applied.
	rec.failAppend = func(key []byte) error { return boom }
	if err := db.Set([]byte("k"), []byte("new")); !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "reference: set: persister append") {
		t.Fatalf("Set with failing Append: %v", err)
	}
	if ok, err := db.Delete([]byte("k")); !errors.Is(err, boom) || ok {
		t.Fatalf("Delete with failing Append: %v, %v", ok, err)
	}
	if v, _ := db.Get([]byte("k"), nil); string(v) != "old" {
		t.Fatalf("after refused writes k = %q, want old", v)
	}
	rec.failAppend = nil

	// A Wait error: applied but not acknowledged.
	rec.failWait = func(uint64) error { return boom }
	if err := db.Set([]byte("k"), []byte("new")); !errors.Is(err, boom) || !strings.Contains(err.Error(), "persister wait") {
		t.Fatalf("Set with failing Wait: %v", err)
	}
	if v, _ := db.Get([]byte("k"), nil); string(v) != "new" {
		t.Fatalf("after unacknowledged Set k = %q, want new (applied)", v)
	}
	if len(rec.log) != 2 {
		t.Fatalf("persister log has %d entries, want 2", len(rec.log))
	}
	rec.failWait = nil

	// Restore never reaches the persister.
	db.Restore([]byte("r"), []byte("v"))
	if v, ok := db.Get([]byte("r"), nil); !ok || string(v) != "v" || len(rec.log) != 2 {
		t.Fatalf("Restore: %q %v, log %d", v, ok, len(rec.log))
	}
}

func TestClose(t *testing.T) {
	db := mustOpen(t, Options{Shards: 2})
	db.Set([]byte("k"), []byte("v"))
	sn, err := db.BeginSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Set([]byte("k"), []byte("v")); !errors.Is(err, ErrClosed) {
		t.Errorf("Set after Close: %v", err)
	}
	if _, err := db.Delete([]byte("k")); !errors.Is(err, ErrClosed) {
		t.Errorf("Delete after Close: %v", err)
	}
	if _, ok := db.Get([]byte("k"), nil); ok {
		t.Errorf("Get after Close found the key")
	}
	if err := sn.Each(func(k, v []byte) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Each after Close: %v", err)
	}
	sn.Close()
	if _, err := db.BeginSnapshot(); !errors.Is(err, ErrClosed) {
		t.Errorf("BeginSnapshot after Close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
