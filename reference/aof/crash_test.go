package aof

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// killFS cuts the power of a CrashFS at its cutAt-th operation (file and
// namespace operations alike) and makes every later operation of the dead
// process fail, so a rewrite caught half-way cannot touch the namespace the
// next process recovers from.
type killFS struct {
	crash *vfs.CrashFS
	cutAt int64
	ops   atomic.Int64
	mu    sync.RWMutex // held (read) across each operation; the cut takes it (write)
	dead  bool
	cutMu sync.Mutex
	cutT  time.Time
	clock func() time.Time
}

type killFile struct {
	vfs.File
	k *killFS
}

func (k *killFS) enter() error {
	if k.ops.Add(1) == k.cutAt {
		k.mu.Lock()
		if !k.dead {
			k.crash.PowerCut()
			k.dead = true
			k.cutMu.Lock()
			k.cutT = k.clock()
			k.cutMu.Unlock()
		}
		k.mu.Unlock()
		return vfs.ErrKilled
	}
	k.mu.RLock()
	if k.dead {
		k.mu.RUnlock()
		return vfs.ErrKilled
	}
	return nil
}

func (k *killFS) leave() { k.mu.RUnlock() }

func (k *killFS) isDead() bool {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.dead
}

func (k *killFS) file(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return killFile{File: f, k: k}, nil
}

func (k *killFS) Create(name string) (vfs.File, error) {
	if err := k.enter(); err != nil {
		return nil, err
	}
	defer k.leave()
	return k.file(k.crash.Create(name))
}

func (k *killFS) Open(name string) (vfs.File, error) {
	if err := k.enter(); err != nil {
		return nil, err
	}
	defer k.leave()
	return k.file(k.crash.Open(name))
}

func (k *killFS) OpenReadWrite(name string) (vfs.File, error) {
	if err := k.enter(); err != nil {
		return nil, err
	}
	defer k.leave()
	return k.file(k.crash.OpenReadWrite(name))
}

func (k *killFS) op(f func() error) error {
	if err := k.enter(); err != nil {
		return err
	}
	defer k.leave()
	return f()
}

func (k *killFS) Remove(name string) error { return k.op(func() error { return k.crash.Remove(name) }) }
func (k *killFS) Rename(a, b string) error { return k.op(func() error { return k.crash.Rename(a, b) }) }
func (k *killFS) SyncDir(dir string) error { return k.op(func() error { return k.crash.SyncDir(dir) }) }
func (k *killFS) MkdirAll(dir string, perm os.FileMode) error {
	return k.op(func() error { return k.crash.MkdirAll(dir, perm) })
}
func (k *killFS) List(dir string) (names []string, err error) {
	err = k.op(func() error { names, err = k.crash.List(dir); return err })
	return names, err
}
func (k *killFS) Stat(name string) (fi os.FileInfo, err error) {
	err = k.op(func() error { fi, err = k.crash.Stat(name); return err })
	return fi, err
}

func (f killFile) Sync() error { return f.k.op(f.File.Sync) }
func (f killFile) Truncate(n int64) error {
	return f.k.op(func() error { return f.File.Truncate(n) })
}
func (f killFile) Write(p []byte) (n int, err error) {
	err = f.k.op(func() error { n, err = f.File.Write(p); return err })
	return n, err
}
func (f killFile) WriteAt(p []byte, off int64) (n int, err error) {
	err = f.k.op(func() error { n, err = f.File.WriteAt(p, off); return err })
	return n, err
}

// crashCase is one seeded power cut.
type crashCase struct {
	seed   int64
	policy string
}

