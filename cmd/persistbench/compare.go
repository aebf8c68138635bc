package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/persistbench/persistbench/reports"
)

type compareFlags struct {
	thresholds []string
	format     string
	alpha      float64
	maxJitter  time.Duration
}

func newCompareCmd(stdout io.Writer) *cobra.Command {
	f := &compareFlags{}
	cmd := &cobra.Command{
		Use:   "compare BASE.json NEW.json",
		Short: "Compare two results files; exit 1 on a regression",
		Long: `Compare matches the cells of two results files by backend, profile,
workload and records, and treats the repeats of a cell as samples: it prints
each metric's median with its confidence interval, the change and a
Mann-Whitney U test, as benchstat does ("~" where the change is not
significant at --alpha). A significant change beyond the metric's threshold
in the wrong direction is a regression; so is any lost acknowledged write or
corrupt record where every base repeat had none, and a cell that no longer
completes. At least 4 repeats a side are needed to call a change: with
fewer it is shown, never judged. --max-host-jitter leaves out repeats during
which the host itself stalled (its jitter probe woke up that late): on a
shared VM those measure the neighbours, not the backend.

Metrics (and --threshold keys): ` + strings.Join(reports.MetricNames(), ", ") + `;
"latency" sets p50, p99 and p999 at once; "off" shows a metric without
judging it.

Exit status: 0 no regression, 1 regression, 2 bad input (unreadable file,
another schema, no cell in common).`,
		Example: `  persistbench compare results/baseline/ci-smoke.json results/runs/regress/results.json
  persistbench compare base.json new.json --threshold 10% --threshold p99=25%,p999=off
  persistbench compare base.json new.json --format md > comment.md`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usagef("compare: want two results files, BASE.json and NEW.json (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(f, args[0], args[1], stdout)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.thresholds, "threshold", nil, "smallest significant change that is a regression: 5% for every metric, or metric=10% (comma list, repeatable; default 5%)")
	fl.StringVar(&f.format, "format", "text", "output format: text or md")
	fl.Float64Var(&f.alpha, "alpha", 0.05, "significance level of the U test")
	fl.DurationVar(&f.maxJitter, "max-host-jitter", 0, "leave out repeats during which the host itself stalled longer than this (its jitter probe's worst wake-up), e.g. 100ms; 0 keeps all")
	return cmd
}

func runCompare(f *compareFlags, basePath, newPath string, stdout io.Writer) error {
	render := map[string]func(io.Writer, *reports.Comparison) error{
		"text": reports.CompareText, "md": reports.CompareMarkdown, "markdown": reports.CompareMarkdown,
	}[f.format]
	if render == nil {
		return usagef("--format %q: want text or md", f.format)
	}
	if f.maxJitter < 0 {
		return usagef("--max-host-jitter %s: want a duration >= 0", f.maxJitter)
	}
	if f.alpha <= 0 || f.alpha >= 1 {
		return usagef("--alpha %g: want a level between 0 and 1, such as 0.05", f.alpha)
	}
	th, err := reports.ParseThresholds(f.thresholds)
	if err != nil {
		return usageError{err}
	}
	base, err := reports.ReadFile(basePath)
	if err != nil {
		return usageError{fmt.Errorf("compare: base: %w", err)}
	}
	next, err := reports.ReadFile(newPath)
	if err != nil {
		return usageError{fmt.Errorf("compare: new: %w", err)}
	}
	c, err := reports.Compare(base, next, reports.CompareOptions{
		BaseName: basePath, NewName: newPath, Thresholds: th, Alpha: f.alpha,
		MaxHostJitterUS: float64(f.maxJitter) / float64(time.Microsecond),
	})
	if err != nil {
		if errors.Is(err, reports.ErrNothingInCommon) {
			return usageError{err}
		}
		return err
	}
	if err := render(stdout, c); err != nil {
		return err
	}
	if c.Regressed() {
		return errFailed
	}
	return nil
}
