package reference

import (
	"bytes"
	"maps"
	"strconv"
	"testing"
)

// FuzzOps interprets the input as a program of sets, deletes, gets and
// snapshots over a few keys that share few hashes, and checks every read,
// every snapshot and the final state against a map.
//
// Each op is 2 bytes: op&7 picks the operation, the second byte the key
// (and the value's length).
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 0, 2, 1, 1, 2, 2, 3, 0, 0, 3, 1, 2, 4, 0, 2, 1})
	f.Add([]byte{3, 0, 0, 1, 0, 2, 0, 3, 1, 1, 4, 0, 0, 1, 5, 0})
	f.Add(bytes.Repeat([]byte{0, 7, 0, 200, 1, 7, 3, 0}, 20))
	f.Fuzz(runOps)
}

// runOps runs one FuzzOps program.
func runOps(t *testing.T, prog []byte) {
	db, _ := Open("", Options{Shards: 2, Hash: func(k []byte) uint64 {
		return uint64(len(k)%3) << 62 // 3 hashes over 2 shards
	}})
	defer db.Close()
	model := make(map[string]string)
	var sn *Snapshot
	var snapModel map[string]string
	var buf []byte
	for i := 0; i+1 < len(prog); i += 2 {
		op, arg := prog[i]&7, prog[i+1]
		k := []byte(strconv.Itoa(int(arg % 16)))
		if arg%5 == 0 {
			k = append(k, "-long"...)
		}
		switch op {
		case 0, 5:
			v := bytes.Repeat([]byte{arg}, int(arg)*37%500)
			if err := db.Set(k, v); err != nil {
				t.Fatal(err)
			}
			model[string(k)] = string(v)
		case 1:
			ok, err := db.Delete(k)
			_, had := model[string(k)]
			if err != nil || ok != had {
				t.Fatalf("op %d: Delete(%s) = %v, %v; want %v", i, k, ok, err, had)
			}
			delete(model, string(k))
		case 2, 6:
			var ok bool
			buf, ok = db.Get(k, buf)
			want, had := model[string(k)]
			if ok != had || string(buf) != want {
				t.Fatalf("op %d: Get(%s) = %.20q, %v; want %.20q, %v", i, k, buf, ok, want, had)
			}
		case 3:
			if sn == nil {
				var err error
				if sn, err = db.BeginSnapshot(); err != nil {
					t.Fatal(err)
				}
				snapModel = maps.Clone(model)
			}
		case 4, 7:
			if sn != nil {
				if d := diffState(snapModel, collect(t, sn, nil)); d != "" {
					t.Fatalf("op %d: snapshot: %s", i, d)
				}
				sn.Close()
				sn = nil
			}
		}
	}
	if sn != nil {
		sn.Close()
	}
	keys := make([]string, 0, 32)
	for a := range 16 {
		keys = append(keys, strconv.Itoa(a), strconv.Itoa(a)+"-long")
	}
	if d := diffState(model, dbState(db, keys)); d != "" {
		t.Fatalf("final state: %s", d)
	}
	if st := db.Stats(); st.Keys != int64(len(model)) || st.COWBytes != 0 {
		t.Fatalf("Stats %+v, model has %d keys", st, len(model))
	}
}