func (c crashCase) run(t *testing.T) (window time.Duration) {
	rng := rand.New(rand.NewPCG(uint64(c.seed), 7))
	clk := newFakeClock()
	keep := []float64{0, 0, 1, 0.5}[rng.IntN(4)]
	crash := vfs.NewCrash(vfs.CrashOptions{Seed: c.seed, KeepUnsynced: keep, TearWrites: rng.IntN(2) == 0, Clock: clk.Now})
	kfs := &killFS{crash: crash, cutAt: 20 + rng.Int64N(1500), clock: clk.Now}
	o := Options{FS: kfs, Dir: "/data", Fsync: c.policy, Clock: clk.Now, RDBBase: rng.IntN(2) == 0}
	a, err := Open(o)
	if err != nil && !kfs.isDead() {
		t.Fatalf("seed %d: Open: %v", c.seed, err)
	}
	m := newModel(a) // with a cut during Open: no writes, recovery is still checked
	m.clock = clk.Now
	if err == nil {
		c.load(rng, m, kfs, clk, o.RDBBase)
	}
	if !kfs.isDead() {
		kfs.mu.Lock()
		crash.PowerCut()
		kfs.dead = true
		kfs.cutT = clk.Now()
		kfs.mu.Unlock()
	}
	if a != nil {
		_ = a.Close() // the dead process's goroutines stop; its I/O fails
	}

	ro := Options{FS: crash, Dir: "/data", Fsync: c.policy, FixTail: true, Clock: clk.Now}
	got := state{}
	if _, err := Load(ro, fakeRDBDecode, got.apply); err != nil {
		t.Fatalf("seed %d (keep %.1f): Load after the cut: %v", c.seed, keep, err)
	}
	oldest, lost, bad := m.recovered(got)
	if !oldest.IsZero() {
		window = kfs.cutT.Sub(oldest)
	}
	switch {
	case bad != nil:
		t.Errorf("seed %d (keep %.1f): recovered a state no write made: %v", c.seed, keep, bad)
	case c.policy == FsyncAlways && lost != nil:
		t.Errorf("seed %d (keep %.1f): appendfsync always lost an acknowledged write: %v", c.seed, keep, lost)
	case c.policy == FsyncEverysec && window > 2*time.Second:
		t.Errorf("seed %d (keep %.1f): appendfsync everysec lost writes acknowledged %v before the cut (> 2 s): %v", c.seed, keep, window, lost)
	}
	// The recovered directory takes writes again and loads.
	a2, _, err := LoadAndOpen(ro, fakeRDBDecode, state{}.apply)
	if err != nil {
		t.Fatalf("seed %d: reopen after the cut: %v", c.seed, err)
	}
	put(t, a2, 0, false, "after", "crash")
	if err := a2.Close(); err != nil {
		t.Fatal(err)
	}
	again := state{}
	if _, err := Load(ro, fakeRDBDecode, again.apply); err != nil || again["after"] != "crash" {
		t.Fatalf("seed %d: load after reopen: %v", c.seed, err)
	}
	return window
}

// load runs the writers and, meanwhile, rewrites (some aborted) until the
// cut or the end of the writes.
func (c crashCase) load(rng *rand.Rand, m *model, kfs *killFS, clk *fakeClock, rdb bool) {
	writers := 4
	if c.policy == FsyncEverysec {
		writers = 1 // the fake clock moves with each write; one writer keeps it in step with the fsyncs
	}
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wseed := rng.Uint64()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(wseed, 8))
			for i := 0; i < 2000; i++ {
				if c.policy == FsyncEverysec {
					// A fast disk: the fake clock does not run while a
					// background fsync is in flight, so host scheduling
					// cannot stretch an fsync to seconds of fake time (the
					// slow-disk postponement is TestEverysecPostponement's).
					for m.aof.fsyncInFlight() {
						runtime.Gosched()
					}
					clk.Advance(time.Millisecond)
				}
				k := fmt.Sprintf("w%d", r.IntN(50))
				if m.write(r.IntN(6) == 0, k, fmt.Sprintf("%d-%d", wseed%1000, i)) != nil {
					return
				}
			}
		}()
	}
	for !kfs.isDead() && rng.IntN(4) != 0 {
		if m.rewrite(rdb, rng.IntN(4) == 0) != nil {
			break
		}
	}
	wg.Wait()
}

var crashSeed = flag.Int64("crash-seed", 0, "run TestCrashPowerCut for this one seed")

// TestCrashPowerCut cuts the power at a random operation (a write, an fsync, a
// step of a rewrite) under a seeded CrashFS: appendfsync always must lose
// nothing acknowledged, everysec only what was acknowledged in the last 2 s
// (with a fast disk, about 1 s: one fsync a second).
// A failure names its seed; replay it with -run TestCrashPowerCut
// -crash-seed N. PERSISTBENCH_CRASH_SEEDS=N (make crash) runs N seeds.
func TestCrashPowerCut(t *testing.T) {
	seeds := 200
	if *long {
		seeds = 2000
	}
	if n, err := strconv.Atoi(os.Getenv("PERSISTBENCH_CRASH_SEEDS")); err == nil && n > 0 {
		seeds = n
	}
	if testing.Short() {
		seeds = 20
	}
	base := time.Now().UnixNano()
	if *crashSeed != 0 {
		base, seeds = *crashSeed, 1
	}
	t.Logf("seeds %d..%d (replay one with -crash-seed N)", base, base+int64(seeds)-1)
	for _, policy := range []string{FsyncAlways, FsyncEverysec} {
		t.Run(policy, func(t *testing.T) {
			var worst time.Duration
			lossy := 0
			for i := 0; i < seeds; i++ {
				w := crashCase{seed: base + int64(i), policy: policy}.run(t)
				worst = max(worst, w)
				if w > 0 {
					lossy++
				}
				if t.Failed() {
					return
				}
			}
			t.Logf("%d power cuts, %d of which lost acknowledged writes; longest loss window %v", seeds, lossy, worst)
			// A crash test that cannot lose data proves nothing: everysec
			// must show losses somewhere.
			if policy == FsyncEverysec && seeds >= 100 && lossy == 0 {
				t.Error("no power cut lost an acknowledged everysec write: the cuts miss the unsynced window")
			}
		})
	}
}

func (a *AOF) fsyncInFlight() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.fsyncRunning
}
