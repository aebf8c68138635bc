package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The raw form of a spec file. Sections are structs so that yaml.v3's
// KnownFields rejects unknown keys at every level; leaves are nodes so that
// each value keeps its line for the checks that follow.
type rawSpec struct {
	Name        yaml.Node `yaml:"name"`
	Description yaml.Node `yaml:"description"`
	Records     yaml.Node `yaml:"records"`
	Mix         *rawMix   `yaml:"mix"`
	Value       rawValue  `yaml:"value"`
	Keys        rawKeys   `yaml:"keys"`
	Phases      rawPhases `yaml:"phases"`
}

type rawMix struct {
	Read   yaml.Node `yaml:"read"`
	Update yaml.Node `yaml:"update"`
	Insert yaml.Node `yaml:"insert"`
	RMW    yaml.Node `yaml:"rmw"`
	Delete yaml.Node `yaml:"delete"`
}

type rawValue struct {
	Size         yaml.Node `yaml:"size"` // bytes | {min, max} | [{size, weight}, ...]
	Compressible yaml.Node `yaml:"compressible"`
}

type rawKeys struct {
	Distribution yaml.Node `yaml:"distribution"`
	Theta        yaml.Node `yaml:"theta"`
	HotFraction  yaml.Node `yaml:"hot-fraction"`
	HotOps       yaml.Node `yaml:"hot-ops"`
}

type rawPhases struct {
	Duration yaml.Node `yaml:"duration"`
	Warmup   yaml.Node `yaml:"warmup"`
	Conns    yaml.Node `yaml:"conns"`
	Pipeline yaml.Node `yaml:"pipeline"`
	Rate     yaml.Node `yaml:"rate"`
}

