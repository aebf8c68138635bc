package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/persistbench/persistbench/bench"
)

// renderHTML writes r's HTML report and parses it back.
func renderHTML(t testing.TB, r *bench.Results, opts Options) (*html.Node, string) {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, r, opts); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, b.String()
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// byID indexes the document's elements by id.
func byID(doc *html.Node) map[string]*html.Node {
	m := map[string]*html.Node{}
	walk(doc, func(n *html.Node) {
		if id, ok := attr(n, "id"); ok && n.Type == html.ElementNode {
			m[id] = n
		}
	})
	return m
}

func hasClass(n *html.Node, class string) bool {
	c, _ := attr(n, "class")
	for _, f := range strings.Fields(c) {
		if f == class {
			return true
		}
	}
	return false
}

// count counts the elements under n with the tag and class ("" for any).
func count(n *html.Node, tag, class string) int {
	k := 0
	walk(n, func(e *html.Node) {
		if e.Type == html.ElementNode && e.Data == tag && (class == "" || hasClass(e, class)) {
			k++
		}
	})
	return k
}

// forkSweep is the matrix fixture's Redis cells again at 5m records with
// longer forks: a fork-vs-size chart has two sizes to draw.
func forkSweep(t testing.TB) *bench.Results {
	r := readFixture(t, "matrix.json")
	var more []bench.Cell
	for _, c := range r.Cells {
		if c.Pauses != nil && c.Pauses.ForkMaxUS != nil {
			c.Records = 5_000_000
			c.Pauses = &bench.Pauses{ForkMaxUS: ptr(*c.Pauses.ForkMaxUS * 4)}
			c.Memory = &bench.Memory{RSSPeakBytes: ptr(int64(1 << 30))}
			more = append(more, c)
		}
	}
	r.Cells = append(r.Cells, more...)
	return r
}

func TestHTMLCharts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		r      func(testing.TB) *bench.Results
		dir    string
		drawn  map[string]string // figure id → the class of its svg
		absent []string          // figures shown with the reason they are not drawn
	}{
		{"reference-crash", func(t testing.TB) *bench.Results { return readFixture(t, "reference-crash/results.json") }, "testdata/reference-crash",
			map[string]string{"lost-acked": "chart-lost-acked", "timeline-0": "chart-timeline", "timeline-5": "chart-timeline",
				"latency-0": "chart-latency", "latency-3": "chart-latency", "disk-0": "chart-disk", "disk-5": "chart-disk"},
			[]string{"recovery-vs-size", "fork-vs-size"}},
		{"sweep", func(t testing.TB) *bench.Results { return readFixture(t, "sweep/results.json") }, "testdata/sweep",
			map[string]string{"lost-acked": "chart-lost-acked", "timeline-3": "chart-timeline", "recovery-vs-size": "chart-recovery-vs-size"},
			[]string{"fork-vs-size"}},
		{"matrix", func(t testing.TB) *bench.Results { return readFixture(t, "matrix.json") }, "",
			map[string]string{"recovery-vs-size": "chart-recovery-vs-size", "latency-0": "chart-latency"},
			[]string{"fork-vs-size"}},
		{"fork sweep", forkSweep, "",
			map[string]string{"fork-vs-size": "chart-fork-vs-size"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := renderHTML(t, tc.r(t), Options{Dir: tc.dir})
			ids := byID(doc)
			for id, class := range tc.drawn {
				fig := ids[id]
				if fig == nil || fig.Data != "figure" {
					t.Errorf("no figure %q", id)
					continue
				}
				svg := ids["svg-"+id]
				if svg == nil || svg.Data != "svg" || !hasClass(svg, class) {
					t.Errorf("figure %q has no svg of class %s", id, class)
					continue
				}
				if vb, _ := attr(svg, "viewBox"); len(strings.Fields(vb)) != 4 {
					t.Errorf("svg %q: viewBox %q", id, vb)
				}
				if count(svg, "path", "")+count(svg, "rect", "") == 0 {
					t.Errorf("svg %q draws no line and no bar", id)
				}
				if count(svg, "text", "tick") == 0 {
					t.Errorf("svg %q has no axis labels", id)
				}
			}
			for _, id := range tc.absent {
				fig := ids[id]
				if fig == nil || !hasClass(fig, "empty") || count(fig, "p", "why") != 1 {
					t.Errorf("figure %q is not shown as not drawn, with a reason", id)
				}
			}
		})
	}
}

