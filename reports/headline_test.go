package reports

import (
	"slices"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

func f64(v float64) *float64 { return &v }

// okCell is a complete cell every case below changes one thing of.
func okCell() bench.Cell {
	return bench.Cell{
		Backend: "reference", Profile: "rdb", Workload: "ycsb-a", Records: 1000, Repeat: 1, Status: "ok",
		ThroughputOps: 1234.4,
		Latency: map[string]*bench.Latency{
			"read":   {Count: 10, P99US: 120},
			"update": {Count: 5, P99US: 300},
			"rmw":    {Count: 5, P99US: 1500},
		},
		Pauses:   &bench.Pauses{StallMaxUS: f64(2000)},
		Recovery: &bench.Recovery{Crash: "kill", RecoveryMS: 25, LostAckedWrites: 3, LostWindowMS: f64(1200)},
		Storage:  &bench.Storage{BloatRatio: f64(1.84)},
	}
}

// headlineOf builds the headline of cells and returns its rows as maps
// from column title to cell, with the notes.
func headlineOf(cells ...bench.Cell) ([]map[string]string, []string) {
	t := Headline(&bench.Results{Schema: bench.Schema, Cells: cells})
	var rows []map[string]string
	for _, row := range t.Rows {
		m := map[string]string{}
		for i, c := range t.Columns {
			m[c.Title] = row[i]
		}
		rows = append(rows, m)
	}
	return rows, t.Notes
}

func TestHeadlineCells(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(c *bench.Cell)
		want   map[string]string // column → cell text
		notes  []string
	}{
		{
			name: "complete",
			want: map[string]string{"ops/s": "1,234", "p99 read": "120µs", "p99 write": "1.50ms", "worst pause": "2.00ms",
				"recovery": "25.00ms", "lost acked": "3", "loss window": "1.20s", "disk/logical": "1.8×"},
		},
		{
			name:   "fork longer than any stall",
			change: func(c *bench.Cell) { c.Pauses.ForkMaxUS = f64(2500) },
			want:   map[string]string{"worst pause": "2.50ms¹"},
			notes:  []string{forkNote},
		},
		{
			name:   "stall longer than the fork",
			change: func(c *bench.Cell) { c.Pauses.ForkMaxUS = f64(1500) },
			want:   map[string]string{"worst pause": "2.00ms"},
		},
		{
			name: "fork without a stall figure",
			change: func(c *bench.Cell) {
				c.Pauses = &bench.Pauses{ForkMaxUS: f64(900)}
				c.Missing = map[string]string{"pauses.stall_max_us": "stall detector off"}
			},
			want:  map[string]string{"worst pause": "900µs¹,²"},
			notes: []string{forkNote, "pauses.stall_max_us: stall detector off"},
		},
		{
			name: "missing measurements share one note per reason",
			change: func(c *bench.Cell) {
				c.Recovery, c.Storage = nil, nil
				c.Missing = map[string]string{"recovery": "no crash was requested (--crash none)", "storage": "external server"}
			},
			want:  map[string]string{"recovery": "—¹", "lost acked": "—¹", "loss window": "—¹", "disk/logical": "—²"},
			notes: []string{"recovery: no crash was requested (--crash none)", "storage: external server"},
		},
		{
			name:   "missing without a reason says so",
			change: func(c *bench.Cell) { c.Storage.BloatRatio = nil },
			want:   map[string]string{"disk/logical": "—¹"},
			notes:  []string{"storage.bloat_ratio: not measured, and the results file gives no reason"},
		},
		{
			name: "failed cell",
			change: func(c *bench.Cell) {
				c.Status, c.Error = "failed", "restart: connection refused"
				c.Recovery, c.Latency = nil, nil
			},
			want:  map[string]string{"ops/s": "failed¹", "p99 read": "—¹", "p99 write": "—¹", "recovery": "—¹", "disk/logical": "1.8×"},
			notes: []string{"failed: restart: connection refused"},
		},
		{
			name:   "interrupted cell keeps its rate",
			change: func(c *bench.Cell) { c.Status = "interrupted" },
			want:   map[string]string{"ops/s": "1,234¹"},
			notes:  []string{"interrupted: no error was recorded"},
		},
		{
			name:   "read-only workload",
			change: func(c *bench.Cell) { c.Latency = map[string]*bench.Latency{"read": {P99US: 80}} },
			want:   map[string]string{"p99 read": "80µs", "p99 write": "—¹"},
			notes:  []string{"p99 write: the workload has no writes (update, insert, rmw, delete)"},
		},
		{
			name:   "nothing lost has no loss window",
			change: func(c *bench.Cell) { c.Recovery.LostAckedWrites, c.Recovery.LostWindowMS = 0, nil },
			want:   map[string]string{"lost acked": "0", "loss window": "—¹"},
			notes:  []string{"loss window: no acknowledged write was lost"},
		},
		{
			name:   "losses without a window is a gap",
			change: func(c *bench.Cell) { c.Recovery.LostWindowMS = nil },
			want:   map[string]string{"loss window": "—¹"},
			notes:  []string{"recovery.lost_window_ms: not measured, and the results file gives no reason"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := okCell()
			if tc.change != nil {
				tc.change(&c)
			}
			rows, notes := headlineOf(c)
			for col, want := range tc.want {
				if got := rows[0][col]; got != want {
					t.Errorf("%s = %q, want %q", col, got, want)
				}
			}
			if !slices.Equal(notes, tc.notes) {
				t.Errorf("notes = %q, want %q", notes, tc.notes)
			}
		})
	}
}

func TestHeadlineNotesAcrossCells(t *testing.T) {
	a, b, c := okCell(), okCell(), okCell()
	for _, x := range []*bench.Cell{&a, &c} {
		x.Recovery = nil
		x.Missing = map[string]string{"recovery": "no crash was requested (--crash none)"}
	}
	b.Status, b.Error = "failed", "boom"
	rows, notes := headlineOf(a, b, c)
	if rows[0]["recovery"] != "—¹" || rows[2]["recovery"] != "—¹" || rows[1]["ops/s"] != "failed²" {
		t.Errorf("recovery marks %q, %q and ops/s %q: want —¹, —¹, failed²", rows[0]["recovery"], rows[2]["recovery"], rows[1]["ops/s"])
	}
	if len(notes) != 2 {
		t.Errorf("notes = %q, want two", notes)
	}
}

func TestHeadlineKeyColumns(t *testing.T) {
	titles := func(cells ...bench.Cell) string {
		var s []string
		for _, c := range Headline(&bench.Results{Cells: cells}).Columns[:5] {
			s = append(s, c.Title)
		}
		return strings.Join(s, ",")
	}
	a, b := okCell(), okCell()
	if got := titles(a, b); got != "backend,profile,workload,ops/s,p99 read" {
		t.Errorf("same records and repeat: columns %s", got)
	}
	b.Records = 1_000_000
	if got := titles(a, b); got != "backend,profile,workload,records,ops/s" {
		t.Errorf("records vary: columns %s", got)
	}
	b.Records, b.Repeat = a.Records, 2
	if got := titles(a, b); got != "backend,profile,workload,repeat,ops/s" {
		t.Errorf("repeats vary: columns %s", got)
	}
	b.Repeat, b.Settings.Crash = a.Repeat, "power-loss"
	if got := titles(a, b); got != "backend,profile,workload,crash,ops/s" {
		t.Errorf("crash kinds vary: columns %s", got)
	}
}
