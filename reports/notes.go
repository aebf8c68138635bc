package reports

import (
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// footnotes numbers notes in order of first use; identical texts share
// one number.
type footnotes struct {
	texts []string
	num   map[string]int
}

// mark returns value followed by the superscript numbers of texts, comma
// separated so that ¹ and ³ do not read as ¹³: "—¹", "2.10ms¹,³".
func (f *footnotes) mark(value string, texts ...string) string {
	if len(texts) == 0 {
		return value
	}
	if f.num == nil {
		f.num = map[string]int{}
	}
	marks := make([]string, 0, len(texts))
	for _, t := range texts {
		n, ok := f.num[t]
		if !ok {
			f.texts = append(f.texts, t)
			n = len(f.texts)
			f.num[t] = n
		}
		marks = append(marks, superscript(n))
	}
	return value + strings.Join(marks, ",")
}

var superscriptDigits = [10]string{"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}

// superscript writes n in superscript digits: 12 → ¹².
func superscript(n int) string {
	var b strings.Builder
	for _, d := range strconv.Itoa(n) {
		if d < '0' || d > '9' {
			b.WriteRune(d)
			continue
		}
		b.WriteString(superscriptDigits[d-'0'])
	}
	return b.String()
}

// cellOK reports whether a cell ran to completion; an empty status is
// taken as ok.
func cellOK(c *bench.Cell) bool { return c.Status == "" || c.Status == "ok" }

// failureNote is the footnote text for a cell that did not complete.
func failureNote(c *bench.Cell) string {
	if c.Error == "" {
		return c.Status + ": no error was recorded"
	}
	return c.Status + ": " + c.Error
}

// missingNote is the footnote text explaining why the measurement at path
// (such as "recovery.lost_window_ms") is absent from c: see recordedReason;
// failing that, a note that no reason was given, which is a fault of the
// results file rather than of the measurement.
func missingNote(c *bench.Cell, path string) string {
	if note, ok := recordedReason(c, path); ok {
		return note
	}
	return path + ": not measured, and the results file gives no reason"
}

// notApplicable is the footnote text for a measurement absent from c at
// path because it does not apply (no reads in a write-only workload); a
// reason the runner recorded, or the cell's failure, comes first.
func notApplicable(c *bench.Cell, path, why string) string {
	if note, ok := recordedReason(c, path); ok {
		return note
	}
	return why
}

// recordedReason finds why the measurement at path is absent: the reason
// the runner recorded for the path or its nearest parent ("recovery"), else
// the cell's failure.
func recordedReason(c *bench.Cell, path string) (string, bool) {
	if note, ok := runnerReason(c, path); ok {
		return note, true
	}
	if !cellOK(c) {
		return failureNote(c), true
	}
	return "", false
}

// runnerReason is the reason the runner recorded in c.Missing for path or
// its nearest parent, as a footnote text naming the path it was found at.
func runnerReason(c *bench.Cell, path string) (string, bool) {
	for p := path; p != ""; p = parent(p) {
		if reason, ok := c.Missing[p]; ok {
			return p + ": " + reason, true
		}
	}
	return "", false
}

// parent drops the last element of a dotted field path: a.b.c → a.b.
func parent(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}
