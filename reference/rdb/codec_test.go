package rdb

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
)

// roundTripEntries covers what the encoder must carry unchanged: raw,
// integer-looking (canonical or not), empty, binary, long (beyond the
// decoder's buffer, compressed and not) strings, and expiries.
func roundTripEntries(rng *rand.Rand) []entry {
	es := []entry{
		{"", "", 0},
		{"empty-value", "", 0},
		{"\x00", "\x00\x01\x02\xff", 0},
		{"bin\r\n\x00\xfe", "\xff\xfe\xfd", 0},
		{"exp", "soon", 1},
		{"exp-past", "gone", -5000},
		{"exp-far", "later", farFuture},
		{"big:random", randomBytes(rng, 2<<20), 0},         // raw, > read buffer
		{"big:text", text(rng, 5<<20), 0},                  // LZF with clen > read buffer
		{"big:run", strings.Repeat("z", 3<<20), farFuture}, // LZF, tiny clen, huge len
		{strings.Repeat("k", 70000), "long key", 0},
	}
	for i, s := range intCases {
		es = append(es, entry{s, s, 0}, entry{"v" + strconv.Itoa(i), s, 0})
	}
	for i := range 500 {
		es = append(es, entry{"small:" + strconv.Itoa(i), text(rng, rng.IntN(200)), 0})
	}
	return es
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	es := roundTripEntries(rand.New(rand.NewPCG(seed, 1)))
	for _, compress := range []bool{false, true} {
		t.Run("compress="+strconv.FormatBool(compress), func(t *testing.T) {
			var buf bytes.Buffer
			ctime := time.Unix(1700000000, 0)
			enc, err := NewEncoder(&buf, Options{Compress: compress, AOFBase: true, Ctime: ctime, UsedMem: 3 << 30})
			must(t, err)
			must(t, enc.SelectDB(0, uint64(len(es)-1), 4))
			for _, e := range es[:len(es)-1] {
				must(t, enc.SetWithExpire([]byte(e.key), []byte(e.value), e.expireAtMS))
			}
			last := es[len(es)-1]
			must(t, enc.SelectDB(7, 1, 0))
			must(t, enc.Set([]byte(last.key), []byte(last.value)))
			must(t, enc.Close())
			if enc.Written() != int64(buf.Len()) || enc.Keys() != int64(len(es)) {
				t.Errorf("Written %d, Keys %d; buffer holds %d bytes, %d keys set", enc.Written(), enc.Keys(), buf.Len(), len(es))
			}
			if err := enc.Set([]byte("k"), nil); !errors.Is(err, ErrClosed) {
				t.Errorf("Set after Close: %v, want ErrClosed", err)
			}

			got, info := decodeAll(t, buf.Bytes())
			if len(got) != len(es) {
				t.Fatalf("decoded %d keys, want %d", len(got), len(es))
			}
			for i := range es {
				if got[i] != es[i] {
					t.Fatalf("entry %d: key %q value %q exp %d; want key %q value %q exp %d", i,
						clip(got[i].key), clip(got[i].value), got[i].expireAtMS, clip(es[i].key), clip(es[i].value), es[i].expireAtMS)
				}
			}
			wantAux := map[string]string{"redis-ver": DefaultRedisVer, "redis-bits": "64",
				"ctime": "1700000000", "used-mem": strconv.FormatInt(3<<30, 10), "aof-base": "1"}
			for k, v := range wantAux {
				if info.Aux[k] != v {
					t.Errorf("aux %s = %q, want %q", k, info.Aux[k], v)
				}
			}
			if info.Version != Version || info.Expires != 4 || info.Keys != int64(len(es)) ||
				!info.ChecksumVerified || info.Size != int64(buf.Len()) || len(info.DBs) != 2 || info.DBs[1] != 7 {
				t.Errorf("info %+v", info)
			}
		})
	}
}

// TestEncoderSmallerWithCompression guards that Compress does compress.
func TestEncoderSmallerWithCompression(t *testing.T) {
	size := func(compress bool) int64 {
		enc, err := NewEncoder(io.Discard, Options{Compress: compress})
		must(t, err)
		must(t, enc.Set([]byte("k"), []byte(strings.Repeat("abc", 1000))))
		must(t, enc.Close())
		return enc.Written()
	}
	if plain, lzf := size(false), size(true); lzf >= plain/10 {
		t.Fatalf("compressed file %d bytes, plain %d", lzf, plain)
	}
}

// failWriter fails every write after the first n bytes.
type failWriter struct{ n int }

var errDisk = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDisk
	}
	w.n -= len(p)
	return len(p), nil
}

func TestEncoderWriteErrorIsSticky(t *testing.T) {
	enc, err := NewEncoder(&failWriter{n: 100}, Options{})
	must(t, err)
	v := bytes.Repeat([]byte("v"), encBufSize)
	if err := enc.Set([]byte("k"), v); !errors.Is(err, errDisk) {
		t.Fatalf("Set of a value larger than the buffer: %v, want %v", err, errDisk)
	}
	if err := enc.Set([]byte("k2"), []byte("v2")); !errors.Is(err, errDisk) {
		t.Fatalf("Set after the error: %v", err)
	}
	if err := enc.Close(); !errors.Is(err, errDisk) {
		t.Fatalf("Close after the error: %v", err)
	}
}
