package aof

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// batch is records sealed as the writer seals one write turn.
func batch(records string) string {
	b := append(reserveBatchHeader(nil), records...)
	sealBatch(b)
	return string(b)
}

// TestLoadBatchChecks damages the second batch of a file the way a power
// cut that keeps pages out of order does: a zeroed hole inside a value, a
// cut inside the batch, a torn annotation. In the last file the batch is
// cut and reported; in an earlier file Load fails naming file and offset.
func TestLoadBatchChecks(t *testing.T) {
	big := strings.Repeat("v", 9000)
	first := batch(sel0 + set("a", "1"))
	second := batch(set("b", big) + set("c", "3"))
	hole := []byte(second)
	for i := batchHdrLen + 4200; i < batchHdrLen+8296; i++ {
		hole[i] = 0
	}
	badHdr := []byte(second)
	badHdr[len(batchTag)+1] ^= 1 // one hex digit of the checksum
	cases := []struct{ name, second string }{
		{"hole in value", string(hole)},
		{"cut inside batch", second[:len(second)-3]},
		{"cut after annotation", second[:batchHdrLen]},
		{"cut inside annotation", second[:batchHdrLen-5]},
		{"wrong checksum", string(badHdr)},
		{"malformed annotation", "#PB:zz " + second[len(batchTag)+7:]},
	}
	for _, c := range cases {
		t.Run(c.name+"/last", func(t *testing.T) {
			dir := t.TempDir()
			o := writeLayout(t, dir, twoIncrs, map[string]string{
				"appendonly.aof.1.base.aof": "",
				"appendonly.aof.1.incr.aof": batch(sel0 + set("x", "0")),
				"appendonly.aof.2.incr.aof": first + c.second,
			})
			got, ls := loadState(t, o)
			if d := diffState(got, state{"x": "0", "a": "1"}); d != "" {
				t.Error(d)
			}
			if ls.TruncatedBytes != int64(len(c.second)) || ls.TruncatedFile != "appendonly.aof.2.incr.aof" {
				t.Errorf("truncated %d bytes of %q, want %d", ls.TruncatedBytes, ls.TruncatedFile, len(c.second))
			}
			data, _ := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.2.incr.aof"))
			if string(data) != first {
				t.Errorf("file is %d bytes after Load, want %d", len(data), len(first))
			}
		})
		t.Run(c.name+"/earlier", func(t *testing.T) {
			o := writeLayout(t, t.TempDir(), twoIncrs, map[string]string{
				"appendonly.aof.1.base.aof": "",
				"appendonly.aof.1.incr.aof": first + c.second,
				"appendonly.aof.2.incr.aof": batch(set("x", "0")),
			})
			_, err := Load(o, nil, state{}.apply)
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.File != "appendonly.aof.1.incr.aof" || ce.Offset < int64(len(first)) {
				t.Fatalf("Load = %v, want a CorruptError in appendonly.aof.1.incr.aof at offset >= %d", err, len(first))
			}
		})
	}
}

// TestLoadMixedAnnotations: records without a batch annotation (Redis's,
// or Redis appending to our file) and #TS annotations load unchecked.
func TestLoadMixedAnnotations(t *testing.T) {
	o := writeLayout(t, t.TempDir(), twoIncrs, map[string]string{
		"appendonly.aof.1.base.aof": sel0 + set("base", "b"),
		"appendonly.aof.1.incr.aof": sel0 + set("redis", "r") + batch(sel0+set("ours", "o")),
		"appendonly.aof.2.incr.aof": batch(set("x", "0")) + "#TS:1700000000\r\n" + set("redis2", "r"),
	})
	got, ls := loadState(t, o)
	if d := diffState(got, state{"base": "b", "redis": "r", "ours": "o", "x": "0", "redis2": "r"}); d != "" {
		t.Error(d)
	}
	if ls.TruncatedBytes != 0 {
		t.Errorf("TruncatedBytes = %d, want 0", ls.TruncatedBytes)
	}
}
