package main

import (
	"io"

	"github.com/spf13/cobra"
)

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "persistbench",
		Short: "Measure what key-value persistence really costs and really loses",
		Long: `persistbench drives workloads against key-value backends (an embedded
reference engine, Redis, Aerospike) under each persistence strategy and
reports latency percentiles, throughput, fork and snapshot pauses, recovery
time, acknowledged writes lost on a crash and storage bloat, side by side.`,
		Example: `  persistbench run                                  # every reference-engine profile, default workload
  persistbench run --profile none --workload ycsb-b --rate 20000 --duration 5s
  persistbench list profiles`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	root.AddCommand(newRunCmd(stdout, stderr), newReportCmd(stdout), newListCmd(stdout), newVersionCmd(stdout), newCompareCmd(stdout))
	return root
}
