package workloads

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// value parses the value section. Its size is one of
//
//	size: 1k                         # fixed
//	size: {min: 100, max: 4k}        # uniform over [min, max]
//	size: [{size: 100, weight: 7}, {size: 4k, weight: 3}]   # weighted
func (p *parser) value(r *rawValue) ValueSpec {
	v := ValueSpec{Size: FixedSize(DefaultValueSize), Compressible: DefaultCompressible}
	if n := leaf(&r.Compressible); n != nil {
		v.Compressible = p.float(n, "value.compressible", v.Compressible)
		p.check(n.Line, "value.compressible", checkUnit("compressible", v.Compressible, true, true))
	}
	n := leaf(&r.Size)
	if n == nil {
		return v
	}
	switch n.Kind {
	case yaml.MappingNode:
		v.Size = p.uniformSize(n)
	case yaml.SequenceNode:
		v.Size = p.weightedSizes(n)
	default:
		size := p.bytes(n, "value.size")
		v.Size = FixedSize(int(size))
	}
	return v
}

func (p *parser) uniformSize(n *yaml.Node) SizeDist {
	f, ok := p.fields(n, "value.size", "min", "max")
	if !ok {
		return FixedSize(DefaultValueSize)
	}
	if f["min"] == nil || f["max"] == nil {
		p.fail(n.Line, "value.size", fmt.Errorf("a uniform size needs both min and max"))
		return FixedSize(DefaultValueSize)
	}
	lo := p.bytes(f["min"], "value.size.min")
	hi := p.bytes(f["max"], "value.size.max")
	if lo > hi {
		p.fail(n.Line, "value.size", fmt.Errorf("min %d is above max %d", lo, hi))
	}
	return SizeDist{Min: int(lo), Max: int(hi)}
}

func (p *parser) weightedSizes(n *yaml.Node) SizeDist {
	if len(n.Content) == 0 {
		p.fail(n.Line, "value.size", fmt.Errorf("empty list of sizes"))
		return FixedSize(DefaultValueSize)
	}
	d := SizeDist{}
	var sum float64
	before := len(p.errs)
	for i, item := range n.Content {
		field := fmt.Sprintf("value.size[%d]", i)
		f, ok := p.fields(leaf(item), field, "size", "weight")
		if !ok {
			continue
		}
		if f["size"] == nil {
			p.fail(item.Line, field, fmt.Errorf("missing size"))
			continue
		}
		c := SizeChoice{Size: int(p.bytes(f["size"], field+".size")), Weight: 1}
		if w := f["weight"]; w != nil {
			c.Weight = p.float(w, field+".weight", 1)
			if c.Weight < 0 {
				p.fail(w.Line, field+".weight", fmt.Errorf("weight %v must be >= 0", c.Weight))
			}
		}
		sum += c.Weight
		d.Choices = append(d.Choices, c)
	}
	if sum <= 0 && len(p.errs) == before {
		p.fail(n.Line, "value.size", fmt.Errorf("weights sum to 0"))
	}
	return d
}

// fields returns the values of a mapping by key, rejecting keys outside
// allowed and duplicates, as yaml.v3's KnownFields does for the sections.
func (p *parser) fields(n *yaml.Node, field string, allowed ...string) (map[string]*yaml.Node, bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		line := 0
		if n != nil {
			line = n.Line
		}
		p.fail(line, field, fmt.Errorf("want a mapping (%s), got %s", strings.Join(allowed, ", "), kindOfNode(n)))
		return nil, false
	}
	out := make(map[string]*yaml.Node, len(allowed))
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.fail(k.Line, field, fmt.Errorf("field %q not found (want %s)", k.Value, strings.Join(allowed, ", ")))
			ok = false
		case out[k.Value] != nil:
			p.fail(k.Line, field, fmt.Errorf("field %q given twice", k.Value))
			ok = false
		default:
			out[k.Value] = v
		}
	}
	return out, ok
}
