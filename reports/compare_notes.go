package reports

import (
	"fmt"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// compareNotes warns about what weakens a comparison: the files come from
// different machines, a cell ran with different settings, some repeats
// failed.
func compareNotes(base, new *bench.Results, bg, ng cellGroups, common []CellKey) []string {
	var notes []string
	if d := hostDiff(base.Host, new.Host); d != "" {
		notes = append(notes, "base and new ran on different hosts ("+d+"): absolute figures may differ for that alone")
	}
	for _, k := range common {
		if d := settingsDiff(bg.ok[k][0].Settings, ng.ok[k][0].Settings); d != "" {
			notes = append(notes, fmt.Sprintf("%s ran with different settings (%s): its comparison is suspect", k, d))
		}
	}
	for _, side := range []struct {
		name string
		g    cellGroups
	}{{"base", bg}, {"new", ng}} {
		for _, k := range side.g.order {
			if n := side.g.failed[k]; n > 0 {
				notes = append(notes, fmt.Sprintf("%s: %s of %s did not complete and is left out (%s)",
					side.name, plural(n, "repeat"), k, side.g.errs[k]))
			}
			if n := side.g.disturbed[k]; n > 0 {
				notes = append(notes, fmt.Sprintf("%s: %s of %s left out: the host's jitter probe saw stalls up to %s, over the limit",
					side.name, plural(n, "repeat"), k, formatMicros(side.g.worstUS[k])))
			}
		}
	}
	return notes
}

// hostDiff lists the host facts that differ, as "cores 2 → 4".
func hostDiff(a, b bench.Host) string {
	var d []string
	add := func(what, x, y string) {
		if x != y {
			d = append(d, fmt.Sprintf("%s %s → %s", what, orUnknown(x), orUnknown(y)))
		}
	}
	add("CPU", a.CPUModel, b.CPUModel)
	add("cores", fmt.Sprint(a.Cores), fmt.Sprint(b.Cores))
	add("kernel", a.Kernel, b.Kernel)
	add("arch", a.Arch, b.Arch)
	return strings.Join(d, ", ")
}

func orUnknown(s string) string {
	if s == "" || s == "0" {
		return "unknown"
	}
	return s
}

// settingsDiff lists the knobs that differ between two cells, seeds aside
// (each repeat has its own).
func settingsDiff(a, b bench.Settings) string {
	var d []string
	add := func(what string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			d = append(d, fmt.Sprintf("%s %v → %v", what, x, y))
		}
	}
	add("mode", a.Mode, b.Mode)
	add("conns", a.Conns, b.Conns)
	add("pipeline", a.Pipeline, b.Pipeline)
	add("rate", a.RateOps, b.RateOps)
	add("duration_ms", a.DurationMS, b.DurationMS)
	add("warmup_ms", a.WarmupMS, b.WarmupMS)
	add("value size", a.ValueSize, b.ValueSize)
	add("keys", a.KeyDist, b.KeyDist)
	add("mix", a.Mix, b.Mix)
	add("crash", a.Crash, b.Crash)
	add("crash at", a.CrashAt, b.CrashAt)
	return strings.Join(d, ", ")
}
