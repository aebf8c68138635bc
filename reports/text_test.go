package reports

import (
	"bytes"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenFixtures are the results files whose text reports are kept as
// testdata/<name>.txt.
var goldenFixtures = []string{"matrix", "repeats", "empty"}

func TestTextGolden(t *testing.T) {
	for _, name := range goldenFixtures {
		t.Run(name, func(t *testing.T) {
			r, err := ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Text(&got, r); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", name+".txt"), got.Bytes(), *update)
		})
	}
}

// TestTextIgnoresLocaleWidth checks that widths do not follow tablewriter's
// process-wide East Asian setting, which it guesses from LANG and TERM: in
// a CJK locale —, µ, × and box drawing would otherwise count two columns.
func TestTextIgnoresLocaleWidth(t *testing.T) {
	r, err := ReadFile(filepath.Join("testdata", "matrix.json"))
	if err != nil {
		t.Fatal(err)
	}
	var narrow, wide bytes.Buffer
	if err := Text(&narrow, r); err != nil {
		t.Fatal(err)
	}
	was := twwidth.IsEastAsian()
	twwidth.SetEastAsian(true)
	t.Cleanup(func() { twwidth.SetEastAsian(was) })
	if err := Text(&wide, r); err != nil {
		t.Fatal(err)
	}
	if narrow.String() != wide.String() {
		t.Errorf("report changed with East Asian widths on:\n%s\nwas:\n%s", wide.String(), narrow.String())
	}
}

// TestTextColumnsAligned checks that every line of a table has the same
// width in runes (each rune one column), so the table lines up in a
// terminal and no colour escape sneaked in.
func TestTextColumnsAligned(t *testing.T) {
	r, err := ReadFile(filepath.Join("testdata", "matrix.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Text(&out, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Fatal("report contains an escape sequence")
	}
	width := 0
	for i, line := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(line, "│") && !strings.HasPrefix(line, "┌") &&
			!strings.HasPrefix(line, "├") && !strings.HasPrefix(line, "└") {
			width = 0 // outside a table
			continue
		}
		n := len([]rune(line))
		if width == 0 {
			width = n
		}
		if n != width {
			t.Errorf("line %d is %d columns wide, its table %d: %q", i+1, n, width, line)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextErrors(t *testing.T) {
	if err := Text(&bytes.Buffer{}, nil); err == nil {
		t.Error("Text(nil results) succeeded")
	}
	r := &bench.Results{Schema: bench.Schema, Cells: []bench.Cell{{Backend: "reference", Status: "ok"}}}
	err := Text(failingWriter{}, r)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Text to a failing writer: err = %v, want the writer's error", err)
	}
}
