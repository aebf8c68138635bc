package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/drivers"
	_ "github.com/persistbench/persistbench/drivers/aerospike" // registers the aerospike backend
	_ "github.com/persistbench/persistbench/drivers/redis"     // registers the redis backend
	_ "github.com/persistbench/persistbench/drivers/reference" // registers the reference backend
	"github.com/persistbench/persistbench/reports"
	"github.com/persistbench/persistbench/workloads"
)

// runFlags are the flags of `persistbench run` (DESIGN.md, "Command line");
// scripts rely on their names.
type runFlags struct {
	backend, profiles, workload, records, valueSize string
	duration, warmup, readyTimeout, interval        time.Duration
	conns, pipeline, repeat                         int
	rate                                            float64
	crash, crashAt, out, dataDir, addr, password    string
	redisServer                                     string
	asd                                             string
	seed                                            int64
	quiet                                           bool

	// --plan and --dry-run (plan.go).
	plan   string
	dryRun bool
}

func newRunCmd(stdout, stderr io.Writer) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run a benchmark and write results.json",
		Long: `Run loads the workload's records into each backend × profile, drives the
workload (closed loop with --conns connections, or open loop at --rate ops/s
with latency timed from each request's scheduled start), optionally crashes
the backend while writes are in flight, restarts it, times the recovery and
reads every key back to count what was lost. Results go to --out as
results.json (schema persistbench/v1) and one .hgrm file per operation.

With no flags it runs the embedded reference engine under every profile it
offers, with the default workload.`,
		Example: `  persistbench run
  persistbench run --profile none,aof-always --workload ycsb-a --records 1m --duration 30s
  persistbench run --workload ycsb-b --rate 20000 --duration 5s --out out/ycsb-b
  persistbench run --profile rdb --crash power-loss --crash-at random --seed 42
  persistbench run --plan examples/seed-comparison.yaml
  persistbench run --plan examples/ci-smoke.yaml --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, f, stdout, stderr)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.backend, "backend", "reference", "backend to measure: "+backendNames())
	fl.StringVar(&f.profiles, "profile", "", "comma-separated profiles (default: every profile the backend offers)")
	fl.StringVar(&f.workload, "workload", workloads.DefaultWorkload, "workload preset name or a YAML spec file")
	fl.StringVar(&f.records, "records", "", "records to load, a comma list sweeps sizes (e.g. 100k,1m; default: the workload's)")
	fl.StringVar(&f.valueSize, "value-size", "", "fixed value size in bytes (e.g. 100, 1k; default: the workload's)")
	fl.DurationVar(&f.duration, "duration", 0, "measured length of the run phase (default: the workload's)")
	fl.DurationVar(&f.warmup, "warmup", -1, "warm-up before measuring, excluded from the figures (default: the workload's)")
	fl.IntVar(&f.conns, "conns", 0, "concurrent connections (default: the workload's)")
	fl.IntVar(&f.pipeline, "pipeline", 0, "operations per round trip (default: the workload's)")
	fl.Float64Var(&f.rate, "rate", -1, "open loop at this many ops/s in total, latency from the scheduled start (default: the workload's; 0 = closed loop)")
	fl.StringVar(&f.crash, "crash", "", "crash while writes are in flight: none, kill or power-loss (default: power-loss where the backend can, else none)")
	fl.StringVar(&f.crashAt, "crash-at", "", "when to crash: a duration from the start of the run, or random (default: at the end of the run)")
	fl.IntVar(&f.repeat, "repeat", 1, "run every cell this many times")
	fl.StringVar(&f.out, "out", "", "directory for results.json and .hgrm files (default results/runs/<timestamp>)")
	fl.StringVar(&f.dataDir, "data-dir", "", "keep the backend's data files below this directory for inspection")
	fl.StringVar(&f.addr, "addr", "", "an external server's host:port (only the workload runs; nothing is crashed)")
	fl.StringVar(&f.password, "password", "", "password of the external server (also from REDISCLI_AUTH; never written anywhere)")
	fl.Int64Var(&f.seed, "seed", 0, "seed of every random choice, for a replayable run (default: from the clock, recorded in the results)")
	fl.StringVar(&f.redisServer, "redis-server", "", "redis-server binary for --backend redis (default: the one on PATH)")
	fl.StringVar(&f.asd, "asd", "", "asd binary for --backend aerospike (default: the one on PATH)")
	fl.BoolVar(&f.quiet, "quiet", false, "print nothing but errors (results are still written)")
	fl.DurationVar(&f.readyTimeout, "ready-timeout", bench.DefaultReadyTimeout, "how long a restarted backend may take to serve reads")
	fl.DurationVar(&f.interval, "interval", 0, "timeline interval (default 1s, finer on short runs)")
	fl.StringVar(&f.plan, "plan", "", "run the matrix of a plan file (YAML: backends × profiles × workloads × records × repeats; see examples/)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the cells that would run, and exit")
	return cmd
}

func backendNames() string {
	var n []string
	for _, b := range drivers.Backends() {
		n = append(n, b.Name)
	}
	return strings.Join(n, ", ")
}

func runRun(cmd *cobra.Command, f *runFlags, stdout, stderr io.Writer) error {
	cells, out, err := f.resolveCells(cmd)
	if err != nil {
		return usageError{err}
	}
	if f.dryRun {
		return printCells(stdout, cells, out)
	}
	if f.redisServer != "" {
		if f.backend != "redis" && f.plan == "" {
			return usagef("--redis-server applies to --backend redis only")
		}
		if _, err := exec.LookPath(f.redisServer); err != nil {
			return usagef("--redis-server %s: %w", f.redisServer, err)
		}
		for i := range cells {
			if cells[i].Backend == "redis" { // a plan may mix backends
				cells[i].Options = map[string]string{"redis-server": f.redisServer}
			}
		}
	}
	if f.asd != "" {
		if _, err := exec.LookPath(f.asd); err != nil {
			return usagef("--asd %s: %w", f.asd, err)
		}
		for i := range cells {
			if cells[i].Backend == "aerospike" {
				if cells[i].Options == nil {
					cells[i].Options = map[string]string{}
				}
				cells[i].Options["asd"] = f.asd
			}
		}
	}
	outDir, err := prepareOut(out)
	if err != nil {
		return usageError{err}
	}
	tty := false
	if fd, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(fd.Fd()))
	}
	prog := bench.NewProgress(stderr, tty, f.quiet)
	resultsPath := filepath.Join(outDir, "results.json")
	res := &bench.Results{
		Schema: bench.Schema, Tool: bench.Tool{Name: "persistbench", Version: version, Commit: buildCommit()},
		Command: os.Args, Started: time.Now().UTC(), Host: bench.HostFacts(),
	}
	if res.Host.THP == "always" {
		prog.Printf("note: transparent huge pages are set to always: Redis forks and copy-on-write get slower (Redis warns of it too)")
	}
	prog.Printf("persistbench: %d cell(s), seed %d, results in %s", len(cells), cells[0].Seed, resultsPath)
	r := &bench.Runner{Progress: prog, OutDir: outDir,
		Save: func(res *bench.Results) error { return reports.WriteFile(resultsPath, res) }}
	if err := r.Run(cmd.Context(), res, cells); err != nil {
		return err
	}
	if !f.quiet {
		if err := reports.Text(stdout, res); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nresults: %s\n", resultsPath)
	}
	failed := 0
	for _, c := range res.Cells {
		if c.Status == bench.StatusFailed {
			failed++
		}
	}
	switch {
	case res.Interrupted:
		fmt.Fprintf(stderr, "persistbench: interrupted; what was measured is in %s\n", resultsPath)
		return errFailed
	case failed > 0:
		fmt.Fprintf(stderr, "persistbench: %d of %d cells failed (see results.json)\n", failed, len(res.Cells))
		return errFailed
	}
	return nil
}

// prepareOut creates the output directory and proves it is writable before
// anything is measured.
func prepareOut(out string) (string, error) {
	if out == "" {
		out = filepath.Join("results", "runs", time.Now().Format("20060102-150405"))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("--out %s: %w", out, err)
	}
	probe, err := os.CreateTemp(out, ".probe-*")
	if err != nil {
		return "", fmt.Errorf("--out %s is not writable: %w", out, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return out, nil
}
