package reports

import (
	"strconv"

	"github.com/persistbench/persistbench/bench"
)

// writeOps are the operations that change data; "p99 write" is the worst
// p99 among those a cell ran.
var writeOps = []string{"update", "insert", "rmw", "delete"}

// measureColumn is a headline column and how a cell fills it; value marks
// any footnote it needs in n.
type measureColumn struct {
	Column
	value func(c *bench.Cell, n *footnotes) string
}

var headlineMeasures = []measureColumn{
	{Column{Title: "ops/s", Align: AlignRight}, throughputValue},
	{Column{Title: "p99 read", Align: AlignRight}, p99ReadValue},
	{Column{Title: "p99 write", Align: AlignRight}, p99WriteValue},
	{Column{Title: "worst pause", Align: AlignRight}, worstPauseValue},
	{Column{Title: "recovery", Align: AlignRight}, recoveryValue},
	{Column{Title: "lost acked", Align: AlignRight}, lostAckedValue},
	{Column{Title: "loss window", Align: AlignRight}, lossWindowValue},
	{Column{Title: "disk/logical", Align: AlignRight}, bloatValue},
}

// Headline builds the summary table: one row per cell with its backend,
// profile and workload (records, repeat and crash kind too when they vary
// in the file), throughput, read and write p99, worst pause, recovery,
// data lost and storage bloat.
func Headline(r *bench.Results) Table {
	v := varyingKeys(r.Cells)
	t := Table{Columns: []Column{{Title: "backend"}, {Title: "profile"}, {Title: "workload"}}}
	if v.records {
		t.Columns = append(t.Columns, Column{Title: "records", Align: AlignRight})
	}
	if v.repeat {
		t.Columns = append(t.Columns, Column{Title: "repeat", Align: AlignRight})
	}
	if v.crash {
		t.Columns = append(t.Columns, Column{Title: "crash"})
	}
	for _, m := range headlineMeasures {
		t.Columns = append(t.Columns, m.Column)
	}
	var notes footnotes
	for i := range r.Cells {
		c := &r.Cells[i]
		row := []string{c.Backend, c.Profile, c.Workload}
		if v.records {
			row = append(row, formatRecords(c.Records))
		}
		if v.repeat {
			row = append(row, strconv.Itoa(c.Repeat))
		}
		if v.crash {
			row = append(row, c.Settings.Crash)
		}
		for _, m := range headlineMeasures {
			row = append(row, m.value(c, &notes))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Notes = notes.texts
	return t.cleaned()
}

// throughputValue is the run phase's rate. A failed cell shows its status
// instead: its rate covers an unknown part of the run.
func throughputValue(c *bench.Cell, n *footnotes) string {
	switch {
	case c.Status == "failed":
		return n.mark("failed", failureNote(c))
	case !cellOK(c):
		return n.mark(formatRate(c.ThroughputOps), failureNote(c))
	}
	return formatRate(c.ThroughputOps)
}

func p99ReadValue(c *bench.Cell, n *footnotes) string {
	if l := c.Latency["read"]; l != nil {
		return formatMicros(l.P99US)
	}
	return n.mark(dash, notApplicable(c, "latency.read", "p99 read: the workload has no reads"))
}

func p99WriteValue(c *bench.Cell, n *footnotes) string {
	worst, found := 0.0, false
	for _, op := range writeOps {
		if l := c.Latency[op]; l != nil && (!found || l.P99US > worst) {
			worst, found = l.P99US, true
		}
	}
	if found {
		return formatMicros(worst)
	}
	return n.mark(dash, notApplicable(c, "latency", "p99 write: the workload has no writes (update, insert, rmw, delete)"))
}

// forkNote explains a worst pause that is the server's fork time.
const forkNote = "worst pause: the server-reported fork time (pauses.fork_max_us), longer than any client-seen stall"

// worstPauseValue is the longest client-seen stall, or the server's
// longest fork when that is longer (with a footnote saying so).
func worstPauseValue(c *bench.Cell, n *footnotes) string {
	p := c.Pauses
	if p == nil || (p.StallMaxUS == nil && p.ForkMaxUS == nil) {
		return n.mark(dash, missingNote(c, "pauses.stall_max_us"))
	}
	if p.ForkMaxUS != nil && (p.StallMaxUS == nil || *p.ForkMaxUS > *p.StallMaxUS) {
		notes := []string{forkNote}
		if p.StallMaxUS == nil {
			notes = append(notes, missingNote(c, "pauses.stall_max_us"))
		}
		return n.mark(formatMicros(*p.ForkMaxUS), notes...)
	}
	if *p.StallMaxUS == 0 && (p.StallCount == nil || *p.StallCount == 0) {
		return n.mark("none", noStallNote)
	}
	return formatMicros(*p.StallMaxUS)
}

// noStallNote explains a run without a single stall: the detector reports
// stalls of 2 ms or more (bench's stallMin).
const noStallNote = "worst pause: no stretch of 2 ms or more without a completed operation"

func recoveryValue(c *bench.Cell, n *footnotes) string {
	if c.Recovery == nil {
		return n.mark(dash, missingNote(c, "recovery.recovery_ms"))
	}
	return formatMillis(c.Recovery.RecoveryMS)
}

func lostAckedValue(c *bench.Cell, n *footnotes) string {
	if c.Recovery == nil {
		return n.mark(dash, missingNote(c, "recovery.lost_acked_writes"))
	}
	return formatCount(c.Recovery.LostAckedWrites)
}

// lossWindowValue is the crash time minus the oldest lost acknowledgement;
// with nothing lost there is no window.
func lossWindowValue(c *bench.Cell, n *footnotes) string {
	rec := c.Recovery
	switch {
	case rec == nil:
		return n.mark(dash, missingNote(c, "recovery.lost_window_ms"))
	case rec.LostWindowMS != nil:
		return formatMillis(*rec.LostWindowMS)
	case rec.LostAckedWrites == 0:
		// Recovery ran, so a failure of the cell does not explain this.
		note, ok := runnerReason(c, "recovery.lost_window_ms")
		if !ok {
			note = "loss window: no acknowledged write was lost"
		}
		return n.mark(dash, note)
	}
	return n.mark(dash, missingNote(c, "recovery.lost_window_ms"))
}

func bloatValue(c *bench.Cell, n *footnotes) string {
	if c.Storage == nil || c.Storage.BloatRatio == nil {
		return n.mark(dash, missingNote(c, "storage.bloat_ratio"))
	}
	return formatRatio(*c.Storage.BloatRatio)
}
