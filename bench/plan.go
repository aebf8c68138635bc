package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// Plan is a parsed plan file (`persistbench run --plan plan.yaml`): a
// matrix to measure, backends × profiles × workloads × record counts ×
// repeats, with the knobs every cell shares. It is strict YAML: an unknown
// key, a value of the wrong type, an unknown backend, profile or workload
// is a *PlanError naming the file, line and field. Every key is optional;
// without profiles a plan of one backend runs every profile it offers, as
// `run` does:
//
//	name: seed-comparison        # default: the file's base name
//	description: ...
//	backends: [reference]        # default [reference]; a scalar is a list of one
//	profiles:                    # built-in names, or custom profiles:
//	  - rdb
//	  - {name: rdb-1h, base: rdb, save: [{seconds: 3600, changes: 1}]}
//	workloads: [mixed, w.yaml]   # presets, or spec files relative to the plan
//	records: [100k, 1m]          # default: each workload's own
//	repeats: 5                   # default 1
//	value-size: 1k               # fixed value size; default: the workload's
//	duration: 5s                 # warmup, conns, pipeline, rate likewise;
//	warmup: 1s                   #   default: the workload's phases
//	conns: 8
//	pipeline: 1
//	rate: 0                      # ops/s, 0 = closed loop
//	crash: {kind: power-loss, at: random}   # or crash: kill
//	out: results/runs/seed       # relative to the working directory
//	seed: 42                     # default: from the clock
//
// A custom profile starts from its base (a built-in) and overrides the
// fields it names, with drivers.Profile's YAML keys (save, aof, fsync,
// preamble, rewrite-percent, rewrite-min-bytes, rdbcompression,
// description, expect, and flash: {device-bytes, write-block-size,
// flush-max, defrag-lwm-pct, post-write-cache, commit-to-device,
// durable-delete}); byte sizes accept 16m or 1GiB. Each backend of the plan
// must offer every profile (a custom one through its base) and the crash
// kind.
type Plan struct {
	File        string
	Name        string
	Description string
	Backends    []drivers.Backend
	Profiles    []PlanProfile
	// Workloads have the plan's phase and value-size overrides applied.
	Workloads []*workloads.Spec
	// Records are the record counts; nil runs each workload's own.
	Records []int64
	Repeats int
	// Crash is the crash kind per backend name (the plan's, or the
	// backend's default when the plan names none) and CrashAt when.
	Crash   map[string]drivers.CrashKind
	CrashAt string
	// Out is the output directory ("" when the plan names none).
	Out string
	// Seed of the first cell (each cell adds its index); 0 when the plan
	// names none: the caller picks one.
	Seed int64
}

// PlanProfile is a profile of a plan: a built-in, or a custom profile and
// the built-in it is based on.
type PlanProfile struct {
	drivers.Profile
	// Base is the built-in profile it starts from; equal to Name for a
	// built-in.
	Base string
	// Custom is true for a profile defined in the plan.
	Custom bool
}

// PlanError is one fault in a plan file: file, 1-based line (0 when the
// fault has no single line), the field at fault in dotted form
// ("profiles[2].save[0].seconds") and what is wrong. LoadPlan returns one,
// or several joined with errors.Join; find them with errors.As.
type PlanError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *PlanError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadPlan reads and parses the plan file at path.
func LoadPlan(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bench: plan: %w", err)
	}
	return ParsePlan(path, data)
}

// ParsePlan parses a plan; name is the file's path, used in errors and to
// find workload spec files named relative to it. Backends must be
// registered (their driver packages imported) before.
func ParsePlan(name string, data []byte) (*Plan, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &PlanError{File: name, Msg: "empty plan"}
		}
		return nil, yamlPlanError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &PlanError{File: name, Line: extra.Line, Msg: "more than one YAML document"}
	}
	p := &planParser{file: name, dir: filepath.Dir(name)}
	plan := p.plan(&root)
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b *PlanError) int { return a.Line - b.Line })
		errs := make([]error, len(p.errs))
		for i, e := range p.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return plan, nil
}

