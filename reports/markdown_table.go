package reports

import (
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// renderMarkdownTable draws t as a GitHub-flavoured Markdown table with
// tablewriter's Markdown renderer, then its footnotes as a list. Markdown
// has no merged cells: a group column shows its label on the group's
// first row only.
func renderMarkdownTable(w io.Writer, t Table) error {
	aligns := make(tw.Alignment, len(t.Columns))
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = mdEscape(c.Title)
		aligns[i] = tw.AlignLeft
		if c.Align == AlignRight {
			aligns[i] = tw.AlignRight
		}
	}
	rows := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = make([]string, len(row))
		for j, cell := range row {
			if j < len(t.Columns) && t.Columns[j].Group && i > 0 && t.Rows[i-1][j] == cell {
				continue
			}
			rows[i][j] = mdEscape(cell)
		}
	}
	table := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewMarkdown()),
		tablewriter.WithEastAsian(tw.Off),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		// A wrapped cell would start a new table row.
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	)
	table.Configure(func(cfg *tablewriter.Config) {
		cfg.Header.Alignment.PerColumn = aligns
		cfg.Row.Alignment.PerColumn = aligns
	})
	table.Header(header)
	if err := table.Bulk(rows); err != nil {
		return err
	}
	if err := table.Render(); err != nil {
		return err
	}
	if lines := t.NoteLines(); len(lines) > 0 {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		for _, line := range lines {
			if _, err := io.WriteString(w, "- "+mdEscape(line)+"\n"); err != nil {
				return err
			}
		}
	}
	return nil
}

// mdEscape makes text safe inside a Markdown table cell, list item or
// heading: the characters that start markup (emphasis, code, links, HTML,
// entities, tables, strikethrough) are backslash-escaped; # and ! start
// nothing where this text goes (never at a line's start, [ escaped). An underscore between two letters
// or digits cannot start emphasis and is left alone, so field names such
// as lost_window_ms stay readable in the raw text.
func mdEscape(s string) string {
	s = clean(s)
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '\\', '`', '*', '[', ']', '<', '>', '|', '~', '&':
			b.WriteByte('\\')
		case '_':
			before, _ := utf8.DecodeLastRuneInString(s[:i])
			after, _ := utf8.DecodeRuneInString(s[i+1:])
			if !wordRune(before) || !wordRune(after) {
				b.WriteByte('\\')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// sortedKeys lists a map's keys in order.
func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
