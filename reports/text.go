package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/persistbench/persistbench/bench"
)

// Text writes the console report: the host line, the headline table and
// the per-operation latency table, each table followed by its footnotes.
// The report is built in memory and written with one Write, so a failing
// writer is reported and a partial table is never interleaved with other
// output.
func Text(w io.Writer, r *bench.Results) error {
	if r == nil {
		return errors.New("reports: text report: no results")
	}
	var b bytes.Buffer
	b.WriteString(HostLine(r) + "\n\n")
	if len(r.Cells) == 0 {
		b.WriteString("The results hold no cells: nothing was measured.\n")
	} else {
		if err := renderText(&b, Headline(r)); err != nil {
			return fmt.Errorf("reports: text report: headline: %w", err)
		}
		b.WriteString("\nLatency per operation, successful operations only\n")
		if err := renderText(&b, Latencies(r)); err != nil {
			return fmt.Errorf("reports: text report: latencies: %w", err)
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("reports: text report: %w", err)
	}
	return nil
}

// renderText draws t with tablewriter's light box style, then its
// footnotes one per line.
func renderText(w io.Writer, t Table) error {
	aligns := make(tw.Alignment, len(t.Columns))
	header := make([]string, len(t.Columns))
	groups := tw.NewMapper[int, bool]()
	for i, c := range t.Columns {
		header[i] = c.Title
		aligns[i] = tw.AlignLeft
		if c.Align == AlignRight {
			aligns[i] = tw.AlignRight
		}
		if c.Group {
			groups.Set(i, true)
		}
	}
	table := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleLight)})),
		// tablewriter guesses East Asian widths from the locale and
		// terminal; widths here must come from the content alone.
		tablewriter.WithEastAsian(tw.Off),
		// Keep titles as written ("ops/s", not "OPS/S").
		tablewriter.WithHeaderAutoFormat(tw.Off),
	)
	table.Configure(func(cfg *tablewriter.Config) {
		cfg.Header.Alignment.PerColumn = aligns
		cfg.Row.Alignment.PerColumn = aligns
		if groups.Len() > 0 {
			cfg.Row.Merging = tw.CellMerging{Mode: tw.MergeVertical, ByColumnIndex: groups}
		}
	})
	table.Header(header)
	if err := table.Bulk(t.Rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	for _, line := range t.NoteLines() {
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			return err
		}
	}
	return nil
}
