package reports

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"github.com/persistbench/persistbench/bench"
)

// The page's template and stylesheet are embedded: the report is one file
// that opens offline and makes no network request.
//
//go:embed assets/report.html.tmpl assets/report.css
var assets embed.FS

var pageTemplate = template.Must(template.New("report.html.tmpl").ParseFS(assets, "assets/report.html.tmpl"))

// figure is a chart with its title, legend and caption lines, or, when
// Chart is nil, the reason it could not be drawn.
type figure struct {
	ID, Title string
	Legend    []legendItem
	Chart     *svg
	Why       string
	Notes     []string
}

// legendItem is a legend entry: a swatch of Class and its label. Event
// entries are drawn as a marker rather than a line.
type legendItem struct {
	Class, Label string
	Event        bool
}

// htmlTable is a Table ready for the template: a class per cell for its
// alignment, group labels shown once per group.
type htmlTable struct {
	Title string
	// Wrap lets long cells wrap instead of widening the table.
	Wrap  bool
	Head  []htmlCell
	Rows  [][]htmlCell
	Notes []string
}

type htmlCell struct{ Text, Class string }

// page is everything the template shows.
type page struct {
	HostLine, RunLine string
	CSS               template.CSS
	Empty             bool
	Summary           htmlTable
	Lost              figure
	Timelines         []figure
	Latency           []figure
	Disk              []figure
	Recovery, Fork    figure
	Verdicts          []htmlTable
	CostIntro         string
	Cost              htmlTable
	Latencies         htmlTable
	Missing           []string
}

// HTML writes the report as one self-contained HTML file: the tables of
// the Markdown report and charts drawn as inline SVG (throughput and
// latency over time with events marked, latency by percentile, disk
// against logical bytes, recovery and fork time against dataset size,
// lost acknowledged writes). It loads nothing: no script, font, image or
// stylesheet from anywhere. Every text from the results file is escaped
// by html/template. With opts.Dir set, latency distributions come from
// the .hgrm files the cells name.
func HTML(w io.Writer, r *bench.Results, opts Options) error {
	if r == nil {
		return errors.New("reports: html report: no results")
	}
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return fmt.Errorf("reports: html report: %w", err)
	}
	p := buildPage(r, opts)
	// The stylesheet is this package's own embedded file, not input.
	p.CSS = template.CSS(css)
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return fmt.Errorf("reports: html report: %w", err)
	}
	return writeReport(w, "html", b.Bytes())
}

func buildPage(r *bench.Results, opts Options) *page {
	p := &page{HostLine: HostLine(r), RunLine: runLine(r), Empty: len(r.Cells) == 0}
	if p.Empty {
		return p
	}
	pal := newPalette(r.Cells)
	v := varyingKeys(r.Cells)
	p.Summary = toHTMLTable("", markdownHeadline(r))
	p.Lost = lostFigure(r, pal)
	for i := range r.Cells {
		p.Timelines = append(p.Timelines, timelineFigure(&r.Cells[i], i, v.label(&r.Cells[i])))
	}
	for i, op := range allOps(r.Cells) {
		p.Latency = append(p.Latency, latencyFigure(r, op, i, pal, opts.Dir))
	}
	p.Disk = diskFigures(r, pal)
	p.Recovery = recoveryFigure(r, pal)
	p.Fork = forkFigure(r, pal)
	for _, vt := range Verdicts(r) {
		t := toHTMLTable(vt.Title, vt.Table)
		t.Wrap = true
		p.Verdicts = append(p.Verdicts, t)
	}
	p.CostIntro = costIntro(opts.Prices)
	p.Cost = toHTMLTable("", Cost(r, opts.Prices))
	p.Latencies = toHTMLTable("", Latencies(r))
	p.Missing = missingLines(r)
	return p
}

func toHTMLTable(title string, t Table) htmlTable {
	h := htmlTable{Title: title, Notes: t.NoteLines()}
	class := func(i int) string {
		if i < len(t.Columns) && t.Columns[i].Align == AlignRight {
			return "num"
		}
		return ""
	}
	for i, c := range t.Columns {
		h.Head = append(h.Head, htmlCell{Text: c.Title, Class: class(i)})
	}
	for i, row := range t.Rows {
		cells := make([]htmlCell, len(row))
		for j, s := range row {
			if j < len(t.Columns) && t.Columns[j].Group && i > 0 && t.Rows[i-1][j] == s {
				s = ""
			}
			cells[j] = htmlCell{Text: s, Class: class(j)}
		}
		h.Rows = append(h.Rows, cells)
	}
	return h
}

// seriesKey is what gives a cell its colour: the same backend and profile
// have the same colour in every chart.
func seriesKey(c *bench.Cell) string { return c.Backend + "/" + c.Profile }

// palette gives every cell its colour class, and cells that share a
// colour (the same profile at another size or repeat) a dash pattern of
// their own, so that no two lines of a chart look alike.
type palette struct {
	colour map[string]int
	cells  []string
}

func newPalette(cells []bench.Cell) palette {
	p := palette{colour: map[string]int{}}
	seen := map[string]int{}
	for i := range cells {
		k := seriesKey(&cells[i])
		if _, ok := p.colour[k]; !ok {
			p.colour[k] = len(p.colour)
		}
		class := seriesClass(p.colour[k])
		if n := seen[k]; n > 0 {
			class += " v" + strconv.Itoa(min(n, 3))
		}
		seen[k]++
		p.cells = append(p.cells, class)
	}
	return p
}

// cell is the class of the i-th cell.
func (p palette) cell(i int) string { return p.cells[i] }

// series is the colour class alone, for a line that joins cells of one
// backend and profile.
func (p palette) series(c *bench.Cell) string { return seriesClass(p.colour[seriesKey(c)]) }
