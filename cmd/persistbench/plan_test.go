package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/reports"
)

// TestExamplePlans checks that every plan in examples/ parses and expands
// against the backends this binary registers.
func TestExamplePlans(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"ci-smoke.yaml": 24, "seed-comparison.yaml": 9, "recovery-sweep.yaml": 12, "managed-service.yaml": 6}
	seen := 0
	for _, f := range files {
		n, ok := want[filepath.Base(f)]
		if !ok {
			continue // another example, such as a workflow
		}
		seen++
		t.Run(filepath.Base(f), func(t *testing.T) {
			plan, err := bench.LoadPlan(f)
			if err != nil {
				t.Fatal(err)
			}
			cells, err := plan.Cells()
			if err != nil {
				t.Fatal(err)
			}
			if len(cells) != n {
				t.Errorf("%d cells, want %d", len(cells), n)
			}
		})
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d example plans", seen, len(want))
	}
}

func writePlan(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunPlanRefusals(t *testing.T) {
	good := writePlan(t, "profiles: [none]\nrecords: [1k]\nduration: 200ms\nwarmup: 0s\n")
	typo := writePlan(t, "profiles: [none]\nrecods: [1k]\n")
	unknown := writePlan(t, "profiles:\n  - none\n  - rdb-hourly\n")
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"typo", []string{"run", "--plan", typo}, typo + ":2: recods: unknown field"},
		{"unknown profile", []string{"run", "--plan", unknown}, unknown + `:3: profiles[1]: unknown profile "rdb-hourly"`},
		{"missing file", []string{"run", "--plan", filepath.Join(t.TempDir(), "none.yaml")}, "bench: plan: open"},
		{"matrix flag beside a plan", []string{"run", "--plan", good, "--profile", "rdb", "--duration", "1s"}, "drop --profile, --duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			if !strings.Contains(errOut, c.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantErr, errOut)
			}
		})
	}
}

func TestRunPlanDryRun(t *testing.T) {
	plan := writePlan(t, "profiles: [none, aof-always]\nrecords: [1k, 2k]\nrepeats: 2\nduration: 200ms\nseed: 7\nout: somewhere\n")
	code, out, errOut := runCLI(t, "run", "--plan", plan, "--dry-run", "--seed", "100")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"reference/none/mixed/1k/r1", "reference/aof-always/mixed/2k/r2", "8 cell(s); results would go to somewhere", " 107\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("dry run lacks %q:\n%s", w, out)
		}
	}
}

// TestRunPlan runs a tiny plan end to end: every cell lands in
// results.json under the plan's out (overridden by --out).
func TestRunPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference engine")
	}
	plan := writePlan(t, `profiles:
  - none
  - {name: aof-lazy, base: aof-always, fsync: everysec}
records: [1k]
repeats: 2
duration: 200ms
warmup: 0s
conns: 2
crash: {kind: power-loss}
seed: 3
`)
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, errOut := runCLI(t, "run", "--plan", plan, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, errOut)
	}
	if !strings.Contains(errOut, "[4/4] reference/aof-lazy/mixed/1k/r2") {
		t.Errorf("no progress line per cell:\n%s", errOut)
	}
	r, err := reports.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Cells) != 4 {
		t.Fatalf("%d cells, want 4", len(r.Cells))
	}
	lazy := r.Cells[1]
	if lazy.Profile != "aof-lazy" || lazy.Status != bench.StatusOK || lazy.Config["appendfsync"] != "everysec" {
		t.Errorf("custom profile cell: profile %s status %s (%s) appendfsync %q", lazy.Profile, lazy.Status, lazy.Error, lazy.Config["appendfsync"])
	}
	if lazy.Settings.Seed != 4 {
		t.Errorf("seed %d, want the plan's 3 + cell index 1", lazy.Settings.Seed)
	}
}
