package rdb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// craft builds an RDB by hand: magic with version, body, EOF and checksum
// (the real CRC, or sum when sum is not nil).
func craft(version string, sum *uint64, body ...[]byte) []byte {
	b := []byte("REDIS" + version)
	for _, p := range body {
		b = append(b, p...)
	}
	b = append(b, opEOF)
	crc := crcUpdate(0, b)
	if sum != nil {
		crc = *sum
	}
	return binary.LittleEndian.AppendUint64(b, crc)
}

func str(s string) []byte { return append(appendLen(nil, uint64(len(s))), s...) }

func kv(k, v string) []byte { return append(append([]byte{typeString}, str(k)...), str(v)...) }

func nop(k, v []byte, exp int64) error { return nil }

func TestDecodeOpcodes(t *testing.T) {
	zero := uint64(0)
	tests := []struct {
		name     string
		file     []byte
		want     []entry
		verified bool
	}{
		{"expire in seconds", craft("0010", nil, []byte{opExpireTime, 0x10, 0, 0, 0}, kv("k", "v")),
			[]entry{{"k", "v", 16000}}, true},
		{"idle and freq skipped", craft("0010", nil, []byte{opIdle, 0x40, 0x80, opFreq, 5}, kv("k", "v")),
			[]entry{{"k", "v", 0}}, true},
		{"expiry applies to the next key only", craft("0010", nil,
			[]byte{opExpireTimeMS, 1, 0, 0, 0, 0, 0, 0, 0}, kv("a", "1"), kv("b", "2")),
			[]entry{{"a", "1", 1}, {"b", "2", 0}}, true},
		{"checksum 0 is not checked", craft("0010", &zero, kv("k", "v")), []entry{{"k", "v", 0}}, false},
		{"version 4 has no checksum", append([]byte("REDIS0004"), append(kv("k", "v"), opEOF)...),
			[]entry{{"k", "v", 0}}, false},
		{"32-bit length", craft("0010", nil, []byte{typeString, 0x01, 'k', 0x80, 0, 0, 0, 2, 'a', 'b'}),
			[]entry{{"k", "ab", 0}}, true},
		{"64-bit length", craft("0010", nil, []byte{typeString, 0x01, 'k', 0x81, 0, 0, 0, 0, 0, 0, 0, 1, 'a'}),
			[]entry{{"k", "a", 0}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, info := decodeAll(t, tt.file)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("entry %d: %v, want %v", i, got[i], tt.want[i])
				}
			}
			if info.ChecksumVerified != tt.verified {
				t.Errorf("ChecksumVerified %v, want %v", info.ChecksumVerified, tt.verified)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	bad := uint64(12345)
	tests := []struct {
		name       string
		file       []byte
		corrupt    bool // else unsupported
		offset     int64
		mention    string
		truncation bool
	}{
		{"bad magic", []byte("RADIS0010\xff"), true, 0, "bad magic", false},
		{"bad version", []byte("REDIS00x0\xff"), true, 5, "bad version", false},
		{"version too new", craft("0013", nil), false, 5, "RDB version 13", false},
		{"checksum mismatch", craft("0010", &bad, kv("k", "v")), true, 15, "checksum mismatch", false},
		{"unknown length encoding", craft("0010", nil, []byte{typeString, 0x82}), true, 10, "unknown length encoding 0x82", false},
		{"unknown string encoding", craft("0010", nil, []byte{typeString, 0xc4}), true, 10, "unknown string encoding 4", false},
		{"encoding as a db number", craft("0010", nil, []byte{opSelectDB, 0xc0, 1}), true, 10, "where a length belongs", false},
		{"LZF length impossible", craft("0010", nil, []byte{typeString, 0x01, 'k', 0xc3, 0x01, 0x7f, 0x7f}), true, 12, "LZF lengths impossible", false},
		{"LZF data short", craft("0010", nil, []byte{typeString, 0x01, 'k', 0xc3, 0x02, 0x05, 0x00, 'a'}), true, 12, "expands to 1 bytes, declared 5", false},
		{"LZF bad reference", craft("0010", nil, []byte{typeString, 0x01, 'k', 0xc3, 0x02, 0x05, 0x20, 0x05}), true, 12, "back reference", false},
		{"hash value", craft("0010", nil, []byte{4}, str("user:1")), false, 9, `value type 4 (hash) of key "user:1"`, false},
		{"module aux", craft("0010", nil, []byte{opModuleAux}), false, 9, "module aux", false},
		{"function", craft("0010", nil, []byte{opFunction2}), false, 9, "function library", false},
		{"no EOF", []byte("REDIS0010" + string(kv("k", "v"))), true, 14, "file truncated", true},
		{"value cut", []byte("REDIS0010\x00\x01k\x05ab"), true, 9, "file truncated", true},
		{"checksum cut", craft("0010", nil)[:14], true, 10, "file truncated", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(bytes.NewReader(tt.file), nop)
			var ce *CorruptError
			var ue *UnsupportedError
			switch {
			case err == nil:
				t.Fatal("decoded without error")
			case tt.corrupt && !errors.As(err, &ce):
				t.Fatalf("%v: want a *CorruptError", err)
			case !tt.corrupt && !errors.As(err, &ue):
				t.Fatalf("%v: want an *UnsupportedError", err)
			}
			off := int64(-1)
			if ce != nil {
				off = ce.Offset
			} else {
				off = ue.Offset
			}
			if off != tt.offset || !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("%q at offset %d: want offset %d and %q", err, off, tt.offset, tt.mention)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) != tt.truncation {
				t.Errorf("%v: wraps io.ErrUnexpectedEOF = %v, want %v", err, !tt.truncation, tt.truncation)
			}
		})
	}
}

