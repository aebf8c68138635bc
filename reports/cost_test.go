package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

func TestParsePrices(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Prices
		wantErr string
	}{
		{in: "", want: DefaultPrices},
		{in: "dram=4.0,disk=0.1", want: Prices{4, 0.1}},
		{in: "disk=0.2", want: Prices{DefaultPrices.DRAMPerGBMonth, 0.2}},
		{in: " DRAM = $3.5 , disk=0 ", want: Prices{3.5, 0}},
		{in: "dram=4", want: Prices{4, DefaultPrices.DiskPerGBMonth}},
		{in: "dram", wantErr: "want dram=N,disk=N"},
		{in: "gpu=1", wantErr: `unknown resource "gpu"`},
		{in: "dram=-1", wantErr: "is not a price"},
		{in: "dram=abc", wantErr: "is not a price"},
		{in: "dram=NaN", wantErr: "is not a price"},
		{in: "disk=+Inf", wantErr: "is not a price"},
	} {
		got, err := ParsePrices(tc.in)
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "reports: ") {
				t.Errorf("ParsePrices(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("ParsePrices(%q): %v", tc.in, err)
		case got != tc.want:
			t.Errorf("ParsePrices(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
	// What String writes, ParsePrices reads back.
	p := Prices{3.25, 0.08}
	if got, err := ParsePrices(p.String()); err != nil || got != p {
		t.Errorf("ParsePrices(%q) = %+v, %v; want %+v", p.String(), got, err, p)
	}
}

func TestCost(t *testing.T) {
	cell := func(records, rss, disk int64) bench.Cell {
		c := bench.Cell{Backend: "b", Profile: "p", Workload: "w", Records: records, Status: "ok",
			Missing: map[string]string{}}
		if rss >= 0 {
			c.Memory = &bench.Memory{RSSPeakBytes: ptr(rss)}
		} else {
			c.Missing["memory"] = "no process to measure"
		}
		if disk >= 0 {
			c.Storage = &bench.Storage{DiskBytesFinal: ptr(disk)}
		}
		return c
	}
	for _, tc := range []struct {
		name   string
		cell   bench.Cell
		prices Prices
		want   []string // RSS/1m, disk/1m, DRAM $, disk $, total $
		notes  []string
	}{
		{"million records", cell(1_000_000, 2<<30, 10<<30), Prices{}, []string{"2.0 GiB", "10.0 GiB", "$8.00", "$1.00", "$9.00"}, nil},
		{"scaled up", cell(500_000, 1<<30, 1<<29), Prices{}, []string{"2.0 GiB", "1.0 GiB", "$8.00", "$0.10", "$8.10"}, nil},
		{"own prices", cell(1_000_000, 1<<30, 1<<30), Prices{2, 0.5}, []string{"1.0 GiB", "1.0 GiB", "$2.00", "$0.50", "$2.50"}, nil},
		{"tiny disk", cell(1_000_000, 1<<30, 4096), Prices{}, []string{"1.0 GiB", "4.0 KiB", "$4.00", "<$0.01", "$4.00"}, nil},
		{"no memory", cell(1_000_000, -1, 1<<30), Prices{}, []string{"—¹", "1.0 GiB", "—¹", "$0.10", "—¹"},
			[]string{"memory: no process to measure"}},
		{"no records", cell(0, 1<<30, 1<<30), Prices{}, []string{"—¹", "—¹", "—¹", "—¹", "—¹"},
			[]string{"cost: the cell records no dataset size (records), so nothing scales to a million records"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := Cost(&bench.Results{Cells: []bench.Cell{tc.cell}}, tc.prices)
			got := tab.Rows[0][2:]
			if strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("row = %q, want %q", got, tc.want)
			}
			if strings.Join(tab.Notes, "\n") != strings.Join(tc.notes, "\n") {
				t.Errorf("notes = %q, want %q", tab.Notes, tc.notes)
			}
		})
	}
}

// TestCostCaveat checks that a memory peak the runner qualified (an
// engine inside the benchmark's own process) carries its footnote into
// the cost.
func TestCostCaveat(t *testing.T) {
	r := readFixture(t, "reference-crash/results.json")
	tab := Cost(r, Prices{})
	if len(tab.Notes) == 0 || !strings.HasPrefix(tab.Notes[0], "engine_rss_bytes: ") {
		t.Fatalf("notes = %q, want the engine_rss_bytes caveat", tab.Notes)
	}
	for _, row := range tab.Rows {
		if !strings.HasSuffix(row[6], "¹") {
			t.Errorf("%s: total %q lacks the caveat's mark", row[0], row[6])
		}
	}
}

func TestFormatDollars(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "$0.00"}, {0.004, "<$0.01"}, {0.005, "$0.01"}, {23.996, "$24.00"}, {1234.5, "$1,234.50"},
	} {
		if got := formatDollars(tc.in); got != tc.want {
			t.Errorf("formatDollars(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func ExampleParsePrices() {
	p, err := ParsePrices("dram=3.2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p, "→", formatDollars(perMillion(2<<30, 1_000_000)*p.DRAMPerGBMonth), "a month for 2 GiB of DRAM")
	// Output: dram=3.2,disk=0.1 → $6.40 a month for 2 GiB of DRAM
}
