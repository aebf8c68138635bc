package aof

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

func TestShouldRewrite(t *testing.T) {
	const mb = 1 << 20
	tests := []struct {
		size, base int64
		pct        int
		min        int64
		want       bool
	}{
		{128 * mb, 64 * mb, 100, 64 * mb, true},  // doubled
		{127 * mb, 64 * mb, 100, 64 * mb, false}, // not yet doubled
		{64 * mb, 0, 100, 64 * mb, false},        // not over the minimum
		{64*mb + 1, 0, 100, 64 * mb, true},       // no base: any growth counts
		{300 * mb, 100 * mb, 200, 1, true},       // tripled at 200 %
		{299 * mb, 100 * mb, 200, 1, false},      // just under
		{1 << 40, 1, 0, 0, false},                // percentage 0 disables
	}
	for _, tt := range tests {
		if got := ShouldRewrite(tt.size, tt.base, tt.pct, tt.min); got != tt.want {
			t.Errorf("ShouldRewrite(%d, %d, %d, %d) = %v, want %v", tt.size, tt.base, tt.pct, tt.min, got, tt.want)
		}
	}
}

func readDir(t *testing.T, o Options) (names []string, manifest string) {
	t.Helper()
	ad := filepath.Join(o.Dir, "appendonlydir")
	names, err := vfs.Default.List(ad)
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(ad, "appendonly.aof.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	return names, string(m)
}

// TestRewriteLayout checks each step's files and manifest against Redis's.
func TestRewriteLayout(t *testing.T) {
	var events []string
	o := Options{Dir: t.TempDir(), Fsync: FsyncAlways, OnEvent: func(kind string, _ time.Time, _ time.Duration, detail string) {
		events = append(events, kind+" "+detail)
	}}
	a := mustOpen(t, o)
	m := newModel(a)
	for i := 0; i < 10; i++ {
		if err := m.write(false, fmt.Sprint("k", i), "v"); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.BeginRewrite(1); err != nil {
		t.Fatal(err)
	}
	_, man := readDir(t, o)
	if want := "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; man != want {
		t.Errorf("manifest after BeginRewrite = %q, want %q", man, want)
	}
	m.epoch.Store(1)
	if err := a.FinishRewrite(func(w io.Writer) error { return fakeRDBEncode(w, m.snapshot(1)) }); err != nil {
		t.Fatal(err)
	}
	names, man := readDir(t, o)
	if want := "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; man != want {
		t.Errorf("manifest after FinishRewrite = %q, want %q", man, want)
	}
	if want := "[appendonly.aof.2.base.aof appendonly.aof.2.incr.aof appendonly.aof.manifest]"; fmt.Sprint(names) != want {
		t.Errorf("files = %v, want %s", names, want)
	}
	if fmt.Sprint(events) != "[rewrite appendonly.aof.2.base.aof]" {
		t.Errorf("events = %v", events)
	}
	st := a.Stats()
	if st.Rewrites != 1 || a.BaseSize() != a.Size() || st.BaseBytes == 0 {
		t.Errorf("after rewrite: stats %+v, size %d, base size %d", st, a.Size(), a.BaseSize())
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, m.final()); d != "" {
		t.Error(d)
	}
}

func TestRDBBaseName(t *testing.T) {
	o := Options{Dir: t.TempDir(), Fsync: FsyncNo, RDBBase: true}
	a := mustOpen(t, o)
	m := newModel(a)
	if err := m.write(false, "a", "1"); err != nil {
		t.Fatal(err)
	}
	if err := m.rewrite(true, false); err != nil {
		t.Fatal(err)
	}
	if err := m.write(false, "b", "2"); err != nil {
		t.Fatal(err)
	}
	a.Close()
	_, man := readDir(t, o)
	if want := "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; man != want {
		t.Errorf("manifest = %q, want %q", man, want)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, state{"a": "1", "b": "2"}); d != "" {
		t.Error(d)
	}
	if _, err := Load(o, nil, state{}.apply); err == nil {
		t.Error("Load of an RDB base without a decoder succeeded")
	}
}

// TestRewriteConcurrent runs writers over a small key space while
// rewrites (some aborted) route records by epoch; the loaded state must
// equal every acknowledged write, for every policy and base kind.
func TestRewriteConcurrent(t *testing.T) {
	for _, policy := range []string{FsyncAlways, FsyncEverysec, FsyncNo} {
		for _, rdb := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/rdb=%v", policy, rdb), func(t *testing.T) {
				seed := time.Now().UnixNano()
				t.Logf("seed %d", seed)
				rng := rand.New(rand.NewPCG(uint64(seed), 1))
				o := Options{Dir: t.TempDir(), Fsync: policy, RDBBase: rdb}
				a := mustOpen(t, o)
				m := newModel(a)
				// Bounded so a slow shared disk (fdatasync p99 of ms) keeps
				// the test short; -long writes more.
				maxWrites := 300
				if policy != FsyncAlways {
					maxWrites = 3000
				}
				if *long {
					maxWrites *= 20
				}
				stop := make(chan struct{})
				var wg sync.WaitGroup
				errs := make(chan error, 8)
				for w := 0; w < 8; w++ {
					wseed := rng.Uint64()
					wg.Add(1)
					go func() {
						defer wg.Done()
						r := rand.New(rand.NewPCG(wseed, 2))
						for i := 0; i < maxWrites; i++ {
							select {
							case <-stop:
								return
							default:
							}
							k := fmt.Sprint("key", r.IntN(200))
							if err := m.write(r.IntN(5) == 0, k, fmt.Sprint(i, "-", r.Uint32())); err != nil {
								errs <- err
								return
							}
						}
					}()
				}
				for i := 0; i < 5; i++ {
					time.Sleep(5 * time.Millisecond)
					if err := m.rewrite(rdb, rng.IntN(3) == 0); err != nil {
						t.Error(err)
					}
				}
				close(stop)
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
				if err := a.Close(); err != nil {
					t.Fatal(err)
				}
				got, ls := loadState(t, o)
				if d := diffState(got, m.final()); d != "" {
					t.Errorf("loaded state != acknowledged writes: %s", d)
				}
				names, man := readDir(t, o)
				parsed, err := ParseManifest([]byte(man))
				if err != nil {
					t.Fatal(err)
				}
				if len(names) != 2+len(parsed.Incrs) || len(parsed.History) != 0 {
					t.Errorf("files %v for manifest %q", names, man)
				}
				t.Logf("%d records loaded from %d files; stats %+v", ls.Records, ls.Files, a.Stats())
			})
		}
	}
}

