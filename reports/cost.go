package reports

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// Prices are what memory and disk cost a month, in dollars per GiB
// (2^30 bytes) kept for a month. Cloud price lists say "GB-month"; the
// figures here are divided by GiB, as the report's byte units are.
type Prices struct {
	DRAMPerGBMonth float64
	DiskPerGBMonth float64
}

// DefaultPrices are round figures of the order public clouds charge:
// about $4 per GB-month of DRAM (the memory share of a memory-optimised
// instance) and $0.10 per GB-month of SSD block storage. Pass real ones
// with --price dram=N,disk=N.
var DefaultPrices = Prices{DRAMPerGBMonth: 4.0, DiskPerGBMonth: 0.1}

// orDefault returns p, or DefaultPrices when p is the zero value.
func (p Prices) orDefault() Prices {
	if p == (Prices{}) {
		return DefaultPrices
	}
	return p
}

// String writes p as the --price flag takes it: dram=4,disk=0.1.
func (p Prices) String() string {
	return "dram=" + strconv.FormatFloat(p.DRAMPerGBMonth, 'f', -1, 64) +
		",disk=" + strconv.FormatFloat(p.DiskPerGBMonth, 'f', -1, 64)
}

// ParsePrices reads a --price flag: comma-separated dram=N and disk=N in
// dollars per GiB-month; a price not named keeps its DefaultPrices value.
func ParsePrices(s string) (Prices, error) {
	p := DefaultPrices
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			return Prices{}, fmt.Errorf("reports: price %q: want dram=N,disk=N ($ per GiB-month)", part)
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(strings.TrimSpace(val), "$"), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return Prices{}, fmt.Errorf("reports: price %q: %q is not a price in $ per GiB-month", part, val)
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "dram", "ram", "memory":
			p.DRAMPerGBMonth = v
		case "disk", "ssd", "storage":
			p.DiskPerGBMonth = v
		default:
			return Prices{}, fmt.Errorf("reports: price %q: unknown resource %q (want dram or disk)", part, key)
		}
	}
	return p, nil
}

const gib = 1 << 30

// perMillion scales bytes measured for records records to a million
// records, in GiB.
func perMillion(bytes, records int64) float64 {
	return float64(bytes) / float64(records) * 1e6 / gib
}

// Cost builds the cost table: for each cell, the memory peak and the disk
// bytes scaled to a million records and what they cost a month:
//
//	$/month per 1m records = rss_peak_bytes/records·1e6/GiB · dram
//	                       + disk_bytes_final/records·1e6/GiB · disk
//
// A cost whose inputs were not measured is "—" with the reason.
func Cost(r *bench.Results, prices Prices) Table {
	p := prices.orDefault()
	v := varyingKeys(r.Cells)
	t := Table{Columns: []Column{
		{Title: "backend/profile/workload"},
		{Title: "records", Align: AlignRight},
		{Title: "RSS peak / 1m records", Align: AlignRight},
		{Title: "disk / 1m records", Align: AlignRight},
		{Title: "DRAM $/month", Align: AlignRight},
		{Title: "disk $/month", Align: AlignRight},
		{Title: "total $/month", Align: AlignRight},
	}}
	var notes footnotes
	for i := range r.Cells {
		c := &r.Cells[i]
		t.Rows = append(t.Rows, costRow(c, v.label(c), p, &notes))
	}
	t.Notes = notes.texts
	return t.cleaned()
}

func costRow(c *bench.Cell, label string, p Prices, n *footnotes) []string {
	row := []string{label, formatRecords(c.Records)}
	if c.Records <= 0 {
		note := "cost: the cell records no dataset size (records), so nothing scales to a million records"
		return append(row, n.mark(dash, note), n.mark(dash, note), n.mark(dash, note), n.mark(dash, note), n.mark(dash, note))
	}
	ram, ramNotes, ramOK := rssPeak(c)
	disk, diskNotes, diskOK := diskFinal(c)
	var ramGiB, diskGiB float64
	ramCells := []string{n.mark(dash, ramNotes...), n.mark(dash, ramNotes...)}
	if ramOK {
		ramGiB = perMillion(ram, c.Records)
		ramCells = []string{n.mark(formatBytes(int64(math.Round(ramGiB*gib))), ramNotes...), n.mark(formatDollars(ramGiB*p.DRAMPerGBMonth), ramNotes...)}
	}
	diskCells := []string{n.mark(dash, diskNotes...), n.mark(dash, diskNotes...)}
	if diskOK {
		diskGiB = perMillion(disk, c.Records)
		diskCells = []string{n.mark(formatBytes(int64(math.Round(diskGiB*gib))), diskNotes...), n.mark(formatDollars(diskGiB*p.DiskPerGBMonth), diskNotes...)}
	}
	total := n.mark(dash, append(append([]string{}, ramNotes...), diskNotes...)...)
	if ramOK && diskOK {
		total = n.mark(formatDollars(ramGiB*p.DRAMPerGBMonth+diskGiB*p.DiskPerGBMonth), append(append([]string{}, ramNotes...), diskNotes...)...)
	}
	return append(row, ramCells[0], diskCells[0], ramCells[1], diskCells[1], total)
}

// rssPeak is the cell's memory peak with the notes that qualify it, or
// the notes saying why it is missing.
func rssPeak(c *bench.Cell) (int64, []string, bool) {
	if c.Memory == nil || c.Memory.RSSPeakBytes == nil {
		return 0, []string{missingNote(c, "memory.rss_peak_bytes")}, false
	}
	return *c.Memory.RSSPeakBytes, rssCaveats(c), true
}

// rssCaveats are the runner's remarks on a memory figure that was taken
// but does not measure the backend alone (an engine inside the
// benchmark's own process).
func rssCaveats(c *bench.Cell) []string {
	if note, ok := runnerReason(c, "engine_rss_bytes"); ok {
		return []string{note}
	}
	return nil
}

// diskFinal is the cell's bytes on disk at the end of the run.
func diskFinal(c *bench.Cell) (int64, []string, bool) {
	if c.Storage == nil || c.Storage.DiskBytesFinal == nil {
		return 0, []string{missingNote(c, "storage.disk_bytes_final")}, false
	}
	return *c.Storage.DiskBytesFinal, nil, true
}

// formatDollars writes a monthly cost: $23.08; below a cent "<$0.01" so
// that a tiny cost is not read as none.
func formatDollars(d float64) string {
	switch {
	case math.IsNaN(d) || math.IsInf(d, 0):
		return "?"
	case d > 0 && d < 0.005:
		return "<$0.01"
	}
	cents := int64(math.Round(d * 100))
	return fmt.Sprintf("$%s.%02d", formatCount(cents/100), cents%100)
}
