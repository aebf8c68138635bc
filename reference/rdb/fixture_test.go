package rdb

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/*.rdb with the local redis-server")

// entry is one string key as a test writes it and expects it back.
type entry struct {
	key, value string
	expireAtMS int64 // 0: none
}

// farFuture is 2100-01-01T00:00:00Z in Unix ms: expiries that stay in the
// future so redis-server keeps the keys when it loads a file.
const farFuture = 4102444800000

// intCases are strings around the integer encodings' edges, as key suffixes
// and values; the non-canonical ones must stay raw strings.
var intCases = []string{
	"0", "1", "-1", "127", "128", "-128", "-129", "255", "256",
	"32767", "32768", "-32768", "-32769", "65535", "65536",
	"2147483647", "2147483648", "-2147483648", "-2147483649",
	"9223372036854775807", "-9223372036854775808", "12345678901",
	"007", "-0", "+5", " 5", "5 ", "1e3", "0x10", "--1", "-",
}

// fixtureEntries is the data set of the testdata RDB files written by
// redis-server, and of the compatibility tests. It is fixed (seeded
// generator) so that the committed files can be checked against it.
func fixtureEntries() []entry {
	rng := rand.New(rand.NewPCG(7, 7))
	es := []entry{
		{"k1", "hello", 0},
		{"empty", "", 0},
		{"", "the empty key", 0},
		{"\x00\xffbin\r\n", randomBytes(rng, 40), 0},
		{"12345", "integer key", 0},
		{"-7", "negative integer key", 0},
		{"4294967296", "integer key wider than 32 bits", 0},
		{"lzf:20", strings.Repeat("a", 20), 0},
		{"lzf:21", strings.Repeat("a", 21), 0},
		{"lzf:24", strings.Repeat("ab", 12), 0},
		{"lzf:25", strings.Repeat("ab", 12) + "c", 0},
		{"long:run", strings.Repeat("a", 100), 0},
		{"long:pattern", strings.Repeat("persistbench ", 700), 0},
		{"long:text", text(rng, 2000), 0},
		{"long:far", text(rng, 9000), 0}, // references near the 8 KiB window
		{"long:random", randomBytes(rng, 100), 0},
		{"long:random4k", randomBytes(rng, 4096), 0},
		{"exp:ms", "v", farFuture + 123},
		{"exp:int", "42", farFuture + 999},
		{"exp:long", strings.Repeat("x", 64), farFuture + 5000},
	}
	for _, s := range intCases {
		es = append(es, entry{"int:" + s, s, 0})
	}
	return es
}

func randomBytes(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return string(b)
}

// text is pseudo-English: compressible, but not trivially.
func text(rng *rand.Rand, n int) string {
	words := strings.Fields("the snapshot of a key value store is written to disk while clients keep " +
		"writing and the fork copies pages on write so memory grows fsync rename directory durable " +
		"append only file rewrite base increment manifest redis aerospike flash block")
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(" .,\n"[rng.IntN(4)])
	}
	return b.String()[:n]
}

// fixtureFiles are the dumps redis-server 7.0.15 wrote of fixtureEntries.
var fixtureFiles = []struct {
	name        string
	compression string // redis rdbcompression
}{
	{"redis-7.0.15-compressed.rdb", "yes"},
	{"redis-7.0.15-plain.rdb", "no"},
}

// TestUpdateFixtures regenerates the testdata files when run with -update.
func TestUpdateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/*.rdb")
	}
	for _, f := range fixtureFiles {
		dump := redisDump(t, f.compression, fixtureEntries())
		writeFixture(t, f.name, dump)
	}
	// A dump with a hash among strings, for the unsupported-type error.
	dir := t.TempDir()
	s := startRedis(t, dir)
	c, err := s.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Must(t, "SET", "a", "1")
	c.Must(t, "HSET", "user:1", "name", "ada")
	c.Must(t, "SAVE")
	b, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, "redis-7.0.15-hash.rdb", b)
}

func writeFixture(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote testdata/%s (%d bytes)", name, len(b))
}

// redisDump SETs entries on a fresh redis-server, SAVEs and returns dump.rdb.
func redisDump(t *testing.T, compression string, es []entry) []byte {
	t.Helper()
	dir := t.TempDir()
	s := startRedis(t, dir, "--rdbcompression", compression)
	c, err := s.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, e := range es {
		if e.expireAtMS != 0 {
			c.Must(t, "SET", e.key, e.value, "PXAT", itoa(e.expireAtMS))
		} else {
			c.Must(t, "SET", e.key, e.value)
		}
	}
	c.Must(t, "SAVE")
	b, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeAll decodes b and returns the entries in file order.
func decodeAll(t testing.TB, b []byte) ([]entry, Info) {
	t.Helper()
	var got []entry
	info, err := Decode(bytes.NewReader(b), func(k, v []byte, exp int64) error {
		got = append(got, entry{string(k), string(v), exp})
		return nil
	})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return got, info
}

// sameEntries compares entries regardless of order (Redis writes keys in
// hash-table order).
func sameEntries(t testing.TB, got, want []entry) {
	t.Helper()
	m := make(map[string]entry, len(want))
	for _, e := range want {
		m[e.key] = e
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d", len(got), len(want))
	}
	for _, g := range got {
		w, ok := m[g.key]
		switch {
		case !ok:
			t.Errorf("unexpected key %q", g.key)
		case g.value != w.value:
			t.Errorf("key %q: value %q (%d bytes), want %q (%d bytes)", g.key, clip(g.value), len(g.value), clip(w.value), len(w.value))
		case g.expireAtMS != w.expireAtMS:
			t.Errorf("key %q: expiry %d, want %d", g.key, g.expireAtMS, w.expireAtMS)
		}
		delete(m, g.key)
	}
	for k := range m {
		t.Errorf("missing key %q", k)
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
