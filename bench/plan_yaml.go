package bench

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/persistbench/persistbench/workloads"
)

// planParser walks a plan's YAML nodes. It works on nodes rather than on
// structs decoded by yaml.v3 because yaml.v3 does not apply KnownFields to
// nested custom decoding, and because every value must keep its line.
type planParser struct {
	file string
	dir  string // workload spec files are relative to it
	errs []*PlanError
}

func (p *planParser) fail(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &PlanError{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// check records a fault unless ok.
func (p *planParser) check(ok bool, n *yaml.Node, field, format string, args ...any) {
	if !ok {
		p.fail(n, field, format, args...)
	}
}

// resolve follows an alias.
func resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// fields returns the values of a mapping by key, refusing keys not in
// allowed and keys given twice. ok is false when n is not a mapping.
func (p *planParser) fields(n *yaml.Node, field string, allowed []string) (map[string]*yaml.Node, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		p.fail(n, field, "want a mapping (%s), got %s", strings.Join(allowed, ", "), kindOf(n))
		return nil, false
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		switch {
		case !contains(allowed, name):
			p.fail(k, join(field, name), "unknown field (want one of %s)", strings.Join(allowed, ", "))
		case out[name] != nil:
			p.fail(k, join(field, name), "given twice")
		default:
			out[name] = resolve(v)
		}
	}
	return out, true
}

// join builds a dotted field name; the top level is "".
func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// list returns a sequence's items; a single scalar is a list of one.
func (p *planParser) list(n *yaml.Node, field string) []*yaml.Node {
	n = resolve(n)
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		items := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			items[i] = resolve(c)
		}
		if len(items) == 0 {
			p.fail(n, field, "empty list")
		}
		return items
	case n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null":
		return []*yaml.Node{n}
	}
	p.fail(n, field, "want a list, got %s", kindOf(n))
	return nil
}

// scalar returns a scalar's text; ok is false (and a fault recorded) for
// mappings, sequences and nulls.
func (p *planParser) scalar(n *yaml.Node, field, want string) (string, bool) {
	n = resolve(n)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		p.fail(n, field, "want %s, got %s", want, kindOf(n))
		return "", false
	}
	return n.Value, true
}

func (p *planParser) str(n *yaml.Node, field string) string {
	s, _ := p.scalar(n, field, "a string")
	return s
}

func (p *planParser) int64(n *yaml.Node, field string) int64 {
	s, ok := p.scalar(n, field, "an integer")
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	if err != nil {
		p.fail(n, field, "want an integer, got %s", kindOf(n))
	}
	return v
}

func (p *planParser) int(n *yaml.Node, field string) int {
	v := p.int64(n, field)
	if int64(int(v)) != v {
		p.fail(n, field, "%d is too large", v)
		return 0
	}
	return int(v)
}

func (p *planParser) bool(n *yaml.Node, field string) bool {
	s, ok := p.scalar(n, field, "true or false")
	if !ok {
		return false
	}
	v, err := strconv.ParseBool(s)
	if err != nil || resolve(n).ShortTag() != "!!bool" {
		p.fail(n, field, "want true or false, got %s", kindOf(n))
	}
	return v
}

func (p *planParser) float(n *yaml.Node, field string) float64 {
	s, ok := p.scalar(n, field, "a number")
	if !ok {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		c, cerr := workloads.ParseCount(s) // 50k ops/s
		if cerr != nil {
			p.fail(n, field, "want a number (like 12.5 or 50k), got %s", kindOf(n))
			return 0
		}
		v = float64(c)
	}
	return v
}

func (p *planParser) count(n *yaml.Node, field string) int64 {
	s, ok := p.scalar(n, field, "a count (like 100000 or 100k)")
	if !ok {
		return -1
	}
	v, err := workloads.ParseCount(s)
	if err != nil {
		p.fail(n, field, "%s", strings.TrimPrefix(err.Error(), "workloads: "))
		return -1
	}
	return v
}

func (p *planParser) bytes(n *yaml.Node, field string) int64 {
	s, ok := p.scalar(n, field, "a byte size (like 1024, 1k or 16MiB)")
	if !ok {
		return -1
	}
	v, err := workloads.ParseBytes(s)
	if err != nil {
		p.fail(n, field, "%s", strings.TrimPrefix(err.Error(), "workloads: "))
		return -1
	}
	return v
}

func (p *planParser) duration(n *yaml.Node, field string) time.Duration {
	s, ok := p.scalar(n, field, "a duration (like 5s or 1m30s)")
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		p.fail(n, field, "want a duration (like 5s or 1m30s), got %s", kindOf(n))
	}
	return d
}

// kindOf describes a node for an error message.
func kindOf(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return "the string " + strconv.Quote(n.Value)
	}
	return "nothing"
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlPlanError places a syntax error of yaml.v3 at its line. yaml.v3's
// parser (as opposed to its scanner) reports "did not find expected ..."
// at the 0-based line where the construct at fault begins; it is made
// 1-based here.
func yamlPlanError(file string, err error) *PlanError {
	msg := err.Error()
	m := yamlLineRe.FindStringSubmatch(msg)
	if m == nil {
		msg = strings.TrimPrefix(msg, "yaml: ")
		line := 0
		if strings.HasPrefix(msg, "did not find expected") {
			line = 1
		}
		return &PlanError{File: file, Line: line, Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	if strings.HasPrefix(m[2], "did not find expected") {
		line++
	}
	return &PlanError{File: file, Line: line, Msg: m[2]}
}