// Load reads and parses the workload spec file at path.
func Load(path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("workloads: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes a YAML workload spec strictly: unknown fields, wrong types
// and out-of-range values are errors naming file (name), line and field.
// Fields left out take the Default* values; mix is required. A spec
// without a name is named after the file. The mix is normalised.
func Parse(name string, data []byte) (*Spec, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var raw rawSpec
	var typeErrs []error // yaml.v3 decodes what it can past type errors
	if err := dec.Decode(&raw); err != nil {
		var te *yaml.TypeError
		switch {
		case errors.Is(err, io.EOF):
			return nil, &SpecError{File: name, Msg: "empty workload spec"}
		case !errors.As(err, &te):
			return nil, errors.Join(yamlErrors(name, err)...)
		}
		typeErrs = yamlErrors(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &SpecError{File: name, Line: extra.Line, Msg: "more than one YAML document"}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, errors.Join(yamlErrors(name, err)...)
	}
	p := &parser{file: name, root: &root, errs: typeErrs}
	s := p.spec(&raw)
	if len(p.errs) > 0 {
		slices.SortStableFunc(p.errs, func(a, b error) int {
			return a.(*SpecError).Line - b.(*SpecError).Line
		})
		return nil, errors.Join(p.errs...)
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	// Every field was range-checked with its line above; this catches
	// anything those checks and Validate disagree on.
	if err := s.Validate(); err != nil {
		return nil, &SpecError{File: name, Msg: err.Error()}
	}
	return s, nil
}

// parser converts a rawSpec into a Spec, collecting every fault.
type parser struct {
	file string
	root *yaml.Node
	errs []error
}

func (p *parser) fail(line int, field string, err error) {
	p.errs = append(p.errs, &SpecError{File: p.file, Line: line, Field: field, Msg: err.Error()})
}

// sectionLine returns the line of a top-level key, or 0 when absent.
func (p *parser) sectionLine(key string) int {
	doc := p.root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if doc.Content[i].Value == key {
			return doc.Content[i].Line
		}
	}
	return 0
}

func (p *parser) spec(r *rawSpec) *Spec {
	s := &Spec{
		Name:        p.str(&r.Name, "name"),
		Description: p.str(&r.Description, "description"),
		Records:     p.count(&r.Records, "records", DefaultRecords),
	}
	if n := leaf(&r.Records); n != nil {
		p.check(n.Line, "records", checkRecords(s.Records))
	}
	s.Mix = p.mix(r.Mix)
	s.Value = p.value(&r.Value)
	s.Keys = p.keys(&r.Keys)
	s.Phases = p.phases(&r.Phases)
	return s
}

func (p *parser) check(line int, field string, err error) {
	if err != nil {
		p.fail(line, field, err)
	}
}

func (p *parser) mix(r *rawMix) Mix {
	var m Mix
	if r == nil && len(p.errs) > 0 {
		return m // a fault found earlier may be why mix is missing
	}
	if r == nil {
		p.fail(p.sectionLine("mix"), "mix", fmt.Errorf("missing: give a proportion for at least one of %s", strings.Join(opNames[:], ", ")))
		return m
	}
	nodes := [NumOpTypes]*yaml.Node{Read: &r.Read, Update: &r.Update, Insert: &r.Insert, ReadModifyWrite: &r.RMW, Delete: &r.Delete}
	for op, n := range nodes {
		field := "mix." + opNames[op]
		m[op] = p.float(n, field, 0)
		if l := leaf(n); l != nil && m[op] < 0 {
			p.fail(l.Line, field, fmt.Errorf("proportion %v must be >= 0", m[op]))
			return m
		}
	}
	if _, err := m.check(); err != nil {
		// Report a zero sum only when no other fault (a misspelt or
		// unparsable entry) can be its cause.
		if len(p.errs) == 0 {
			p.fail(p.sectionLine("mix"), "mix", err)
		}
		return m
	}
	return m.Normalized()
}

func (p *parser) keys(r *rawKeys) KeyDist {
	k := KeyDist{Theta: DefaultTheta, HotFraction: DefaultHotFraction, HotOps: DefaultHotOps}
	if n := leaf(&r.Distribution); n != nil {
		d, err := ParseDistribution(p.str(n, "keys.distribution"))
		if err != nil {
			p.fail(n.Line, "keys.distribution", err)
			return k // which parameters apply is unknown
		}
		k.Distribution = d
	}
	params := []struct {
		node      *yaml.Node
		field     string
		dst       *float64
		applies   bool
		oneOK     bool
		appliesTo string
	}{
		{&r.Theta, "theta", &k.Theta, k.Distribution == Zipfian || k.Distribution == Latest, false, "zipfian and latest"},
		{&r.HotFraction, "hot-fraction", &k.HotFraction, k.Distribution == Hotspot, false, "hotspot"},
		{&r.HotOps, "hot-ops", &k.HotOps, k.Distribution == Hotspot, true, "hotspot"},
	}
	for _, q := range params {
		n := leaf(q.node)
		if n == nil {
			continue
		}
		field := "keys." + q.field
		if !q.applies {
			p.fail(n.Line, field, fmt.Errorf("applies to %s only, not %s", q.appliesTo, k.Distribution))
			continue
		}
		*q.dst = p.float(n, field, *q.dst)
		p.check(n.Line, field, checkUnit(q.field, *q.dst, false, q.oneOK))
	}
	return k
}

func (p *parser) phases(r *rawPhases) Phases {
	ph := Phases{
		Duration: p.duration(&r.Duration, "phases.duration", DefaultDuration),
		Warmup:   p.duration(&r.Warmup, "phases.warmup", DefaultWarmup),
		Conns:    int(p.count(&r.Conns, "phases.conns", DefaultConns)),
		Pipeline: int(p.count(&r.Pipeline, "phases.pipeline", DefaultPipeline)),
		Rate:     p.rate(&r.Rate, "phases.rate"),
	}
	if n := leaf(&r.Duration); n != nil {
		p.check(n.Line, "phases.duration", checkDuration("duration", ph.Duration, false))
	}
	if n := leaf(&r.Warmup); n != nil {
		p.check(n.Line, "phases.warmup", checkDuration("warmup", ph.Warmup, true))
	}
	if n := leaf(&r.Conns); n != nil && ph.Conns == 0 {
		p.fail(n.Line, "phases.conns", fmt.Errorf("must be at least 1"))
	}
	if n := leaf(&r.Pipeline); n != nil && ph.Pipeline == 0 {
		p.fail(n.Line, "phases.pipeline", fmt.Errorf("must be at least 1"))
	}
	return ph
}
