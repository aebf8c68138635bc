package reports

import (
	"testing"

	"github.com/persistbench/persistbench/bench"
)

func TestHostLine(t *testing.T) {
	jit := 4121.0
	for _, tc := range []struct {
		name string
		r    bench.Results
		want string
	}{
		{
			name: "nothing known",
			r:    bench.Results{},
			want: "persistbench: CPU unknown, cores unknown, memory unknown · mode: no cells",
		},
		{
			name: "open loop at one rate, pipelined",
			r: bench.Results{
				Tool: bench.Tool{Name: "persistbench", Version: "v1"},
				Host: bench.Host{Hostname: "h\x1b[31m", OS: "linux", Arch: "amd64", Kernel: "6.1", Cores: 1, GoVersion: "go1.26.8", JitterMaxUS: &jit},
				Cells: []bench.Cell{
					{Settings: bench.Settings{Mode: "open", RateOps: 5e4, Conns: 8, Pipeline: 16}},
					{Settings: bench.Settings{Mode: "open", RateOps: 5e4, Conns: 8, Pipeline: 16}},
				},
				Interrupted: true,
			},
			want: "persistbench v1 on h[31m: CPU unknown, 1 core, memory unknown, linux/amd64 6.1, go1.26.8 · host jitter max 4.12ms · mode: open loop at 50,000 ops/s, 8 conns, pipeline 16 · INTERRUPTED",
		},
		{
			name: "mixed modes and conns",
			r: bench.Results{Cells: []bench.Cell{
				{Settings: bench.Settings{Mode: "closed", Conns: 8, Pipeline: 1}},
				{Settings: bench.Settings{Mode: "open", RateOps: 1000, Conns: 4, Pipeline: 1}},
			}},
			want: "persistbench: CPU unknown, cores unknown, memory unknown · mode: closed and open loop",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := HostLine(&tc.r); got != tc.want {
				t.Errorf("HostLine:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
