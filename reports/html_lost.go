package reports

import (
	"math"

	"github.com/persistbench/persistbench/bench"
)

// lostFigure is a horizontal bar per cell: the acknowledged writes the
// crash lost. Each cell's name sits above its bar, so that long names fit
// on a phone; a cell without a crash says so in place of its bar.
func lostFigure(r *bench.Results, pal palette) figure {
	fig := figure{ID: "lost-acked", Title: "Acknowledged writes lost on the crash"}
	v := varyingKeys(r.Cells)
	const rowH, left, right, top = 42.0, 8.0, 540.0, 6.0
	n := float64(len(r.Cells))
	g := &svg{ID: "svg-lost-acked", Class: "chart wide chart-lost-acked", W: 640,
		H: top + rowH*n + 34, Label: "acknowledged writes lost on the crash, per cell"}
	most := 0.0
	for i := range r.Cells {
		if rec := r.Cells[i].Recovery; rec != nil {
			most = math.Max(most, float64(rec.LostAckedWrites))
		}
	}
	x, xt := linearScale(0, math.Max(most, 1), left, right, 4)
	f := frame{x: x, left: left, right: right, top: top, bottom: top + rowH*n + 6}
	for _, t := range xt {
		g.line(x.at(t), f.top, x.at(t), f.bottom, "gridline", "")
	}
	g.xAxis(f, xt, formatSI)
	for i := range r.Cells {
		c := &r.Cells[i]
		y := top + rowH*float64(i)
		label := v.label(c)
		g.text(left, y+15, label, "start", "bar-label")
		if c.Recovery == nil {
			g.text(left, y+35, "not measured (see the notes below)", "start", "bar-none")
			fig.Notes = append(fig.Notes, label+": "+missingNote(c, "recovery"))
			continue
		}
		lost := c.Recovery.LostAckedWrites
		tip := label + ": " + formatCount(lost) + " lost after " + c.Recovery.Crash
		if rec := c.Recovery; rec.LostWindowMS != nil {
			tip += ", loss window " + formatMillis(*rec.LostWindowMS)
		}
		w := x.at(float64(lost)) - left
		if lost > 0 {
			g.rect(left, y+21, math.Max(w, 2), 16, "bar "+pal.cell(i), tip)
		}
		class := "bar-value"
		if lost == 0 {
			class += " zero"
		}
		g.text(left+w+6, y+34, formatCount(lost), "start", class)
	}
	fig.Chart = g
	return fig
}
