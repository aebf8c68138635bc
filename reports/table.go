package reports

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/persistbench/persistbench/bench"
)

// Align says which side of its column a cell's text keeps to.
type Align int

const (
	AlignLeft Align = iota
	AlignRight
)

// Column describes one column of a Table.
type Column struct {
	Title string
	Align Align
	// Group marks a column whose equal consecutive cells label one group
	// of rows; a renderer may merge them into one.
	Group bool
}

// Table is a report table as plain strings, ready for any renderer. Cells
// refer to footnotes by superscript numbers; Notes[i] is footnote i+1.
type Table struct {
	Columns []Column
	Rows    [][]string
	Notes   []string
}

// NoteLines returns the footnotes as lines: "¹ recovery: no crash".
func (t Table) NoteLines() []string {
	lines := make([]string, len(t.Notes))
	for i, n := range t.Notes {
		lines[i] = superscript(i+1) + " " + n
	}
	return lines
}

// varying records which cell keys take more than one value in a results
// file; a key that never varies gets no column of its own.
type varying struct {
	records, repeat, crash bool
}

func varyingKeys(cells []bench.Cell) varying {
	records := map[int64]bool{}
	repeats := map[int]bool{}
	crashes := map[string]bool{}
	for i := range cells {
		records[cells[i].Records] = true
		repeats[cells[i].Repeat] = true
		crashes[cells[i].Settings.Crash] = true
	}
	return varying{records: len(records) > 1, repeat: len(repeats) > 1, crash: len(crashes) > 1}
}

// label names a cell in one string: backend/profile/workload, then the
// records and repeat when those vary in the file ("redis/rdb/ycsb-a 1m #2").
func (v varying) label(c *bench.Cell) string {
	s := c.Backend + "/" + c.Profile + "/" + c.Workload
	if v.records {
		s += " " + formatRecords(c.Records)
	}
	if v.repeat {
		s += " #" + strconv.Itoa(c.Repeat)
	}
	return s
}

// clean makes text taken from a results file safe for one table cell or
// line: line breaks and tabs become spaces and other control characters
// (an escape sequence would colour or move a terminal's cursor) are
// dropped.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// cleaned applies clean to every cell and note of t.
func (t Table) cleaned() Table {
	for _, row := range t.Rows {
		for i := range row {
			row[i] = clean(row[i])
		}
	}
	for i := range t.Notes {
		t.Notes[i] = clean(t.Notes[i])
	}
	return t
}
