package reports

import (
	"slices"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// sizePoint is one cell's figure placed against its dataset size.
type sizePoint struct {
	series  string // what the line joins: backend/profile/workload
	class   string
	records int64
	y       float64
	tip     string
	note    string // written beside the point
}

// sizeLabel names the series a cell belongs to in a chart against size:
// everything but the records (and the crash kind when it varies).
func sizeLabel(c *bench.Cell, v varying) string {
	s := c.Backend + "/" + c.Profile + "/" + c.Workload
	if v.crash {
		s += " (" + c.Settings.Crash + ")"
	}
	return s
}

// recoveryFigure plots recovery time against the number of records.
func recoveryFigure(r *bench.Results, pal palette) figure {
	fig := figure{ID: "recovery-vs-size", Title: "Recovery time vs dataset size"}
	v := varyingKeys(r.Cells)
	var pts []sizePoint
	var why []reasonFor
	for i := range r.Cells {
		c := &r.Cells[i]
		if c.Recovery == nil {
			why = append(why, reasonFor{v.label(c), missingNote(c, "recovery")})
			continue
		}
		tip := v.label(c) + ": " + formatMillis(c.Recovery.RecoveryMS) + ", " + formatCount(c.Recovery.RecordsRecovered) + " records recovered"
		pts = append(pts, sizePoint{series: sizeLabel(c, v), class: pal.series(c),
			records: c.Records, y: c.Recovery.RecoveryMS * 1000, tip: tip})
	}
	return sizeFigure(fig, pts, why, "recovery time", "until the backend served reads again after the crash")
}

// forkFigure plots the longest fork against the number of records, each
// point annotated with the fork time per GiB of resident memory when the
// memory peak is known (fork copies page tables, which grow with RSS).
func forkFigure(r *bench.Results, pal palette) figure {
	fig := figure{ID: "fork-vs-size", Title: "Fork pause vs dataset size"}
	v := varyingKeys(r.Cells)
	var pts []sizePoint
	var why []reasonFor
	for i := range r.Cells {
		c := &r.Cells[i]
		if c.Pauses == nil || c.Pauses.ForkMaxUS == nil {
			why = append(why, reasonFor{v.label(c), missingAny(c, "pauses.fork_max_us", "pauses.fork")})
			continue
		}
		us := *c.Pauses.ForkMaxUS
		p := sizePoint{series: sizeLabel(c, v), class: pal.series(c),
			records: c.Records, y: us, tip: v.label(c) + ": longest fork " + formatMicros(us)}
		if rss, _, ok := rssPeak(c); ok && rss > 0 {
			p.note = formatMicros(us/(float64(rss)/gib)) + "/GiB"
			p.tip += ", " + p.note + " of RSS peak " + formatBytes(rss)
		}
		pts = append(pts, p)
	}
	return sizeFigure(fig, pts, why, "longest fork", "server-reported (pauses.fork_max_us); beside each point: µs per GiB of RSS peak")
}

// sizeFigure draws pts as one line per series over records, or says why
// it cannot: a chart against size needs cells of at least two sizes.
func sizeFigure(fig figure, pts []sizePoint, why []reasonFor, what, how string) figure {
	sizes := map[int64]bool{}
	for _, p := range pts {
		sizes[p.records] = true
	}
	switch {
	case len(pts) == 0:
		fig.Why = "no cell measured the " + what + ": " + groupReasons(why, len(why))
		return fig
	case len(sizes) < 2:
		var one int64
		for s := range sizes {
			one = s
		}
		fig.Why = "every cell with a " + what + " has " + formatRecords(one) +
			" records: a chart against size needs a sweep (run --records 20k,50k,100k or a plan with several record counts)"
		return fig
	}
	g := &svg{ID: "svg-" + fig.ID, Class: "chart wide chart-" + fig.ID, W: 640, H: 300, Label: fig.Title}
	f := frame{left: 64, right: 560, top: 24, bottom: 262}
	var xs, ys []float64
	for _, p := range pts {
		xs = append(xs, float64(p.records))
		ys = append(ys, p.y)
	}
	lo, hi := slices.Min(xs), slices.Max(xs)
	var xt, yt []float64
	if hi >= 10*lo {
		f.x, xt = logScale(lo, hi, f.left, f.right)
	} else {
		f.x, xt = linearScale(0, hi, f.left, f.right, 5)
	}
	f.y, yt = linearScale(0, slices.Max(ys), f.bottom, f.top, 5)
	g.yAxis(f, yt, tickMicros)
	g.xAxis(f, xt, func(v float64) string { return formatRecords(int64(v)) })
	g.axisTitle(f, what)
	g.text(f.right, f.bottom+32, "records", "end", "tick")
	for _, s := range seriesOf(pts) {
		var px, py []float64
		for _, p := range s {
			px, py = append(px, f.x.at(float64(p.records))), append(py, f.y.at(p.y))
		}
		g.polyline(px, py, "line "+s[0].class, s[0].series)
		for j, p := range s {
			g.circle(px[j], py[j], 3.5, "dot "+p.class, p.tip)
			if p.note != "" {
				g.text(px[j]+6, py[j]-6, p.note, "start", "point-note")
			}
		}
		fig.Legend = append(fig.Legend, legendItem{Class: s[0].class, Label: s[0].series})
	}
	fig.Chart = g
	fig.Notes = append(fig.Notes, what+": "+how)
	if len(why) > 0 {
		fig.Notes = append(fig.Notes, "not drawn: "+groupReasons(why, -1))
	}
	return fig
}

// seriesOf groups points by series in order of first appearance, each
// sorted by records.
func seriesOf(pts []sizePoint) [][]sizePoint {
	idx := map[string]int{}
	var out [][]sizePoint
	for _, p := range pts {
		i, ok := idx[p.series]
		if !ok {
			i = len(out)
			idx[p.series] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], p)
	}
	for _, s := range out {
		slices.SortStableFunc(s, func(a, b sizePoint) int {
			switch {
			case a.records < b.records:
				return -1
			case a.records > b.records:
				return 1
			}
			return 0
		})
	}
	return out
}

// reasonFor is why a cell has no point in a chart.
type reasonFor struct{ cell, reason string }

// groupReasons writes each distinct reason once with the cells it applies
// to, or "every cell" when it applies to all total cells.
func groupReasons(rs []reasonFor, total int) string {
	var order []string
	cells := map[string][]string{}
	for _, r := range rs {
		if _, ok := cells[r.reason]; !ok {
			order = append(order, r.reason)
		}
		cells[r.reason] = append(cells[r.reason], r.cell)
	}
	parts := make([]string, len(order))
	for i, reason := range order {
		who := strings.Join(cells[reason], ", ")
		if len(cells[reason]) == total && total > 1 {
			who = "every cell"
		}
		parts[i] = reason + " (" + who + ")"
	}
	return strings.Join(parts, "; ")
}
