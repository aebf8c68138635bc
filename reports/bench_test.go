package reports

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

// bigResults repeats the matrix fixture's cells to n cells, as a plan with
// many repeats would produce.
func bigResults(b *testing.B, n int) *bench.Results {
	r := readFixture(b, "matrix.json")
	cells := r.Cells
	r.Cells = nil
	for i := 0; len(r.Cells) < n; i++ {
		c := cells[i%len(cells)]
		c.Repeat = 1 + i/len(cells)
		r.Cells = append(r.Cells, c)
	}
	return r
}

// BenchmarkText measures building and rendering the console report of 70
// cells; cells/s is the figure that matters.
func BenchmarkText(b *testing.B) {
	r := bigResults(b, 70)
	b.ReportAllocs()
	for b.Loop() {
		if err := Text(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Cells))*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkReadFile measures reading and decoding results.json (with
// timelines and events) from the page cache.
func BenchmarkReadFile(b *testing.B) {
	path := filepath.Join("testdata", "matrix.json")
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	for b.Loop() {
		if _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkWriteFile measures an atomic write of results.json: two fsyncs
// dominate, so the figure says more about the disk than about this code.
func BenchmarkWriteFile(b *testing.B) {
	r := readFixture(b, "matrix.json")
	path := filepath.Join(b.TempDir(), "results.json")
	for b.Loop() {
		if err := WriteFile(path, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/write")
}
