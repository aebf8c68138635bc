package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/persistbench/persistbench/bench"
)

// CompareText writes a comparison for a console or a CI log: the two
// files, one table per metric (benchstat's layout: base, new, change,
// p-value, verdict), the notes, and the verdict last, where a log's reader
// looks first.
func CompareText(w io.Writer, c *Comparison) error {
	var b bytes.Buffer
	for _, l := range compareHeader(c, false) {
		b.WriteString(l + "\n")
	}
	for _, s := range c.Sections {
		b.WriteString("\n" + s.Metric.Title + "\n")
		if err := renderText(&b, compareTable(s, false)); err != nil {
			return fmt.Errorf("reports: compare: %s: %w", s.Metric.Name, err)
		}
	}
	for _, part := range compareFooter(c) {
		b.WriteString("\n" + part.title + "\n")
		for _, l := range part.lines {
			b.WriteString("  " + clean(l) + "\n")
		}
	}
	b.WriteString("\nverdict: " + c.Summary() + "\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("reports: compare: %w", err)
	}
	return nil
}

// CompareMarkdown writes a comparison as GitHub-flavoured Markdown, good
// as a pull-request comment: the verdict first, then the same tables.
func CompareMarkdown(w io.Writer, c *Comparison) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "### persistbench compare: %s\n\n", c.Summary())
	for _, l := range compareHeader(c, true) {
		b.WriteString("- " + l + "\n")
	}
	for _, s := range c.Sections {
		b.WriteString("\n#### " + compareEscape(s.Metric.Title) + "\n\n")
		compareMarkdownTable(&b, compareTable(s, true))
	}
	for _, part := range compareFooter(c) {
		b.WriteString("\n#### " + part.title + "\n\n")
		for _, l := range part.lines {
			b.WriteString("- " + compareEscape(l) + "\n")
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("reports: compare: %w", err)
	}
	return nil
}

// Summary is the verdict in a few words: "no regression", "2
// REGRESSIONS", and how many rows had too few samples to be judged.
func (c *Comparison) Summary() string {
	s := "no regression"
	if n := len(c.Regressions()) + len(c.FailedNew); n > 0 {
		s = strings.ToUpper(plural(n, "regression"))
	}
	few := 0
	for _, sec := range c.Sections {
		for _, r := range sec.Rows {
			if r.Verdict == VerdictTooFew {
				few++
			}
		}
	}
	if few > 0 {
		s += fmt.Sprintf(" (%s with too few samples to judge)", plural(few, "row"))
	}
	return s
}

// compareHeader describes the two files and the rules applied.
func compareHeader(c *Comparison, md bool) []string {
	o := c.Options
	file := func(label, name string, r *bench.Results) string {
		desc := startedLine(r.Started) + " · " + HostLine(r)
		if md {
			return fmt.Sprintf("**%s** `%s`: %s", label, name, compareEscape(desc))
		}
		return fmt.Sprintf("%-4s %s: %s", label, name, desc)
	}
	rules := fmt.Sprintf("thresholds %s · Mann-Whitney U test at α=%s, at least %d samples a side · medians ± %s confidence interval",
		o.Thresholds, strconv.FormatFloat(o.Alpha, 'f', -1, 64), MinSamples, formatFraction(o.Confidence))
	if o.MaxHostJitterUS > 0 {
		rules += " · repeats with host stalls over " + formatMicros(o.MaxHostJitterUS) + " left out"
	}
	return []string{file("base", o.BaseName, c.Base), file("new", o.NewName, c.New), rules}
}

type footerPart struct {
	title string
	lines []string
}

// compareFooter lists the regressions, the cells found on one side only
// and the notes.
func compareFooter(c *Comparison) []footerPart {
	var parts []footerPart
	var regs []string
	for _, r := range c.Regressions() {
		regs = append(regs, regressionLine(r))
	}
	for _, k := range c.FailedNew {
		regs = append(regs, k.String()+": completed in base, never in new")
	}
	if len(regs) > 0 {
		parts = append(parts, footerPart{"Regressions", regs})
	}
	var only []string
	for _, k := range c.OnlyBase {
		only = append(only, "only in base: "+k.String())
	}
	for _, k := range c.OnlyNew {
		only = append(only, "only in new: "+k.String())
	}
	if len(only) > 0 {
		parts = append(parts, footerPart{"Not compared", only})
	}
	if len(c.Notes) > 0 {
		parts = append(parts, footerPart{"Notes", c.Notes})
	}
	return parts
}

