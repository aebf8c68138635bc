package reports

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"golang.org/x/perf/benchmath"

	"github.com/persistbench/persistbench/bench"
)

// Comparing two results files (`persistbench compare BASE.json NEW.json`)
// works as benchstat does: cells are matched by (backend, profile,
// workload, records), the repeats of a cell are its samples, each metric's
// centre is the sample median with a confidence interval, and a
// Mann-Whitney U test (golang.org/x/perf/benchmath, AssumeNothing) says
// whether base and new differ. A change is called only with at least
// MinSamples a side and p <= alpha; it is a regression when it goes the
// wrong way by more than the metric's threshold. Loss of data is judged
// apart: any lost acknowledged write or corrupt record where every base
// sample had none is a regression, whatever the sample sizes.

// MinSamples is the fewest samples a side for compare to call a
// difference (benchstat's rule: below it the U test cannot reach p < 0.05).
const MinSamples = 4

// ErrNothingInCommon is returned (wrapped) by Compare when the two files
// share no cell that completed on both sides.
var ErrNothingInCommon = errors.New("no cell in common")

// CompareOptions tune Compare; zero values take the defaults.
type CompareOptions struct {
	// BaseName and NewName label the files (usually their paths).
	BaseName, NewName string
	Thresholds        Thresholds
	// Alpha is the significance level (default 0.05); Confidence that of
	// the median's interval (default 0.95).
	Alpha, Confidence float64
	// MaxHostJitterUS, when > 0, leaves out every repeat during which the
	// host's own jitter probe saw a wake-up later than this: such a repeat
	// measured the host's stall (a noisy neighbour, a paused virtual CPU),
	// not the backend. Left-out repeats are listed in the notes.
	MaxHostJitterUS float64
}

// Verdict is the judgement of one row.
type Verdict string

const (
	VerdictRegression Verdict = "REGRESSION" // significant, beyond the threshold, the wrong way (or data lost from 0)
	VerdictBetter     Verdict = "better"     // significant, beyond the threshold, the right way
	VerdictWithin     Verdict = "within"     // significant but within the threshold
	VerdictSame       Verdict = "~"          // not significant at alpha
	VerdictTooFew     Verdict = "too few samples"
	VerdictNotJudged  Verdict = "not judged" // the metric's threshold is off
	VerdictMissing    Verdict = "missing"    // measured on one side only
)

// Comparison is the outcome of Compare.
type Comparison struct {
	Options   CompareOptions
	Base, New *bench.Results
	Sections  []CompareSection
	// OnlyBase and OnlyNew are cells (with at least one completed repeat)
	// found in one file only; FailedNew are cells that completed in base
	// but never in new, which counts as a regression.
	OnlyBase, OnlyNew, FailedNew []CellKey
	// Notes warn about what makes the comparison less trustworthy:
	// different hosts, different settings, failed repeats.
	Notes []string
}

// CompareSection is one metric over every cell in common.
type CompareSection struct {
	Metric  Metric
	Rows    []CompareRow
	Geomean *CompareGeomean // nil with fewer than two rows with positive centres
}

// CompareRow is one metric of one cell (and operation, for latencies).
type CompareRow struct {
	Key       CellKey
	Op        string
	Base, New SampleSummary
	// Delta is new/base - 1 of the centres (+Inf from a zero base).
	Delta float64
	// P is the U test's p-value; Test describes it ("p=0.008 n=5+5").
	P         float64
	Test      string
	Verdict   Verdict
	Threshold float64
	// Notes explain the verdict or a warning of the statistics.
	Notes []string
}

// SampleSummary is a sample's median and its confidence interval.
type SampleSummary struct {
	N              int
	Center, Lo, Hi float64
	Max            float64
	// Range is the interval's half-width in percent of the centre as
	// benchstat prints it ("3%", "∞" when unbounded).
	Range string
	// Warning is set when the interval is unbounded (too few samples).
	Warning string
}

