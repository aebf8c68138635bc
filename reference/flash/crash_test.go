package flash

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// crashSeeds is the number of random crash runs per profile:
// PERSISTBENCH_CRASH_SEEDS, or 200.
func crashSeeds(t *testing.T) int {
	if v := os.Getenv("PERSISTBENCH_CRASH_SEEDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("PERSISTBENCH_CRASH_SEEDS=%q: want a positive integer", v)
		}
		return n
	}
	return 200
}

// TestCrash runs writers and deleters against a store on a CrashFS, crashes
// it (kill or power cut) at a random point, cold-starts, checks every key
// against a model, writes on, crashes again and checks again. Per seed the
// crash kind, the delete mode and the file system's fate of unsynced pages
// vary. flash-commit must lose no acknowledged write; flash may lose only
// writes acknowledged after the last flush frontier it reported; no corrupt
// value is ever served; deleted keys come back only with non-durable
// deletes. A failure names its seed: PERSISTBENCH_CRASH_SEEDS=1 and
// -run 'TestCrash/flash/seed=N' replay it (the schedule of goroutines still
// varies; the seed fixes every random choice).
func TestCrash(t *testing.T) {
	for _, commit := range []bool{false, true} {
		name := map[bool]string{false: "flash", true: "flash-commit"}[commit]
		t.Run(name, func(t *testing.T) {
			var total tally
			n := crashSeeds(t)
			for seed := 0; seed < n; seed++ {
				t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
					total.add(runCrash(t, uint64(seed), commit))
				})
			}
			t.Logf("%s over %d seeds: %+v", name, n, total)
			if total.resurrectedNonDurable == 0 {
				t.Error("no deleted key ever came back with non-durable deletes: the check proves nothing")
			}
			if !commit && total.lostInWindow == 0 {
				t.Error("flash never lost a write in its window: the crash proves nothing")
			}
			if total.defrags == 0 {
				t.Error("no defrag ran during the crash runs")
			}
		})
	}
}

// tally counts outcomes over seeds.
type tally struct {
	keys, acked           int
	lostInWindow          int // flash: acknowledged after the frontier and lost (allowed)
	resurrectedNonDurable int // deleted keys back with non-durable deletes (allowed)
	defrags, tornBlocks   int64
}

func (a *tally) add(b tally) {
	a.keys += b.keys
	a.acked += b.acked
	a.lostInWindow += b.lostInWindow
	a.resurrectedNonDurable += b.resurrectedNonDurable
	a.defrags += b.defrags
	a.tornBlocks += b.tornBlocks
}

// op is one operation in a key's history.
type op struct {
	del     bool
	version int // of a set
	acked   bool
	at      time.Time // acknowledgement
	// recovered marks the state a cold start found, which later crashes
	// must not go behind.
	recovered bool
}

// crashRun is one seed's world.
type crashRun struct {
	t       *testing.T
	seed    uint64
	rng     *rand.Rand
	commit  bool
	durable bool
	fs      *vfs.CrashFS
	opts    Options
	keys    []string
	hist    map[string][]op
	next    map[string]int // next version of a key

	frontierMu sync.Mutex
	frontier   time.Time // the latest flush frontier reported
}