func regressionLine(r RegressionRow) string {
	what := r.Metric.Name
	if r.Op != "" {
		what = r.Op + " " + what
	}
	if r.Metric.LossOfData && r.Base.Max == 0 {
		return fmt.Sprintf("%s: %s: none in %s of base, up to %s %s in new", r.Key, what,
			plural(r.Base.N, "repeat"), r.Metric.unit(r.New.Max), r.Metric.Suffix)
	}
	unit := func(v float64) string { return strings.TrimSpace(r.Metric.unit(v) + " " + r.Metric.Suffix) }
	s := fmt.Sprintf("%s: %s %s → %s (%s", r.Key, what, unit(r.Base.Center), unit(r.New.Center), formatDelta(r.Delta))
	if r.Test != "" {
		s += ", " + r.Test
	}
	if !math.IsInf(r.Threshold, 1) && !r.Metric.LossOfData {
		s += ", threshold " + formatFraction(r.Threshold)
	}
	return s + ")"
}

// compareTable is one section as a Table: cell (and op), base, new, the
// change, the test and the verdict, then a geomean row.
func compareTable(s CompareSection, md bool) Table {
	t := Table{Columns: []Column{{Title: "cell", Group: s.Metric.PerOp}}}
	if s.Metric.PerOp {
		t.Columns = append(t.Columns, Column{Title: "op"})
	}
	t.Columns = append(t.Columns,
		Column{Title: "base", Align: AlignRight}, Column{Title: "new", Align: AlignRight},
		Column{Title: "vs base", Align: AlignRight}, Column{Title: "p", Align: AlignRight}, Column{Title: "verdict"})
	esc := func(s string) string { return s }
	if md {
		esc = compareEscape
	}
	var notes footnotes
	for _, r := range s.Rows {
		row := []string{esc(r.Key.String())}
		if s.Metric.PerOp {
			row = append(row, esc(r.Op))
		}
		row = append(row, summaryCell(s.Metric, r.Base, &notes), summaryCell(s.Metric, r.New, &notes),
			deltaCell(r), r.Test, notes.mark(verdictText(r, md), r.Notes...))
		t.Rows = append(t.Rows, row)
	}
	if g := s.Geomean; g != nil {
		row := []string{"geomean"}
		if s.Metric.PerOp {
			row = append(row, "")
		}
		t.Rows = append(t.Rows, append(row, s.Metric.unit(g.Base), s.Metric.unit(g.New), formatDelta(g.Delta), "", ""))
	}
	t.Notes = notes.texts
	return t.cleaned()
}

func summaryCell(m Metric, s SampleSummary, notes *footnotes) string {
	if s.N == 0 {
		return dash
	}
	v := m.unit(s.Center) + " ± " + s.Range
	if s.Warning != "" {
		return notes.mark(v, s.Warning)
	}
	return v
}

func deltaCell(r CompareRow) string {
	switch r.Verdict {
	case VerdictMissing:
		return dash
	case VerdictSame:
		return "~"
	}
	return formatDelta(r.Delta)
}

func verdictText(r CompareRow, md bool) string {
	switch r.Verdict {
	case VerdictWithin:
		return "within ±" + formatFraction(r.Threshold)
	case VerdictRegression:
		if md {
			return "**REGRESSION**"
		}
	}
	return string(r.Verdict)
}

// formatDelta writes a relative change: +12.34%, -5.00%, +∞ from zero.
func formatDelta(d float64) string {
	switch {
	case math.IsNaN(d):
		return "?"
	case math.IsInf(d, 1):
		return "+∞"
	case math.IsInf(d, -1):
		return "-∞"
	}
	return fmt.Sprintf("%+.2f%%", d*100)
}

// formatSampleCount writes a count's median, which is a half when the
// sample size is even: 1,204 or 2.5.
func formatSampleCount(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1<<53 {
		return "?"
	}
	if v == math.Trunc(v) {
		return formatCount(int64(v))
	}
	whole, frac := math.Modf(v)
	return formatCount(int64(whole)) + strconv.FormatFloat(math.Abs(frac), 'f', 1, 64)[1:]
}

// formatPreciseRatio writes a ratio with two decimals (1.23×): compare
// needs finer steps than the headline's 1.2×.
func formatPreciseRatio(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "?"
	}
	return strconv.FormatFloat(x, 'f', 2, 64) + "×"
}

// startedLine is a results file's start time (UTC, to the minute).
func startedLine(t time.Time) string {
	if t.IsZero() {
		return "start unknown"
	}
	return "started " + t.UTC().Format("2006-01-02 15:04 UTC")
}
