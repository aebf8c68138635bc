package reports

import (
	"math"
	"strconv"
	"strings"
)

// svg is an inline SVG chart: a viewBox of W×H user units (CSS pixels at
// 100 % zoom; the page scales it to its width) and shapes in paint order.
// The page template renders it, so every text it holds is escaped there;
// numbers are formatted here.
type svg struct {
	ID, Class string
	// Label says what the chart shows, for screen readers (aria-label).
	Label  string
	W, H   float64
	Shapes []shape
}

// shape is one SVG element: Kind is rect, line, path, circle or text;
// the fields a kind does not use stay empty. Tip becomes a <title>, shown
// as a tooltip.
type shape struct {
	Kind                  string
	X, Y, X2, Y2, W, H, R string
	D                     string
	Class                 string
	Text                  string
	Anchor                string
	Tip                   string
}

// num writes a coordinate with one decimal, which is finer than a pixel.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func (g *svg) rect(x, y, w, h float64, class, tip string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	g.Shapes = append(g.Shapes, shape{Kind: "rect", X: num(x), Y: num(y), W: num(w), H: num(h), Class: class, Tip: tip})
}

func (g *svg) line(x1, y1, x2, y2 float64, class, tip string) {
	g.Shapes = append(g.Shapes, shape{Kind: "line", X: num(x1), Y: num(y1), X2: num(x2), Y2: num(y2), Class: class, Tip: tip})
}

func (g *svg) circle(x, y, r float64, class, tip string) {
	g.Shapes = append(g.Shapes, shape{Kind: "circle", X: num(x), Y: num(y), R: num(r), Class: class, Tip: tip})
}

// text places s with its anchor (start, middle, end) at x and its
// baseline at y.
func (g *svg) text(x, y float64, s, anchor, class string) {
	g.Shapes = append(g.Shapes, shape{Kind: "text", X: num(x), Y: num(y), Text: s, Anchor: anchor, Class: class})
}

// polyline joins the points in order; a NaN coordinate breaks the line,
// so a missing sample leaves a gap instead of a made-up segment.
func (g *svg) polyline(xs, ys []float64, class, tip string) {
	var d strings.Builder
	pen := false
	for i := range xs {
		if math.IsNaN(xs[i]) || math.IsNaN(ys[i]) {
			pen = false
			continue
		}
		if pen {
			d.WriteString("L")
		} else {
			if d.Len() > 0 {
				d.WriteString(" ")
			}
			d.WriteString("M")
		}
		d.WriteString(num(xs[i]) + "," + num(ys[i]))
		pen = true
	}
	if d.Len() > 0 {
		g.Shapes = append(g.Shapes, shape{Kind: "path", D: d.String(), Class: class, Tip: tip})
	}
}

// scale maps a domain [Lo, Hi] onto the range [A, B] of user units,
// linearly or by log10 (a log domain must be positive).
type scale struct {
	Lo, Hi float64
	A, B   float64
	Log    bool
}

func (s scale) at(v float64) float64 {
	lo, hi := s.Lo, s.Hi
	if s.Log {
		v, lo, hi = math.Log10(math.Max(v, s.Lo)), math.Log10(lo), math.Log10(hi)
	}
	if hi == lo {
		return (s.A + s.B) / 2
	}
	return s.A + (v-lo)/(hi-lo)*(s.B-s.A)
}

// linearScale spans 0 (or lo, when below 0) to a round number above hi
// and returns its ticks.
func linearScale(lo, hi, a, b float64, nticks int) (scale, []float64) {
	lo = math.Min(0, lo)
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / float64(nticks))
	hi = math.Ceil(hi/step) * step
	lo = math.Floor(lo/step) * step
	var ticks []float64
	for v := lo; v <= hi+step/2; v += step {
		ticks = append(ticks, v)
	}
	return scale{Lo: lo, Hi: hi, A: a, B: b}, ticks
}

// bytesScale is linearScale for bytes, with ticks at round numbers of
// the IEC unit the top falls in (200 MiB, not 190.7 MiB).
func bytesScale(hi, a, b float64, nticks int) (scale, []float64) {
	unit := 1.0
	for hi/unit >= 1024 {
		unit *= 1024
	}
	s, ticks := linearScale(0, hi/unit, a, b, nticks)
	s.Lo, s.Hi = s.Lo*unit, s.Hi*unit
	for i := range ticks {
		ticks[i] *= unit
	}
	return s, ticks
}

// tickBytes writes a byte tick without decimals it does not need:
// 200 MiB, 1.5 GiB.
func tickBytes(v float64) string {
	if v < 1024 {
		return shortFloat(v) + " B"
	}
	for _, unit := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= 1024
		if v < 1024 || unit == "TiB" {
			return shortFloat(math.Round(v*10)/10) + " " + unit
		}
	}
	return ""
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// logScale spans whole decades around [lo, hi] and returns a tick per
// decade (and at 2× and 5× when the span is under three decades).
func logScale(lo, hi, a, b float64) (scale, []float64) {
	if lo <= 0 || math.IsNaN(lo) {
		lo = 1
	}
	if hi <= lo {
		hi = lo * 10
	}
	dlo, dhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if dhi == dlo {
		dhi++
	}
	var ticks []float64
	for d := dlo; d <= dhi; d++ {
		p := math.Pow(10, d)
		ticks = append(ticks, p)
		if dhi-dlo < 3 && d < dhi {
			ticks = append(ticks, 2*p, 5*p)
		}
	}
	return scale{Lo: math.Pow(10, dlo), Hi: math.Pow(10, dhi), A: a, B: b, Log: true}, ticks
}

// frame is a plot area and its two scales.
type frame struct {
	x, y                     scale
	left, top, right, bottom float64
}

// yAxis draws horizontal grid lines with labels left of the frame.
func (g *svg) yAxis(f frame, ticks []float64, label func(float64) string) {
	for _, v := range ticks {
		y := f.y.at(v)
		g.line(f.left, y, f.right, y, "gridline", "")
		g.text(f.left-4, y+4, label(v), "end", "tick")
	}
}

// xAxis draws tick marks and labels under the frame.
func (g *svg) xAxis(f frame, ticks []float64, label func(float64) string) {
	g.line(f.left, f.bottom, f.right, f.bottom, "axis", "")
	for _, v := range ticks {
		x := f.x.at(v)
		g.line(x, f.bottom, x, f.bottom+4, "axis", "")
		g.text(x, f.bottom+16, label(v), "middle", "tick")
	}
}

// axisTitle writes a title at the frame's top left, above the labels.
func (g *svg) axisTitle(f frame, s string) {
	g.text(f.left, f.top-6, s, "start", "axis-title")
}

// seriesClass is the colour class of the i-th series; eight colours
// (Okabe-Ito, safe for colour-blind readers) repeat with a dash pattern.
func seriesClass(i int) string {
	c := "s" + strconv.Itoa(i%8)
	if i >= 8 {
		c += " alt"
	}
	return c
}
