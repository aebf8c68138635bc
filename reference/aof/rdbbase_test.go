package aof

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/internal/redistest"
	"github.com/persistbench/persistbench/reference/rdb"
)

const redisRDBFixture = "testdata/redis-7.0-rdb"

// decodeRDB adapts package rdb to Load. Keys with an expiry are refused:
// the reference engine has no TTLs and nothing is dropped silently.
func decodeRDB(r io.Reader, apply func(key, value []byte) error) error {
	_, err := rdb.Decode(r, func(k, v []byte, expireAtMS int64) error {
		if expireAtMS != 0 {
			return fmt.Errorf("key %q has an expiry: %w", k, ErrUnsupported)
		}
		return apply(k, v)
	})
	return err
}

// writeRDBBase writes s as an RDB base with package rdb, as the engine's
// aof-preamble profile does.
func writeRDBBase(s state) func(w io.Writer) error {
	return func(w io.Writer) error {
		enc, err := rdb.NewEncoder(w, rdb.Options{AOFBase: true, Compress: true})
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(s))
		for k := range s {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			if err := enc.SelectDB(0, uint64(len(keys)), 0); err != nil {
				return err
			}
		}
		for _, k := range keys {
			if err := enc.Set([]byte(k), []byte(s[k])); err != nil {
				return err
			}
		}
		return enc.Close()
	}
}

// TestRedisAcceptsOurRDBBase: an AOF whose base was written by package rdb
// (aof-use-rdb-preamble yes) passes redis-check-aof and loads in Redis.
func TestRedisAcceptsOurRDBBase(t *testing.T) {
	redistest.Tool(t, "redis-check-aof")
	dir := t.TempDir()
	a := mustOpen(t, Options{Dir: dir, Fsync: FsyncAlways, RDBBase: true})
	m := newModel(a)
	for i := 0; i < 300; i++ {
		if err := m.write(i%9 == 4, fmt.Sprintf("key:%d", i%120), strings.Repeat(fmt.Sprint(i), 1+i%40)); err != nil {
			t.Fatal(err)
		}
	}
	e, err := a.BeginRewriteNext()
	if err != nil {
		t.Fatal(err)
	}
	m.epoch.Store(e)
	if err := a.FinishRewrite(writeRDBBase(m.snapshot(e))); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		if err := m.write(false, fmt.Sprintf("after:%d", i), "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	want := m.final()
	got := state{}
	if _, err := Load(Options{Dir: dir}, decodeRDB, got.apply); err != nil {
		t.Fatal(err)
	}
	if d := diffState(got, want); d != "" {
		t.Error(d)
	}
	if err := redistest.CheckAOF(t, filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest")); err != nil {
		t.Error(err)
	}
	s := redistest.Start(t, dir, "--appendonly", "yes")
	redisHolds(t, s.Client(t), want)
}

// TestLoadRedisWrittenPreamble loads what a live Redis 7.0 wrote with
// aof-use-rdb-preamble yes (an RDB base after BGREWRITEAOF). -update
// stores it as the fixture of TestLoadRedisFixturePreamble.
func TestLoadRedisWrittenPreamble(t *testing.T) {
	dir := t.TempDir()
	s := redistest.Start(t, dir, "--appendonly", "yes", "--appendfsync", "everysec", "--aof-use-rdb-preamble", "yes")
	want := redisWorkload(t, s)
	s.Shutdown(t)
	got := state{}
	ls, err := Load(Options{Dir: dir}, decodeRDB, got.apply)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffState(got, want); d != "" {
		t.Error(d)
	}
	man, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if !strings.Contains(string(man), ".base.rdb") || ls.Files != 2 {
		t.Errorf("manifest %q, %d files: want an RDB base and one incr", man, ls.Files)
	}
	if *update {
		storeFixture(t, redisRDBFixture, dir, want)
	}
}

func TestLoadRedisFixturePreamble(t *testing.T) {
	dir, want := openFixture(t, redisRDBFixture)
	got := state{}
	if _, err := Load(Options{Dir: dir}, decodeRDB, got.apply); err != nil {
		t.Fatal(err)
	}
	if d := diffState(got, want); d != "" {
		t.Error(d)
	}
}
