package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/reports"
)

// reportFlags are the flags of `persistbench report`.
type reportFlags struct {
	format, out, price string
}

func newReportCmd(stdout io.Writer) *cobra.Command {
	f := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "report results.json",
		Short: "Turn a results file into a console, Markdown or HTML report",
		Long: `Report reads a results file (schema persistbench/v1) and writes it as
text (the console tables), md (GitHub-flavoured Markdown for a pull request
comment: headline, latencies, a verdict table per backend, workload and
size, the cost per million records and every measurement that is missing
and why) or html (one self-contained file with the same tables and charts:
throughput and latency over time with events, latency by percentile, disk
against logical bytes, recovery and fork time against dataset size, lost
acknowledged writes; it loads nothing from the network).

The HTML report reads the .hgrm files beside results.json, when present,
to draw whole latency distributions. --price sets what DRAM and disk cost
in $ per GiB-month for the cost table (md and html).`,
		Example: `  persistbench report results/runs/latest/results.json
  persistbench report results.json --format md -o report.md
  persistbench report results.json --format html -o report.html
  persistbench report results.json --format md --price dram=3.2,disk=0.08`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("report: want one results file, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReport(args[0], f, stdout)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "report format: text, md or html")
	fl.StringVarP(&f.out, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.price, "price", reports.DefaultPrices.String(), "$ per GiB-month of DRAM and of disk, for the cost table")
	return cmd
}

func runReport(path string, f *reportFlags, stdout io.Writer) error {
	formats := map[string]func(io.Writer, *bench.Results, reports.Options) error{
		"text":     func(w io.Writer, r *bench.Results, _ reports.Options) error { return reports.Text(w, r) },
		"md":       reports.Markdown,
		"markdown": reports.Markdown,
		"html":     reports.HTML,
	}
	render, ok := formats[f.format]
	if !ok {
		return usagef("report: --format %q: want text, md or html", f.format)
	}
	prices, err := reports.ParsePrices(f.price)
	if err != nil {
		return usagef("report: --price: %w", err)
	}
	r, err := reports.ReadFile(path)
	if err != nil {
		return usageError{err}
	}
	opts := reports.Options{Prices: prices, Dir: filepath.Dir(path)}
	// Render fully before writing, so a failure leaves no partial file.
	var b bytes.Buffer
	if err := render(&b, r, opts); err != nil {
		return err
	}
	if f.out == "" || f.out == "-" {
		_, err := stdout.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(f.out, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
