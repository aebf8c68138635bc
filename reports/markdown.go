package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// Options tune the Markdown and HTML reports.
type Options struct {
	// Prices turn memory peaks and disk bytes into a monthly cost; the
	// zero value means DefaultPrices.
	Prices Prices
	// Dir is the directory the results file was read from. The HTML
	// report reads the HdrHistogram .hgrm files a cell names (Files) from
	// there to draw whole latency distributions; empty, it plots the
	// percentiles of the results file alone.
	Dir string
}

// Markdown writes the report as GitHub-flavoured Markdown, fit for a pull
// request comment: the host line, the headline table (with write
// amplification and RSS peak added), per-operation latencies, a verdict
// table per backend, workload and size, the cost per million records and a
// list of every measurement that was not taken and why. Each table is
// followed by its footnotes. Text from the results file is escaped so it
// cannot break a table or add markup.
func Markdown(w io.Writer, r *bench.Results, opts Options) error {
	if r == nil {
		return errors.New("reports: markdown report: no results")
	}
	var b bytes.Buffer
	b.WriteString("# persistbench report\n\n")
	b.WriteString(mdEscape(HostLine(r)) + "\n")
	if line := runLine(r); line != "" {
		b.WriteString("\n" + mdEscape(line) + "\n")
	}
	if len(r.Cells) == 0 {
		b.WriteString("\nThe results hold no cells: nothing was measured.\n")
		return writeReport(w, "markdown", b.Bytes())
	}
	sections := []struct {
		title, intro string
		tables       []VerdictTable
	}{
		{"Summary", "", []VerdictTable{{Table: markdownHeadline(r)}}},
		{"Latency per operation", "Successful operations only; closed-loop latency is from each request's send, open-loop from its scheduled start.", []VerdictTable{{Table: Latencies(r)}}},
		{"Verdict", "One column per profile measured on the same backend, workload and dataset size.", Verdicts(r)},
		{"Cost per million records", costIntro(opts.Prices), []VerdictTable{{Table: Cost(r, opts.Prices)}}},
	}
	for _, s := range sections {
		b.WriteString("\n## " + s.title + "\n")
		if s.intro != "" {
			b.WriteString("\n" + mdEscape(s.intro) + "\n")
		}
		for _, t := range s.tables {
			if t.Title != "" {
				b.WriteString("\n### " + mdEscape(t.Title) + "\n")
			}
			b.WriteString("\n")
			if err := renderMarkdownTable(&b, t.Table); err != nil {
				return fmt.Errorf("reports: markdown report: %s: %w", strings.ToLower(s.title), err)
			}
		}
	}
	if lines := missingLines(r); len(lines) > 0 {
		b.WriteString("\n## Not measured\n\n")
		for _, l := range lines {
			b.WriteString("- " + mdEscape(l) + "\n")
		}
	}
	return writeReport(w, "markdown", b.Bytes())
}

// writeReport writes a report built in memory with one Write.
func writeReport(w io.Writer, format string, p []byte) error {
	if _, err := w.Write(p); err != nil {
		return fmt.Errorf("reports: %s report: %w", format, err)
	}
	return nil
}

// runLine says what command measured and when: "persistbench run
// --duration 3s · started 2026-11-26 01:34:40 UTC, took 40s".
func runLine(r *bench.Results) string {
	var parts []string
	if len(r.Command) > 0 {
		parts = append(parts, "command: "+strings.Join(r.Command, " "))
	}
	if !r.Started.IsZero() {
		s := "started " + r.Started.UTC().Format("2006-01-02 15:04:05 UTC")
		if !r.Finished.IsZero() && r.Finished.After(r.Started) {
			s += ", took " + formatMicros(float64(r.Finished.Sub(r.Started).Microseconds()))
		}
		parts = append(parts, s)
	}
	return clean(strings.Join(parts, " · "))
}

// costIntro states the prices and the formula behind the cost table.
func costIntro(p Prices) string {
	p = p.orDefault()
	return fmt.Sprintf("DRAM at %s and disk at %s per GiB-month (--price %s): the RSS peak and the bytes on disk at the end of the run, scaled from the cell's records to a million.",
		formatPrice(p.DRAMPerGBMonth), formatPrice(p.DiskPerGBMonth), p)
}

// formatPrice writes a unit price with at least two decimals: $4.00, $0.125.
func formatPrice(v float64) string {
	s := fmt.Sprintf("%.4f", v)
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i < 3 {
		s += strings.Repeat("0", 3-(len(s)-i))
	}
	return "$" + s
}

// markdownHeadline is Headline with the write amplification and the RSS
// peak added, which a PR comment has room for and a console does not.
func markdownHeadline(r *bench.Results) Table {
	t := Headline(r)
	if len(t.Rows) != len(r.Cells) {
		return t
	}
	n := footnotes{texts: t.Notes, num: map[string]int{}}
	for i, s := range t.Notes {
		n.num[s] = i + 1
	}
	t.Columns = append(t.Columns,
		Column{Title: "write amp.", Align: AlignRight},
		Column{Title: "RSS peak", Align: AlignRight})
	for i := range t.Rows {
		c := &r.Cells[i]
		rss, _ := rssPeakValue(c, &n)
		t.Rows[i] = append(t.Rows[i], writeAmpValue(c, &n), rss)
	}
	t.Notes = n.texts
	return t.cleaned()
}

// missingLines lists every measurement a cell's Missing map names and
// every failed cell, one line per distinct reason with the cells it
// applies to.
func missingLines(r *bench.Results) []string {
	v := varyingKeys(r.Cells)
	type entry struct {
		text  string
		cells []string
	}
	var order []*entry
	idx := map[string]*entry{}
	add := func(text, cell string) {
		e := idx[text]
		if e == nil {
			e = &entry{text: text}
			idx[text] = e
			order = append(order, e)
		}
		e.cells = append(e.cells, cell)
	}
	for i := range r.Cells {
		c := &r.Cells[i]
		label := v.label(c)
		if !cellOK(c) {
			add(failureNote(c), label)
		}
		for _, k := range sortedKeys(c.Missing) {
			add(k+": "+c.Missing[k], label)
		}
	}
	lines := make([]string, len(order))
	for i, e := range order {
		who := strings.Join(e.cells, ", ")
		if len(e.cells) == len(r.Cells) && len(r.Cells) > 1 {
			who = "every cell"
		}
		lines[i] = clean(e.text + " (" + who + ")")
	}
	return lines
}
