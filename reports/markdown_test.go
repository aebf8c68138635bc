package reports

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/internal/golden"
)

// markdownFixtures are results files and the golden Markdown report kept
// for each as testdata/<name>.md. reference-crash and sweep are real runs
// of the reference engine (every profile with a power-loss crash; rdb and
// aof-always at 20k and 50k records), trimmed: timeline intervals merged
// in pairs (p99 and max the worse of the two), stalls under 20 ms dropped
// from the events.
var markdownFixtures = []struct{ name, path string }{
	{"matrix", "matrix.json"},
	{"repeats", "repeats.json"},
	{"empty", "empty.json"},
	{"reference-crash", "reference-crash/results.json"},
	{"sweep", "sweep/results.json"},
}

func TestMarkdownGolden(t *testing.T) {
	for _, f := range markdownFixtures {
		t.Run(f.name, func(t *testing.T) {
			r, err := ReadFile(filepath.Join("testdata", f.path))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Markdown(&got, r, Options{}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", f.name+".md"), got.Bytes(), *update)
		})
	}
}

// TestMarkdownSections checks the order of the sections a PR comment
// reader scans for.
func TestMarkdownSections(t *testing.T) {
	r := readFixture(t, "reference-crash/results.json")
	var b bytes.Buffer
	if err := Markdown(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	at := -1
	for _, h := range []string{"# persistbench report", "## Summary", "## Latency per operation", "## Verdict",
		"### reference · mixed · 100k records", "## Cost per million records", "## Not measured"} {
		i := strings.Index(out, "\n"+h+"\n")
		if h[0] == '#' && strings.HasPrefix(out, h+"\n") {
			i = 0
		}
		if i < 0 {
			t.Fatalf("no heading %q in:\n%s", h, out)
		}
		if i < at {
			t.Errorf("heading %q comes before the one above it in the list", h)
		}
		at = i
	}
}

// TestMarkdownTableShape checks that every table row has as many cells as
// its header, whatever the results file holds: text with pipes, markup
// and line breaks must not add or split cells.
func TestMarkdownTableShape(t *testing.T) {
	r := readFixture(t, "matrix.json")
	c := &r.Cells[0]
	c.Profile = "evil|profile *bold* [link](x)"
	c.Workload = "line\nbreak `code`"
	c.Missing["recovery"] = "a | b <script>alert(1)</script> _x_"
	var b bytes.Buffer
	if err := Markdown(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<script>") || strings.Contains(out, "*bold*") {
		t.Errorf("markup from the results file was not escaped:\n%s", out)
	}
	cells := -1
	for i, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cells = -1
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cells < 0 {
			cells = n
		}
		if n != cells {
			t.Errorf("line %d has %d cell borders, its header %d: %q", i+1, n, cells, line)
		}
	}
}

func TestMdEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"recovery.lost_window_ms", "recovery.lost_window_ms"},
		{"_emphasis_", `\_emphasis\_`},
		{"a|b", `a\|b`},
		{"<b>&", `\<b\>\&`},
		{"*x* `y` [z]", "\\*x\\* \\`y\\` \\[z\\]"},
		{"two\nlines\ttab", "two lines tab"},
		{"1.2×, —, µs", "1.2×, —, µs"},
	} {
		if got := mdEscape(tc.in); got != tc.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMarkdownHeadlineColumns checks the columns Markdown adds to the
// console's headline and that their footnotes continue its numbering.
func TestMarkdownHeadlineColumns(t *testing.T) {
	r := readFixture(t, "reference-crash/results.json")
	h := markdownHeadline(r)
	base := Headline(r)
	if len(h.Columns) != len(base.Columns)+2 || h.Columns[len(h.Columns)-1].Title != "RSS peak" {
		t.Fatalf("columns = %+v, want the headline's plus write amp. and RSS peak", h.Columns)
	}
	if len(h.Notes) < len(base.Notes) {
		t.Fatalf("notes shrank: %q", h.Notes)
	}
	for i, n := range base.Notes {
		if h.Notes[i] != n {
			t.Errorf("note %d = %q, want the headline's %q", i+1, h.Notes[i], n)
		}
	}
	none := h.Rows[0]
	if got := none[len(none)-2]; !strings.HasPrefix(got, dash) {
		t.Errorf("write amplification of the none profile = %q, want a dash (not reported)", got)
	}
}

func TestMarkdownErrors(t *testing.T) {
	if err := Markdown(io.Discard, nil, Options{}); err == nil {
		t.Error("Markdown(nil results) succeeded")
	}
	r := &bench.Results{Schema: bench.Schema, Cells: []bench.Cell{{Backend: "reference", Status: "ok"}}}
	err := Markdown(failingWriter{}, r, Options{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Markdown to a failing writer: err = %v, want the writer's error", err)
	}
}

// BenchmarkMarkdown measures the Markdown report of 70 cells; cells/s is
// the figure that matters.
func BenchmarkMarkdown(b *testing.B) {
	r := bigResults(b, 70)
	b.ReportAllocs()
	for b.Loop() {
		if err := Markdown(io.Discard, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Cells))*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}
