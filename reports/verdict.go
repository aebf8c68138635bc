package reports

import (
	"strconv"

	"github.com/persistbench/persistbench/bench"
)

// VerdictTable compares the profiles measured on one backend, workload and
// dataset size: one column per cell, one row per question a reader asks of
// a persistence strategy (what it costs to run, what it loses, how long it
// takes to come back, what it does to the disk).
type VerdictTable struct {
	// Title names what the columns share: "reference · mixed · 100k records".
	Title string
	Table
}

// verdictRow is a row of the verdict table: value gives a cell's text and
// whether the cell had data at all; a row no cell has data for is left out
// rather than filled with dashes.
type verdictRow struct {
	title string
	// note qualifies the row as a whole (how a figure is derived).
	note  string
	value func(c *bench.Cell, n *footnotes) (string, bool)
}

var verdictRows = []verdictRow{
	{title: "save mechanism", value: mechanismValue},
	{title: "CPU mean · peak", note: "CPU: the backend's CPU time over the run phase, 100% = one core", value: cpuValue},
	{title: "CPU during snapshots, rewrites", note: cpuBackgroundNote, value: cpuBackgroundValue},
	{title: "background saves", note: "background saves: snapshot, rewrite, fork and defrag events of the cell, load phase included", value: backgroundValue},
	{title: "RSS peak", value: rssPeakValue},
	{title: "COW peak", note: "COW peak: memory copied on write while a snapshot or rewrite shared the dataset", value: cowPeakValue},
	{title: "worst fork", value: forkValue},
	{title: "crash", value: crashValue},
	{title: "lost acked writes", value: verdictLost},
	{title: "loss window", value: verdictWindow},
	{title: "stale · resurrected · corrupt", note: "stale: an older acknowledged value came back; resurrected: a deleted record came back; corrupt: a value failed its check", value: damageValue},
	{title: "recovery time", value: verdictRecovery},
	{title: "recovery per GiB of live data", note: recoveryPerGiBNote, value: recoveryPerGiBValue},
	{title: "disk / logical", note: "disk / logical: bytes on disk at the end over the live bytes the ledger knows (records × (key + mean value size))", value: verdictBloat},
	{title: "write amplification", note: "write amplification: bytes the backend wrote over bytes the client sent", value: writeAmpVerdict},
}

const recoveryPerGiBNote = "recovery per GiB: recovery.recovery_ms divided by storage.logical_bytes in GiB (the live data the ledger knows), not by the bytes on disk"

// Verdicts builds one verdict table per backend, workload and record count
// in the order the results list them. Columns are headed by the profile,
// with the repeat and crash kind added when those vary within the group.
func Verdicts(r *bench.Results) []VerdictTable {
	var out []VerdictTable
	for _, g := range verdictGroups(r.Cells) {
		out = append(out, verdictTable(g))
	}
	return out
}

type cellGroup struct {
	backend, workload string
	records           int64
	cells             []*bench.Cell
}

func verdictGroups(cells []bench.Cell) []*cellGroup {
	type key struct {
		backend, workload string
		records           int64
	}
	idx := map[key]*cellGroup{}
	var groups []*cellGroup
	for i := range cells {
		c := &cells[i]
		k := key{c.Backend, c.Workload, c.Records}
		g := idx[k]
		if g == nil {
			g = &cellGroup{backend: c.Backend, workload: c.Workload, records: c.Records}
			idx[k] = g
			groups = append(groups, g)
		}
		g.cells = append(g.cells, c)
	}
	return groups
}

func verdictTable(g *cellGroup) VerdictTable {
	flat := make([]bench.Cell, len(g.cells))
	for i, c := range g.cells {
		flat[i] = *c
	}
	v := varyingKeys(flat)
	t := Table{Columns: []Column{{Title: "measure"}}}
	for _, c := range g.cells {
		title := c.Profile
		if v.repeat {
			title += " #" + strconv.Itoa(c.Repeat)
		}
		if v.crash {
			title += " (" + c.Settings.Crash + ")"
		}
		t.Columns = append(t.Columns, Column{Title: title, Align: AlignRight})
	}
	var notes footnotes
	for _, row := range verdictRows {
		// Mark into a copy first: a row left out must not leave its
		// footnotes behind.
		scratch := footnotes{texts: append([]string(nil), notes.texts...), num: copyNum(notes.num)}
		title := row.title
		if row.note != "" {
			title = scratch.mark(title, row.note)
		}
		cells := []string{title}
		has := false
		for _, c := range g.cells {
			s, ok := row.value(c, &scratch)
			has = has || ok
			cells = append(cells, s)
		}
		if has {
			notes = scratch
			t.Rows = append(t.Rows, cells)
		}
	}
	t.Notes = notes.texts
	return VerdictTable{Title: clean(groupTitle(g.backend, g.workload, g.records)), Table: t.cleaned()}
}

func copyNum(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