// TestHTMLForkPerGiB checks the fork chart's note of µs per GiB of RSS:
// 4 × 21,877 µs over 1 GiB.
func TestHTMLForkPerGiB(t *testing.T) {
	_, out := renderHTML(t, forkSweep(t), Options{})
	if !strings.Contains(out, "87.51ms/GiB") {
		t.Error("fork chart lacks the fork time per GiB of RSS (87.51ms/GiB)")
	}
}

// TestHTMLSelfContained checks that no report makes a network request:
// no element that loads anything, no URL but in-page anchors, no CSS
// import or url().
func TestHTMLSelfContained(t *testing.T) {
	for _, f := range markdownFixtures {
		t.Run(f.name, func(t *testing.T) {
			r := readFixture(t, f.path)
			doc, out := renderHTML(t, r, Options{Dir: filepath.Dir(filepath.Join("testdata", f.path))})
			walk(doc, func(n *html.Node) {
				if n.Type != html.ElementNode {
					return
				}
				switch n.Data {
				case "script", "link", "img", "iframe", "object", "embed", "image", "use", "video", "audio", "source", "base", "form":
					t.Errorf("element <%s> in a self-contained report", n.Data)
				}
				for _, a := range n.Attr {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					switch {
					case a.Key == "href" && !strings.HasPrefix(v, "#"),
						a.Key == "src", a.Key == "srcset", a.Key == "action", a.Key == "poster", a.Key == "xlink:href",
						strings.HasPrefix(a.Key, "on"):
						t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
					}
					if strings.Contains(v, "http:") || strings.Contains(v, "https:") || strings.Contains(v, "//") {
						t.Errorf("<%s %s=%q> holds a URL", n.Data, a.Key, a.Val)
					}
				}
			})
			lower := strings.ToLower(out)
			for _, bad := range []string{"@import", "url(", "http://", "https://"} {
				if strings.Contains(lower, bad) {
					t.Errorf("report contains %q", bad)
				}
			}
		})
	}
}

// TestHTMLEscapes feeds markup through every kind of text a results file
// holds and checks it comes out as text.
func TestHTMLEscapes(t *testing.T) {
	const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
	r := readFixture(t, "reference-crash/results.json")
	c := &r.Cells[1]
	c.Profile += evil
	c.Workload = evil
	c.Status, c.Error = "failed", evil
	c.Missing["storage.write_amplification"] = evil
	c.Events = append(c.Events, bench.Event{TMS: 100, Kind: evil, DurationUS: 5000, Detail: evil})
	c.Config["save"] = evil
	r.Host.CPUModel = evil
	doc, _ := renderHTML(t, r, Options{})
	var texts int
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "img") {
			t.Errorf("the results file injected a <%s>", n.Data)
		}
		if n.Type == html.TextNode && strings.Contains(n.Data, "<script>alert(1)</script>") {
			texts++
		}
	})
	if texts < 5 {
		t.Errorf("the markup is shown as text %d times, want it in the host line, tables, notes and charts", texts)
	}
}

