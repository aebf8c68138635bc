package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/persistbench/persistbench/bench"
	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// cells resolves the flags into the cells to run, checking everything that
// can be checked before anything starts.
func (f *runFlags) cells(cmd *cobra.Command) ([]bench.CellSpec, error) {
	backend, err := drivers.Lookup(f.backend)
	if err != nil {
		return nil, fmt.Errorf("--backend: %w", err)
	}
	profiles, err := f.resolveProfiles(backend)
	if err != nil {
		return nil, err
	}
	spec, err := loadWorkload(f.workload)
	if err != nil {
		return nil, err
	}
	if err := f.override(cmd, spec); err != nil {
		return nil, err
	}
	sizes, err := parseCounts(f.records, spec.Records)
	if err != nil {
		return nil, err
	}
	crash, err := f.resolveCrash(backend)
	if err != nil {
		return nil, err
	}
	if f.repeat < 1 {
		return nil, fmt.Errorf("--repeat must be at least 1 (got %d)", f.repeat)
	}
	seed := f.seed
	if seed == 0 {
		seed = time.Now().UnixNano() & (1<<53 - 1) // exact in JSON
	}
	password := f.password
	if password == "" {
		password = os.Getenv("REDISCLI_AUTH")
	}
	var cells []bench.CellSpec
	for r := 1; r <= f.repeat; r++ {
		for _, n := range sizes {
			for _, p := range profiles {
				w := *spec
				w.Records = n
				c := bench.CellSpec{
					Backend: backend.Name, Profile: p, Workload: &w, Records: n, Repeat: r,
					Duration: w.Phases.Duration, Warmup: w.Phases.Warmup,
					Conns: w.Phases.Conns, Pipeline: w.Phases.Pipeline, Rate: w.Phases.Rate,
					Crash: crash, CrashAt: f.crashAt, Seed: seed + int64(len(cells)),
					DataDir: f.dataDir, Addr: f.addr, Password: password,
					Interval: f.interval, ReadyTimeout: f.readyTimeout,
				}
				if err := c.Validate(); err != nil {
					return nil, err
				}
				cells = append(cells, c)
			}
		}
	}
	return cells, nil
}

func (f *runFlags) resolveProfiles(b drivers.Backend) ([]drivers.Profile, error) {
	names := b.Profiles
	if f.profiles != "" {
		names = splitList(f.profiles)
	}
	var out []drivers.Profile
	for _, n := range names {
		p, err := drivers.LookupProfile(n)
		if err != nil {
			return nil, fmt.Errorf("--profile: %w", err)
		}
		if !b.Offers(n) {
			return nil, fmt.Errorf("--profile %s: backend %s does not offer it (it offers %s)", n, b.Name, strings.Join(b.Profiles, ", "))
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--profile: no profile given")
	}
	return out, nil
}

func (f *runFlags) resolveCrash(b drivers.Backend) (drivers.CrashKind, error) {
	kind := drivers.CrashKind(f.crash)
	switch kind {
	case "":
		return b.DefaultCrash(f.addr != ""), nil
	case drivers.CrashNone, drivers.CrashKill, drivers.CrashPowerLoss:
	default:
		return "", fmt.Errorf("--crash %q: want none, kill or power-loss", f.crash)
	}
	if err := b.CanCrash(kind, f.addr != ""); err != nil {
		return "", fmt.Errorf("--crash %s: %w", kind, err)
	}
	if kind == drivers.CrashNone && f.crashAt != "" {
		return "", fmt.Errorf("--crash-at needs --crash kill or power-loss")
	}
	return kind, nil
}

// loadWorkload takes a preset name or a YAML file.
func loadWorkload(name string) (*workloads.Spec, error) {
	s, err := workloads.Lookup(name, "")
	if err != nil && !workloads.IsFile(name) {
		return nil, fmt.Errorf("--workload: %w", err)
	}
	return s, err
}

// override applies the flags the user set to the workload's phases.
func (f *runFlags) override(cmd *cobra.Command, s *workloads.Spec) error {
	set := cmd.Flags().Changed
	if f.valueSize != "" {
		n, err := workloads.ParseBytes(f.valueSize)
		if err != nil {
			return fmt.Errorf("--value-size: %w", err)
		}
		if n < workloads.MinValueSize || n > workloads.MaxValueSize {
			return fmt.Errorf("--value-size %s: must be %d bytes (the self-checking header) .. 512 MiB", f.valueSize, workloads.MinValueSize)
		}
		s.Value.Size = workloads.FixedSize(int(n))
	}
	if set("duration") {
		if f.duration <= 0 {
			return fmt.Errorf("--duration must be > 0 (got %s)", f.duration)
		}
		s.Phases.Duration = f.duration
	}
	if set("warmup") {
		if f.warmup < 0 {
			return fmt.Errorf("--warmup must be >= 0 (got %s)", f.warmup)
		}
		s.Phases.Warmup = f.warmup
	}
	if set("conns") {
		if f.conns <= 0 {
			return fmt.Errorf("--conns must be > 0 (got %d)", f.conns)
		}
		s.Phases.Conns = f.conns
	}
	if set("pipeline") {
		if f.pipeline <= 0 {
			return fmt.Errorf("--pipeline must be > 0 (got %d)", f.pipeline)
		}
		s.Phases.Pipeline = f.pipeline
	}
	if set("rate") {
		if f.rate <= 0 {
			return fmt.Errorf("--rate must be > 0 ops/s (got %g); leave it out for a closed loop", f.rate)
		}
		s.Phases.Rate = f.rate
	}
	return nil
}

// parseCounts parses a comma list of record counts (10k,1m).
func parseCounts(s string, def int64) ([]int64, error) {
	if s == "" {
		return []int64{def}, nil
	}
	var out []int64
	for _, item := range splitList(s) {
		n, err := workloads.ParseCount(item)
		if err != nil {
			return nil, fmt.Errorf("--records %q: %w", item, err)
		}
		if n <= 0 {
			return nil, fmt.Errorf("--records %q: must be > 0", item)
		}
		out = append(out, n)
	}
	return out, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
