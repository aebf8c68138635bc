package reports

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// maxNines is how far right the distribution's x axis may reach:
// 99.99999 %, beyond what any run here records.
const maxNines = 7

// distSeries is one cell's latency distribution of one operation: x is
// the percentile as log10(1/(1-p)) (0 = p0, 2 = p99, 3 = p99.9), y the
// latency in µs.
type distSeries struct {
	label, class string
	xs, ys       []float64
	// whole says the points are a whole .hgrm distribution rather than
	// the five percentiles of results.json.
	whole bool
}

// ninesX places percentile p (0..1) on the distribution's x axis; p = 1
// (the maximum) sits at 1/(1-p) = count, where HdrHistogram's plotter
// puts it.
func ninesX(p float64, count int64) float64 {
	if p >= 1 {
		return math.Min(math.Log10(float64(max(count, 1))), maxNines)
	}
	return math.Min(math.Log10(1/(1-p)), maxNines)
}

// latencySeries is the distribution of op in c: the .hgrm file the cell
// names when dir holds it, else the percentiles of results.json. warn is
// set when a named file could not be used.
func latencySeries(c *bench.Cell, op, dir string) (s distSeries, warn string, ok bool) {
	if name, named := c.Files["hgrm_"+op]; named && dir != "" {
		pts, err := readHgrm(dir, name)
		if err == nil {
			total := pts[len(pts)-1].Count
			last := 0.0
			for _, p := range pts {
				// The maximum's place (1/(1-p) = count) can fall left of
				// the last percentile rows: keep the line going right.
				x := math.Max(ninesX(p.Percentile, total), last)
				if p.Value > 0 {
					s.xs = append(s.xs, x)
					s.ys = append(s.ys, p.Value)
					last = x
				}
			}
			if len(s.xs) > 0 {
				s.whole = true
				return s, "", true
			}
		}
		warn = "percentiles from results.json drawn instead of " + name
		if err != nil {
			warn += " (" + strings.TrimPrefix(err.Error(), "reports: ") + ")"
		}
	}
	l := c.Latency[op]
	if l == nil || l.Count == 0 {
		return s, warn, false
	}
	for _, p := range []struct{ p, v float64 }{{0.5, l.P50US}, {0.9, l.P90US}, {0.99, l.P99US}, {0.999, l.P999US}, {1, l.MaxUS}} {
		if p.v > 0 {
			s.xs = append(s.xs, ninesX(p.p, l.Count))
			s.ys = append(s.ys, p.v)
		}
	}
	return s, warn, len(s.xs) > 0
}

// latencyFigure plots op's latency against percentile for every cell
// that ran it, both axes logarithmic: the tail a reader cares about takes
// most of the width, as in HdrHistogram's own plots.
func latencyFigure(r *bench.Results, op string, index int, pal palette, dir string) figure {
	fig := figure{ID: "latency-" + strconv.Itoa(index), Title: "Latency by percentile: " + op}
	v := varyingKeys(r.Cells)
	var series []distSeries
	summaries := 0
	for i := range r.Cells {
		c := &r.Cells[i]
		s, warn, ok := latencySeries(c, op, dir)
		label := v.label(c)
		if warn != "" {
			fig.Notes = append(fig.Notes, label+": "+warn)
		}
		if !ok {
			continue
		}
		s.label, s.class = label, pal.cell(i)
		if !s.whole {
			summaries++
		}
		series = append(series, s)
	}
	if len(series) == 0 {
		fig.Why = "no cell has successful " + op + " operations"
		return fig
	}
	g := &svg{ID: "svg-" + fig.ID, Class: "chart wide chart-latency", W: 640, H: 300,
		Label: op + " latency by percentile, log scales"}
	right := 3.0
	var all []float64
	for _, s := range series {
		right = math.Max(right, math.Ceil(maxOf(s.xs)))
		all = append(all, s.ys...)
	}
	f := frame{left: 58, right: 626, top: 24, bottom: 262}
	f.x = scale{Lo: 0, Hi: right, A: f.left, B: f.right}
	var yt []float64
	f.y, yt = logScale(minPositive(all), maxOf(all), f.bottom, f.top)
	g.yAxis(f, yt, tickMicros)
	var xt []float64
	for k := 0.0; k <= right; k++ {
		xt = append(xt, k)
	}
	g.xAxis(f, xt, ninesLabel)
	g.axisTitle(f, "latency (log)")
	g.text(f.right, f.bottom+32, "percentile (log of 1/(1−p))", "end", "tick")
	for _, s := range series {
		class := "line " + s.class
		if !s.whole {
			class += " approx"
		}
		xs, ys := mapXs(f.x, s.xs), mapYs(f.y, s.ys)
		g.polyline(xs, ys, class, s.label)
		if !s.whole {
			for j := range xs {
				g.circle(xs[j], ys[j], 2.5, "dot "+s.class, s.label+": "+formatMicros(s.ys[j]))
			}
		}
		key := s.class
		if !s.whole {
			key += " approx"
		}
		fig.Legend = append(fig.Legend, legendItem{Class: key, Label: s.label})
	}
	fig.Chart = g
	if summaries > 0 {
		fig.Notes = append(fig.Notes, "dashed with dots: only p50, p90, p99, p99.9 and max are known (results.json); solid: the whole HdrHistogram distribution (.hgrm)")
	}
	return fig
}

// ninesLabel names an x tick of the distribution: 0 → 0%, 2 → 99%,
// 4 → 99.99%.
func ninesLabel(k float64) string {
	switch n := int(k); {
	case n <= 0:
		return "0%"
	case n == 1:
		return "90%"
	case n == 2:
		return "99%"
	default:
		return "99." + strings.Repeat("9", n-2) + "%"
	}
}

// tickMicros writes a latency tick: 100ns, 10µs, 1ms, 2s.
func tickMicros(us float64) string {
	switch {
	case us == 0:
		return "0"
	case us < 1:
		return shortFloat(us*1000) + "ns"
	case us < 1000:
		return shortFloat(us) + "µs"
	case us < 1e6:
		return shortFloat(us/1000) + "ms"
	}
	return shortFloat(us/1e6) + "s"
}

// allOps lists the operations any cell recorded successfully, in opOrder
// and then by name.
func allOps(cells []bench.Cell) []string {
	seen := map[string]bool{}
	for i := range cells {
		for op, l := range cells[i].Latency {
			if l != nil {
				seen[op] = true
			}
		}
	}
	var ops, others []string
	for _, op := range opOrder {
		if seen[op] {
			ops = append(ops, op)
			delete(seen, op)
		}
	}
	for op := range seen {
		others = append(others, op)
	}
	slices.Sort(others)
	return append(ops, others...)
}
