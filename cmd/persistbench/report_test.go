package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportCLI runs a command line as main does and returns the exit code.
func reportCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return exitCode(err, &errb), out.String(), errb.String()
}

func TestReportCommand(t *testing.T) {
	results := filepath.Join("..", "..", "reports", "testdata", "sweep", "results.json")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{\n  \"schema\": \"persistbench/v1\",\n  \"results\": [1]\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	htmlOut := filepath.Join(dir, "report.html")
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{"text by default", []string{"report", results}, 0, "┌", ""},
		{"markdown", []string{"report", results, "--format", "md"}, 0, "## Verdict", ""},
		{"own prices", []string{"report", results, "--format", "md", "--price", "dram=2,disk=0.5"}, 0, "DRAM at $2.00 and disk at $0.50 per GiB-month", ""},
		{"html to a file", []string{"report", results, "--format", "html", "-o", htmlOut}, 0, "", ""},
		{"no file", []string{"report"}, 2, "", "want one results file"},
		{"two files", []string{"report", results, results}, 2, "", "want one results file"},
		{"missing file", []string{"report", filepath.Join(dir, "nope.json")}, 2, "", "nope.json"},
		{"bad file", []string{"report", bad}, 2, "", "bad.json:3:"},
		{"bad format", []string{"report", results, "--format", "pdf"}, 2, "", `--format "pdf": want text, md or html`},
		{"bad price", []string{"report", results, "--price", "dram=cheap"}, 2, "", "--price"},
		{"unknown flag", []string{"report", results, "--colour"}, 2, "", "unknown flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := reportCLI(t, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out)
			}
			if !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errOut)
			}
		})
	}
	page, err := os.ReadFile(htmlOut)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html>")) || !bytes.Contains(page, []byte(`id="svg-recovery-vs-size"`)) {
		t.Errorf("%s is not the HTML report with its charts", htmlOut)
	}
}
