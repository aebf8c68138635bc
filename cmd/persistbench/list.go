package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

func newListCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "list workloads|profiles|backends",
		Short: "List the built-in workloads, profiles or backends",
		Example: `  persistbench list workloads
  persistbench list profiles
  persistbench list backends`,
		ValidArgs: []string{"workloads", "profiles", "backends"},
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("list: want one of workloads, profiles, backends")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			defer tw.Flush()
			switch args[0] {
			case "workloads":
				listWorkloads(tw)
			case "profiles":
				listProfiles(tw)
			case "backends":
				listBackends(tw)
			default:
				return usagef("list %q: want one of workloads, profiles, backends", args[0])
			}
			return nil
		},
	}
}

func listWorkloads(w io.Writer) {
	fmt.Fprintln(w, "WORKLOAD\tMIX\tDESCRIPTION")
	for _, p := range workloads.Presets() {
		name, desc := p.Name, p.Description
		if p.Name == workloads.DefaultWorkload {
			name += " (default)"
		}
		if !p.Available {
			desc = "not offered: " + p.Reason
		}
		fmt.Fprintf(w, "%s\t%s\t%s\n", name, p.Mix, desc)
	}
}

func listProfiles(w io.Writer) {
	fmt.Fprintln(w, "PROFILE\tBACKENDS\tWHAT IT DOES\tEXPECTED LOSS ON A CRASH")
	for _, p := range drivers.BuiltinProfiles() {
		var bs []string
		for _, b := range drivers.Backends() {
			if b.Offers(p.Name) {
				bs = append(bs, b.Name)
			}
		}
		if len(bs) == 0 {
			bs = []string{"—"}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", p.Name, strings.Join(bs, ","), p.Description, p.Expect)
	}
}

func listBackends(w io.Writer) {
	fmt.Fprintln(w, "BACKEND\tPROFILES\tCRASHES\tDESCRIPTION")
	for _, b := range drivers.Backends() {
		var crashes []string
		for _, c := range b.Crashes {
			crashes = append(crashes, string(c))
		}
		if len(crashes) == 0 {
			crashes = []string{"—"}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", b.Name, strings.Join(b.Profiles, ","), strings.Join(crashes, ","), b.Description)
	}
}