// CompareGeomean is the geometric mean of a section's centres.
type CompareGeomean struct {
	Base, New, Delta float64
}

// Regressions returns the rows judged REGRESSION, with their metrics.
func (c *Comparison) Regressions() []RegressionRow {
	var out []RegressionRow
	for _, s := range c.Sections {
		for _, r := range s.Rows {
			if r.Verdict == VerdictRegression {
				out = append(out, RegressionRow{Metric: s.Metric, CompareRow: r})
			}
		}
	}
	return out
}

// RegressionRow is a regressed row and its metric.
type RegressionRow struct {
	Metric Metric
	CompareRow
}

// Regressed reports whether anything regressed: a row, or a cell that no
// longer completes.
func (c *Comparison) Regressed() bool { return len(c.Regressions()) > 0 || len(c.FailedNew) > 0 }

// Compare matches the cells of base and new and judges every metric.
func Compare(base, new *bench.Results, opt CompareOptions) (*Comparison, error) {
	if base == nil || new == nil {
		return nil, errors.New("reports: compare: missing results")
	}
	if opt.Alpha == 0 {
		opt.Alpha = benchmath.DefaultThresholds.CompareAlpha
	}
	if opt.Confidence == 0 {
		opt.Confidence = 0.95
	}
	if opt.Thresholds.PerMetric == nil && opt.Thresholds.Default == 0 {
		opt.Thresholds = Thresholds{Default: DefaultThreshold}
	}
	bg, ng := groupCells(base, opt.MaxHostJitterUS), groupCells(new, opt.MaxHostJitterUS)
	c := &Comparison{Options: opt, Base: base, New: new}
	var common []CellKey
	for _, k := range bg.order {
		switch {
		case len(bg.ok[k]) == 0:
		case len(ng.ok[k]) > 0:
			common = append(common, k)
		case ng.failed[k] > 0:
			c.FailedNew = append(c.FailedNew, k)
		case ng.disturbed[k] > 0: // every new repeat left out: the notes say so
		default:
			c.OnlyBase = append(c.OnlyBase, k)
		}
	}
	for _, k := range ng.order {
		if len(ng.ok[k]) > 0 && len(bg.ok[k]) == 0 && bg.disturbed[k] == 0 {
			c.OnlyNew = append(c.OnlyNew, k)
		}
	}
	if len(common) == 0 && len(c.FailedNew) == 0 {
		return nil, fmt.Errorf("reports: compare %s with %s: %w: base has %s, new has %s%s",
			opt.BaseName, opt.NewName, ErrNothingInCommon, keyList(bg), keyList(ng), disturbedSummary(bg, ng))
	}
	ops := opsOf(flatten(bg.ok, common), flatten(ng.ok, common))
	for _, m := range compareMetrics {
		if s := compareSection(m, common, ops, bg, ng, opt); len(s.Rows) > 0 {
			c.Sections = append(c.Sections, s)
		}
	}
	c.Notes = compareNotes(base, new, bg, ng, common)
	return c, nil
}

func compareSection(m Metric, keys []CellKey, ops []string, bg, ng cellGroups, opt CompareOptions) CompareSection {
	s := CompareSection{Metric: m}
	rowOps := []string{""}
	if m.PerOp {
		rowOps = ops
	}
	for _, k := range keys {
		for _, op := range rowOps {
			bv, breason := m.samples(bg.ok[k], op)
			nv, nreason := m.samples(ng.ok[k], op)
			if len(bv) == 0 && len(nv) == 0 {
				continue
			}
			s.Rows = append(s.Rows, judge(m, k, op, bv, nv, breason, nreason, opt))
		}
	}
	s.Geomean = geomean(s.Rows)
	return s
}

