package reports

import (
	"slices"

	"github.com/persistbench/persistbench/bench"
)

// opOrder is the order operations are listed in; others follow by name.
var opOrder = []string{"read", "update", "insert", "rmw", "delete", "scan"}

// Latencies builds the per-operation table: for each cell and operation
// the count and percentiles of successful operations, and an errors column
// (the count of failed ones) when any cell had errors.
func Latencies(r *bench.Results) Table {
	v := varyingKeys(r.Cells)
	withErrors := false
	for i := range r.Cells {
		for _, l := range r.Cells[i].LatencyErrors {
			if l != nil && l.Count > 0 {
				withErrors = true
			}
		}
	}
	t := Table{Columns: []Column{
		{Title: "backend/profile/workload", Group: true},
		{Title: "op"},
		{Title: "count", Align: AlignRight},
		{Title: "p50", Align: AlignRight},
		{Title: "p90", Align: AlignRight},
		{Title: "p99", Align: AlignRight},
		{Title: "p99.9", Align: AlignRight},
		{Title: "max", Align: AlignRight},
	}}
	if withErrors {
		t.Columns = append(t.Columns, Column{Title: "errors", Align: AlignRight})
	}
	var notes footnotes
	for i := range r.Cells {
		c := &r.Cells[i]
		label := v.label(c)
		ops := cellOps(c)
		if len(ops) == 0 {
			row := make([]string, len(t.Columns))
			row[0], row[1] = label, notes.mark(dash, missingNote(c, "latency"))
			t.Rows = append(t.Rows, row)
			continue
		}
		for _, op := range ops {
			row := append([]string{label, op}, latencyCells(c, op, &notes)...)
			if withErrors {
				var errs int64
				if l := c.LatencyErrors[op]; l != nil {
					errs = l.Count
				}
				row = append(row, formatCount(errs))
			}
			t.Rows = append(t.Rows, row)
		}
		if l := c.ScheduleLag; l != nil {
			row := []string{label, notes.mark("schedule lag", scheduleLagNote), formatCount(l.Count),
				formatMicros(l.P50US), formatMicros(l.P90US), formatMicros(l.P99US), formatMicros(l.P999US), formatMicros(l.MaxUS)}
			if withErrors {
				row = append(row, "")
			}
			t.Rows = append(t.Rows, row)
		}
	}
	t.Notes = notes.texts
	return t.cleaned()
}

// scheduleLagNote says what the open loop's schedule-lag row is.
const scheduleLagNote = "schedule lag: how late the runner sent each request after its scheduled start (open loop); it is part of every latency above"

// latencyCells are count, p50, p90, p99, p99.9 and max of op's successful
// operations.
func latencyCells(c *bench.Cell, op string, n *footnotes) []string {
	l := c.Latency[op]
	if l == nil {
		// Only failed operations of this kind were recorded.
		return []string{"0", n.mark(dash, "latency."+op+": no operation succeeded"), "", "", "", ""}
	}
	return []string{
		formatCount(l.Count),
		formatMicros(l.P50US),
		formatMicros(l.P90US),
		formatMicros(l.P99US),
		formatMicros(l.P999US),
		formatMicros(l.MaxUS),
	}
}

// cellOps lists the operations a cell recorded, successful or failed, in
// opOrder and then by name.
func cellOps(c *bench.Cell) []string {
	seen := map[string]bool{}
	var others []string
	add := func(m map[string]*bench.Latency) {
		for op, l := range m {
			if l == nil || seen[op] {
				continue
			}
			seen[op] = true
			if !slices.Contains(opOrder, op) {
				others = append(others, op)
			}
		}
	}
	add(c.Latency)
	add(c.LatencyErrors)
	var ops []string
	for _, op := range opOrder {
		if seen[op] {
			ops = append(ops, op)
		}
	}
	slices.Sort(others)
	return append(ops, others...)
}
