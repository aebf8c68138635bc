package reports

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseHgrm(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		wantErr  string
	}{
		{"header and footer", " Value Percentile TotalCount 1/(1-Percentile)\n\n 1.5 0.000000 1 1.00\n 2.5 0.5 5 2.00\n 9.0 1.000000 10 inf\n#[Mean = 3.0, StdDeviation = 1.0]\n#[Max = 9.0, Total count = 10]\n", 3, ""},
		{"three fields", "1 0 1\n2 1 2\n", 2, ""},
		{"empty", "\n#[Mean = 0]\n", 0, "no percentile rows"},
		{"short line", "1 0.5\n", 0, "line 1: 2 fields"},
		{"bad value", "x 0.5 1 2\n", 0, `value "x"`},
		{"negative value", "-1 0.5 1 2\n", 0, `value "-1"`},
		{"percentile above 1", "1 1.5 1 2\n", 0, `percentile "1.5"`},
		{"percentile NaN", "1 NaN 1 2\n", 0, `percentile "NaN"`},
		{"count", "1 0.5 -3 2\n", 0, `count "-3"`},
		{"going down", "1 0.5 5 2\n2 0.4 6 2\n", 0, "line 2: percentile or count goes down"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pts, err := parseHgrm(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(pts) != tc.n {
				t.Fatalf("%d points, err %v; want %d", len(pts), err, tc.n)
			}
		})
	}
}

// TestParseHgrmRunnerFile reads a file the runner wrote and checks it
// against the summary results.json holds for the same operation.
func TestParseHgrmRunnerFile(t *testing.T) {
	r := readFixture(t, "reference-crash/results.json")
	c := r.Cells[1]
	pts, err := readHgrm("testdata/reference-crash", c.Files["hgrm_read"])
	if err != nil {
		t.Fatal(err)
	}
	last := pts[len(pts)-1]
	l := c.Latency["read"]
	if last.Count != l.Count || last.Percentile != 1 || math.Abs(last.Value-l.MaxUS) > 0.01*l.MaxUS {
		t.Errorf("last row %+v, want count %d and max %.1f µs", last, l.Count, l.MaxUS)
	}
}

func TestReadHgrmRefusesPaths(t *testing.T) {
	for _, name := range []string{"", ".", "..", "../matrix.json", "/etc/passwd", `a\b.hgrm`, "sub/x.hgrm"} {
		if _, err := readHgrm("testdata", name); err == nil || !strings.Contains(err.Error(), "not a plain file name") {
			t.Errorf("readHgrm(%q) = %v, want a refusal", name, err)
		}
	}
}

// FuzzParseHgrm checks that any input is either refused or gives rows in
// order with percentiles in 0..1; seeded with the runner's own files.
func FuzzParseHgrm(f *testing.F) {
	files, _ := filepath.Glob("testdata/reference-crash/*.hgrm")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("1 0 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pts, err := parseHgrm(strings.NewReader(string(b)))
		if err != nil {
			return
		}
		for i, p := range pts {
			if p.Percentile < 0 || p.Percentile > 1 || p.Value < 0 || p.Count < 0 {
				t.Fatalf("row %d out of range: %+v", i, p)
			}
			if i > 0 && (p.Percentile < pts[i-1].Percentile || p.Count < pts[i-1].Count) {
				t.Fatalf("row %d goes down: %+v after %+v", i, p, pts[i-1])
			}
		}
	})
}
