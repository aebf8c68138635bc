package reports

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// builtinMechanisms describe the built-in profiles (DESIGN.md, "Profiles")
// for cells whose results record no configuration to read them from.
var builtinMechanisms = map[string]string{
	"none":         "none (memory only)",
	"rdb":          "RDB snapshots at save points",
	"aof-always":   "AOF, fsync before each ack",
	"aof-everysec": "AOF, fsync every second",
	"aof-no":       "AOF, never fsynced (the OS writes back)",
	"aof-preamble": "AOF with RDB preamble, fsync every second",
	"flash":        "DRAM index, records in write blocks on the device",
	"flash-commit": "DRAM index, each write on the device before ack",
}

func mechanismValue(c *bench.Cell, n *footnotes) (string, bool) {
	if m, ok := mechanism(c); ok {
		return m, true
	}
	return n.mark(dash, "save mechanism: the results record no configuration for profile "+c.Profile), false
}

// mechanism describes how a cell persisted, read from its configuration
// (Redis's directive names, which the reference engine reports too), else
// from the built-in profile of the same name.
func mechanism(c *bench.Cell) (string, bool) {
	cfg := c.Config
	var parts []string
	save, hasSave := cfg["save"]
	save = strings.TrimSpace(save)
	if hasSave && save != "" && save != `""` && save != "''" {
		parts = append(parts, "RDB snapshots (save "+save+")")
	}
	if yes(cfg["appendonly"]) {
		aof := "AOF"
		if yes(cfg["aof-use-rdb-preamble"]) {
			aof += " with RDB preamble"
		}
		if f := cfg["appendfsync"]; f != "" {
			aof += ", fsync " + f
		}
		parts = append(parts, aof)
	}
	if wb, ok := cfg["write-block-size"]; ok {
		f := "write blocks"
		if b, err := strconv.ParseInt(wb, 10, 64); err == nil {
			f = formatBytes(b) + " write blocks"
		}
		if ms := cfg["flush-max-ms"]; ms != "" {
			f += ", flushed within " + ms + " ms"
		}
		if yes(cfg["commit-to-device"]) {
			f += ", each write on the device before ack"
		}
		parts = append(parts, f)
	}
	switch {
	case len(parts) > 0:
		return strings.Join(parts, " + "), true
	case hasSave && strings.EqualFold(cfg["appendonly"], "no"):
		return "none (memory only)", true
	}
	m, ok := builtinMechanisms[c.Profile]
	return m, ok
}

func yes(s string) bool { return strings.EqualFold(s, "yes") || strings.EqualFold(s, "true") }

func cpuValue(c *bench.Cell, n *footnotes) (string, bool) {
	if c.CPU == nil {
		return n.mark(dash, missingNote(c, "cpu")), false
	}
	return n.mark(formatPct(c.CPU.MeanPct)+" · "+formatPct(c.CPU.PeakPct), rssCaveats(c)...), true
}

func formatPct(p float64) string { return strconv.FormatFloat(p, 'f', 0, 64) + "%" }

const cpuBackgroundNote = "CPU during snapshots, rewrites: mean of the timeline's CPU samples whose interval overlaps a snapshot, rewrite, fork or defrag"

// backgroundKinds are the events of work a backend does beside serving.
var backgroundKinds = []string{"snapshot", "rewrite", "fork", "defrag"}

func isBackground(kind string) bool {
	for _, k := range backgroundKinds {
		if k == kind {
			return true
		}
	}
	return false
}

func cpuBackgroundValue(c *bench.Cell, n *footnotes) (string, bool) {
	var spans [][2]float64
	for _, e := range c.Events {
		if isBackground(e.Kind) {
			spans = append(spans, [2]float64{float64(e.TMS), float64(e.TMS) + e.DurationUS/1000})
		}
	}
	interval := float64(c.Settings.IntervalMS)
	sum, count, samples := 0.0, 0, 0
	prev := -1.0
	for _, p := range c.Timeline {
		if p.CPUPct == nil {
			continue
		}
		samples++
		// A CPU sample covers the time since the previous one.
		from, to := prev, float64(p.TMS)+interval
		if from < 0 {
			from = float64(p.TMS)
		}
		prev = to
		for _, s := range spans {
			if s[0] < to && s[1] >= from {
				sum += *p.CPUPct
				count++
				break
			}
		}
	}
	switch {
	case samples == 0:
		return n.mark(dash, missingNote(c, "cpu")), false
	case len(spans) == 0:
		return n.mark(dash, "CPU during snapshots, rewrites: the cell recorded no snapshot, rewrite, fork or defrag"), false
	case count == 0:
		return n.mark(dash, "CPU during snapshots, rewrites: none of the cell's snapshots or rewrites overlapped a CPU sample of the run phase"), false
	}
	return n.mark(formatPct(sum/float64(count))+" ("+plural(count, "sample")+")", rssCaveats(c)...), true
}

