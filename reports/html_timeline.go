package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// eventStyle is how an event kind is drawn: its class (colour), the
// letter above its marker, and whether it is drawn as a shaded span.
type eventStyle struct {
	class, glyph, name string
}

var eventStyles = map[string]eventStyle{
	"fork":       {"ev-fork", "F", "fork"},
	"snapshot":   {"ev-snapshot", "S", "snapshot"},
	"rewrite":    {"ev-rewrite", "W", "AOF rewrite"},
	"defrag":     {"ev-defrag", "D", "defrag"},
	"fsync-slow": {"ev-fsync", "Y", "slow fsync"},
	"crash":      {"ev-crash", "X", "crash"},
	"ready":      {"ev-ready", "OK", "ready after crash"},
	"stall":      {"ev-stall", "", "client-seen stall"},
	// A stall no longer than the host's worst scheduling hiccup in the
	// cell cannot be blamed on the backend (FIELD-NOTES.md).
	"stall-jitter": {"ev-stall jitter", "", "stall within host jitter"},
}

// eventOrder is the order of event kinds in a legend.
var eventOrder = []string{"fork", "snapshot", "rewrite", "defrag", "fsync-slow", "stall", "stall-jitter", "crash", "ready"}

func styleOf(kind string) eventStyle {
	if s, ok := eventStyles[kind]; ok {
		return s
	}
	return eventStyle{"ev-other", "?", kind}
}

// intervalMS is the length of a cell's timeline intervals: the setting, or
// the step between the first two points when the setting is missing.
func intervalMS(c *bench.Cell) float64 {
	if c.Settings.IntervalMS > 0 {
		return float64(c.Settings.IntervalMS)
	}
	if len(c.Timeline) > 1 && c.Timeline[1].TMS > c.Timeline[0].TMS {
		return float64(c.Timeline[1].TMS - c.Timeline[0].TMS)
	}
	return 1000
}

// eventSpan is the time an event covers in ms. A ready event is placed
// when the backend became ready and lasts since its restart began, so it
// spans backwards; every other event starts at its time.
func eventSpan(e bench.Event) (from, to float64) {
	t, d := float64(e.TMS), e.DurationUS/1000
	if e.Kind == "ready" {
		return t - d, t
	}
	return t, t + d
}

// timelineFigure draws a cell's throughput and latency per interval, one
// panel above the other on a shared time axis, with its events marked:
// background work (snapshots, rewrites, forks, defrags) and the crash to
// ready downtime as shaded spans with a lettered marker at their start,
// client-seen stalls as red spans.
func timelineFigure(c *bench.Cell, i int, label string) figure {
	fig := figure{ID: "timeline-" + strconv.Itoa(i), Title: label}
	if len(c.Timeline) == 0 {
		fig.Why = "no timeline: " + missingNote(c, "timeline")
		return fig
	}
	iv := intervalMS(c)
	end := float64(c.Timeline[len(c.Timeline)-1].TMS) + iv
	skipped := 0
	for _, e := range c.Events {
		from, to := eventSpan(e)
		if from < 0 && to < 0 {
			skipped++
			continue
		}
		end = math.Max(end, to)
	}
	g := &svg{ID: "svg-timeline-" + strconv.Itoa(i), Class: "chart wide chart-timeline", W: 640, H: 336,
		Label: "throughput and latency over time of " + label}
	x, xt := linearScale(0, end/1000, 58, 626, 8)
	// From the top: the panel's title, two rows of event letters, the
	// throughput panel, then the latency panel.
	top := frame{x: x, left: 58, right: 626, top: 46, bottom: 156}
	bottom := frame{x: x, left: 58, right: 626, top: 186, bottom: 306}

	var ops, p50, p99, pmax []float64
	var ts []float64
	for _, p := range c.Timeline {
		ts = append(ts, (float64(p.TMS)+iv/2)/1000)
		ops = append(ops, float64(p.Ops)*1000/iv)
		p50 = append(p50, optional(p.P50US))
		p99 = append(p99, optional(p.P99US))
		pmax = append(pmax, optional(p.MaxUS))
	}
	var ty []float64
	top.y, ty = linearScale(0, maxOf(ops), top.bottom, top.top, 4)
	lo, hi := minPositive(p50, p99, pmax), maxOf(pmax, p99, p50)
	var ly []float64
	bottom.y, ly = logScale(lo, hi, bottom.bottom, bottom.top)

	g.yAxis(top, ty, func(v float64) string { return formatSI(v) })
	g.yAxis(bottom, ly, tickMicros)
	events := classifyStalls(c)
	drawEventSpans(g, events, top, bottom)
	g.text(top.left, 12, "ops/s", "start", "axis-title")
	g.axisTitle(bottom, "latency per interval (log)")
	px := mapXs(top.x, ts)
	g.polyline(px, mapYs(top.y, ops), "line tput", "operations per second, per interval")
	g.polyline(px, mapYs(bottom.y, pmax), "line lat-max", "max per interval")
	g.polyline(px, mapYs(bottom.y, p99), "line lat-p99", "p99 per interval")
	g.polyline(px, mapYs(bottom.y, p50), "line lat-p50", "p50 per interval")
	drawEventMarkers(g, events, top, bottom)
	g.xAxis(bottom, xt, func(v float64) string { return shortFloat(v) + "s" })
	g.text(bottom.right, bottom.bottom+30, "time since the run phase started", "end", "tick")

	fig.Chart = g
	fig.Legend = timelineLegend(events)
	if skipped > 0 {
		fig.Notes = append(fig.Notes, plural(skipped, "event")+" before the run phase (during the load) not drawn")
	}
	return fig
}

