package aof

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/internal/redistest"
)

var update = flag.Bool("update", false, "regenerate testdata/redis-7.0-resp from a live redis-server")

const redisFixture = "testdata/redis-7.0-resp"

// writeOurs builds an AOF with this package: records (binary ones too), a
// RESP rewrite, then an aborted rewrite so the manifest lists two incrs.
func writeOurs(t *testing.T, dir string) state {
	t.Helper()
	a := mustOpen(t, Options{Dir: dir, Fsync: FsyncEverysec})
	m := newModel(a)
	w := func(from, to int) {
		for i := from; i < to; i++ {
			if err := m.write(i%7 == 3, fmt.Sprintf("key:%d", i%80), fmt.Sprintf("v%d-%s", i, strings.Repeat("x", i%50))); err != nil {
				t.Fatal(err)
			}
		}
	}
	w(0, 200)
	if err := m.write(false, "bin\x00\r\nkey", "\xff\x00\r\n$3\r\n*1\r\n"); err != nil {
		t.Fatal(err)
	}
	if err := m.rewrite(false, false); err != nil {
		t.Fatal(err)
	}
	w(200, 300)
	if err := m.rewrite(false, true); err != nil {
		t.Fatal(err)
	}
	w(300, 400)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return m.final()
}

func TestRedisCheckAOFAcceptsOurs(t *testing.T) {
	redistest.Tool(t, "redis-check-aof")
	tests := []struct {
		name  string
		build func(t *testing.T, dir string)
	}{
		{"fresh layout, empty base", func(t *testing.T, dir string) {
			a := mustOpen(t, Options{Dir: dir})
			put(t, a, 0, false, "k", "v")
			a.Close()
		}},
		{"rewritten, two incrs", func(t *testing.T, dir string) { writeOurs(t, dir) }},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		tt.build(t, dir)
		if err := redistest.CheckAOF(t, filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestRedisLoadsOurs: redis-server loads a directory written here, appends
// to it, and the result loads here again.
func TestRedisLoadsOurs(t *testing.T) {
	dir := t.TempDir()
	want := writeOurs(t, dir)
	s := redistest.Start(t, dir, "--appendonly", "yes", "--appendfsync", "always")
	c := s.Client(t)
	redisHolds(t, c, want)
	c.Must(t, "SET", "from-redis", "1")
	c.Must(t, "DEL", "key:1")
	want["from-redis"] = "1"
	delete(want, "key:1")
	s.Shutdown(t)
	got, _ := loadState(t, Options{Dir: dir})
	if d := diffState(got, want); d != "" {
		t.Errorf("after Redis appended: %s", d)
	}
}

// redisHolds checks that the server c talks to holds exactly want.
func redisHolds(t *testing.T, c *redistest.Conn, want state) {
	t.Helper()
	if n := c.Must(t, "DBSIZE"); n != int64(len(want)) {
		t.Errorf("DBSIZE = %v, want %d", n, len(want))
	}
	for k, v := range want {
		if got := c.Must(t, "GET", k); got != v {
			t.Errorf("GET %q = %q, want %q", k, got, v)
		}
	}
}

// redisWorkload runs SETs and DELs, a BGREWRITEAOF, and more writes
// against s, and returns the expected final state.
func redisWorkload(t *testing.T, s *redistest.Server) state {
	t.Helper()
	c, err := s.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want := state{}
	set := func(k, v string) { c.Must(t, "SET", k, v); want[k] = v }
	del := func(k string) { c.Must(t, "DEL", k); delete(want, k) }
	for i := 0; i < 40; i++ {
		set(fmt.Sprintf("key:%02d", i), fmt.Sprintf("before-%d", i))
	}
	for i := 0; i < 40; i += 5 {
		del(fmt.Sprintf("key:%02d", i))
	}
	c.Must(t, "BGREWRITEAOF")
	deadline := time.Now().Add(30 * time.Second)
	for infoField(t, c, "aof_rewrite_in_progress") != "0" || infoField(t, c, "aof_rewrite_scheduled") != "0" {
		if time.Now().After(deadline) {
			t.Fatal("BGREWRITEAOF did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := 30; i < 50; i++ {
		set(fmt.Sprintf("key:%02d", i), fmt.Sprintf("after-%d", i))
	}
	del("key:01")
	del("key:31")
	return want
}

// TestLoadRedisWritten loads what a live Redis 7.0 wrote (RESP base after
// BGREWRITEAOF with aof-use-rdb-preamble no). -update stores it as the
// fixture that TestLoadRedisFixture checks without Redis.
func TestLoadRedisWritten(t *testing.T) {
	dir := t.TempDir()
	s := redistest.Start(t, dir, "--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no")
	want := redisWorkload(t, s)
	s.Shutdown(t)
	got, ls := loadState(t, Options{Dir: dir})
	if d := diffState(got, want); d != "" {
		t.Error(d)
	}
	if ls.Files != 2 {
		t.Errorf("loaded %d files, want base + incr", ls.Files)
	}
	if *update {
		storeFixture(t, redisFixture, dir, want)
	}
}

// storeFixture copies dir's appendonlydir into fixture and writes want as
// its expected.json (for -update).
func storeFixture(t *testing.T, fixture, dir string, want state) {
	t.Helper()
	dst := filepath.Join(fixture, "appendonlydir")
	if err := os.RemoveAll(dst); err != nil {
		t.Fatal(err)
	}
	copyDir(t, filepath.Join(dir, "appendonlydir"), dst)
	js, _ := json.MarshalIndent(want, "", "  ")
	if err := os.WriteFile(filepath.Join(fixture, "expected.json"), append(js, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// openFixture copies fixture's appendonlydir into a fresh directory and
// returns it with the state in its expected.json.
func openFixture(t *testing.T, fixture string) (dir string, want state) {
	t.Helper()
	js, err := os.ReadFile(filepath.Join(fixture, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	want = state{}
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	copyDir(t, filepath.Join(fixture, "appendonlydir"), filepath.Join(dir, "appendonlydir"))
	return dir, want
}

func TestLoadRedisFixture(t *testing.T) {
	dir, want := openFixture(t, redisFixture)
	got, ls := loadState(t, Options{Dir: dir})
	if d := diffState(got, want); d != "" {
		t.Error(d)
	}
	if ls.TruncatedBytes != 0 || ls.Files != 2 {
		t.Errorf("LoadStats = %+v", ls)
	}
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