func backgroundValue(c *bench.Cell, n *footnotes) (string, bool) {
	if note, ok := runnerReason(c, "events"); ok {
		return n.mark(dash, note), false
	}
	counts := map[string]int{}
	for _, e := range c.Events {
		counts[e.Kind]++
	}
	var parts []string
	for _, k := range backgroundKinds {
		if counts[k] > 0 {
			parts = append(parts, plural(counts[k], k))
		}
	}
	if len(parts) == 0 {
		if !cellOK(c) {
			return n.mark(dash, failureNote(c)), false
		}
		return "none", false
	}
	return strings.Join(parts, " · "), true
}

// rssPeakValue is the memory peak, with the runner's caveats.
func rssPeakValue(c *bench.Cell, n *footnotes) (string, bool) {
	b, notes, ok := rssPeak(c)
	if !ok {
		return n.mark(dash, notes...), false
	}
	return n.mark(formatBytes(b), notes...), true
}

func cowPeakValue(c *bench.Cell, n *footnotes) (string, bool) {
	if c.Memory == nil || c.Memory.COWPeakBytes == nil {
		return n.mark(dash, missingAny(c, "memory.cow_peak_bytes")), false
	}
	return formatBytes(*c.Memory.COWPeakBytes), true
}

func forkValue(c *bench.Cell, n *footnotes) (string, bool) {
	if c.Pauses == nil || c.Pauses.ForkMaxUS == nil {
		return n.mark(dash, missingAny(c, "pauses.fork_max_us", "pauses.fork")), false
	}
	s := formatMicros(*c.Pauses.ForkMaxUS)
	if fc := c.Pauses.ForkCount; fc != nil {
		s += " (" + plural(int(*fc), "fork") + ")"
	}
	return s, true
}

// missingAny is the runner's reason recorded for the first of paths that
// has one, else missingNote for the first path.
func missingAny(c *bench.Cell, paths ...string) string {
	for _, p := range paths {
		if note, ok := runnerReason(c, p); ok {
			return note
		}
	}
	return missingNote(c, paths[0])
}

func crashValue(c *bench.Cell, n *footnotes) (string, bool) {
	if c.Recovery == nil {
		return n.mark(dash, missingNote(c, "recovery")), false
	}
	return c.Recovery.Crash + " at " + formatMillis(c.Recovery.CrashAtMS), true
}

func verdictLost(c *bench.Cell, n *footnotes) (string, bool) {
	return lostAckedValue(c, n), c.Recovery != nil
}

func verdictWindow(c *bench.Cell, n *footnotes) (string, bool) {
	return lossWindowValue(c, n), c.Recovery != nil
}

func verdictRecovery(c *bench.Cell, n *footnotes) (string, bool) {
	return recoveryValue(c, n), c.Recovery != nil
}

func damageValue(c *bench.Cell, n *footnotes) (string, bool) {
	rec := c.Recovery
	if rec == nil {
		return n.mark(dash, missingNote(c, "recovery")), false
	}
	return formatCount(rec.StaleReads) + " · " + formatCount(rec.ResurrectedDeletes) + " · " + formatCount(rec.CorruptRecords), true
}

func recoveryPerGiBValue(c *bench.Cell, n *footnotes) (string, bool) {
	switch {
	case c.Recovery == nil:
		return n.mark(dash, missingNote(c, "recovery")), false
	case c.Storage == nil || c.Storage.LogicalBytes == nil:
		return n.mark(dash, missingNote(c, "storage.logical_bytes")), false
	case *c.Storage.LogicalBytes <= 0:
		return n.mark(dash, "recovery per GiB: no live data (storage.logical_bytes is 0)"), false
	}
	perGiB := c.Recovery.RecoveryMS / (float64(*c.Storage.LogicalBytes) / gib)
	return formatMillis(perGiB) + "/GiB", true
}

func verdictBloat(c *bench.Cell, n *footnotes) (string, bool) {
	return bloatValue(c, n), c.Storage != nil && c.Storage.BloatRatio != nil
}

func writeAmpVerdict(c *bench.Cell, n *footnotes) (string, bool) {
	return writeAmpValue(c, n), c.Storage != nil && c.Storage.WriteAmplification != nil
}

// writeAmpValue is bytes the backend wrote over bytes the client sent.
func writeAmpValue(c *bench.Cell, n *footnotes) string {
	if c.Storage == nil || c.Storage.WriteAmplification == nil {
		return n.mark(dash, missingNote(c, "storage.write_amplification"))
	}
	return formatRatio(*c.Storage.WriteAmplification)
}

// groupTitle names a cell group the way verdict titles do.
func groupTitle(backend, workload string, records int64) string {
	return fmt.Sprintf("%s · %s · %s records", backend, workload, formatRecords(records))
}