// timelineLegend lists the latency lines and the event kinds the cell has.
func timelineLegend(events []bench.Event) []legendItem {
	items := []legendItem{{Class: "tput", Label: "ops/s"}, {Class: "lat-p50", Label: "p50"},
		{Class: "lat-p99", Label: "p99"}, {Class: "lat-max", Label: "max"}}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.Kind] = true
	}
	for _, k := range eventOrder {
		if seen[k] {
			s := styleOf(k)
			name := s.name
			if s.glyph != "" {
				name = s.glyph + " " + name
			}
			items = append(items, legendItem{Class: s.class, Label: name, Event: true})
			delete(seen, k)
		}
	}
	if len(seen) > 0 {
		items = append(items, legendItem{Class: "ev-other", Label: "? other events", Event: true})
	}
	return items
}

// drawEventSpans shades the time each event covered, behind the lines.
func drawEventSpans(g *svg, events []bench.Event, top, bottom frame) {
	for _, e := range events {
		from, to := eventSpan(e)
		if to < 0 {
			continue
		}
		s := styleOf(e.Kind)
		x0, x1 := top.x.at(math.Max(from, 0)/1000), top.x.at(to/1000)
		w := math.Max(x1-x0, 1)
		tip := eventTip(e)
		for _, f := range []frame{top, bottom} {
			g.rect(x0, f.top, w, f.bottom-f.top, "span "+s.class, tip)
		}
	}
}

// drawEventMarkers draws a line at the start of each event but stalls,
// with its letter above the top panel. Letters that would overlap go one
// row up; one that finds no free row is left out (its line stays).
func drawEventMarkers(g *svg, events []bench.Event, top, bottom frame) {
	var rows [2][]float64
	for _, e := range events {
		if strings.HasPrefix(e.Kind, "stall") {
			continue
		}
		t := float64(e.TMS)
		if t < 0 {
			continue
		}
		s := styleOf(e.Kind)
		x := top.x.at(t / 1000)
		g.line(x, top.top, x, bottom.bottom, "mark "+s.class, eventTip(e))
		// Crash and ready are often close: one left of its line, the
		// other right.
		anchor, from, to := "middle", x-6, x+6
		switch e.Kind {
		case "crash":
			anchor, from, to = "end", x-12, x
		case "ready":
			anchor, from, to = "start", x, x+18
		}
		for r := range rows {
			if free(rows[r], from, to) {
				g.text(x, top.top-6-float64(r)*11, s.glyph, anchor, "glyph "+s.class)
				rows[r] = append(rows[r], from, to)
				break
			}
		}
	}
}

// free reports whether [from, to] overlaps none of the spans (pairs of
// bounds) already taken.
func free(taken []float64, from, to float64) bool {
	for i := 0; i+1 < len(taken); i += 2 {
		if from < taken[i+1] && to > taken[i] {
			return false
		}
	}
	return true
}

// classifyStalls returns c's events with each stall no longer than the
// host's worst jitter in the cell given the kind stall-jitter.
func classifyStalls(c *bench.Cell) []bench.Event {
	out := make([]bench.Event, len(c.Events))
	copy(out, c.Events)
	if c.Host == nil {
		return out
	}
	for i := range out {
		if out[i].Kind == "stall" && out[i].DurationUS <= c.Host.JitterMaxUS {
			out[i].Kind = "stall-jitter"
		}
	}
	return out
}

func eventTip(e bench.Event) string {
	s := fmt.Sprintf("%s at %s, %s", styleOf(e.Kind).name, formatMillis(float64(e.TMS)), formatMicros(e.DurationUS))
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return clean(s)
}

// optional is a nullable figure or NaN, which breaks a line.
func optional(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func mapXs(s scale, vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = math.NaN()
		if !math.IsNaN(v) {
			out[i] = s.at(v)
		}
	}
	return out
}

func mapYs(s scale, vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = math.NaN()
		if !math.IsNaN(v) && (!s.Log || v > 0) {
			out[i] = s.at(v)
		}
	}
	return out
}

// maxOf is the largest number in the lists, ignoring NaN; 0 when none.
func maxOf(lists ...[]float64) float64 {
	m := 0.0
	for _, l := range lists {
		for _, v := range l {
			if v > m {
				m = v
			}
		}
	}
	return m
}

// minPositive is the smallest number above zero in the lists; 1 when none.
func minPositive(lists ...[]float64) float64 {
	m := math.Inf(1)
	for _, l := range lists {
		for _, v := range l {
			if v > 0 && v < m {
				m = v
			}
		}
	}
	if math.IsInf(m, 1) {
		return 1
	}
	return m
}

// formatSI writes an axis value compactly: 950, 12k, 1.5M.
func formatSI(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return shortFloat(v/1e6) + "M"
	case a >= 1e3:
		return shortFloat(v/1e3) + "k"
	}
	return shortFloat(v)
}

// shortFloat writes a tick value without the float noise that adding
// steps leaves (0.30000000000000004 reads 0.3).
func shortFloat(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