// TestDecodeEveryTruncation cuts a Redis dump at every length: each prefix
// is a *CorruptError wrapping io.ErrUnexpectedEOF.
func TestDecodeEveryTruncation(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "redis-7.0.15-compressed.rdb"))
	must(t, err)
	for n := range len(b) {
		_, err := Decode(bytes.NewReader(b[:n]), nop)
		var ce *CorruptError
		if !errors.As(err, &ce) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("prefix of %d bytes: %v", n, err)
		}
	}
}

// TestDecodeEveryBitFlip flips each bit of a small file: the decoder must
// notice every one (the checksum covers what the parser cannot).
func TestDecodeEveryBitFlip(t *testing.T) {
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, Options{Compress: true})
	must(t, err)
	must(t, enc.SelectDB(0, 3, 1))
	must(t, enc.SetWithExpire([]byte("key"), []byte("value"), farFuture))
	must(t, enc.Set([]byte("n"), []byte("-1234")))
	must(t, enc.Set([]byte("long"), []byte(strings.Repeat("lzf ", 20))))
	must(t, enc.Close())
	b := buf.Bytes()
	for i := range len(b) * 8 {
		c := bytes.Clone(b)
		c[i/8] ^= 1 << (i % 8)
		if _, err := Decode(bytes.NewReader(c), nop); err == nil {
			t.Fatalf("flip of bit %d of byte %d went unnoticed", i%8, i/8)
		}
	}
}

func TestDecodeCallbackError(t *testing.T) {
	stop := errors.New("stop here")
	b := craft("0010", nil, kv("a", "1"), kv("b", "2"))
	n := 0
	info, err := Decode(bytes.NewReader(b), func(k, v []byte, exp int64) error {
		if n++; string(k) == "b" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.Contains(err.Error(), `key "b"`) || info.Keys != 2 || n != 2 {
		t.Fatalf("err %v, keys %d, calls %d", err, info.Keys, n)
	}
}

// TestDecodeReaders decodes through readers that return one byte at a time
// and that report errors alongside data.
func TestDecodeReaders(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "redis-7.0.15-compressed.rdb"))
	must(t, err)
	want, _ := decodeAll(t, b)
	for name, r := range map[string]io.Reader{
		"one byte":   iotest.OneByteReader(bytes.NewReader(b)),
		"data + EOF": iotest.DataErrReader(bytes.NewReader(b)),
		"half":       iotest.HalfReader(bytes.NewReader(b)),
	} {
		var got []entry
		if _, err := Decode(r, func(k, v []byte, exp int64) error {
			got = append(got, entry{string(k), string(v), exp})
			return nil
		}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sameEntries(t, got, want)
	}
	ioErr := errors.New("device gone")
	_, err = Decode(io.MultiReader(bytes.NewReader(b[:100]), iotest.ErrReader(ioErr)), nop)
	var ce *CorruptError
	if !errors.Is(err, ioErr) || errors.As(err, &ce) {
		t.Fatalf("read error: got %v, want it wrapped and not reported as corruption", err)
	}
}

// TestDecodeLargeThroughOddReaders decodes an input big enough for the
// background CRC worker through readers that return little at a time, and
// cut at several points: results match, and no goroutine is left behind.
func TestDecodeLargeThroughOddReaders(t *testing.T) {
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, Options{})
	must(t, err)
	val := bytes.Repeat([]byte("0123456789"), 30)
	for i := range 5000 {
		must(t, enc.Set(benchKey(nil, i), val[:i%300]))
	}
	must(t, enc.Set([]byte("big"), bytes.Repeat([]byte("b"), 3<<19)))
	must(t, enc.Close())
	b := buf.Bytes()
	before := runtime.NumGoroutine()
	for name, r := range map[string]io.Reader{
		"one byte":   iotest.OneByteReader(bytes.NewReader(b)),
		"data + EOF": iotest.DataErrReader(bytes.NewReader(b)),
		"half":       iotest.HalfReader(bytes.NewReader(b)),
	} {
		info, err := Decode(r, nop)
		if err != nil || info.Keys != 5001 || !info.ChecksumVerified {
			t.Fatalf("%s: %v, %+v", name, err, info)
		}
	}
	for _, cut := range []int{len(b) / 3, len(b) - 100, len(b) - 1} {
		if _, err := Decode(bytes.NewReader(b[:cut]), nop); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d: %v", cut, err)
		}
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines, %d before: the CRC worker leaked", runtime.NumGoroutine(), before)
}
