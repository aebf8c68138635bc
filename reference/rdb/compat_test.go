package rdb

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/internal/redistest"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// TestDecodeRedisFixtures decodes the dumps redis-server wrote (committed in
// testdata, so this runs without Redis).
func TestDecodeRedisFixtures(t *testing.T) {
	for _, f := range fixtureFiles {
		t.Run(f.name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", f.name))
			if err != nil {
				t.Fatal(err)
			}
			got, info := decodeAll(t, b)
			sameEntries(t, got, fixtureEntries())
			if info.Version != 10 || info.Aux["redis-ver"] != "7.0.15" || info.Aux["redis-bits"] != "64" {
				t.Errorf("info %+v: want version 10, redis-ver 7.0.15, redis-bits 64", info)
			}
			if !info.ChecksumVerified || info.Size != int64(len(b)) {
				t.Errorf("checksum verified %v, size %d of %d", info.ChecksumVerified, info.Size, len(b))
			}
			if info.Expires != 3 || len(info.DBs) != 1 || info.DBs[0] != 0 {
				t.Errorf("expires %d, dbs %v: want 3, [0]", info.Expires, info.DBs)
			}
		})
	}
}

// TestReencodeRedisFixtures re-encodes each Redis dump with the same keys
// in the same order and the same AUX values: the encoder must reproduce
// the file byte for byte, CRC included — integer encodings, LZF decisions
// and LZF output all as Redis makes them.
func TestReencodeRedisFixtures(t *testing.T) {
	for _, f := range fixtureFiles {
		t.Run(f.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", f.name))
			if err != nil {
				t.Fatal(err)
			}
			got := reencode(t, want, f.compression == "yes")
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("re-encoded %d bytes, Redis wrote %d; first difference at offset %d", len(got), len(want), i)
			}
		})
	}
}

func reencode(t *testing.T, dump []byte, compress bool) []byte {
	t.Helper()
	es, info := decodeAll(t, dump)
	ctime, err1 := strconv.ParseInt(info.Aux["ctime"], 10, 64)
	used, err2 := strconv.ParseInt(info.Aux["used-mem"], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		t.Fatalf("aux %v: %v", info.Aux, err)
	}
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, Options{Compress: compress, RedisVer: info.Aux["redis-ver"],
		Ctime: time.Unix(ctime, 0), UsedMem: used, AOFBase: info.Aux["aof-base"] == "1"})
	if err != nil {
		t.Fatal(err)
	}
	must(t, enc.SelectDB(0, uint64(info.Keys), uint64(info.Expires)))
	for _, e := range es {
		must(t, enc.SetWithExpire([]byte(e.key), []byte(e.value), e.expireAtMS))
	}
	must(t, enc.Close())
	return buf.Bytes()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestDecodeRedisHashFixture: a hash is reported, not skipped.
func TestDecodeRedisHashFixture(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "redis-7.0.15-hash.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Decode(bytes.NewReader(b), func(k, v []byte, exp int64) error { return nil })
	var ue *UnsupportedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("got %v, want an *UnsupportedError", err)
	}
	if !strings.Contains(ue.What, "hash-listpack") || !strings.Contains(ue.What, `"user:1"`) || ue.Offset <= 9 {
		t.Errorf("error %q at offset %d: want the type (hash-listpack), the key and its offset", err, ue.Offset)
	}
}

// compatEntries adds to the fixture set what is too big for testdata:
// values larger than the decoder's read buffer, and many small keys.
func compatEntries() []entry {
	rng := rand.New(rand.NewPCG(11, 11))
	es := fixtureEntries()
	es = append(es,
		entry{"big:random", randomBytes(rng, 1536<<10), 0},
		entry{"big:text", text(rng, 3<<20), 0},
	)
	for i := range 2000 {
		es = append(es, entry{"small:" + itoa(int64(i)), text(rng, rng.IntN(120)), 0})
	}
	return es
}

// TestRedisLoadsOurFile: a file from the encoder passes redis-check-rdb and
// redis-server loads it with the same keys, values and expiries.
func TestRedisLoadsOurFile(t *testing.T) {
	redistest.Tool(t, "redis-check-rdb")
	es := compatEntries()
	for _, compress := range []bool{false, true} {
		t.Run("compress="+strconv.FormatBool(compress), func(t *testing.T) {
			dir := t.TempDir()
			var buf bytes.Buffer
			enc, err := NewEncoder(&buf, Options{Compress: compress})
			must(t, err)
			must(t, enc.SelectDB(0, uint64(len(es)), 3))
			for _, e := range es {
				must(t, enc.SetWithExpire([]byte(e.key), []byte(e.value), e.expireAtMS))
			}
			must(t, enc.SelectDB(3, 1, 0))
			must(t, enc.Set([]byte("db3-key"), []byte("db3-value")))
			must(t, enc.Close())
			path := filepath.Join(dir, "dump.rdb")
			must(t, os.WriteFile(path, buf.Bytes(), 0o644))

			if err := redistest.CheckRDB(t, path); err != nil {
				t.Fatal(err)
			}
			s := startRedis(t, dir)
			c, err := s.Dial()
			must(t, err)
			defer c.Close()
			if n := c.Must(t, "DBSIZE"); n != int64(len(es)) {
				t.Fatalf("DBSIZE %v, want %d", n, len(es))
			}
			for _, e := range es {
				if v := c.Must(t, "GET", e.key); v != e.value {
					t.Fatalf("GET %q: %d bytes, want %d", e.key, len(v.(string)), len(e.value))
				}
				want := int64(-1)
				if e.expireAtMS != 0 {
					want = e.expireAtMS
				}
				if got := c.Must(t, "PEXPIRETIME", e.key); got != want {
					t.Fatalf("PEXPIRETIME %q = %v, want %d", e.key, got, want)
				}
			}
			c.Must(t, "SELECT", "3")
			if v := c.Must(t, "GET", "db3-key"); v != "db3-value" {
				t.Fatalf("db 3: GET db3-key = %v", v)
			}
		})
	}
}

// TestRedisWritesWeDecode: a dump.rdb a live redis-server writes now
// decodes to what was SET, compressed and not, big values included.
func TestRedisWritesWeDecode(t *testing.T) {
	es := compatEntries()
	for _, f := range fixtureFiles {
		t.Run("rdbcompression="+f.compression, func(t *testing.T) {
			dump := redisDump(t, f.compression, es)
			got, info := decodeAll(t, dump)
			sameEntries(t, got, es)
			if !info.ChecksumVerified {
				t.Error("checksum not verified")
			}
			if re := reencode(t, dump, f.compression == "yes"); !bytes.Equal(re, dump) {
				t.Errorf("re-encoding the live dump differs from Redis's bytes (%d vs %d bytes)", len(re), len(dump))
			}
		})
	}
}
