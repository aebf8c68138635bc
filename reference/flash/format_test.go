package flash

import (
	"bytes"
	"testing"
)

// craftRecord encodes one record as the store would.
func craftRecord(epoch uint32, key, val string, gen uint64, tomb bool) []byte {
	h := recordHeader{dataCRC: dataCRC([]byte(key), []byte(val)), epoch: epoch, klen: uint32(len(key)),
		vlen: uint32(len(val)), digest: digestOf([]byte(key)), gen: gen, lut: int64(gen) * 1000}
	if tomb {
		h.flags = flagTombstone
	}
	b := make([]byte, h.size())
	putRecord(b, &h, []byte(key), []byte(val))
	return b
}

// craftBlock builds a block image of size bytes with these records.
func craftBlock(size int, index uint32, epoch, devID uint64, recs ...[]byte) []byte {
	img := make([]byte, size)
	putBlockHeader(img, blockHeader{index: index, epoch: epoch, deviceID: devID, opened: 1})
	off := blockHeaderSize
	for _, r := range recs {
		off += copy(img[off:], r)
	}
	return img
}

func TestRecordRoundTrip(t *testing.T) {
	cases := []struct {
		key, val string
		tomb     bool
	}{
		{"k", "v", false},
		{"", "", false},
		{"key", "", true},
		{"a-longer-key:000001", string(bytes.Repeat([]byte{0xff, 0}, 700)), false},
		{string(make([]byte, 9)), "padding exactly", false},
	}
	for _, c := range cases {
		rec := craftRecord(7, c.key, c.val, 42, c.tomb)
		if len(rec)%unit != 0 {
			t.Fatalf("%q: record of %d bytes is not padded to %d", c.key, len(rec), unit)
		}
		h, st := parseHeader(rec, 7)
		if st != headerOK || !checkRecord(rec, &h) {
			t.Fatalf("%q: parse state %d", c.key, st)
		}
		if string(recordKey(rec, &h)) != c.key || string(recordValue(rec, &h)) != c.val ||
			h.tombstone() != c.tomb || h.gen != 42 || h.lut != 42000 || h.digest != digestOf([]byte(c.key)) {
			t.Fatalf("%q: decoded %+v", c.key, h)
		}
		if _, st := parseHeader(rec, 8); st != headerForeign {
			t.Fatalf("%q: a record of another epoch parsed as %d, want foreign", c.key, st)
		}
	}
}

// TestRecordDamage flips every bit of a record: the damage is always
// detected (the padding excepted, which nothing reads).
func TestRecordDamage(t *testing.T) {
	rec := craftRecord(3, "some-key", "some value bytes", 9, false)
	used := recordHeaderSize + len("some-key") + len("some value bytes")
	for i := 0; i < used; i++ {
		for bit := 0; bit < 8; bit++ {
			bad := bytes.Clone(rec)
			bad[i] ^= 1 << bit
			h, st := parseHeader(bad, 3)
			if st == headerOK && checkRecord(bad, &h) {
				t.Fatalf("flip of byte %d bit %d not detected", i, bit)
			}
		}
	}
}

func TestScanBlock(t *testing.T) {
	const size, dev = 8192, 77
	a := craftRecord(5, "a", "1", 1, false)
	b := craftRecord(5, "b", "22", 2, false)
	old := craftRecord(4, "z", "old life", 1, false)
	torn := bytes.Clone(b)
	torn[len(torn)-20] ^= 1 // in the value
	tornLen := craftRecord(5, "c", "3", 3, false)
	tornLen[recordHeaderSize-1] ^= 1 // the header checksum catches it
	cases := []struct {
		name    string
		img     []byte
		index   uint32
		state   blockState
		records int
		torn    bool
	}{
		{"empty", make([]byte, size), 1, blockEmpty, 0, false},
		{"two records", craftBlock(size, 1, 5, dev, a, b), 1, blockValid, 2, false},
		{"old life after the fill", craftBlock(size, 1, 5, dev, a, old), 1, blockValid, 1, false},
		{"torn value", craftBlock(size, 1, 5, dev, a, torn), 1, blockValid, 1, true},
		{"torn header", craftBlock(size, 1, 5, dev, tornLen, a), 1, blockValid, 0, true},
		{"other device", craftBlock(size, 1, 5, dev+1, a), 1, blockEmpty, 0, false},
		{"wrong block number", craftBlock(size, 2, 5, dev, a), 1, blockDamaged, 0, true},
		{"record cut by the image end", craftBlock(size, 1, 5, dev, a, b)[:blockHeaderSize+len(a)+recordHeaderSize+1], 1, blockValid, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var keys []string
			res := scanBlock(c.img, c.index, dev, func(_ int, h *recordHeader, rec []byte) {
				keys = append(keys, string(recordKey(rec, h)))
			})
			if res.state != c.state || res.records != c.records || res.torn != c.torn || len(keys) != c.records {
				t.Fatalf("scan = %+v (keys %q); want state %d, %d records, torn %v", res, keys, c.state, c.records, c.torn)
			}
		})
	}
	// A damaged block header is torn.
	img := craftBlock(size, 1, 5, dev, a)
	img[20] ^= 1
	if res := scanBlock(img, 1, dev, nil); res.state != blockDamaged || !res.torn {
		t.Fatalf("damaged block header: %+v", res)
	}
}

func TestDeviceHeaderSlots(t *testing.T) {
	h := deviceHeader{deviceID: 9, blockSize: 1 << 20, size: 1 << 30, seq: 3, epochLimit: 2048, created: 5}
	b := h.encode()
	got, ok := decodeDeviceSlot(b)
	if !ok || got != h {
		t.Fatalf("decode = %+v, %v; want %+v", got, ok, h)
	}
	b[30] ^= 1
	if _, ok := decodeDeviceSlot(b); ok {
		t.Fatal("a damaged device header slot decoded")
	}
}
