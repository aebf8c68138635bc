package workloads

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultWorkload is the preset a run uses when none is named.
const DefaultWorkload = "mixed"

//go:embed presets/*.yaml
var presetFiles embed.FS

// presetOrder is the order Presets lists them in: the default first, the
// YCSB core workloads in their own order, then the others.
var presetOrder = []string{
	"mixed", "ycsb-a", "ycsb-b", "ycsb-c", "ycsb-d", "ycsb-e", "ycsb-f", "read-heavy", "write-heavy",
}

// unavailable are presets listed for completeness that cannot run here.
var unavailable = map[string]PresetInfo{
	"ycsb-e": {
		Name:        "ycsb-e",
		Description: "YCSB E, short ranges: 95% scans, 5% inserts",
		Mix:         "scan 95% insert 5%",
		Reason:      "needs range scans, which a key-value driver does not offer",
	},
}

// PresetInfo describes a built-in workload for listings.
type PresetInfo struct {
	Name, Description, Mix string
	Available              bool
	Reason                 string // why not, when not Available
}

// Preset returns a fresh copy of the built-in workload name, which the
// caller may modify.
func Preset(name string) (*Spec, error) {
	if u, ok := unavailable[name]; ok {
		return nil, fmt.Errorf("workloads: preset %q is not available: %s", name, u.Reason)
	}
	file := "presets/" + name + ".yaml"
	data, err := presetFiles.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("workloads: unknown preset %q (want %s)", name, strings.Join(presetOrder, ", "))
	}
	s, err := Parse(file, data)
	if err != nil {
		return nil, fmt.Errorf("workloads: preset %q: %w", name, err)
	}
	return s, nil
}

// Presets lists every built-in workload in a stable order, including those
// that cannot run (Available false, with the Reason).
func Presets() []PresetInfo {
	out := make([]PresetInfo, 0, len(presetOrder))
	for _, name := range presetOrder {
		if u, ok := unavailable[name]; ok {
			out = append(out, u)
			continue
		}
		s, err := Preset(name)
		if err != nil {
			out = append(out, PresetInfo{Name: name, Reason: err.Error()})
			continue
		}
		out = append(out, PresetInfo{Name: name, Description: s.Description, Mix: s.MixString(), Available: true})
	}
	return out
}

// IsFile reports whether a --workload value names a spec file rather than
// a preset: it ends in .yaml or .yml, or holds a path separator.
func IsFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.ContainsRune(name, os.PathSeparator)
}

// Lookup returns the preset called name, or loads the spec file name
// (relative to dir when it is not absolute).
func Lookup(name, dir string) (*Spec, error) {
	if !IsFile(name) {
		return Preset(name)
	}
	if !filepath.IsAbs(name) && dir != "" {
		name = filepath.Join(dir, name)
	}
	return Load(name)
}
