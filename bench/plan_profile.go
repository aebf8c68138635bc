package bench

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/persistbench/persistbench/drivers"
)

func (p *planParser) backends(n *yaml.Node) []drivers.Backend {
	if n == nil {
		b, err := drivers.Lookup("reference")
		if err != nil {
			p.fail(nil, "backends", "none given, and the default backend: %v", err)
			return nil
		}
		return []drivers.Backend{b}
	}
	var out []drivers.Backend
	for i, item := range p.list(n, "backends") {
		field := fmt.Sprintf("backends[%d]", i)
		name, ok := p.scalar(item, field, "a backend name")
		if !ok {
			continue
		}
		b, err := drivers.Lookup(name)
		if err != nil {
			p.fail(item, field, "%v", err)
			continue
		}
		if hasBackend(out, name) {
			p.fail(item, field, "backend %s is listed twice", name)
			continue
		}
		out = append(out, b)
	}
	return out
}

func hasBackend(bs []drivers.Backend, name string) bool {
	for _, b := range bs {
		if b.Name == name {
			return true
		}
	}
	return false
}

// profiles resolves the profile list; without one, every profile the
// (single) backend offers, as `run` does.
func (p *planParser) profiles(n *yaml.Node, backends []drivers.Backend) []PlanProfile {
	if n == nil {
		if len(backends) != 1 {
			p.fail(nil, "profiles", "missing: with more than one backend, name the profiles to run")
			return nil
		}
		var out []PlanProfile
		for _, name := range backends[0].Profiles {
			bp, _ := drivers.LookupProfile(name)
			out = append(out, PlanProfile{Profile: bp, Base: name})
		}
		return out
	}
	var out []PlanProfile
	for i, item := range p.list(n, "profiles") {
		field := fmt.Sprintf("profiles[%d]", i)
		var pp PlanProfile
		var ok bool
		if item.Kind == yaml.MappingNode {
			pp, ok = p.customProfile(item, field)
		} else {
			pp, ok = p.builtinProfile(item, field)
		}
		if !ok {
			continue
		}
		if dup := findProfile(out, pp.Name); dup {
			p.fail(item, field, "profile %s is listed twice", pp.Name)
			continue
		}
		for _, b := range backends {
			if !b.Offers(pp.Base) {
				via := ""
				if pp.Custom {
					via = " (through its base " + pp.Base + ")"
				}
				p.fail(item, field, "backend %s does not offer profile %s%s; it offers %s (split the plan per backend)",
					b.Name, pp.Name, via, strings.Join(b.Profiles, ", "))
			}
		}
		out = append(out, pp)
	}
	return out
}

func findProfile(ps []PlanProfile, name string) bool {
	for _, q := range ps {
		if q.Name == name {
			return true
		}
	}
	return false
}

func (p *planParser) builtinProfile(n *yaml.Node, field string) (PlanProfile, bool) {
	name, ok := p.scalar(n, field, "a profile name or a custom profile {name, base, ...}")
	if !ok {
		return PlanProfile{}, false
	}
	bp, err := drivers.LookupProfile(name)
	if err != nil {
		p.fail(n, field, "%v; or define a custom profile with {name: ..., base: ...}", err)
		return PlanProfile{}, false
	}
	return PlanProfile{Profile: bp, Base: name}, true
}

// profileNameRe keeps custom names usable in cell names and file names.
var profileNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// customProfile decodes {name, base, overrides...}: the base built-in with
// the fields the entry names replaced, then drivers.Profile.Validate.
func (p *planParser) customProfile(n *yaml.Node, field string) (PlanProfile, bool) {
	allowed := append([]string{"name", "base"}, yamlKeys(reflect.TypeOf(drivers.Profile{}), "name")...)
	f, ok := p.fields(n, field, allowed)
	if !ok {
		return PlanProfile{}, false
	}
	errsBefore := len(p.errs)
	name := p.str(f["name"], field+".name")
	base := p.str(f["base"], field+".base")
	switch {
	case f["name"] == nil:
		p.fail(n, field+".name", "missing: a custom profile needs a name")
	case !profileNameRe.MatchString(name):
		p.fail(f["name"], field+".name", "%q: use lower-case letters, digits, '.', '_' and '-'", name)
	case containsProfile(drivers.ProfileNames(), name):
		p.fail(f["name"], field+".name", "%q is a built-in profile; give the custom one another name", name)
	}
	if f["base"] == nil {
		p.fail(n, field+".base", "missing: name the built-in profile to start from (%s)", strings.Join(drivers.ProfileNames(), ", "))
		return PlanProfile{}, false
	}
	prof, err := drivers.LookupProfile(base)
	if err != nil {
		p.fail(f["base"], field+".base", "%v", err)
		return PlanProfile{}, false
	}
	prof.Flash = cloneFlash(prof.Flash)
	prof.Save = append([]drivers.SavePoint(nil), prof.Save...)
	prof.Name = name
	p.decodeFields(f, reflect.ValueOf(&prof).Elem(), field)
	if len(p.errs) > errsBefore {
		return PlanProfile{}, false
	}
	if err := prof.Validate(); err != nil {
		p.fail(n, field, "%v", err)
		return PlanProfile{}, false
	}
	return PlanProfile{Profile: prof, Base: base, Custom: true}, true
}

func containsProfile(names []string, n string) bool { return contains(names, n) }

func cloneFlash(f *drivers.Flash) *drivers.Flash {
	if f == nil {
		return nil
	}
	c := *f
	return &c
}

// yamlKeys lists the YAML keys of a struct type's fields, except skip.
func yamlKeys(t reflect.Type, skip ...string) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if k != "" && k != "-" && !contains(skip, k) {
			out = append(out, k)
		}
	}
	return out
}

var durationType = reflect.TypeOf(time.Duration(0))

// decodeStruct sets the fields of the struct v that mapping n names, by
// their yaml tags, refusing unknown keys.
func (p *planParser) decodeStruct(n *yaml.Node, v reflect.Value, field string) {
	if f, ok := p.fields(n, field, yamlKeys(v.Type())); ok {
		p.decodeFields(f, v, field)
	}
}

// decodeFields sets the fields of the struct v named in f (by yaml tag);
// the "name" key is left to the caller.
func (p *planParser) decodeFields(f map[string]*yaml.Node, v reflect.Value, field string) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if val := f[k]; val != nil && k != "name" {
			p.decodeValue(val, v.Field(i), join(field, k))
		}
	}
}

// decodeValue decodes n into v by v's type: structs from mappings, slices
// from lists, int64 fields as byte sizes (16m), durations as 1s.
func (p *planParser) decodeValue(n *yaml.Node, v reflect.Value, field string) {
	n = resolve(n)
	if v.Type() == durationType {
		d := p.duration(n, field)
		v.SetInt(int64(d))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if n.ShortTag() == "!!null" {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		p.decodeValue(n, v.Elem(), field)
	case reflect.Struct:
		p.decodeStruct(n, v, field)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			p.fail(n, field, "want a list, got %s", kindOf(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			p.decodeValue(item, s.Index(i), fmt.Sprintf("%s[%d]", field, i))
		}
		v.Set(s)
	case reflect.String:
		v.SetString(p.str(n, field))
	case reflect.Bool:
		v.SetBool(p.bool(n, field))
	case reflect.Int:
		v.SetInt(int64(p.int(n, field)))
	case reflect.Int64:
		v.SetInt(p.bytes(n, field))
	default:
		p.fail(n, field, "cannot be set from a plan (a %s field)", v.Kind())
	}
}
