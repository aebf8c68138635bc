package reports_test

import (
	"fmt"
	"os"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/reports"
)

func ExampleHeadline() {
	p99 := 1849.0
	r := &bench.Results{Schema: bench.Schema, Cells: []bench.Cell{{
		Backend: "reference", Profile: "aof-always", Workload: "ycsb-a", Status: "ok",
		ThroughputOps: 41877.3,
		Latency:       map[string]*bench.Latency{"read": {P99US: 512}, "update": {P99US: 1874.2}},
		Pauses:        &bench.Pauses{StallMaxUS: &p99},
		Missing:       map[string]string{"recovery": "no crash was requested (--crash none)", "storage": "the run kept no files"},
	}}}
	t := reports.Headline(r)
	for i, c := range t.Columns {
		fmt.Printf("%-12s %s\n", c.Title, t.Rows[0][i])
	}
	for _, n := range t.NoteLines() {
		fmt.Println(n)
	}
	// Output:
	// backend      reference
	// profile      aof-always
	// workload     ycsb-a
	// ops/s        41,877
	// p99 read     512µs
	// p99 write    1.87ms
	// worst pause  1.85ms
	// recovery     —¹
	// lost acked   —¹
	// loss window  —¹
	// disk/logical —²
	// ¹ recovery: no crash was requested (--crash none)
	// ² storage: the run kept no files
}

func ExampleText() {
	r := &bench.Results{
		Schema: bench.Schema,
		Tool:   bench.Tool{Name: "persistbench", Version: "v0.1.0"},
		Host:   bench.Host{OS: "linux", Arch: "amd64", CPUModel: "AMD EPYC 7B13", Cores: 2, MemoryBytes: 8 << 30, GoVersion: "go1.26.8"},
		Cells: []bench.Cell{{
			Backend: "redis", Profile: "none", Workload: "ycsb-c", Status: "failed", Error: "start: port 6379 in use",
			Settings: bench.Settings{Mode: "closed", Conns: 4},
		}},
	}
	if err := reports.Text(os.Stdout, r); err != nil {
		fmt.Println(err)
	}
	// Output:
	// persistbench v0.1.0: AMD EPYC 7B13, 2 cores, 8.0 GiB, linux/amd64, go1.26.8 · mode: closed loop, 4 conns
	//
	// ┌─────────┬─────────┬──────────┬─────────┬──────────┬───────────┬─────────────┬──────────┬────────────┬─────────────┬──────────────┐
	// │ backend │ profile │ workload │   ops/s │ p99 read │ p99 write │ worst pause │ recovery │ lost acked │ loss window │ disk/logical │
	// ├─────────┼─────────┼──────────┼─────────┼──────────┼───────────┼─────────────┼──────────┼────────────┼─────────────┼──────────────┤
	// │ redis   │ none    │ ycsb-c   │ failed¹ │       —¹ │        —¹ │          —¹ │       —¹ │         —¹ │          —¹ │           —¹ │
	// └─────────┴─────────┴──────────┴─────────┴──────────┴───────────┴─────────────┴──────────┴────────────┴─────────────┴──────────────┘
	// ¹ failed: start: port 6379 in use
	//
	// Latency per operation, successful operations only
	// ┌──────────────────────────┬────┬───────┬─────┬─────┬─────┬───────┬─────┐
	// │ backend/profile/workload │ op │ count │ p50 │ p90 │ p99 │ p99.9 │ max │
	// ├──────────────────────────┼────┼───────┼─────┼─────┼─────┼───────┼─────┤
	// │ redis/none/ycsb-c        │ —¹ │       │     │     │     │       │     │
	// └──────────────────────────┴────┴───────┴─────┴─────┴─────┴───────┴─────┘
	// ¹ failed: start: port 6379 in use
}