// judge computes one row: summaries, the U test and the verdict.
func judge(m Metric, k CellKey, op string, bv, nv []float64, breason, nreason string, opt CompareOptions) CompareRow {
	row := CompareRow{Key: k, Op: op, Delta: math.NaN()}
	thr, off := opt.Thresholds.For(m.Name)
	row.Threshold = thr
	if len(bv) == 0 || len(nv) == 0 {
		row.Verdict = VerdictMissing
		side, reason := "base", breason
		if len(nv) == 0 {
			side, reason = "new", nreason
		}
		if reason == "" {
			reason = "no reason recorded"
		}
		row.Notes = append(row.Notes, "not measured in "+side+": "+reason)
		row.Base, row.New = summarize(bv, opt), summarize(nv, opt)
		return row
	}
	th := &benchmath.Thresholds{CompareAlpha: opt.Alpha}
	bs, ns := benchmath.NewSample(bv, th), benchmath.NewSample(nv, th)
	row.Base, row.New = summarize(bv, opt), summarize(nv, opt)
	cmp := benchmath.AssumeNothing.Compare(bs, ns)
	// go-moremath's U test can return p slightly above 1 with many ties
	// (its two-sided doubling); a probability is at most 1.
	cmp.P = min(cmp.P, 1)
	row.P, row.Test = cmp.P, cmp.String()
	row.Delta = relDelta(row.Base.Center, row.New.Center)
	worse := row.Delta > 0
	if m.HigherIsBetter {
		worse = row.Delta < 0
	}
	enough := len(bv) >= MinSamples && len(nv) >= MinSamples
	switch {
	case m.LossOfData && row.Base.Max == 0 && row.New.Max > 0:
		// Judged on the worst repeat, not the median: one repeat that
		// loses data is one too many.
		row.Verdict, row.Delta = VerdictRegression, math.Inf(1)
		row.Notes = append(row.Notes, fmt.Sprintf("%s: no base repeat had any, a new one had %s: data loss is a regression whatever the statistics",
			m.Name, formatSampleCount(row.New.Max)))
	case off:
		row.Verdict = VerdictNotJudged
	case !enough:
		row.Verdict = VerdictTooFew
		row.Notes = append(row.Notes, fmt.Sprintf("need at least %d samples a side to call a difference (have %d+%d): the change is shown, not judged",
			MinSamples, len(bv), len(nv)))
	case cmp.P > opt.Alpha:
		row.Verdict = VerdictSame
	case math.Abs(row.Delta) <= thr:
		row.Verdict = VerdictWithin
	case worse:
		row.Verdict = VerdictRegression
	default:
		row.Verdict = VerdictBetter
	}
	return row
}

// relDelta is new/base - 1; a change from zero is ±Inf, no change 0.
func relDelta(base, new float64) float64 {
	switch {
	case base == new:
		return 0
	case base == 0:
		return math.Copysign(math.Inf(1), new)
	}
	return new/base - 1
}

func summarize(v []float64, opt CompareOptions) SampleSummary {
	if len(v) == 0 {
		return SampleSummary{}
	}
	s := benchmath.NewSample(v, &benchmath.Thresholds{CompareAlpha: opt.Alpha})
	sum := benchmath.AssumeNothing.Summary(s, opt.Confidence)
	out := SampleSummary{N: len(v), Center: sum.Center, Lo: sum.Lo, Hi: sum.Hi, Max: slices.Max(v), Range: sum.PctRangeString()}
	if len(sum.Warnings) > 0 {
		out.Warning = sum.Warnings[0].Error()
	}
	return out
}

// geomean is the geometric mean of the rows' centres where both are
// positive (zeros make it undefined, as benchstat leaves them out).
func geomean(rows []CompareRow) *CompareGeomean {
	var lb, ln float64
	n := 0
	for _, r := range rows {
		if r.Base.N == 0 || r.New.N == 0 || r.Base.Center <= 0 || r.New.Center <= 0 {
			continue
		}
		lb += math.Log(r.Base.Center)
		ln += math.Log(r.New.Center)
		n++
	}
	if n < 2 {
		return nil
	}
	g := &CompareGeomean{Base: math.Exp(lb / float64(n)), New: math.Exp(ln / float64(n))}
	g.Delta = g.New/g.Base - 1
	return g
}
