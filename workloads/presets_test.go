package workloads

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestPresetsParseAndValidate(t *testing.T) {
	want := map[string]struct {
		mix  string
		dist Distribution
	}{
		"mixed":       {"read 50% update 35% insert 10% delete 5%", Zipfian},
		"ycsb-a":      {"read 50% update 50%", Zipfian},
		"ycsb-b":      {"read 95% update 5%", Zipfian},
		"ycsb-c":      {"read 100%", Zipfian},
		"ycsb-d":      {"read 95% insert 5%", Latest},
		"ycsb-f":      {"read 50% rmw 50%", Zipfian},
		"read-heavy":  {"read 90% update 10%", Uniform},
		"write-heavy": {"read 10% update 75% insert 10% delete 5%", Zipfian},
	}
	for name, w := range want {
		s, err := Preset(name)
		if err != nil {
			t.Errorf("Preset(%q): %v", name, err)
			continue
		}
		if err := s.Validate(); err != nil {
			t.Errorf("Preset(%q).Validate: %v", name, err)
		}
		if s.Name != name || s.Description == "" || s.MixString() != w.mix || s.Keys.Distribution != w.dist {
			t.Errorf("Preset(%q) = name %q, mix %q, keys %v, description %q; want mix %q, keys %v",
				name, s.Name, s.MixString(), s.Keys.Distribution, s.Description, w.mix, w.dist)
		}
		if s.Records != DefaultRecords || s.Phases != defaultPhases() {
			t.Errorf("Preset(%q): records %d, phases %+v; want the defaults", name, s.Records, s.Phases)
		}
	}
}

func TestPresetsList(t *testing.T) {
	list := Presets()
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
		switch {
		case p.Name == "ycsb-e":
			if p.Available || p.Reason != "needs range scans, which a key-value driver does not offer" {
				t.Errorf("ycsb-e: %+v", p)
			}
		case !p.Available || p.Reason != "" || p.Description == "" || p.Mix == "":
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	if !slices.Equal(names, presetOrder) {
		t.Errorf("Presets() order = %v, want %v", names, presetOrder)
	}
	if names[0] != DefaultWorkload {
		t.Errorf("first preset %q, want the default %q", names[0], DefaultWorkload)
	}
	// Every embedded file is listed, and every listed preset but ycsb-e
	// has a file.
	files, err := fs.Glob(presetFiles, "presets/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var embedded []string
	for _, f := range files {
		embedded = append(embedded, strings.TrimSuffix(strings.TrimPrefix(f, "presets/"), ".yaml"))
	}
	listed := slices.DeleteFunc(slices.Clone(presetOrder), func(n string) bool { return n == "ycsb-e" })
	slices.Sort(embedded)
	slices.Sort(listed)
	if !slices.Equal(embedded, listed) {
		t.Errorf("embedded presets %v, listed %v", embedded, listed)
	}
}

func TestPresetErrors(t *testing.T) {
	tests := []struct{ name, want string }{
		{"ycsb-e", `workloads: preset "ycsb-e" is not available: needs range scans, which a key-value driver does not offer`},
		{"ycsb-z", `workloads: unknown preset "ycsb-z" (want mixed, ycsb-a, ycsb-b, ycsb-c, ycsb-d, ycsb-e, ycsb-f, read-heavy, write-heavy)`},
		{"../parse", `workloads: unknown preset "../parse"`},
	}
	for _, tt := range tests {
		if _, err := Preset(tt.name); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Preset(%q) = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestPresetIsAFreshCopy(t *testing.T) {
	a, _ := Preset("mixed")
	a.Value.Size.Choices[0].Size = 999
	a.Records = 1
	b, _ := Preset("mixed")
	if b.Value.Size.Choices[0].Size == 999 || b.Records == 1 {
		t.Fatal("changing one Preset result changed another")
	}
}
