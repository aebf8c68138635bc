package reports

import (
	"slices"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

func TestLatencies(t *testing.T) {
	a := bench.Cell{
		Backend: "redis", Profile: "rdb", Workload: "w", Status: "ok",
		Latency: map[string]*bench.Latency{
			"zadd":   {Count: 1, P50US: 1, P90US: 2, P99US: 3, P999US: 4, MaxUS: 5},
			"update": {Count: 1200, P50US: 87, P90US: 1000, P99US: 1249, P999US: 2e6, MaxUS: 3e6},
			"read":   {Count: 3, P50US: 10, P90US: 20, P99US: 30, P999US: 40, MaxUS: 50},
			"scan":   nil, // recorded as null: skipped
		},
		LatencyErrors: map[string]*bench.Latency{"update": {Count: 2}, "delete": {Count: 7}},
	}
	b := bench.Cell{Backend: "redis", Profile: "aof-always", Workload: "w", Status: "failed", Error: "start: port in use"}
	got := Latencies(&bench.Results{Cells: []bench.Cell{a, b}})
	want := [][]string{
		{"redis/rdb/w", "read", "3", "10µs", "20µs", "30µs", "40µs", "50µs", "0"},
		{"redis/rdb/w", "update", "1,200", "87µs", "1.00ms", "1.25ms", "2.00s", "3.00s", "2"},
		{"redis/rdb/w", "delete", "0", "—¹", "", "", "", "", "7"},
		{"redis/rdb/w", "zadd", "1", "1µs", "2µs", "3µs", "4µs", "5µs", "0"},
		{"redis/aof-always/w", "—²", "", "", "", "", "", "", ""},
	}
	if len(got.Columns) != 9 || got.Columns[8].Title != "errors" || !got.Columns[0].Group {
		t.Errorf("columns %+v: want 9 with errors last and the first a group", got.Columns)
	}
	if !slices.EqualFunc(got.Rows, want, slices.Equal) {
		t.Errorf("rows:\n%q\nwant:\n%q", got.Rows, want)
	}
	wantNotes := []string{"latency.delete: no operation succeeded", "failed: start: port in use"}
	if !slices.Equal(got.Notes, wantNotes) {
		t.Errorf("notes %q, want %q", got.Notes, wantNotes)
	}

	a.LatencyErrors = nil
	if cols := Latencies(&bench.Results{Cells: []bench.Cell{a}}).Columns; len(cols) != 8 {
		t.Errorf("without errors: %d columns, want 8 (no errors column)", len(cols))
	}
}
