package flash

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/persistbench/persistbench/reference/vfs"
)

var update = flag.Bool("update", false, "rewrite testdata/blocks from a real store")

// blockFiles are the real block images FuzzBlockDecode starts from, cut
// from a store with 8 KiB write blocks by TestBlockTestdata -update.
var blockFiles = []string{"full.blk", "tombstones.blk", "partial.blk", "reused.blk"}

// TestBlockTestdata checks that testdata/blocks still decode as recorded
// (the format did not drift), or rewrites them with -update.
func TestBlockTestdata(t *testing.T) {
	if *update {
		writeBlockTestdata(t)
	}
	want := map[string]int{"full.blk": 17, "tombstones.blk": 27, "partial.blk": 3, "reused.blk": 2}
	for _, name := range blockFiles {
		img, err := os.ReadFile(filepath.Join("testdata", "blocks", name))
		if err != nil {
			t.Fatal(err)
		}
		res := scanBlock(img, blockIndexOf(img), deviceIDOf(img), nil)
		if res.state != blockValid || res.torn || res.records != want[name] {
			t.Errorf("%s: %+v; want %d records", name, res, want[name])
		}
	}
}

func blockIndexOf(img []byte) uint32 {
	if len(img) < blockHeaderSize {
		return 0
	}
	return binary.LittleEndian.Uint32(img[12:])
}

func deviceIDOf(img []byte) uint64 {
	if len(img) < blockHeaderSize {
		return 0
	}
	return binary.LittleEndian.Uint64(img[24:])
}

// writeBlockTestdata runs a real store and saves some of its blocks.
func writeBlockTestdata(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	o := Options{FS: fs, Dir: "/db", DeviceBytes: 8 * 8 << 10, WriteBlock: 8 << 10, DurableDelete: true,
		DefragLWMPct: 1}
	s := mustOpen(t, o)
	for i := 0; i < 18; i++ { // block 1: full of 400-byte values
		mustSet(t, s, fmt.Sprintf("key:%04d", i), string(value("v", i, 400)))
	}
	for i := 0; i < 30; i++ { // block 2: small values and tombstones
		k := fmt.Sprintf("key:%04d", i%18)
		if i%3 == 0 {
			if _, err := s.Delete([]byte(k)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		mustSet(t, s, k, string(value("s", i, 10+i*7)))
	}
	s.mu.Lock()
	s.sealLocked() // the next records start a block of their own
	s.mu.Unlock()
	for i := 0; i < 3; i++ { // a partial block
		mustSet(t, s, fmt.Sprintf("p:%d", i), "partial")
	}
	s.mu.Lock()
	partial := int64(s.cur.block)
	s.mu.Unlock()
	s.Close()
	dev, err := fs.Open("/db/" + DeviceFile)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	save := func(name string, b int64) {
		img := make([]byte, o.WriteBlock)
		if _, err := dev.ReadAt(img, b*o.WriteBlock); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "blocks", name), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join("testdata", "blocks"), 0o755); err != nil {
		t.Fatal(err)
	}
	save("full.blk", 1)
	save("tombstones.blk", 2)
	save("partial.blk", partial)
	// reused.blk: a later life of block 1 over the bytes of the first.
	img, _ := os.ReadFile(filepath.Join("testdata", "blocks", "full.blk"))
	life := craftBlock(len(img), 1, 99, deviceIDOf(img),
		craftRecord(99, "key:0000", "second life", 500, false),
		craftRecord(99, "key:0001", "", 501, true))
	end := blockHeaderSize + len(craftRecord(99, "key:0000", "second life", 500, false)) +
		len(craftRecord(99, "key:0001", "", 501, true))
	copy(img, life[:end])
	if err := os.WriteFile(filepath.Join("testdata", "blocks", "reused.blk"), img, 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzBlockDecode feeds block images to the cold-start scanner: it never
// panics, never reads past the image, visits records in order, and every
// record it accepts re-encodes to the same bytes.
func FuzzBlockDecode(f *testing.F) {
	for _, name := range blockFiles {
		img, err := os.ReadFile(filepath.Join("testdata", "blocks", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(img)
		f.Add(img[:len(img)/3])
	}
	f.Fuzz(func(t *testing.T, img []byte) {
		last := 0
		res := scanBlock(img, blockIndexOf(img), deviceIDOf(img), func(off int, h *recordHeader, rec []byte) {
			if off < last || off < blockHeaderSize || off%unit != 0 {
				t.Fatalf("record at offset %d after %d", off, last)
			}
			last = off + h.size()
			used := recordHeaderSize + int(h.klen) + int(h.vlen)
			again := make([]byte, h.size())
			putRecord(again, h, recordKey(rec, h), recordValue(rec, h))
			if !bytes.Equal(again[:used], rec[:used]) {
				t.Fatalf("record at %d does not re-encode to its bytes", off)
			}
		})
		if res.fill > len(img) || (res.state == blockValid && res.fill < blockHeaderSize) {
			t.Fatalf("fill %d of an image of %d", res.fill, len(img))
		}
	})
}