func runCrash(t *testing.T, seed uint64, commit bool) tally {
	rng := rand.New(rand.NewPCG(seed, 0xc0ffee))
	r := &crashRun{t: t, seed: seed, rng: rng, commit: commit, durable: seed/2%2 == 1,
		hist: map[string][]op{}, next: map[string]int{}}
	r.fs = vfs.NewCrash(vfs.CrashOptions{Seed: int64(seed), KeepUnsynced: []float64{0, 0.5, 1}[rng.IntN(3)],
		TearWrites: true})
	r.opts = small(r.fs)
	r.opts.CommitToDevice, r.opts.DurableDelete = commit, r.durable
	r.opts.FlushMax = time.Duration(1+rng.IntN(4)) * time.Millisecond
	r.opts.PostWriteCache = []int64{0, 64 << 10}[rng.IntN(2)]
	r.opts.DefragLWMPct = 30 + rng.IntN(40)
	// A device little larger than the live data (~40 KB, which blocks
	// just above a 30 % low-water mark spread over ~9 blocks) makes freed
	// blocks come back into use at once: the case where freeing a block
	// before its moves are durable would lose data.
	r.opts.DeviceBytes = r.opts.WriteBlock * []int64{15, 18, 32}[rng.IntN(3)]
	r.opts.OnEvent = func(kind string, at time.Time, _ time.Duration, _ string) {
		if kind == "flush" {
			r.frontierMu.Lock()
			if at.After(r.frontier) {
				r.frontier = at
			}
			r.frontierMu.Unlock()
		}
	}
	for w := 0; w < 4; w++ {
		for k := 0; k < 12; k++ {
			r.keys = append(r.keys, fmt.Sprintf("w%dk%02d", w, k))
		}
	}
	var tl tally
	s := mustOpen(t, r.opts)
	for life := 0; life < 2; life++ {
		powerCut := rng.IntN(2) == 0
		r.frontier = time.Time{}
		r.live(s, 20+rng.IntN(300))
		s.Abandon()
		tl.defrags += s.st.defragBlocks.Load()
		if powerCut {
			r.fs.PowerCut()
		} else {
			r.fs.Kill()
		}
		var err error
		if s, err = Open(r.opts); err != nil {
			t.Fatalf("seed %d life %d (power cut %v): cold start: %v", seed, life, powerCut, err)
		}
		tl.tornBlocks += s.ColdStart().TornBlocks
		if err := s.checkInvariants(); err != nil {
			t.Fatalf("seed %d life %d: after cold start: %v", seed, life, err)
		}
		r.check(s, &tl, fmt.Sprintf("seed %d life %d power-cut=%v durable-delete=%v", seed, life, powerCut, r.durable))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("seed %d: Close: %v", seed, err)
	}
	tl.keys = len(r.keys)
	return tl
}

// live runs 4 writers, one per key group, and a reader, until about target
// operations were acknowledged; it returns with the writers stopped by the
// crash (Abandon), their last operations possibly unacknowledged.
func (r *crashRun) live(s *Store, target int) {
	var acked atomic.Int64
	var wg sync.WaitGroup
	var writers atomic.Int32
	writers.Store(4)
	var mu sync.Mutex // guards hist and next
	for w := 0; w < 4; w++ {
		wrng := rand.New(rand.NewPCG(r.rng.Uint64(), uint64(w)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer writers.Add(-1)
			for {
				k := r.keys[w*12+wrng.IntN(12)]
				mu.Lock()
				o := op{del: wrng.IntN(10) < 3, version: r.next[k]}
				if !o.del {
					r.next[k]++
				}
				i := len(r.hist[k])
				r.hist[k] = append(r.hist[k], o)
				mu.Unlock()
				var err error
				if o.del {
					_, err = s.Delete([]byte(k))
				} else {
					err = s.Set([]byte(k), value(k, o.version, 40+wrng.IntN(1500)))
				}
				at := time.Now()
				if err != nil {
					if !errors.Is(err, ErrClosed) {
						r.t.Errorf("seed %d: %s: %v\n%s", r.seed, k, err, s.debugState())
					}
					return
				}
				mu.Lock()
				r.hist[k][i].acked, r.hist[k][i].at = true, at
				mu.Unlock()
				acked.Add(1)
				if wrng.IntN(50) == 0 {
					time.Sleep(time.Duration(wrng.IntN(2000)) * time.Microsecond) // let flush-max fire
				}
			}
		}()
	}
	stopReader := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		rrng := rand.New(rand.NewPCG(r.rng.Uint64(), 99))
		var buf []byte
		for {
			select {
			case <-stopReader:
				return
			default:
			}
			k := r.keys[rrng.IntN(len(r.keys))]
			v, ok, err := s.Get([]byte(k), buf)
			if err != nil {
				return // the crash
			}
			if ok {
				if _, perr := parseValue(k, v); perr != nil {
					r.t.Errorf("seed %d: live read served a corrupt value: %v", r.seed, perr)
				}
			}
			buf = v
		}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for acked.Load() < int64(target) && writers.Load() == 4 {
		time.Sleep(100 * time.Microsecond)
		if time.Now().After(deadline) {
			r.t.Fatalf("seed %d: stuck: %s", r.seed, s.debugState())
		}
	}
	s.Abandon()
	close(stopReader)
	wg.Wait()
}
