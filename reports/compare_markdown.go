package reports

import (
	"bytes"
	"strings"
)

// compareMarkdownTable writes t as a GitHub pipe table and its footnotes.
// Cells may hold Markdown (the caller escapes what came from a file); only
// pipes are escaped here. Footnotes are plain text and escaped.
func compareMarkdownTable(b *bytes.Buffer, t Table) {
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
	header := make([]string, len(t.Columns))
	align := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i], align[i] = c.Title, ":---"
		if c.Align == AlignRight {
			align[i] = "---:"
		}
	}
	row(header)
	row(align)
	for _, r := range t.Rows {
		row(r)
	}
	for _, n := range t.NoteLines() {
		b.WriteString("\n" + compareEscape(n) + "\n")
	}
}

// compareEscape keeps text from breaking a Markdown table or turning into
// markup: pipes, backticks, emphasis and HTML are escaped.
func compareEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "`", "\\`", "<", "&lt;", ">", "&gt;", "_", `\_`, "*", `\*`)
	return r.Replace(s)
}
