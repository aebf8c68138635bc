package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/persistbench/persistbench/bench"
)

// planExclusive are run's flags that a plan file sets itself; giving one
// with --plan is an error rather than a silent override.
var planExclusive = []string{"backend", "profile", "workload", "records", "value-size", "duration", "warmup",
	"conns", "pipeline", "rate", "crash", "crash-at", "repeat", "addr", "password"}

// resolveCells returns the cells to run and the output directory asked
// for: from --plan when given, else from the flags.
func (f *runFlags) resolveCells(cmd *cobra.Command) ([]bench.CellSpec, string, error) {
	if f.plan == "" {
		cells, err := f.cells(cmd)
		return cells, f.out, err
	}
	return f.planCells(cmd)
}

// planCells loads --plan and expands it. --out and --seed override the
// plan's out and seed; --data-dir, --interval, --ready-timeout and
// --redis-server apply to every cell.
func (f *runFlags) planCells(cmd *cobra.Command) ([]bench.CellSpec, string, error) {
	var clash []string
	for _, name := range planExclusive {
		if cmd.Flags().Changed(name) {
			clash = append(clash, "--"+name)
		}
	}
	if len(clash) > 0 {
		return nil, "", fmt.Errorf("--plan sets the matrix and its phases itself: drop %s (or edit the plan)", strings.Join(clash, ", "))
	}
	plan, err := bench.LoadPlan(f.plan)
	if err != nil {
		return nil, "", err
	}
	switch {
	case cmd.Flags().Changed("seed"):
		plan.Seed = f.seed
	case plan.Seed == 0:
		plan.Seed = time.Now().UnixNano() & (1<<53 - 1) // exact in JSON
	}
	cells, err := plan.Cells()
	if err != nil {
		return nil, "", err
	}
	for i := range cells {
		cells[i].DataDir, cells[i].Interval, cells[i].ReadyTimeout = f.dataDir, f.interval, f.readyTimeout
	}
	out := plan.Out
	if f.out != "" {
		out = f.out
	}
	return cells, out, nil
}

// printCells lists the cells a run would measure (--dry-run).
func printCells(w io.Writer, cells []bench.CellSpec, out string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tCELL\tDURATION\tWARMUP\tCONNS\tPIPELINE\tRATE\tCRASH\tSEED")
	for i, c := range cells {
		rate := "closed"
		if c.Rate > 0 {
			rate = fmt.Sprintf("%g/s", c.Rate)
		}
		crash := string(c.Crash)
		if c.CrashAt != "" {
			crash += "@" + c.CrashAt
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%d\n", i+1, c.Name(), c.Duration, c.Warmup, c.Conns, c.Pipeline, rate, crash, c.Seed)
	}
	if out == "" {
		out = "results/runs/<timestamp>"
	}
	fmt.Fprintf(tw, "%d cell(s); results would go to %s\n", len(cells), out)
	return tw.Flush()
}