func TestBeginRewriteEpochOrder(t *testing.T) {
	o := Options{Dir: t.TempDir(), Fsync: FsyncAlways}
	a := mustOpen(t, o)
	put(t, a, 5, false, "k", "v")
	if err := a.BeginRewrite(5); !errors.Is(err, ErrEpochOrder) {
		t.Fatalf("BeginRewrite(5) after an epoch-5 record = %v, want ErrEpochOrder", err)
	}
	put(t, a, 5, false, "k2", "v2")
	if err := a.FinishRewrite(func(io.Writer) error { return nil }); !errors.Is(err, ErrNoRewrite) {
		t.Errorf("FinishRewrite after a refused rewrite = %v, want ErrNoRewrite", err)
	}
	if err := a.BeginRewrite(6); err != nil {
		t.Fatal(err)
	}
	if err := a.BeginRewrite(7); !errors.Is(err, ErrRewriting) {
		t.Errorf("second BeginRewrite = %v, want ErrRewriting", err)
	}
	a.Close()
	got, _ := loadState(t, o)
	if d := diffState(got, state{"k": "v", "k2": "v2"}); d != "" {
		t.Error(d)
	}
}

func TestFinishRewriteBaseError(t *testing.T) {
	o := Options{Dir: t.TempDir(), Fsync: FsyncEverysec}
	a := mustOpen(t, o)
	m := newModel(a)
	m.write(false, "a", "1")
	if err := a.BeginRewrite(1); err != nil {
		t.Fatal(err)
	}
	m.epoch.Store(1)
	m.write(false, "b", "2")
	boom := errors.New("snapshot failed")
	if err := a.FinishRewrite(func(w io.Writer) error { w.Write([]byte("*1\r\n")); return boom }); !errors.Is(err, boom) {
		t.Fatalf("FinishRewrite = %v, want %v", err, boom)
	}
	if err := a.AbortRewrite(); err != nil {
		t.Fatal(err)
	}
	m.write(false, "c", "3")
	a.Close()
	names, man := readDir(t, o)
	if want := "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; man != want {
		t.Errorf("manifest = %q, want %q", man, want)
	}
	if len(names) != 4 {
		t.Errorf("files = %v: the temp base was not removed", names)
	}
	if st := a.Stats(); st.RewritesFailed != 1 {
		t.Errorf("RewritesFailed = %d", st.RewritesFailed)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, m.final()); d != "" {
		t.Error(d)
	}
}

// TestOpenFinishesInterruptedCleanup: a crash after the manifest switch
// but before the history files were removed leaves "type h" lines; Open
// removes those files and rewrites the manifest, as Redis does.
func TestOpenFinishesInterruptedCleanup(t *testing.T) {
	o := Options{Dir: t.TempDir()}
	ad := filepath.Join(o.Dir, "appendonlydir")
	os.MkdirAll(ad, 0o755)
	files := map[string]string{
		"appendonly.aof.2.base.aof": string(AppendSet(AppendSelect(nil, 0), []byte("a"), []byte("1"))),
		"appendonly.aof.1.base.aof": "stale",
		"appendonly.aof.1.incr.aof": "stale",
		"appendonly.aof.2.incr.aof": string(AppendSet(AppendSelect(nil, 0), []byte("b"), []byte("2"))),
		"temp-rewriteaof-3.aof":     "junk",
		"appendonly.aof.manifest": "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.1.base.aof seq 1 type h\n" +
			"file appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
	}
	for n, c := range files {
		os.WriteFile(filepath.Join(ad, n), []byte(c), 0o644)
	}
	a, _, err := LoadAndOpen(o, nil, state{}.apply)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	names, man := readDir(t, o)
	if want := "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n"; man != want {
		t.Errorf("manifest = %q, want %q", man, want)
	}
	if fmt.Sprint(names) != "[appendonly.aof.2.base.aof appendonly.aof.2.incr.aof appendonly.aof.manifest]" {
		t.Errorf("files = %v", names)
	}
	got, _ := loadState(t, o)
	if d := diffState(got, state{"a": "1", "b": "2"}); d != "" {
		t.Error(d)
	}
}
