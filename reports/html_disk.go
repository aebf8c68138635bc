package reports

import (
	"math"
	"strconv"

	"github.com/persistbench/persistbench/bench"
)

// diskFigures draw, per cell, its bytes on disk over time against the
// logical live bytes. The results hold the logical bytes once, at the
// end of the run, so those are a dashed level rather than a line over
// time. Every chart shares one byte scale so that the cells compare at a
// glance.
func diskFigures(r *bench.Results, pal palette) []figure {
	v := varyingKeys(r.Cells)
	top := 0.0
	for i := range r.Cells {
		c := &r.Cells[i]
		for _, p := range c.Timeline {
			if p.DiskBytes != nil {
				top = math.Max(top, float64(*p.DiskBytes))
			}
		}
		if c.Storage != nil && c.Storage.LogicalBytes != nil {
			top = math.Max(top, float64(*c.Storage.LogicalBytes))
		}
	}
	var figs []figure
	for i := range r.Cells {
		figs = append(figs, diskFigure(&r.Cells[i], i, v.label(&r.Cells[i]), top, pal.cell(i)))
	}
	return figs
}

func diskFigure(c *bench.Cell, i int, label string, top float64, class string) figure {
	fig := figure{ID: "disk-" + strconv.Itoa(i), Title: label}
	var ts, disk []float64
	iv := intervalMS(c)
	for _, p := range c.Timeline {
		if p.DiskBytes != nil {
			ts = append(ts, (float64(p.TMS)+iv)/1000)
			disk = append(disk, float64(*p.DiskBytes))
		}
	}
	if len(disk) == 0 {
		fig.Why = "no disk samples: " + missingAny(c, "timeline.disk_bytes", "storage.disk_bytes", "storage.disk_bytes_final")
		return fig
	}
	g := &svg{ID: "svg-" + fig.ID, Class: "chart chart-disk", W: 320, H: 190,
		Label: "bytes on disk over time against logical bytes of " + label}
	f := frame{left: 62, right: 308, top: 22, bottom: 156}
	end := float64(c.Timeline[len(c.Timeline)-1].TMS)/1000 + iv/1000
	var xt, yt []float64
	f.x, xt = linearScale(0, end, f.left, f.right, 4)
	f.y, yt = bytesScale(top, f.bottom, f.top, 4)
	g.yAxis(f, yt, tickBytes)
	g.xAxis(f, xt, func(v float64) string { return shortFloat(v) + "s" })
	g.axisTitle(f, "bytes")
	if c.Storage != nil && c.Storage.LogicalBytes != nil {
		y := f.y.at(float64(*c.Storage.LogicalBytes))
		g.line(f.left, y, f.right, y, "logical", "logical bytes at the end: "+formatBytes(*c.Storage.LogicalBytes))
	} else {
		fig.Notes = append(fig.Notes, "no logical bytes: "+missingNote(c, "storage.logical_bytes"))
	}
	g.polyline(mapXs(f.x, ts), mapYs(f.y, disk), "line "+class, "bytes on disk")
	fig.Chart = g
	fig.Notes = append(fig.Notes, diskCaption(c))
	return fig
}

// diskCaption states the end figures the chart is read against.
func diskCaption(c *bench.Cell) string {
	s := c.Storage
	if s == nil {
		return "storage: " + missingNote(c, "storage")
	}
	parts := ""
	if s.DiskBytesPeak != nil {
		parts += "peak " + formatBytes(*s.DiskBytesPeak)
	}
	if s.DiskBytesFinal != nil {
		parts = joinNonEmpty(parts, "end "+formatBytes(*s.DiskBytesFinal))
	}
	if s.LogicalBytes != nil {
		parts = joinNonEmpty(parts, "logical "+formatBytes(*s.LogicalBytes))
	}
	if s.BloatRatio != nil {
		parts = joinNonEmpty(parts, "disk/logical "+formatRatio(*s.BloatRatio))
	}
	return parts
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + " · " + b
}
