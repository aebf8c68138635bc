package reports

import (
	"fmt"
	"strings"

	"github.com/persistbench/persistbench/bench"
)

// HostLine is the one-line header of a report: the tool, the machine that
// measured (CPU, cores, memory, kernel, Go, transparent huge pages, the
// host's jitter floor) and how the load was driven.
func HostLine(r *bench.Results) string {
	h := r.Host
	tool := strings.TrimSpace(r.Tool.Name + " " + r.Tool.Version)
	if tool == "" {
		tool = "persistbench"
	}
	where := tool
	if h.Hostname != "" {
		where += " on " + h.Hostname
	}
	cpu := h.CPUModel
	if cpu == "" {
		cpu = "CPU unknown"
	}
	facts := []string{cpu, "cores unknown", "memory unknown"}
	if h.Cores > 0 {
		facts[1] = plural(h.Cores, "core")
	}
	if h.MemoryBytes > 0 {
		facts[2] = formatBytes(h.MemoryBytes)
	}
	system := strings.Trim(h.OS+"/"+h.Arch, "/")
	if h.Kernel != "" {
		system = strings.TrimSpace(system + " " + h.Kernel)
	}
	for _, f := range []string{system, h.GoVersion} {
		if f != "" {
			facts = append(facts, f)
		}
	}
	if h.THP != "" {
		facts = append(facts, "THP "+h.THP)
	}
	parts := []string{where + ": " + strings.Join(facts, ", ")}
	if j := jitter(h); j != "" {
		parts = append(parts, j)
	}
	parts = append(parts, "mode: "+loadMode(r.Cells))
	if r.Interrupted {
		parts = append(parts, "INTERRUPTED")
	}
	return clean(strings.Join(parts, " · "))
}

// jitter is the host's scheduling jitter floor, beside which every pause
// figure must be read (FIELD-NOTES.md, "This machine's clock is not quiet").
func jitter(h bench.Host) string {
	var s []string
	if h.JitterP999US != nil {
		s = append(s, "p99.9 "+formatMicros(*h.JitterP999US))
	}
	if h.JitterMaxUS != nil {
		s = append(s, "max "+formatMicros(*h.JitterMaxUS))
	}
	if len(s) == 0 {
		return ""
	}
	return "host jitter " + strings.Join(s, ", ")
}

// loadMode says how clients drove the load: closed or open loop (with the
// rate when every cell had the same), and connections and pipeline depth
// when every cell had the same.
func loadMode(cells []bench.Cell) string {
	if len(cells) == 0 {
		return "no cells"
	}
	modes := distinct(cells, func(c *bench.Cell) string { return c.Settings.Mode })
	rates := distinct(cells, func(c *bench.Cell) string { return formatRate(c.Settings.RateOps) })
	conns := distinct(cells, func(c *bench.Cell) string { return fmt.Sprint(c.Settings.Conns) })
	pipes := distinct(cells, func(c *bench.Cell) string { return fmt.Sprint(c.Settings.Pipeline) })
	var s string
	switch {
	case len(modes) > 1:
		s = strings.Join(modes, " and ") + " loop"
	case modes[0] == "":
		s = "loop not recorded"
	case modes[0] == "open" && len(rates) == 1 && cells[0].Settings.RateOps > 0:
		s = "open loop at " + rates[0] + " ops/s"
	default:
		s = modes[0] + " loop"
	}
	if len(conns) == 1 && cells[0].Settings.Conns > 0 {
		s += ", " + plural(cells[0].Settings.Conns, "conn")
	}
	if len(pipes) == 1 && cells[0].Settings.Pipeline > 1 {
		s += ", pipeline " + pipes[0]
	}
	return s
}

// distinct lists the values key takes over cells, in order of first use.
func distinct(cells []bench.Cell, key func(*bench.Cell) string) []string {
	seen := map[string]bool{}
	var out []string
	for i := range cells {
		k := key(&cells[i])
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
