package fsyncprobe

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		writers, records, size int
	}{
		{"one writer", 1, 20, 4096},
		{"many writers", 16, 200, 4096},
		{"more writers than records", 8, 3, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			res, err := Run(dir, tc.writers, tc.records, tc.size)
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != tc.records {
				t.Errorf("Records = %d, want %d", res.Records, tc.records)
			}
			if res.Fsyncs < 1 || res.Fsyncs > int64(tc.records) {
				t.Errorf("Fsyncs = %d, want 1 to %d", res.Fsyncs, tc.records)
			}
			if tc.writers == 1 && res.Fsyncs != int64(tc.records) {
				t.Errorf("one writer: Fsyncs = %d, want one a record (%d)", res.Fsyncs, tc.records)
			}
			if got := res.RecordsPerFsync(); got < 1 {
				t.Errorf("RecordsPerFsync = %v, want >= 1", got)
			}
			if res.AcksPerSec() <= 0 {
				t.Errorf("AcksPerSec = %v, want > 0", res.AcksPerSec())
			}
			fi, err := os.Stat(filepath.Join(dir, FileName))
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(tc.records * tc.size); fi.Size() != want {
				t.Errorf("file holds %d bytes, want every record: %d", fi.Size(), want)
			}
		})
	}
}

func TestProbeRoundsAppend(t *testing.T) {
	dir := t.TempDir()
	p, err := Open(dir, 512)
	if err != nil {
		t.Fatal(err)
	}
	var fsyncs int64
	for range 3 {
		res, err := p.Run(4, 50)
		if err != nil {
			t.Fatal(err)
		}
		fsyncs += res.Fsyncs
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if fsyncs < 3 || fsyncs > 150 {
		t.Errorf("fsyncs over 3 rounds = %d, want 3 to 150", fsyncs)
	}
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != 150*512 {
		t.Errorf("file holds %d bytes after 3 rounds, want %d", fi.Size(), 150*512)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.TempDir(), 0); err == nil {
		t.Error("Open with record size 0: no error")
	}
	if _, err := Run(filepath.Join(t.TempDir(), "missing"), 1, 1, 1); err == nil {
		t.Error("Run in a missing directory: no error")
	}
}

func TestWriters(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	_, err := Writers(5, 100, func(w, i int) error {
		if w < 0 || w >= 5 {
			t.Errorf("writer number %d out of 0..4", w)
		}
		mu.Lock()
		seen[i]++
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 100; i++ {
		if seen[i] != 1 {
			t.Errorf("index %d written %d times, want once", i, seen[i])
		}
	}
	if len(seen) != 100 {
		t.Errorf("%d indexes written, want 100", len(seen))
	}

	boom := errors.New("boom")
	_, err = Writers(4, 1000, func(_, i int) error {
		if i == 10 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("Writers error = %v, want %v", err, boom)
	}
}
