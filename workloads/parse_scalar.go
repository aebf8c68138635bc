package workloads

import (
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// leaf returns the scalar, mapping or sequence a field holds (following an
// alias), or nil when the field is absent.
func leaf(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	if n.Kind == 0 {
		return nil
	}
	return n
}

// scalar returns the text of a scalar field; ok is false (and a fault is
// recorded) for mappings, sequences and nulls.
func (p *parser) scalar(n *yaml.Node, field, want string) (string, bool) {
	n = leaf(n)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		p.fail(n.Line, field, fmt.Errorf("want %s, got %s", want, kindOfNode(n)))
		return "", false
	}
	return n.Value, true
}

func (p *parser) str(n *yaml.Node, field string) string {
	if l := leaf(n); l != nil && l.ShortTag() == "!!null" {
		return ""
	}
	s, _ := p.scalar(n, field, "a string")
	return s
}

func (p *parser) count(n *yaml.Node, field string, def int64) int64 {
	s, ok := p.scalar(n, field, "a count (like 100000 or 100k)")
	if !ok {
		return def
	}
	v, err := parseScaled(s, countSuffixes)
	if err != nil {
		p.fail(leaf(n).Line, field, err)
		return def
	}
	return v
}

func (p *parser) bytes(n *yaml.Node, field string) int64 {
	s, ok := p.scalar(n, field, "a byte size (like 1024, 1k or 4KiB)")
	if !ok {
		return -1
	}
	v, err := parseScaled(s, byteSuffixes)
	if err != nil {
		p.fail(leaf(n).Line, field, err)
		return -1
	}
	p.check(leaf(n).Line, field, checkSize(v))
	return v
}

func (p *parser) float(n *yaml.Node, field string, def float64) float64 {
	s, ok := p.scalar(n, field, "a number")
	if !ok {
		return def
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		p.fail(leaf(n).Line, field, fmt.Errorf("%q is not a number", s))
		return def
	}
	return v
}

func (p *parser) duration(n *yaml.Node, field string, def time.Duration) time.Duration {
	s, ok := p.scalar(n, field, "a duration (like 5s or 1m30s)")
	if !ok {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.fail(leaf(n).Line, field, fmt.Errorf("%q is not a duration (like 5s or 1m30s)", s))
		return def
	}
	return d
}

// rate accepts a plain number (12.5) or a count with a suffix (50k).
func (p *parser) rate(n *yaml.Node, field string) float64 {
	s, ok := p.scalar(n, field, "a rate in ops/s (like 10000 or 10k)")
	if !ok {
		return 0
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil {
		c, cerr := parseScaled(s, countSuffixes)
		if cerr != nil {
			p.fail(leaf(n).Line, field, fmt.Errorf("%q is not a rate in ops/s (like 10000 or 10k)", s))
			return 0
		}
		r = float64(c)
	}
	p.check(leaf(n).Line, field, checkRate(r))
	return r
}
