package reports

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/bench"
)

// sample is one repeat of a synthetic cell.
type sample struct {
	tput, p99 float64
	lost      int64
}

// synth builds a results file: for each profile of the map, one cell per
// sample (the repeats), on reference/ycsb-a 10k.
func synth(profiles []string, samples map[string][]sample) *bench.Results {
	r := &bench.Results{
		Schema: bench.Schema, Tool: bench.Tool{Name: "persistbench", Version: "test"},
		Started: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC),
		Host:    bench.Host{OS: "linux", Arch: "amd64", CPUModel: "Test CPU", Cores: 2, GoVersion: "go1.26.8"},
	}
	for _, p := range profiles {
		for i, s := range samples[p] {
			r.Cells = append(r.Cells, synthCell(p, i+1, s))
		}
	}
	return r
}

func synthCell(profile string, repeat int, s sample) bench.Cell {
	f := func(v float64) *float64 { return &v }
	return bench.Cell{
		Backend: "reference", Profile: profile, Workload: "ycsb-a", Records: 10_000, Repeat: repeat, Status: bench.StatusOK,
		Settings:      bench.Settings{Mode: "closed", Conns: 8, Pipeline: 1, DurationMS: 1000, Crash: "power-loss"},
		ThroughputOps: s.tput, Ops: int64(s.tput),
		Latency: map[string]*bench.Latency{
			"read":   {Count: 100, P50US: 2, P99US: s.p99 / 4, P999US: s.p99},
			"update": {Count: 100, P50US: 10, P99US: s.p99, P999US: 4 * s.p99},
		},
		Recovery: &bench.Recovery{Crash: "power-loss", RecoveryMS: 50, LostAckedWrites: s.lost},
		Storage:  &bench.Storage{BloatRatio: f(1.2), WriteAmplification: f(1.1)},
		Missing:  map[string]string{},
	}
}

func series(tput []float64, p99 float64, lost int64) []sample {
	out := make([]sample, len(tput))
	for i, t := range tput {
		out[i] = sample{tput: t, p99: p99, lost: lost}
	}
	return out
}

// row finds a metric's row of the cell with profile (and op).
func row(t *testing.T, c *Comparison, metric, profile, op string) CompareRow {
	t.Helper()
	for _, s := range c.Sections {
		if s.Metric.Name != metric {
			continue
		}
		for _, r := range s.Rows {
			if r.Key.Profile == profile && r.Op == op {
				return r
			}
		}
	}
	t.Fatalf("no %s row for %s %s", metric, profile, op)
	return CompareRow{}
}

func TestCompareVerdicts(t *testing.T) {
	base5 := []float64{1000, 1010, 990, 1005, 995}
	scaled := func(f float64) []float64 {
		out := make([]float64, len(base5))
		for i, v := range base5 {
			out[i] = v * f
		}
		return out
	}
	cases := []struct {
		name        string
		base, new   []sample
		thresholds  []string
		metric, op  string
		want        Verdict
		wantDelta   float64 // NaN: do not check
		wantRegress bool
	}{
		{"significant regression", series(base5, 100, 0), series(scaled(0.8), 100, 0), nil, "throughput", "", VerdictRegression, -0.2, true},
		{"significant improvement", series(base5, 100, 0), series(scaled(1.25), 100, 0), nil, "throughput", "", VerdictBetter, 0.25, false},
		{"not significant", series(base5, 100, 0), series([]float64{1008, 992, 1001, 997, 1003}, 100, 0), nil, "throughput", "", VerdictSame, math.NaN(), false},
		{"significant but within the threshold", series(base5, 100, 0), series(scaled(0.9), 100, 0), []string{"15%"}, "throughput", "", VerdictWithin, -0.1, false},
		{"per-metric threshold", series(base5, 100, 0), series(scaled(0.9), 100, 0), []string{"50%", "throughput=5%"}, "throughput", "", VerdictRegression, -0.1, true},
		{"threshold off", series(base5, 100, 0), series(scaled(0.5), 100, 0), []string{"throughput=off"}, "throughput", "", VerdictNotJudged, -0.5, false},
		{"fewer than 4 samples: shown, never judged", series(base5[:3], 100, 0), series(scaled(0.5)[:3], 100, 0), nil, "throughput", "", VerdictTooFew, -0.5, false},
		{"lost writes from 0, even with 2 samples", series(base5[:2], 100, 0), []sample{{1000, 100, 0}, {1000, 100, 3}}, nil, "lost_acked_writes", "", VerdictRegression, math.Inf(1), true},
		{"lost writes that were not 0: statistics", series(base5, 100, 500), series(base5, 100, 520), nil, "lost_acked_writes", "", VerdictWithin, 0.04, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th, err := ParseThresholds(c.thresholds)
			if err != nil {
				t.Fatal(err)
			}
			base := synth([]string{"rdb"}, map[string][]sample{"rdb": c.base})
			new := synth([]string{"rdb"}, map[string][]sample{"rdb": c.new})
			cmp, err := Compare(base, new, CompareOptions{Thresholds: th})
			if err != nil {
				t.Fatal(err)
			}
			r := row(t, cmp, c.metric, "rdb", c.op)
			if r.Verdict != c.want {
				t.Errorf("verdict %q, want %q (p=%v delta=%v notes %v)", r.Verdict, c.want, r.P, r.Delta, r.Notes)
			}
			if !math.IsNaN(c.wantDelta) && math.Abs(r.Delta-c.wantDelta) > 1e-9 && !(math.IsInf(c.wantDelta, 1) && math.IsInf(r.Delta, 1)) {
				t.Errorf("delta %v, want %v", r.Delta, c.wantDelta)
			}
			if cmp.Regressed() != c.wantRegress {
				t.Errorf("Regressed() = %v, want %v (%v)", cmp.Regressed(), c.wantRegress, cmp.Regressions())
			}
		})
	}
}

