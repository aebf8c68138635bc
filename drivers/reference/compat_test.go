package reference

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/redistest"
)

// compatValue is value i: integers (RDB's integer encodings), empty,
// binary, and long compressible strings (LZF) among plain ones.
func compatValue(i int) string {
	switch i % 6 {
	case 0:
		return fmt.Sprint(i * 7919)
	case 1:
		return ""
	case 2:
		return string([]byte{0, 1, 2, '\r', '\n', 0xff, byte(i)})
	case 3:
		return strings.Repeat(fmt.Sprintf("compressible-%d-", i), 200)
	default:
		return fmt.Sprintf("value-%d", i)
	}
}

// TestRedisLoadsDataDir: a data directory the engine wrote through the
// driver — aof-always and aof-preamble with a rewrite half way (RESP and
// RDB base) and writes after it, rdb with a snapshot — passes
// redis-check-aof / redis-check-rdb, and a real redis-server started on it
// (appendonly yes, or no for the dump) holds the same keys and values.
func TestRedisLoadsDataDir(t *testing.T) {
	const n = 600
	for _, tc := range []struct {
		profile string
		check   func(testing.TB, string) error // redis-check-aof or -rdb
		file    string                         // what check reads
		args    []string
	}{
		{"aof-always", redistest.CheckAOF, "appendonlydir/appendonly.aof.manifest", []string{"--appendonly", "yes"}},
		{"aof-preamble", redistest.CheckAOF, "appendonlydir/appendonly.aof.manifest", []string{"--appendonly", "yes"}},
		{"rdb", redistest.CheckRDB, "dump.rdb", []string{"--appendonly", "no", "--dbfilename", "dump.rdb"}},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			redistest.Tool(t, "redis-server") // before the work; the check tools come with it
			dir := t.TempDir()
			want := writeCompat(t, tc.profile, dir, n)
			if err := tc.check(t, filepath.Join(dir, tc.file)); err != nil {
				t.Fatal(err)
			}
			c := redistest.Start(t, dir, tc.args...).Client(t)
			if got := c.Must(t, "DBSIZE"); got != int64(len(want)) {
				t.Fatalf("redis DBSIZE %v, want %d", got, len(want))
			}
			for i := range n {
				k := fmt.Sprintf("key:%d", i)
				w, ok := want[k]
				got := c.Must(t, "GET", k)
				if (got == nil) == ok || (ok && got != w) {
					t.Fatalf("redis GET %s = %.40q, want %.40q (present %v)", k, got, w, ok)
				}
			}
		})
	}
}

// writeCompat writes n keys (overwriting and deleting some) through the
// driver, snapshots or rewrites half way, closes it and returns what the
// files must hold.
func writeCompat(t *testing.T, name, dir string, n int) map[string]string {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, drivers.Config{Profile: profile(t, name), DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	s := d.st.(memStore).Store
	for i := range n {
		k, v := fmt.Sprintf("key:%d", i), compatValue(i)
		if err := d.Set(ctx, []byte(k), []byte(v)); err != nil {
			t.Fatal(err)
		}
		want[k] = v
		if i%10 == 9 {
			old := fmt.Sprintf("key:%d", i-5)
			if err := d.Delete(ctx, []byte(old)); err != nil {
				t.Fatal(err)
			}
			delete(want, old)
		}
		if i == n/2 && name != "rdb" {
			if err := s.BGRewriteAOF(); err != nil {
				t.Fatal(err)
			}
			for deadline := time.Now().Add(10 * time.Second); s.AOFStats().Rewrites == 0; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("rewrite did not complete in 10 s")
				}
			}
		}
	}
	if err := d.Set(ctx, []byte("key:1"), []byte("overwritten")); err != nil {
		t.Fatal(err)
	}
	want["key:1"] = "overwritten"
	if name == "rdb" {
		if err := s.BGSave(); err != nil {
			t.Fatal(err)
		}
		waitSnapshots(t, d, 1)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if name == "aof-preamble" {
		man, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
		if err != nil || !strings.Contains(string(man), ".base.rdb") {
			t.Fatalf("aof-preamble after a rewrite: manifest %q (%v), want an RDB base", man, err)
		}
	}
	return want
}
