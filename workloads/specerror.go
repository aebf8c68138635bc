package workloads

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SpecError is one fault in a workload spec file: the file, the 1-based
// line (0 when the fault has no single line) and the field at fault, in
// dotted form ("keys.theta", "value.size[1].weight"). Parse returns one, or
// several joined with errors.Join; find them with errors.As.
type SpecError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *SpecError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// yaml.v3 reports faults as text ("line 7: field x not found in type
// workloads.rawSpec"); these patterns turn the ones a spec can trigger into
// SpecErrors that name the spec's own sections instead of Go types.
var (
	yamlLineRe     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlUnknownRe  = regexp.MustCompile(`^field (.+) not found in type workloads\.(\w+)$`)
	yamlMismatchRe = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into \\*?workloads\\.(\\w+)$")
)

// rawSections maps each raw struct to the spec section it decodes.
var rawSections = map[string]struct {
	name string
	typ  reflect.Type
}{
	"rawSpec":   {"workload spec", reflect.TypeOf(rawSpec{})},
	"rawMix":    {"mix", reflect.TypeOf(rawMix{})},
	"rawValue":  {"value", reflect.TypeOf(rawValue{})},
	"rawKeys":   {"keys", reflect.TypeOf(rawKeys{})},
	"rawPhases": {"phases", reflect.TypeOf(rawPhases{})},
}

// yamlErrors converts an error of yaml.v3's decoder into SpecErrors.
func yamlErrors(file string, err error) []error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		errs := make([]error, len(te.Errors))
		for i, msg := range te.Errors {
			errs[i] = yamlMessage(file, msg)
		}
		return errs
	}
	return []error{yamlMessage(file, err.Error())}
}

// parserProblems are the syntax errors of yaml.v3's parser (parserc.go),
// as opposed to its scanner. yaml.v3 reports their line 0-based (the line
// where the construct at fault begins), and leaves it out for the first
// line; yamlMessage makes it 1-based.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

func yamlMessage(file, msg string) *SpecError {
	m := yamlLineRe.FindStringSubmatch(msg)
	if m == nil {
		msg = strings.TrimPrefix(msg, "yaml: ")
		if parserProblems[msg] {
			return &SpecError{File: file, Line: 1, Msg: msg}
		}
		return &SpecError{File: file, Msg: msg}
	}
	line, _ := strconv.Atoi(m[1])
	if strings.HasPrefix(msg, "yaml: ") && parserProblems[m[2]] {
		line++
	}
	e := &SpecError{File: file, Line: line, Msg: m[2]}
	if u := yamlUnknownRe.FindStringSubmatch(m[2]); u != nil {
		sec := rawSections[u[2]]
		e.Msg = fmt.Sprintf("field %q not found in %s (want %s)", u[1], sec.name, fieldList(sec.typ))
	} else if t := yamlMismatchRe.FindStringSubmatch(m[2]); t != nil {
		sec := rawSections[t[3]]
		if sec.name != "workload spec" {
			e.Field = sec.name
		}
		got := kindOfTag(t[1])
		if t[2] != "" {
			got += " " + strconv.Quote(t[2])
		}
		e.Msg = fmt.Sprintf("want a mapping (%s), got %s", fieldList(sec.typ), got)
	}
	return e
}

// fieldList lists the YAML keys of a raw struct.
func fieldList(t reflect.Type) string {
	if t == nil {
		return "?"
	}
	names := make([]string, t.NumField())
	for i := range names {
		names[i], _, _ = strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
	}
	return strings.Join(names, ", ")
}

func kindOfTag(tag string) string {
	switch tag {
	case "!!seq":
		return "a sequence"
	case "!!map":
		return "a mapping"
	case "!!str":
		return "a string"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "nothing"
	}
	return tag
}

func kindOfNode(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		return kindOfTag(n.ShortTag()) + " " + strconv.Quote(n.Value)
	}
	return "nothing"
}
