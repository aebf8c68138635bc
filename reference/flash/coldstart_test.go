package flash

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/persistbench/persistbench/reference/vfs"
)

// writeBlock writes a crafted block image into block b of the device.
func writeBlock(t *testing.T, fs vfs.FS, o Options, b uint32, img []byte) {
	t.Helper()
	f, err := fs.OpenReadWrite(filepath.Join(o.Dir, DeviceFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(img, int64(b)*o.WriteBlock); err != nil {
		t.Fatal(err)
	}
}

// TestColdStartResolvesByGeneration: whatever block a version sits in, the
// highest generation wins, a tombstone included, and new writes continue
// past the highest generation found.
func TestColdStartResolvesByGeneration(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	o := small(fs)
	s := mustOpen(t, o)
	dev := s.dev.hdr.deviceID
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	bs := int(o.WriteBlock)
	writeBlock(t, fs, o, 1, craftBlock(bs, 1, 5, dev,
		craftRecord(5, "k", "new", 9, false),
		craftRecord(5, "j", "j-old", 2, false),
		craftRecord(5, "t", "t-old", 7, false)))
	writeBlock(t, fs, o, 2, craftBlock(bs, 2, 6, dev,
		craftRecord(6, "k", "old", 3, false),
		craftRecord(6, "j", "j-new", 4, false),
		craftRecord(6, "t", "", 8, true),
		craftRecord(6, "j", "j-new", 4, false))) // a defrag copy: same generation
	s = mustOpen(t, o)
	defer s.Close()
	wantGet(t, s, "k", "new", true)
	wantGet(t, s, "j", "j-new", true)
	wantGet(t, s, "t", "", false)
	cs := s.ColdStart()
	want := ColdStartStats{Cold: true, Records: 2, Tombstones: 1, RecordsScanned: 7, Duplicates: 4,
		BlocksScanned: 31, BlocksUsed: 2, MaxGeneration: 9}
	cs.Duration, cs.BytesScanned = 0, 0
	if cs != want {
		t.Fatalf("cold start %+v\nwant       %+v", cs, want)
	}
	mustSet(t, s, "x", "1")
	if e, _ := s.idx.get(digestOf([]byte("x"))); e.gen() != 10 {
		t.Fatalf("first write after cold start has generation %d, want 10", e.gen())
	}
	if s.nextEpoch < epochWindow {
		t.Fatalf("next epoch %d reuses the previous process's reserved window", s.nextEpoch)
	}
	if err := s.checkInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestColdStartTorn damages one record on the device: the cold start counts
// a torn block, keeps the records before the damage, serves nothing
// corrupt, and does not fail.
func TestColdStartTorn(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	o := small(fs)
	s := mustOpen(t, o)
	for i := 0; i < 10; i++ {
		mustSet(t, s, fmt.Sprintf("k%d", i), string(value(fmt.Sprint(i), 0, 500)))
	}
	e, _ := s.idx.get(digestOf([]byte("k5")))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := fs.OpenReadWrite(filepath.Join(o.Dir, DeviceFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xde, 0xad}, int64(e.block())*o.WriteBlock+int64(e.off()+recordHeaderSize+100)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s = mustOpen(t, o)
	defer s.Close()
	if cs := s.ColdStart(); cs.TornBlocks != 1 || cs.Records != 5 {
		t.Fatalf("cold start %+v; want 1 torn block and the 5 records before it", cs)
	}
	for i := 0; i < 10; i++ {
		k := fmt.Sprintf("k%d", i)
		got, ok, err := s.Get([]byte(k), nil)
		if err != nil || ok != (i < 5) {
			t.Fatalf("%s: %v, %v", k, ok, err)
		}
		if ok {
			if _, err := parseValue(fmt.Sprint(i), got); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestDeviceHeaderTorn: a device-header write torn by a crash leaves the
// other slot, and the store opens from it.
func TestDeviceHeaderTorn(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	o := small(fs)
	s := mustOpen(t, o) // slot 1, sequence 1
	mustSet(t, s, "a", "1")
	s.Close()
	s = mustOpen(t, o) // reserves epochs: slot 0, sequence 2
	seq := s.dev.hdr.seq
	s.Close()
	f, err := fs.OpenReadWrite(filepath.Join(o.Dir, DeviceFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{1, 2, 3}, int64(seq%2)*pageSize+40); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s = mustOpen(t, o)
	defer s.Close()
	wantGet(t, s, "a", "1", true)
	if s.dev.hdr.seq != seq {
		t.Fatalf("opened from slot sequence %d, want the older slot then a new write of %d", s.dev.hdr.seq-1, seq)
	}
}

// TestCreateCutShort: a device whose creation never became durable is
// created anew.
func TestCreateCutShort(t *testing.T) {
	fs := vfs.NewCrash(vfs.CrashOptions{})
	o := small(fs)
	if err := fs.MkdirAll(o.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := fs.Create(filepath.Join(o.Dir, DeviceFile))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(o.DeviceBytes)
	f.Close()
	s := mustOpen(t, o)
	defer s.Close()
	if s.ColdStart().Cold {
		t.Fatal("a blank device was cold-started instead of created")
	}
	mustSet(t, s, "a", "1")
	wantGet(t, s, "a", "1", true)
}
