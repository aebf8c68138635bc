package vfs

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkCrashSequentialWrite appends 4 KiB writes with a Sync every 64
// writes (256 KiB), as an engine's append-only file does, and reports MB/s
// (b.SetBytes). The file is replaced every 64 MiB so that memory stays
// bounded whatever b.N is.
func BenchmarkCrashSequentialWrite(b *testing.B) {
	for _, wb := range []struct {
		name string
		d    int64
	}{{"writeback=never", -1}, {"writeback=30s", 0}} {
		b.Run(wb.name, func(b *testing.B) {
			fs := NewCrash(CrashOptions{Writeback: time.Duration(wb.d)})
			must(b, fs.MkdirAll("/d", 0o755))
			buf := make([]byte, PageSize)
			const perFile = 64 << 20 / PageSize
			var f File
			b.SetBytes(PageSize)
			b.ResetTimer()
			for i := range b.N {
				if i%perFile == 0 {
					f = rotate(b, fs, f, i/perFile)
				}
				if _, err := f.Write(buf); err != nil {
					b.Fatal(err)
				}
				if i%64 == 63 {
					if err := f.Sync(); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		})
	}
}

// rotate closes and removes the previous file and creates the next one.
func rotate(b *testing.B, fs *CrashFS, prev File, n int) File {
	if prev != nil {
		must(b, prev.Close())
		must(b, fs.Remove(prev.Name()))
		must(b, fs.SyncDir("/d"))
	}
	f, err := fs.Create(fmt.Sprintf("/d/aof.%d", n))
	must(b, err)
	must(b, fs.SyncDir("/d"))
	return f
}

// BenchmarkCrashReadAt reads 4 KiB at random-looking offsets of a 64 MiB
// file, as a flash device's reader does, and reports MB/s.
func BenchmarkCrashReadAt(b *testing.B) {
	const size = 64 << 20
	fs := NewCrash(CrashOptions{})
	f, err := fs.Create("/dev")
	must(b, err)
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(buf)) {
		_, err := f.WriteAt(buf, off)
		must(b, err)
	}
	must(b, f.Sync())
	p := make([]byte, PageSize)
	b.SetBytes(PageSize)
	b.ResetTimer()
	for i := range b.N {
		off := int64(uint64(i)*2654435761) % (size - PageSize)
		if _, err := f.ReadAt(p, off); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCrashPowerCut measures one crash-test cycle on a synced 64 MiB
// file: reopen it, overwrite 8 MiB of it without syncing, cut the power
// (which drops those 8 MiB). It reports cycles/s.
func BenchmarkCrashPowerCut(b *testing.B) {
	const size, dirty = 64 << 20, 8 << 20
	fs := NewCrash(CrashOptions{Writeback: -1})
	f, err := fs.Create("/dev")
	must(b, err)
	buf := make([]byte, 1<<20)
	for off := int64(0); off < size; off += int64(len(buf)) {
		_, err := f.WriteAt(buf, off)
		must(b, err)
	}
	must(b, f.Sync())
	must(b, fs.SyncDir("/"))
	b.ResetTimer()
	for i := range b.N {
		f, err := fs.OpenReadWrite("/dev")
		must(b, err)
		for off := int64(i%8) * dirty; off < int64(i%8+1)*dirty; off += int64(len(buf)) {
			_, err := f.WriteAt(buf, off)
			must(b, err)
		}
		fs.PowerCut()
	}
	b.StopTimer()
	if got := fs.Stats().LastCut.BytesDropped; got != dirty {
		b.Fatalf("the cut dropped %d bytes, want %d", got, dirty)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cycles/s")
}
