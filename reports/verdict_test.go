package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

func ptr[T any](v T) *T { return &v }

// rowOf returns the verdict row whose title starts with title.
func rowOf(t *testing.T, vt VerdictTable, title string) []string {
	t.Helper()
	for _, row := range vt.Rows {
		if strings.HasPrefix(row[0], title) {
			return row
		}
	}
	return nil
}

func TestVerdictGroups(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		titles  []string
		columns [][]string
	}{
		{"sweep/results.json",
			[]string{"reference · mixed · 20k records", "reference · mixed · 50k records"},
			[][]string{{"measure", "rdb", "aof-always"}, {"measure", "rdb", "aof-always"}}},
		{"repeats.json", nil, nil},
		{"reference-crash/results.json",
			[]string{"reference · mixed · 100k records"},
			[][]string{{"measure", "none", "rdb", "aof-always", "aof-everysec", "aof-no", "aof-preamble"}}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			vts := Verdicts(readFixture(t, tc.fixture))
			if tc.titles == nil {
				for _, vt := range vts {
					for _, c := range vt.Columns[1:] {
						if !strings.Contains(c.Title, "#") {
							t.Errorf("%s: column %q does not name its repeat", vt.Title, c.Title)
						}
					}
				}
				return
			}
			var titles []string
			for i, vt := range vts {
				titles = append(titles, vt.Title)
				var cols []string
				for _, c := range vt.Columns {
					cols = append(cols, c.Title)
				}
				if i < len(tc.columns) && !slices.Equal(cols, tc.columns[i]) {
					t.Errorf("%s: columns %q, want %q", vt.Title, cols, tc.columns[i])
				}
			}
			if !slices.Equal(titles, tc.titles) {
				t.Errorf("titles %q, want %q", titles, tc.titles)
			}
		})
	}
}

func TestVerdictValues(t *testing.T) {
	vt := Verdicts(readFixture(t, "reference-crash/results.json"))[0]
	for _, tc := range []struct {
		row  string
		want []string // per column, none … aof-preamble
	}{
		{"save mechanism", []string{"none (memory only)", "RDB snapshots (save 5 1 1 10000)", "AOF, fsync always", "AOF, fsync everysec", "AOF, fsync no", "AOF with RDB preamble, fsync everysec"}},
		{"lost acked writes", []string{"164,100", "80,451", "0", "36,847", "83,577", "18,205"}},
		{"background saves", []string{"none", "3 snapshots", "2 rewrites", "3 rewrites", "3 rewrites", "2 rewrites"}},
	} {
		got := rowOf(t, vt, tc.row)
		if got == nil {
			t.Errorf("no row %q", tc.row)
			continue
		}
		if !slices.Equal(got[1:], tc.want) {
			t.Errorf("row %q = %q, want %q", tc.row, got[1:], tc.want)
		}
	}
	// The reference engine does not fork: the row has no data and is left
	// out, and so is its footnote.
	if rowOf(t, vt, "worst fork") != nil {
		t.Error("a worst fork row without any fork")
	}
	for _, n := range vt.Notes {
		if strings.HasPrefix(n, "pauses.fork") {
			t.Errorf("note %q of a row left out", n)
		}
	}
}

// TestVerdictDerived checks the figures the verdict computes rather than
// copies: recovery per GiB, CPU during background work.
func TestVerdictDerived(t *testing.T) {
	cpu := func(v float64) *float64 { return &v }
	c := bench.Cell{
		Backend: "redis", Profile: "aof-preamble", Workload: "w", Records: 1000, Status: "ok",
		Settings: bench.Settings{IntervalMS: 1000},
		Config:   map[string]string{"save": `""`, "appendonly": "yes", "appendfsync": "everysec", "aof-use-rdb-preamble": "yes"},
		Recovery: &bench.Recovery{Crash: "kill", RecoveryMS: 1000},
		Storage:  &bench.Storage{LogicalBytes: ptr(int64(512 << 20))},
		CPU:      &bench.CPU{MeanPct: 50, PeakPct: 150},
		Timeline: []bench.TimelinePoint{
			{TMS: 0, CPUPct: cpu(40)}, {TMS: 1000, CPUPct: cpu(100)}, {TMS: 2000, CPUPct: cpu(60)}, {TMS: 3000},
		},
		// A rewrite from 1.2 s to 2.5 s overlaps the samples of 1 s and 2 s.
		Events: []bench.Event{{TMS: 1200, Kind: "rewrite", DurationUS: 1.3e6}},
	}
	vt := Verdicts(&bench.Results{Cells: []bench.Cell{c}})[0]
	for _, tc := range []struct{ row, want string }{
		{"save mechanism", "AOF with RDB preamble, fsync everysec"},
		{"recovery per GiB", "2.00s/GiB"},
		{"CPU mean", "50% · 150%"},
		{"CPU during", "80% (2 samples)"},
		{"background saves", "1 rewrite"},
	} {
		row := rowOf(t, vt, tc.row)
		if row == nil || row[1] != tc.want {
			t.Errorf("row %q = %q, want %q", tc.row, row, tc.want)
		}
	}
	for _, gone := range []string{"RSS peak", "COW peak", "worst fork", "disk / logical", "write amplification"} {
		if rowOf(t, vt, gone) != nil {
			t.Errorf("row %q shown though no cell has it", gone)
		}
	}
}

func TestMechanism(t *testing.T) {
	for _, tc := range []struct {
		profile string
		config  map[string]string
		want    string
		ok      bool
	}{
		{"none", map[string]string{"save": `""`, "appendonly": "no"}, "none (memory only)", true},
		{"none", map[string]string{"shards": "1024"}, "none (memory only)", true},
		{"rdb", map[string]string{"save": "3600 1 300 100", "appendonly": "no"}, "RDB snapshots (save 3600 1 300 100)", true},
		{"both", map[string]string{"save": "60 1", "appendonly": "yes", "appendfsync": "always"}, "RDB snapshots (save 60 1) + AOF, fsync always", true},
		{"flash-commit", map[string]string{"write-block-size": "1048576", "flush-max-ms": "1000", "commit-to-device": "true"},
			"1.0 MiB write blocks, flushed within 1000 ms, each write on the device before ack", true},
		{"flash", nil, "DRAM index, records in write blocks on the device", true},
		{"custom", nil, "", false},
	} {
		got, ok := mechanism(&bench.Cell{Profile: tc.profile, Config: tc.config})
		if got != tc.want || ok != tc.ok {
			t.Errorf("mechanism(%s, %v) = %q, %v; want %q, %v", tc.profile, tc.config, got, ok, tc.want, tc.ok)
		}
	}
}