func TestCompareLatencyRegression(t *testing.T) {
	base := synth([]string{"aof-always"}, map[string][]sample{"aof-always": {{1000, 100, 0}, {1000, 110, 0}, {1000, 90, 0}, {1000, 105, 0}, {1000, 95, 0}}})
	new := synth([]string{"aof-always"}, map[string][]sample{"aof-always": {{1000, 200, 0}, {1000, 220, 0}, {1000, 180, 0}, {1000, 210, 0}, {1000, 190, 0}}})
	cmp, err := Compare(base, new, CompareOptions{Thresholds: Thresholds{Default: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if r := row(t, cmp, "p99", "aof-always", "update"); r.Verdict != VerdictRegression || math.Abs(r.Delta-1) > 1e-9 {
		t.Errorf("update p99 doubled: verdict %q delta %v, want REGRESSION +100%%", r.Verdict, r.Delta)
	}
	if r := row(t, cmp, "p50", "aof-always", "update"); r.Verdict != VerdictSame {
		t.Errorf("update p50 unchanged: verdict %q", r.Verdict)
	}
}

func TestCompareErrors(t *testing.T) {
	a := synth([]string{"rdb"}, map[string][]sample{"rdb": series([]float64{1, 2}, 1, 0)})
	b := synth([]string{"aof-always"}, map[string][]sample{"aof-always": series([]float64{1, 2}, 1, 0)})
	_, err := Compare(a, b, CompareOptions{BaseName: "a.json", NewName: "b.json"})
	if !errors.Is(err, ErrNothingInCommon) {
		t.Fatalf("error %v, want ErrNothingInCommon", err)
	}
	for _, w := range []string{"a.json", "b.json", "reference/rdb/ycsb-a 10k", "reference/aof-always/ycsb-a 10k"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %s", err, w)
		}
	}
	// A file of another schema is refused when read, before any compare.
	path := filepath.Join(t.TempDir(), "old.json")
	if err := os.WriteFile(path, []byte(`{"schema": "persistbench/v0", "results": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var se *SchemaError
	if _, err := ReadFile(path); !errors.As(err, &se) || se.Schema != "persistbench/v0" {
		t.Errorf("ReadFile of another schema: %v, want a *SchemaError", err)
	}
}

func TestCompareFailedAndMissing(t *testing.T) {
	base := synth([]string{"rdb", "none"}, map[string][]sample{"rdb": series([]float64{1, 2}, 1, 0), "none": series([]float64{1, 2}, 1, 0)})
	new := synth([]string{"rdb", "none"}, map[string][]sample{"rdb": series([]float64{1, 2}, 1, 0), "none": series([]float64{1}, 1, 0)})
	new.Cells[2].Status, new.Cells[2].Error = bench.StatusFailed, "open: boom"
	new.Cells[0].Recovery = nil
	new.Cells[0].Missing["recovery"] = "no crash was requested"
	new.Cells[1].Recovery = nil
	cmp, err := Compare(base, new, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.FailedNew) != 1 || cmp.FailedNew[0].Profile != "none" || !cmp.Regressed() {
		t.Errorf("FailedNew %v, Regressed %v: a cell that no longer completes is a regression", cmp.FailedNew, cmp.Regressed())
	}
	r := row(t, cmp, "recovery", "rdb", "")
	if r.Verdict != VerdictMissing || len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "no crash was requested") {
		t.Errorf("recovery row %+v, want missing with the recorded reason", r)
	}
	if !strings.Contains(strings.Join(cmp.Notes, "\n"), "new: 1 repeat of reference/none/ycsb-a 10k did not complete") {
		t.Errorf("notes %q do not mention the failed repeat", cmp.Notes)
	}
}

func TestCompareNotesHostsAndSettings(t *testing.T) {
	base := synth([]string{"rdb"}, map[string][]sample{"rdb": series([]float64{1, 2}, 1, 0)})
	new := synth([]string{"rdb"}, map[string][]sample{"rdb": series([]float64{1, 2}, 1, 0)})
	new.Host.Cores = 4
	new.Cells[0].Settings.Conns = 16
	cmp, err := Compare(base, new, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(cmp.Notes, "\n")
	for _, w := range []string{"different hosts (cores 2 → 4)", "different settings (conns 8 → 16)"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes %q lack %q", notes, w)
		}
	}
}

func TestGeomean(t *testing.T) {
	rows := []CompareRow{
		{Base: SampleSummary{N: 1, Center: 100}, New: SampleSummary{N: 1, Center: 200}},
		{Base: SampleSummary{N: 1, Center: 400}, New: SampleSummary{N: 1, Center: 200}},
		{Base: SampleSummary{N: 1, Center: 0}, New: SampleSummary{N: 1, Center: 5}}, // left out
	}
	g := geomean(rows)
	if g == nil || math.Abs(g.Base-200) > 1e-9 || math.Abs(g.New-200) > 1e-9 || math.Abs(g.Delta) > 1e-9 {
		t.Errorf("geomean %+v, want 200 → 200, +0%%", g)
	}
	if geomean(rows[:1]) != nil {
		t.Error("a geomean of one row")
	}
}

func TestParseThresholds(t *testing.T) {
	cases := []struct {
		in      []string
		metric  string
		want    float64
		wantOff bool
		wantErr string
	}{
		{nil, "p99", DefaultThreshold, false, ""},
		{[]string{"10%"}, "throughput", 0.10, false, ""},
		{[]string{"10"}, "throughput", 0.10, false, ""},
		{[]string{"5%", "p99=20%,throughput=7.5%"}, "p99", 0.20, false, ""},
		{[]string{"p99=20%,throughput=7.5%"}, "throughput", 0.075, false, ""},
		{[]string{"p99=20%,throughput=7.5%"}, "recovery", DefaultThreshold, false, ""},
		{[]string{"latency=30%"}, "p999", 0.30, false, ""},
		{[]string{"wa=off"}, "write_amplification", 0, true, ""},
		{[]string{"lost=0%"}, "lost_acked_writes", 0, false, ""},
		{[]string{"p98=5%"}, "", 0, false, `unknown metric "p98"`},
		{[]string{"-5%"}, "", 0, false, "want a percentage"},
		{[]string{"off"}, "", 0, false, "want a percentage such as 5%"},
		{[]string{"p99=lots"}, "", 0, false, "want a percentage such as 5%, or off"},
	}
	for _, c := range cases {
		th, err := ParseThresholds(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%q: error %v, want %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		got, off := th.For(c.metric)
		if off != c.wantOff || (!off && math.Abs(got-c.want) > 1e-12) {
			t.Errorf("%q: %s = %v off=%v, want %v off=%v", c.in, c.metric, got, off, c.want, c.wantOff)
		}
	}
	th, _ := ParseThresholds([]string{"25%", "p99=50%,p999=off,throughput=25%"})
	if got, want := th.String(), "25% (p99 50%, p999 off)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestFormatSampleCount(t *testing.T) {
	cases := map[float64]string{0: "0", 1204: "1,204", 1537.5: "1,537.5", 2.5: "2.5", math.NaN(): "?"}
	for v, want := range cases {
		if got := formatSampleCount(v); got != want {
			t.Errorf("formatSampleCount(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestCompareHostJitterLimit checks that repeats during which the host
// stalled are left out when asked, and named in the notes.
func TestCompareHostJitterLimit(t *testing.T) {
	base := synth([]string{"rdb"}, map[string][]sample{"rdb": series([]float64{1000, 1001, 999, 1002, 998}, 100, 0)})
	new := synth([]string{"rdb"}, map[string][]sample{"rdb": series([]float64{100, 120, 90, 110, 95}, 100, 0)})
	for i := range new.Cells {
		jitter := 3000.0 // µs
		if i < 4 {
			jitter = 800_000 // the host stalled 0.8 s during these repeats
		}
		new.Cells[i].Host = &bench.CellHost{JitterMaxUS: jitter}
	}
	loose, err := Compare(base, new, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !loose.Regressed() {
		t.Fatal("without a limit the stalled repeats should read as a regression")
	}
	strict, err := Compare(base, new, CompareOptions{MaxHostJitterUS: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	if r := row(t, strict, "throughput", "rdb", ""); r.Verdict != VerdictTooFew || r.New.N != 1 {
		t.Errorf("with the limit: verdict %q on %d new samples, want too few samples on 1", r.Verdict, r.New.N)
	}
	if notes := strings.Join(strict.Notes, "\n"); !strings.Contains(notes, "new: 4 repeats of reference/rdb/ycsb-a 10k left out") {
		t.Errorf("notes %q do not name the left-out repeats", notes)
	}
	if s := strict.Summary(); !strings.HasPrefix(s, "no regression (") {
		t.Errorf("summary %q does not say rows went unjudged", s)
	}
}

// BenchmarkCompare compares two files shaped like the CI smoke plan's
// (4 profiles × 6 repeats) and reports the time per comparison.
func BenchmarkCompare(b *testing.B) {
	profiles := []string{"none", "rdb", "aof-everysec", "aof-always"}
	samples := map[string][]sample{}
	for _, p := range profiles {
		samples[p] = series([]float64{1000, 1010, 990, 1005, 995, 1002}, 100, 0)
	}
	base, new := synth(profiles, samples), synth(profiles, samples)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(base, new, CompareOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/compare")
}
