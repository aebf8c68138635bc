package reports

import (
	"fmt"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// cellGroups are a file's cells by key, in order of first appearance:
// the completed ones, the count of failed ones (and the last error), and
// the count left out because the host stalled (and the worst stall, µs).
type cellGroups struct {
	order     []CellKey
	ok        map[CellKey][]*bench.Cell
	failed    map[CellKey]int
	errs      map[CellKey]string
	disturbed map[CellKey]int
	worstUS   map[CellKey]float64
}

func groupCells(r *bench.Results, maxJitterUS float64) cellGroups {
	g := cellGroups{ok: map[CellKey][]*bench.Cell{}, failed: map[CellKey]int{}, errs: map[CellKey]string{},
		disturbed: map[CellKey]int{}, worstUS: map[CellKey]float64{}}
	seen := map[CellKey]bool{}
	for i := range r.Cells {
		c := &r.Cells[i]
		k := keyOf(c)
		if !seen[k] {
			seen[k] = true
			g.order = append(g.order, k)
		}
		switch {
		case !cellOK(c):
			g.failed[k]++
			g.errs[k] = failureNote(c)
		case maxJitterUS > 0 && c.Host != nil && c.Host.JitterMaxUS > maxJitterUS:
			g.disturbed[k]++
			g.worstUS[k] = max(g.worstUS[k], c.Host.JitterMaxUS)
		default:
			g.ok[k] = append(g.ok[k], c)
		}
	}
	return g
}

// disturbedSummary tells how many repeats the host-jitter limit left out.
func disturbedSummary(groups ...cellGroups) string {
	n := 0
	for _, g := range groups {
		for _, d := range g.disturbed {
			n += d
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%s left out: the host stalled beyond the jitter limit)", plural(n, "repeat"))
}

func flatten(m map[CellKey][]*bench.Cell, keys []CellKey) []*bench.Cell {
	var out []*bench.Cell
	for _, k := range keys {
		out = append(out, m[k]...)
	}
	return out
}

// keyList names up to three of a file's cells for an error message.
func keyList(g cellGroups) string {
	if len(g.order) == 0 {
		return "no cells"
	}
	var names []string
	for i, k := range g.order {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(g.order)-3))
			break
		}
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}
