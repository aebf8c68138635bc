package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// hgrmPoint is one row of an HdrHistogram percentile distribution.
type hgrmPoint struct {
	Value      float64 // in the unit the writer scaled to; persistbench writes µs
	Percentile float64 // 0..1
	Count      int64   // values at or below Value
}

// maxHgrmBytes bounds the .hgrm file the report reads: a distribution
// printed with 5 ticks per half distance is a few kilobytes.
const maxHgrmBytes = 8 << 20

// parseHgrm reads the percentile distribution that HdrHistogram's
// outputPercentileDistribution (hdrhistogram-go's PercentilesPrint)
// writes, as persistbench's runner writes it beside results.json:
//
//	       Value     Percentile TotalCount 1/(1-Percentile)
//
//	       0.119     0.000000            1         1.00
//	       1.218     0.500000       212580         2.00
//	  128647.167     1.000000       424640          inf
//	#[Mean    =       23.996, StdDeviation   =      837.991]
//	#[Max     =   128647.167, Total count    =       424640]
//
// The header, blank lines and '#' lines are skipped; every other line
// must hold value, percentile and count, with percentiles in 0..1 and
// neither percentiles nor counts going down.
func parseHgrm(r io.Reader) ([]hgrmPoint, error) {
	var pts []hgrmPoint
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || f[0] == "Value" {
			continue
		}
		p, err := parseHgrmLine(f)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if n := len(pts); n > 0 && (p.Percentile < pts[n-1].Percentile || p.Count < pts[n-1].Count) {
			return nil, fmt.Errorf("line %d: percentile or count goes down", line)
		}
		pts = append(pts, p)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(pts) == 0 {
		return nil, errors.New("no percentile rows")
	}
	return pts, nil
}

func parseHgrmLine(f []string) (hgrmPoint, error) {
	if len(f) < 3 {
		return hgrmPoint{}, fmt.Errorf("%d fields, want value, percentile, count", len(f))
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return hgrmPoint{}, fmt.Errorf("value %q is not a latency", f[0])
	}
	p, err := strconv.ParseFloat(f[1], 64)
	if err != nil || !(p >= 0 && p <= 1) {
		return hgrmPoint{}, fmt.Errorf("percentile %q is not in 0..1", f[1])
	}
	n, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || n < 0 {
		return hgrmPoint{}, fmt.Errorf("count %q is not a count", f[2])
	}
	return hgrmPoint{Value: v, Percentile: p, Count: n}, nil
}

// readHgrm reads the .hgrm file name from dir. The name comes from a
// results file, which may have been written anywhere: only a plain file
// name is accepted, never a path that would leave dir.
func readHgrm(dir, name string) ([]hgrmPoint, error) {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("reports: hgrm file %q: not a plain file name beside results.json", name)
	}
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	defer f.Close()
	pts, err := parseHgrm(io.LimitReader(f, maxHgrmBytes))
	if err != nil {
		return nil, fmt.Errorf("reports: read %s: %w", path, err)
	}
	return pts, nil
}
