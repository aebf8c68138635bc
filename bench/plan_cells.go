package bench

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// workloads resolves preset names and spec files (relative to the plan).
func (p *planParser) workloads(n *yaml.Node) []*workloads.Spec {
	if n == nil {
		s, err := workloads.Preset(workloads.DefaultWorkload)
		if err != nil {
			p.fail(nil, "workloads", "%v", err)
			return nil
		}
		return []*workloads.Spec{s}
	}
	var out []*workloads.Spec
	seen := map[string]bool{}
	for i, item := range p.list(n, "workloads") {
		field := fmt.Sprintf("workloads[%d]", i)
		name, ok := p.scalar(item, field, "a workload preset name or a spec file")
		if !ok {
			continue
		}
		s, err := p.loadWorkload(name)
		if err != nil {
			p.fail(item, field, "%s", strings.TrimPrefix(err.Error(), "workloads: "))
			continue
		}
		if seen[s.Name] {
			p.fail(item, field, "workload %s is listed twice", s.Name)
			continue
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out
}

// loadWorkload takes a preset name or a YAML file, as `run --workload`.
func (p *planParser) loadWorkload(name string) (*workloads.Spec, error) {
	return workloads.Lookup(name, p.dir)
}

func (p *planParser) records(n *yaml.Node) []int64 {
	var out []int64
	for i, item := range p.list(n, "records") {
		field := fmt.Sprintf("records[%d]", i)
		v := p.count(item, field)
		switch {
		case v < 0:
		case v == 0:
			p.fail(item, field, "must be > 0")
		case v >= MaxLedgerKeys/2:
			p.fail(item, field, "%d is more than the ledger tracks (%d)", v, MaxLedgerKeys/2)
		default:
			out = append(out, v)
		}
	}
	return out
}

// crash resolves the crash kind per backend: the plan's kind (which every
// backend must be able to undergo), or each backend's default as `run`
// picks it: power-loss where the backend can simulate it, else none.
func (p *planParser) crash(n *yaml.Node, plan *Plan) {
	var kindNode, atNode *yaml.Node
	if n != nil && n.Kind == yaml.ScalarNode {
		kindNode = n // crash: kill
	} else if n != nil {
		f, ok := p.fields(n, "crash", []string{"kind", "at"})
		if !ok {
			return
		}
		kindNode, atNode = f["kind"], f["at"]
	}
	var kind drivers.CrashKind
	if kindNode != nil {
		kind = drivers.CrashKind(p.str(kindNode, "crash.kind"))
		switch kind {
		case drivers.CrashNone, drivers.CrashKill, drivers.CrashPowerLoss:
		default:
			p.fail(kindNode, "crash.kind", "%q: want none, kill or power-loss", kind)
			return
		}
	}
	for _, b := range plan.Backends {
		switch {
		case kindNode == nil:
			plan.Crash[b.Name] = b.DefaultCrash(false)
		default:
			if err := b.CanCrash(kind, false); err != nil {
				p.fail(kindNode, "crash.kind", "%v", err)
			}
			plan.Crash[b.Name] = kind
		}
	}
	if atNode == nil {
		return
	}
	plan.CrashAt = p.str(atNode, "crash.at")
	for _, b := range plan.Backends {
		if plan.Crash[b.Name] == drivers.CrashNone {
			p.fail(atNode, "crash.at", "backend %s does not crash (crash kind none): set crash.kind to kill or power-loss", b.Name)
			return
		}
	}
	if plan.CrashAt == "random" {
		return
	}
	d, err := time.ParseDuration(plan.CrashAt)
	if err != nil {
		p.fail(atNode, "crash.at", "%q: want a duration such as 3s, or random", plan.CrashAt)
		return
	}
	for _, w := range plan.Workloads {
		run := w.Phases.Warmup + w.Phases.Duration
		p.check(d > 0 && d <= run, atNode, "crash.at", "%s must fall within the run of workload %s (warm-up + duration = %s)", d, w.Name, run)
	}
}

// Cells expands the plan into the cells to run, in this order: repeat
// (outermost, so that drift of a noisy host spreads over every
// configuration), backend, workload, record count, profile. Cell i gets
// seed Seed+i. The caller fills in what the command line decides
// (DataDir, Options, Interval, ReadyTimeout).
func (p *Plan) Cells() ([]CellSpec, error) {
	var cells []CellSpec
	for r := 1; r <= p.Repeats; r++ {
		for _, b := range p.Backends {
			for _, w := range p.Workloads {
				sizes := p.Records
				if sizes == nil {
					sizes = []int64{w.Records}
				}
				for _, n := range sizes {
					for _, prof := range p.Profiles {
						ws := *w
						ws.Records = n
						c := CellSpec{
							Backend: b.Name, Profile: prof.Profile, Workload: &ws, Records: n, Repeat: r,
							Duration: ws.Phases.Duration, Warmup: ws.Phases.Warmup,
							Conns: ws.Phases.Conns, Pipeline: ws.Phases.Pipeline, Rate: ws.Phases.Rate,
							Crash: p.Crash[b.Name], CrashAt: p.CrashAt, Seed: p.Seed + int64(len(cells)),
						}
						if err := c.Validate(); err != nil {
							return nil, fmt.Errorf("bench: plan %s: cell %s: %w", p.File, c.Name(), err)
						}
						cells = append(cells, c)
					}
				}
			}
		}
	}
	return cells, nil
}
