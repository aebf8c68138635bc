package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

var planBackendsOnce sync.Once

// registerPlanBackends registers two backends for the plan tests:
// plan-mem offers none, rdb and the AOF profiles and can be killed;
// plan-tiny offers none only and cannot crash.
func registerPlanBackends() {
	planBackendsOnce.Do(func() {
		open := func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) { return newMemDriver(), nil }
		drivers.Register(drivers.Backend{Name: "plan-mem", Open: open,
			Profiles: []string{"none", "rdb", "aof-always", "aof-everysec"},
			Crashes:  []drivers.CrashKind{drivers.CrashKill}})
		drivers.Register(drivers.Backend{Name: "plan-tiny", Open: open, Profiles: []string{"none"}})
	})
}

func TestParsePlanFull(t *testing.T) {
	registerPlanBackends()
	plan, err := LoadPlan(filepath.Join("testdata", "plan", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if plan.Name != "full" || plan.Out != "results/runs/full" || plan.Seed != 40 || plan.Repeats != 3 {
		t.Errorf("name %q out %q seed %d repeats %d", plan.Name, plan.Out, plan.Seed, plan.Repeats)
	}
	var names []string
	for _, p := range plan.Profiles {
		names = append(names, p.Name)
	}
	if want := []string{"none", "aof-always", "aof-fast", "rdb-1h"}; !slices.Equal(names, want) {
		t.Errorf("profiles %v, want %v", names, want)
	}
	fast, rdb1h := plan.Profiles[2], plan.Profiles[3]
	// Overrides replace what they name and keep the rest of the base.
	if !fast.Custom || fast.Base != "aof-always" || !fast.AOF || fast.Fsync != drivers.FsyncEverysec ||
		fast.RewriteMinBytes != 1<<20 || fast.RewritePercent != drivers.DefaultRewritePercent {
		t.Errorf("aof-fast = %+v", fast)
	}
	if want := []drivers.SavePoint{{Seconds: 3600, Changes: 1}}; !slices.Equal(rdb1h.Save, want) || !rdb1h.RDBCompression {
		t.Errorf("rdb-1h save %v rdbcompression %v, want %v and the base's true", rdb1h.Save, rdb1h.RDBCompression, want)
	}
	if base, _ := drivers.LookupProfile("rdb"); !slices.Equal(base.Save, drivers.DefaultSave) {
		t.Errorf("the built-in rdb was modified: %v", base.Save)
	}
	if len(plan.Workloads) != 2 || plan.Workloads[1].Name != "tiny" {
		t.Fatalf("workloads %v", plan.Workloads)
	}
	for _, w := range plan.Workloads {
		ph := w.Phases
		if ph.Duration != 300*time.Millisecond || ph.Warmup != 100*time.Millisecond || ph.Conns != 4 || ph.Pipeline != 2 || ph.Rate != 5000 {
			t.Errorf("workload %s phases %+v: the plan's keys were not applied", w.Name, ph)
		}
		if w.Value.Size.String() != "256 B" && w.Value.Size.Min != 256 {
			t.Errorf("workload %s value size %v, want 256", w.Name, w.Value.Size)
		}
	}
	if plan.Crash["plan-mem"] != drivers.CrashKill || plan.CrashAt != "200ms" {
		t.Errorf("crash %v at %q", plan.Crash, plan.CrashAt)
	}
}

func TestPlanCellsOrder(t *testing.T) {
	registerPlanBackends()
	plan, err := LoadPlan(filepath.Join("testdata", "plan", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := plan.Cells()
	if err != nil {
		t.Fatal(err)
	}
	// 3 repeats × 1 backend × 2 workloads × 2 sizes × 4 profiles.
	if len(cells) != 48 {
		t.Fatalf("%d cells, want 48", len(cells))
	}
	want := []string{
		"plan-mem/none/ycsb-a/1k/r1", "plan-mem/aof-always/ycsb-a/1k/r1", "plan-mem/aof-fast/ycsb-a/1k/r1", "plan-mem/rdb-1h/ycsb-a/1k/r1",
		"plan-mem/none/ycsb-a/2k/r1",
	}
	for i, w := range want {
		if got := cells[i].Name(); got != w {
			t.Errorf("cell %d = %s, want %s", i, got, w)
		}
	}
	if got := cells[8].Name(); got != "plan-mem/none/tiny/1k/r1" {
		t.Errorf("cell 8 = %s, want the second workload after every size of the first", got)
	}
	if got := cells[16].Name(); got != "plan-mem/none/ycsb-a/1k/r2" {
		t.Errorf("cell 16 = %s, want repeat 2 to start after the whole first round", got)
	}
	for i, c := range cells {
		if c.Seed != 40+int64(i) {
			t.Errorf("cell %d seed %d, want %d", i, c.Seed, 40+i)
		}
		if c.Workload.Records != c.Records {
			t.Errorf("cell %s: workload records %d, cell %d", c.Name(), c.Workload.Records, c.Records)
		}
		if c.Crash != drivers.CrashKill || c.CrashAt != "200ms" || c.Duration != 300*time.Millisecond {
			t.Errorf("cell %s: crash %s at %s, duration %s", c.Name(), c.Crash, c.CrashAt, c.Duration)
		}
	}
	// Each cell owns its workload copy: sizes must not leak across cells.
	if cells[0].Workload == cells[4].Workload {
		t.Error("cells share one workload spec")
	}
}

func TestParsePlanDefaults(t *testing.T) {
	registerPlanBackends()
	plan, err := ParsePlan("p.yaml", []byte("backends: plan-tiny\n"))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := plan.Cells()
	if err != nil {
		t.Fatal(err)
	}
	// plan-tiny offers one profile, the default workload, its own size.
	if len(cells) != 1 || cells[0].Name() != "plan-tiny/none/mixed/100k/r1" || cells[0].Crash != drivers.CrashNone {
		t.Errorf("cells %v", cellNames(cells))
	}
	if plan.Name != "p" {
		t.Errorf("name %q, want the file's base name", plan.Name)
	}
}

func cellNames(cells []CellSpec) []string {
	var out []string
	for _, c := range cells {
		out = append(out, c.Name())
	}
	return out
}

// TestParsePlanErrors checks that each fault names file, line and field.
func TestParsePlanErrors(t *testing.T) {
	registerPlanBackends()
	cases := []struct {
		name, yaml string
		want       []string // each must appear in the error
	}{
		{"typo at top level", "backends: [plan-mem]\nprofile: [none]\n",
			[]string{"plan.yaml:2: profile: unknown field (want one of name, description, backends, profiles"}},
		{"typo in crash", "backends: [plan-mem]\nprofiles: [none]\ncrash:\n  knd: kill\n",
			[]string{"plan.yaml:4: crash.knd: unknown field (want one of kind, at)"}},
		{"wrong type", "backends: [plan-mem]\nprofiles: [none]\nrepeats: many\n",
			[]string{`plan.yaml:3: repeats: want an integer, got the string "many"`}},
		{"wrong type of section", "profiles:\n  none: true\n",
			[]string{"plan.yaml:2: profiles: want a list, got a mapping"}},
		{"duration as a number", "profiles: [none]\nduration: 5\n",
			[]string{"plan.yaml:2: duration: want a duration (like 5s or 1m30s), got the number 5"}},
		{"unknown profile", "backends: [plan-mem]\nprofiles:\n  - none\n  - aof-sometimes\n",
			[]string{`plan.yaml:4: profiles[1]: unknown profile "aof-sometimes"`}},
		{"unknown backend", "backends: [plan-mem, mongo]\nprofiles: [none]\n",
			[]string{`plan.yaml:1: backends[1]: unknown backend "mongo"`}},
		{"unknown workload", "profiles: [none]\nworkloads:\n  - ycsb-a\n  - ycsb-z\n",
			[]string{`plan.yaml:4: workloads[1]: unknown preset "ycsb-z"`}},
		{"missing workload file", "profiles: [none]\nworkloads: [nope.yaml]\n",
			[]string{"plan.yaml:2: workloads[0]: ", "nope.yaml"}},
		{"profile not offered", "backends: [plan-mem, plan-tiny]\nprofiles: [none, rdb]\n",
			[]string{"plan.yaml:2: profiles[1]: backend plan-tiny does not offer profile rdb"}},
		{"custom: typo in override", "backends: [plan-mem]\nprofiles:\n  - name: rdb-1h\n    base: rdb\n    sav: []\n",
			[]string{"plan.yaml:5: profiles[0].sav: unknown field (want one of name, base, description, expect, save, aof, fsync"}},
		{"custom: wrong nested type", "backends: [plan-mem]\nprofiles:\n  - name: rdb-1h\n    base: rdb\n    save:\n      - {seconds: hourly, changes: 1}\n",
			[]string{`plan.yaml:6: profiles[0].save[0].seconds: want an integer, got the string "hourly"`}},
		{"custom: fails Validate", "backends: [plan-mem]\nprofiles:\n  - name: aof-odd\n    base: aof-always\n    fsync: sometimes\n",
			[]string{`plan.yaml:3: profiles[0]: profile aof-odd: fsync "sometimes": want always, everysec or no`}},
		{"custom: save points out of range", "backends: [plan-mem]\nprofiles:\n  - {name: rdb-0, base: rdb, save: [{seconds: 0, changes: 1}]}\n",
			[]string{"plan.yaml:3: profiles[0]: profile rdb-0: save[0]: seconds and changes must be > 0"}},
		{"custom: unknown base", "backends: [plan-mem]\nprofiles:\n  - {name: x1, base: rbd}\n",
			[]string{`plan.yaml:3: profiles[0].base: unknown profile "rbd"`}},
		{"custom: base not offered", "backends: [plan-tiny]\nprofiles:\n  - {name: rdb-1h, base: rdb}\n",
			[]string{"plan.yaml:3: profiles[0]: backend plan-tiny does not offer profile rdb-1h (through its base rdb)"}},
		{"custom: built-in name", "backends: [plan-mem]\nprofiles:\n  - {name: rdb, base: rdb}\n",
			[]string{`plan.yaml:3: profiles[0].name: "rdb" is a built-in profile`}},
		{"custom: no base", "backends: [plan-mem]\nprofiles:\n  - {name: mine}\n",
			[]string{"plan.yaml:3: profiles[0].base: missing"}},
		{"crash kind unsupported", "backends: [plan-mem]\nprofiles: [none]\ncrash: power-loss\n",
			[]string{"plan.yaml:3: crash.kind: backend plan-mem cannot simulate a power-loss crash"}},
		{"crash kind unknown", "backends: [plan-mem]\nprofiles: [none]\ncrash: {kind: meteor}\n",
			[]string{`plan.yaml:3: crash.kind: "meteor": want none, kill or power-loss`}},
		{"crash.at outside the run", "backends: [plan-mem]\nprofiles: [none]\nduration: 1s\nwarmup: 0s\ncrash: {kind: kill, at: 5s}\n",
			[]string{"plan.yaml:5: crash.at: 5s must fall within the run of workload mixed"}},
		{"records zero", "backends: [plan-mem]\nprofiles: [none]\nrecords: [10k, 0]\n",
			[]string{"plan.yaml:3: records[1]: must be > 0"}},
		{"records not a count", "backends: [plan-mem]\nprofiles: [none]\nrecords: [lots]\n",
			[]string{`plan.yaml:3: records[0]: "lots" is not a count`}},
		{"syntax error", "backends: [plan-mem\nprofiles: [none]\n",
			[]string{"plan.yaml:2: did not find expected ',' or ']'"}},
		{"two documents", "profiles: [none]\n---\nprofiles: [rdb]\n",
			[]string{"plan.yaml:2: more than one YAML document"}},
		{"empty", "# nothing\n", []string{"plan.yaml: empty plan"}},
		{"not a mapping", "- none\n", []string{"plan.yaml:1: want a mapping"}},
		{"every fault at once, in line order", "backends: [plan-mem]\nrepeats: 0\nprofiles: [nein]\n",
			[]string{"plan.yaml:2: repeats: must be at least 1 (got 0)\nplan.yaml:3: profiles[0]: unknown profile"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePlan("plan.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("no error for\n%s", c.yaml)
			}
			var pe *PlanError
			if !errors.As(err, &pe) {
				t.Errorf("error %T is not a *PlanError: %v", err, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestPlanErrorFormat(t *testing.T) {
	cases := []struct {
		e    PlanError
		want string
	}{
		{PlanError{File: "p.yaml", Line: 3, Field: "repeats", Msg: "bad"}, "p.yaml:3: repeats: bad"},
		{PlanError{File: "p.yaml", Msg: "empty plan"}, "p.yaml: empty plan"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.e, got, c.want)
		}
	}
}

func FuzzParsePlan(f *testing.F) {
	registerPlanBackends()
	for _, name := range []string{"full.yaml"} {
		data, err := readTestdata(filepath.Join("testdata", "plan", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("profiles: [{name: a, base: rdb, flash: {write-block-size: 1m}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		plan, err := ParsePlan("fuzz.yaml", data)
		if err != nil {
			var pe *PlanError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *PlanError: %v", err, err)
			}
			return
		}
		if plan.Repeats < 1 || len(plan.Profiles) == 0 {
			t.Fatalf("accepted a plan with %d repeats and %d profiles", plan.Repeats, len(plan.Profiles))
		}
		if n := len(plan.Backends) * len(plan.Workloads) * max(1, len(plan.Records)) * len(plan.Profiles) * plan.Repeats; n > 10000 {
			return // too many cells to expand cheaply
		}
		if _, err := plan.Cells(); err != nil && !strings.Contains(err.Error(), "plan fuzz.yaml") {
			t.Fatalf("Cells error does not name the plan: %v", err)
		}
	})
}

func readTestdata(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// BenchmarkParsePlan parses and expands the full test plan.
func BenchmarkParsePlan(b *testing.B) {
	registerPlanBackends()
	data, err := os.ReadFile(filepath.Join("testdata", "plan", "full.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		plan, err := ParsePlan(filepath.Join("testdata", "plan", "full.yaml"), data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := plan.Cells(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/plan")
}
