package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/reports"
)

// writeResults writes a results file with one cell per throughput given
// (the repeats of reference/<profile>/mixed 10k).
func writeResults(t *testing.T, name, profile string, tputs ...float64) string {
	t.Helper()
	r := &bench.Results{Schema: bench.Schema, Tool: bench.Tool{Name: "persistbench", Version: "test"}}
	for i, tp := range tputs {
		r.Cells = append(r.Cells, bench.Cell{
			Backend: "reference", Profile: profile, Workload: "mixed", Records: 10_000, Repeat: i + 1,
			Status: bench.StatusOK, ThroughputOps: tp, Ops: int64(tp),
			Recovery: &bench.Recovery{Crash: "power-loss", RecoveryMS: 10},
		})
	}
	path := filepath.Join(t.TempDir(), name)
	if err := reports.WriteFile(path, r); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCLI runs the command line as main does and returns the exit code.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func TestCompareExitCodes(t *testing.T) {
	base := writeResults(t, "base.json", "aof-always", 1000, 1010, 990, 1005, 995)
	same := writeResults(t, "same.json", "aof-always", 1002, 998, 1007, 993, 1001)
	slow := writeResults(t, "slow.json", "aof-always", 500, 505, 495, 502, 498)
	other := writeResults(t, "other.json", "rdb", 1000, 1000, 1000, 1000)
	foreign := filepath.Join(t.TempDir(), "foreign.json")
	if err := os.WriteFile(foreign, []byte(`{"schema": "benchstat/v9", "results": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"no regression", []string{"compare", base, same}, 0, "verdict: no regression", ""},
		{"regression", []string{"compare", base, slow}, 1, "verdict: 1 REGRESSION", ""},
		{"regression within a wide threshold", []string{"compare", base, slow, "--threshold", "60%"}, 0, "within ±60%", ""},
		{"per-metric threshold", []string{"compare", base, slow, "--threshold", "60%", "--threshold", "throughput=10%"}, 1, "REGRESSION", ""},
		{"markdown", []string{"compare", base, slow, "--format", "md"}, 1, "### persistbench compare: 1 REGRESSION", ""},
		{"unreadable file", []string{"compare", base, filepath.Join(t.TempDir(), "missing.json")}, 2, "", "compare: new: reports: read results"},
		{"different schema", []string{"compare", foreign, base}, 2, "", `schema "benchstat/v9" is not persistbench/v1`},
		{"nothing in common", []string{"compare", base, other}, 2, "", "no cell in common"},
		{"bad threshold", []string{"compare", base, same, "--threshold", "p98=5%"}, 2, "", `unknown metric "p98"`},
		{"bad format", []string{"compare", base, same, "--format", "pdf"}, 2, "", `--format "pdf"`},
		{"one file", []string{"compare", base}, 2, "", "want two results files"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errOut)
			}
			if c.wantOut != "" && !strings.Contains(out, c.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", c.wantOut, out)
			}
			if c.wantErr != "" && !strings.Contains(errOut, c.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", c.wantErr, errOut)
			}
		})
	}
}