// TestHTMLLatencySources checks where distributions come from: the .hgrm
// files beside results.json when present (only the rdb cell's and one of
// aof-always's are kept in testdata), else the percentiles of
// results.json, drawn dashed with dots and said so.
func TestHTMLLatencySources(t *testing.T) {
	r := readFixture(t, "reference-crash/results.json")
	for _, tc := range []struct {
		name         string
		dir          string
		hgrm, approx int // series of the read chart
		warn         string
	}{
		{"with files", "testdata/reference-crash", 1, 5, "percentiles from results.json drawn instead of reference_none_mixed_100000_r1_read.hgrm"},
		{"without", "", 0, 6, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, out := renderHTML(t, r, Options{Dir: tc.dir})
			svg := byID(doc)["svg-latency-0"]
			if svg == nil {
				t.Fatal("no read latency chart")
			}
			lines, approx := count(svg, "path", "line"), count(svg, "path", "approx")
			if lines-approx != tc.hgrm || approx != tc.approx {
				t.Errorf("%d whole and %d percentile-only series, want %d and %d", lines-approx, approx, tc.hgrm, tc.approx)
			}
			if tc.warn != "" && !strings.Contains(out, tc.warn) {
				t.Errorf("report does not say %q", tc.warn)
			}
		})
	}
}

// TestHTMLHgrmOutsideDir checks that a file name in a results file cannot
// make the report read outside the results file's directory.
func TestHTMLHgrmOutsideDir(t *testing.T) {
	r := readFixture(t, "reference-crash/results.json")
	r.Cells[1].Files["hgrm_read"] = "../matrix.json"
	_, out := renderHTML(t, r, Options{Dir: "testdata/reference-crash"})
	if !strings.Contains(out, "not a plain file name") {
		t.Error("a path leaving the results directory was not refused")
	}
}

// TestHTMLWellFormedSVG re-reads every chart as XML, as an SVG viewer
// would if it were saved on its own.
func TestHTMLWellFormedSVG(t *testing.T) {
	doc, _ := renderHTML(t, readFixture(t, "reference-crash/results.json"), Options{Dir: "testdata/reference-crash"})
	n := 0
	walk(doc, func(e *html.Node) {
		if e.Type != html.ElementNode || e.Data != "svg" {
			return
		}
		n++
		var b bytes.Buffer
		if err := html.Render(&b, e); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(&b)
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("svg %d is not well-formed XML: %v", n, err)
			}
		}
	})
	if n < 10 {
		t.Errorf("%d charts, want at least 10", n)
	}
}

func TestHTMLEmpty(t *testing.T) {
	doc, out := renderHTML(t, readFixture(t, "empty.json"), Options{})
	if !strings.Contains(out, "nothing was measured") || count(doc, "svg", "") != 0 {
		t.Error("an empty results file does not say that nothing was measured")
	}
}

func TestHTMLErrors(t *testing.T) {
	if err := HTML(io.Discard, nil, Options{}); err == nil {
		t.Error("HTML(nil results) succeeded")
	}
	err := HTML(failingWriter{}, readFixture(t, "matrix.json"), Options{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("HTML to a failing writer: err = %v, want the writer's error", err)
	}
}

// FuzzHTMLEscaping puts arbitrary text everywhere a results file holds
// text and checks that it never becomes markup.
func FuzzHTMLEscaping(f *testing.F) {
	base := readFixture(f, "sweep/results.json")
	for _, s := range []string{"rdb", "<b>x</b>", `"'><svg onload=1>`, "a\x00b\u2028", "]]><!--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := *base
		r.Cells = append([]bench.Cell(nil), base.Cells...)
		c := &r.Cells[0]
		c.Profile, c.Workload, c.Error = s, s, s
		c.Missing = map[string]string{s: s}
		c.Events = []bench.Event{{TMS: 10, Kind: s, Detail: s, DurationUS: 1}}
		doc, _ := renderHTML(t, &r, Options{})
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			if n.Data == "script" || n.Data == "img" || n.Data == "iframe" {
				t.Fatalf("input %q made a <%s>", s, n.Data)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("input %q made an attribute %s", s, a.Key)
				}
			}
		})
	})
}

// BenchmarkHTML measures the HTML report of 70 cells with their charts;
// cells/s is the figure that matters, report bytes per cell the size.
func BenchmarkHTML(b *testing.B) {
	r := bigResults(b, 70)
	var out bytes.Buffer
	if err := HTML(&out, r, Options{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := HTML(io.Discard, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Cells))*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
	b.ReportMetric(float64(out.Len())/float64(len(r.Cells)), "bytes/cell")
}