// planKeys are the top-level keys of a plan, in the order documented.
var planKeys = []string{"name", "description", "backends", "profiles", "workloads", "records", "repeats",
	"value-size", "duration", "warmup", "conns", "pipeline", "rate", "crash", "out", "seed"}

// plan converts the document into a Plan, collecting every fault.
func (p *planParser) plan(doc *yaml.Node) *Plan {
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	f, ok := p.fields(doc, "", planKeys)
	if !ok {
		return nil
	}
	plan := &Plan{File: p.file, Repeats: 1, Crash: map[string]drivers.CrashKind{}}
	plan.Name = p.str(f["name"], "name")
	if plan.Name == "" {
		plan.Name = strings.TrimSuffix(filepath.Base(p.file), filepath.Ext(p.file))
	}
	plan.Description = p.str(f["description"], "description")
	plan.Backends = p.backends(f["backends"])
	plan.Profiles = p.profiles(f["profiles"], plan.Backends)
	plan.Workloads = p.workloads(f["workloads"])
	p.applyPhases(f, plan.Workloads)
	plan.Records = p.records(f["records"])
	if n := f["repeats"]; n != nil {
		plan.Repeats = p.int(n, "repeats")
		p.check(plan.Repeats >= 1, n, "repeats", "must be at least 1 (got %d)", plan.Repeats)
	}
	p.crash(f["crash"], plan)
	plan.Out = p.str(f["out"], "out")
	if n := f["seed"]; n != nil {
		plan.Seed = p.int64(n, "seed")
		p.check(plan.Seed >= 0 && plan.Seed < 1<<53, n, "seed", "must be in 0 .. 2^53-1 (exact in JSON), got %d", plan.Seed)
	}
	return plan
}

// applyPhases applies the plan's phase and value-size keys to every
// workload, as `run`'s flags do.
func (p *planParser) applyPhases(f map[string]*yaml.Node, ws []*workloads.Spec) {
	var set []func(*workloads.Spec)
	if n := f["value-size"]; n != nil {
		v := p.bytes(n, "value-size")
		p.check(v < 0 || v >= workloads.MinValueSize && v <= workloads.MaxValueSize, n, "value-size",
			"must be %d bytes (the self-checking header) .. 512 MiB", workloads.MinValueSize)
		set = append(set, func(s *workloads.Spec) { s.Value.Size = workloads.FixedSize(int(v)) })
	}
	durations := []struct {
		key  string
		min  time.Duration
		dst  func(*workloads.Spec) *time.Duration
		want string
	}{
		{"duration", 1, func(s *workloads.Spec) *time.Duration { return &s.Phases.Duration }, "> 0"},
		{"warmup", 0, func(s *workloads.Spec) *time.Duration { return &s.Phases.Warmup }, ">= 0"},
	}
	for _, d := range durations {
		if n := f[d.key]; n != nil {
			v := p.duration(n, d.key)
			p.check(v >= d.min, n, d.key, "must be %s (got %s)", d.want, v)
			set = append(set, func(s *workloads.Spec) { *d.dst(s) = v })
		}
	}
	if n := f["conns"]; n != nil {
		v := p.int(n, "conns")
		p.check(v > 0, n, "conns", "must be > 0 (got %d)", v)
		set = append(set, func(s *workloads.Spec) { s.Phases.Conns = v })
	}
	if n := f["pipeline"]; n != nil {
		v := p.int(n, "pipeline")
		p.check(v > 0, n, "pipeline", "must be > 0 (got %d)", v)
		set = append(set, func(s *workloads.Spec) { s.Phases.Pipeline = v })
	}
	if n := f["rate"]; n != nil {
		v := p.float(n, "rate")
		p.check(v >= 0, n, "rate", "must be >= 0 ops/s, 0 for a closed loop (got %g)", v)
		set = append(set, func(s *workloads.Spec) { s.Phases.Rate = v })
	}
	for _, s := range ws {
		for _, fn := range set {
			fn(s)
		}
	}
}
