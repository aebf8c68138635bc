package aof

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/persistbench/persistbench/reference/vfs"
)

// addTestdata seeds f with every file under testdata whose name ends in
// suffix: the files real Redis and this package wrote.
func addTestdata(f *testing.F, suffix string) {
	matches, _ := filepath.Glob("testdata/*/appendonlydir/*" + suffix)
	if len(matches) == 0 {
		f.Fatalf("no testdata/*/appendonlydir/*%s seeds", suffix)
	}
	for _, p := range matches {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzAOFLoad replays arbitrary bytes as the last incr file (in memory):
// Load must not panic or hang, must fail only with a CorruptError or
// ErrUnsupported, and after a cut a second Load must find a clean file
// holding the same state.
func FuzzAOFLoad(f *testing.F) {
	addTestdata(f, ".aof")
	f.Add([]byte(sel0 + set("a", "1") + "*2\r\n$3\r\nDEL\r\n$1"))
	f.Add([]byte("*1\r\n$5\r\nMULTI\r\n" + set("k", "v")))
	f.Add([]byte("#TS:1700000000\r\n" + set("k", "v") + "\x00\x00"))
	f.Add([]byte(batch(sel0+set("a", "1")) + batch(set("b", "2"))[:batchHdrLen+7]))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fix := range []bool{false, true} {
			fs := vfs.NewCrash(vfs.CrashOptions{})
			o := Options{FS: fs, Dir: "/d", FixTail: fix}
			fs.MkdirAll("/d/appendonlydir", 0o755)
			for name, content := range map[string][]byte{
				"appendonly.aof.manifest":   []byte("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"),
				"appendonly.aof.1.base.aof": []byte(sel0 + set("base", "1")),
				"appendonly.aof.1.incr.aof": data,
			} {
				if err := writeFileSynced(fs, filepath.Join("/d/appendonlydir", name), content); err != nil {
					t.Fatal(err)
				}
			}
			first := state{}
			ls, err := Load(o, nil, first.apply)
			if err != nil {
				var ce *CorruptError
				if !errors.As(err, &ce) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("fix=%v: unexpected error kind: %v", fix, err)
				}
				continue
			}
			second := state{}
			ls2, err := Load(o, nil, second.apply)
			if err != nil || ls2.TruncatedBytes != 0 || !reflect.DeepEqual(first, second) {
				t.Fatalf("fix=%v: after a load that cut %d bytes, the second load: %v, cut %d, same state %v",
					fix, ls.TruncatedBytes, err, ls2.TruncatedBytes, reflect.DeepEqual(first, second))
			}
		}
	})
}

// FuzzManifest parses arbitrary manifests: no panic, and what parses
// encodes to text that parses to the same manifest.
func FuzzManifest(f *testing.F) {
	addTestdata(f, ".manifest")
	f.Add([]byte("file \"a b\\x00\" seq 1 type b\nfile 'c' seq 2 type i\n# c\n"))
	f.Add([]byte("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			if !errors.Is(err, ErrBadManifest) {
				t.Fatalf("error without ErrBadManifest: %v", err)
			}
			return
		}
		enc := m.Encode()
		m2, err := ParseManifest(enc)
		if len(enc) == 0 {
			return // only comments: nothing to encode
		}
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip: %v\nparsed  %+v\nencoded %q\nreparsed %+v", err, m, enc, m2)
		}
	})
}
