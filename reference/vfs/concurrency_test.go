package vfs

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var (
	long     = flag.Bool("long", false, "write hundreds of MB through CrashFS")
	seedFlag = flag.Int64("seed", 0, "seed of the randomized tests (0: from the clock)")
)

// testSeed returns -seed or a fresh seed, and logs it so a failure replays.
func testSeed(t *testing.T) int64 {
	seed := *seedFlag
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (replay with -seed %d)", seed, seed)
	return seed
}

// patternByte is the content every test writer puts at offset off of file
// f, so that any reader can check any byte it reads.
func patternByte(f int, off int64) byte { return byte(int64(f)*31 + off*7 + off>>12) }

func pattern(f int, off int64, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = patternByte(f, off+int64(i))
	}
	return b
}

// writer appends pattern chunks to its file, syncing now and then, until it
// wrote total bytes or its handle dies. It records the size of its last
// successful sync.
type writer struct {
	id     int
	f      File
	synced atomic.Int64
	err    error
}

func (w *writer) run(rng *rand.Rand, total int64) {
	for off := int64(0); off < total; {
		n := min(int64(1+rng.IntN(64<<10)), total-off)
		if _, err := w.f.Write(pattern(w.id, off, int(n))); err != nil {
			w.err = err
			return
		}
		off += n
		if rng.IntN(8) == 0 {
			if err := w.f.Sync(); err != nil {
				w.err = err
				return
			}
			w.synced.Store(off)
		}
	}
}

// checkPrefix fails unless name holds a prefix of file f's pattern of at
// least min bytes, and returns its length.
func checkPrefix(t *testing.T, fs FS, name string, f int, atLeast int64) int64 {
	t.Helper()
	got, ok := content(t, fs, name)
	if !ok {
		t.Fatalf("%s is missing", name)
	}
	if int64(len(got)) < atLeast {
		t.Fatalf("%s holds %d bytes, want at least %d", name, len(got), atLeast)
	}
	if i := firstDiff([]byte(got), pattern(f, 0, len(got))); i < len(got) {
		t.Fatalf("%s: byte %d is wrong", name, i)
	}
	return int64(len(got))
}

// TestCrashConcurrentWritersAndReaders writes several files at once while
// other goroutines read them, list and take stats, then cuts the power in
// the middle of a second round. Run it with -race.
func TestCrashConcurrentWritersAndReaders(t *testing.T) {
	const files = 8
	perFile := int64(1 << 20)
	if *long {
		perFile = 48 << 20
	}
	seed := testSeed(t)

	fs := NewCrash(CrashOptions{Seed: seed, Writeback: -1})
	must(t, fs.MkdirAll("/w", 0o755))
	writers := make([]*writer, files)
	for i := range writers {
		f, err := fs.Create(fmt.Sprintf("/w/f%d", i))
		must(t, err)
		writers[i] = &writer{id: i, f: f}
	}
	must(t, fs.SyncDir("/w"))

	done := make(chan struct{})
	var readers sync.WaitGroup
	for r := range 4 {
		readers.Go(func() { readConcurrently(t, fs, writers, rand.New(rand.NewPCG(uint64(seed), uint64(r))), done) })
	}
	var wg sync.WaitGroup
	for i, w := range writers {
		wg.Go(func() { w.run(rand.New(rand.NewPCG(uint64(seed), uint64(100+i))), perFile) })
	}
	wg.Wait()
	close(done)
	readers.Wait()
	for i, w := range writers {
		if w.err != nil {
			t.Fatalf("writer %d: %v", i, w.err)
		}
		if n := checkPrefix(t, fs, w.f.Name(), i, perFile); n != perFile {
			t.Fatalf("%s holds %d bytes, want %d", w.f.Name(), n, perFile)
		}
	}

	// Second round: the power goes while the writers write.
	for i, w := range writers {
		f, err := fs.Create(w.f.Name())
		must(t, err)
		writers[i] = &writer{id: i, f: f}
	}
	for i, w := range writers {
		wg.Go(func() { w.run(rand.New(rand.NewPCG(uint64(seed), uint64(200+i))), perFile) })
	}
	time.Sleep(time.Duration(rand.New(rand.NewPCG(uint64(seed), 1)).IntN(20)) * time.Millisecond)
	fs.PowerCut()
	wg.Wait()
	for i, w := range writers {
		if w.err != nil && !errors.Is(w.err, ErrKilled) {
			t.Fatalf("writer %d: %v, want ErrKilled or nothing", i, w.err)
		}
		checkPrefix(t, fs, w.f.Name(), i, w.synced.Load())
	}
}

// readConcurrently reads random ranges of the writers' files until done,
// checking every byte against the pattern.
func readConcurrently(t *testing.T, fs *CrashFS, writers []*writer, rng *rand.Rand, done <-chan struct{}) {
	buf := make([]byte, 16<<10)
	for {
		select {
		case <-done:
			return
		default:
		}
		i := rng.IntN(len(writers))
		size, err := writers[i].f.Size()
		if err != nil || size == 0 {
			continue
		}
		off := rng.Int64N(size)
		n, _ := writers[i].f.ReadAt(buf, off)
		for j := range n {
			if buf[j] != patternByte(i, off+int64(j)) {
				t.Errorf("file %d: byte %d read %d, want %d", i, off+int64(j), buf[j], patternByte(i, off+int64(j)))
				return
			}
		}
		if rng.IntN(64) == 0 {
			fs.Stats()
			if _, err := fs.List("/w"); err != nil {
				t.Error(err)
				return
			}
		}
	}
}
