package workloads

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadExamples(t *testing.T) {
	tests := []struct {
		file string
		want Spec
	}{
		{"full.yaml", Spec{
			Name: "full-example", Description: "every field set", Records: 2_500_000,
			Mix:    Mix{0.6, 0.2, 0.1, 0.05, 0.05},
			Value:  ValueSpec{Size: SizeDist{Choices: []SizeChoice{{100, 7}, {4096, 3}}}, Compressible: 0.25},
			Keys:   KeyDist{Distribution: Latest, Theta: 0.8, HotFraction: DefaultHotFraction, HotOps: DefaultHotOps},
			Phases: Phases{Duration: 90 * time.Second, Warmup: 0, Conns: 64, Pipeline: 16, Rate: 20_000},
		}},
		{"hotspot-uniform-size.yaml", Spec{
			Name: "hotspot-uniform-size", Records: DefaultRecords,
			Mix:    Mix{0.5, 0.5, 0, 0, 0},
			Value:  ValueSpec{Size: SizeDist{Min: 64, Max: 64 << 10}, Compressible: DefaultCompressible},
			Keys:   KeyDist{Distribution: Hotspot, Theta: DefaultTheta, HotFraction: 0.1, HotOps: 0.9},
			Phases: defaultPhases(),
		}},
		{"minimal.yaml", Spec{
			Name: "minimal", Records: DefaultRecords,
			Mix:    Mix{Update: 1},
			Value:  ValueSpec{Size: FixedSize(DefaultValueSize), Compressible: DefaultCompressible},
			Keys:   KeyDist{Distribution: Uniform, Theta: DefaultTheta, HotFraction: DefaultHotFraction, HotOps: DefaultHotOps},
			Phases: defaultPhases(),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Load(filepath.Join("testdata", "specs", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("Load:\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func defaultPhases() Phases {
	return Phases{Duration: DefaultDuration, Warmup: DefaultWarmup, Conns: DefaultConns, Pipeline: DefaultPipeline}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.HasPrefix(err.Error(), "workloads: ") || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("Load of a missing file: %v", err)
	}
}

// TestParseErrors checks that every fault names file, line and field. The
// specs start with a newline so that line numbers match the raw string.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"typo at top", `
mix: {read: 1}
valu-size: 1k
`, `myspec.yaml:3: field "valu-size" not found in workload spec (want name, description, records, mix, value, keys, phases)`},
		{"typo in section", `
mix: {read: 1}
keys:
  distribution: hotspot
  hot-fractoin: 0.1
`, `myspec.yaml:5: field "hot-fractoin" not found in keys (want distribution, theta, hot-fraction, hot-ops)`},
		{"unknown distribution", `
mix: {read: 1}
keys:
  distribution: zipf
`, `myspec.yaml:4: keys.distribution: unknown distribution "zipf" (want uniform, zipfian, latest, sequential, hotspot)`},
		{"section of wrong type", `
mix: {read: 1}
keys: zipfian
`, `myspec.yaml:3: keys: want a mapping (distribution, theta, hot-fraction, hot-ops), got a string "zipfian"`},
		{"records wrong type", `
records: [1, 2]
mix: {read: 1}
`, `myspec.yaml:2: records: want a count (like 100000 or 100k), got a sequence`},
		{"records not a count", `
records: lots
mix: {read: 1}
`, `myspec.yaml:2: records: "lots" is not a count (like 100000, 100k, 1m)`},
		{"negative records", `
records: -5
mix: {read: 1}
`, `myspec.yaml:2: records: "-5" is negative`},
		{"zero records", `
records: 0
mix: {read: 1}
`, `myspec.yaml:2: records: must be at least 1, got 0`},
		{"mix all zero", `
name: x
mix:
  read: 0
  update: 0
`, `myspec.yaml:3: mix: proportions sum to 0: at least one of read, update, insert, rmw, delete must be > 0`},
		{"mix missing", `
name: x
`, `myspec.yaml: mix: missing: give a proportion for at least one of read, update, insert, rmw, delete`},
		{"mix negative", `
mix:
  read: 1
  delete: -1
`, `myspec.yaml:4: mix.delete: proportion -1 must be >= 0`},
		{"mix typo", `
mix:
  reads: 1
`, `myspec.yaml:3: field "reads" not found in mix (want read, update, insert, rmw, delete)`},
		{"mix not a number", `
mix:
  read: half
`, `myspec.yaml:3: mix.read: "half" is not a number`},
		{"value too large", `
mix: {read: 1}
value:
  size: 1g
`, `myspec.yaml:4: value.size: 1073741824 bytes is outside 28 (MinValueSize, the self-checking header) .. 536870912 (512 MiB)`},
		{"value too small", `
mix: {read: 1}
value: {size: 10}
`, `myspec.yaml:3: value.size: 10 bytes is outside 28 (MinValueSize, the self-checking header) .. 536870912 (512 MiB)`},
		{"uniform min above max", `
mix: {read: 1}
value:
  size: {min: 4k, max: 1k}
`, `myspec.yaml:4: value.size: min 4096 is above max 1024`},
		{"uniform typo", `
mix: {read: 1}
value:
  size: {min: 1k, maks: 4k}
`, `myspec.yaml:4: value.size: field "maks" not found (want min, max)`},
		{"weighted bad weight", `
mix: {read: 1}
value:
  size:
    - {size: 1k, weight: 1}
    - {size: 2k, weight: -3}
`, `myspec.yaml:6: value.size[1].weight: weight -3 must be >= 0`},
		{"weighted item not a mapping", `
mix: {read: 1}
value:
  size:
    - 1k
`, `myspec.yaml:5: value.size[0]: want a mapping (size, weight), got a string "1k"`},
		{"compressible out of range", `
mix: {read: 1}
value: {compressible: 1.5}
`, `myspec.yaml:3: value.compressible: compressible 1.5 is outside [0, 1]`},
		{"theta out of range", `
mix: {read: 1}
keys:
  distribution: zipfian
  theta: 1
`, `myspec.yaml:5: keys.theta: theta 1 is outside (0, 1)`},
		{"theta on uniform", `
mix: {read: 1}
keys: {theta: 0.5}
`, `myspec.yaml:3: keys.theta: applies to zipfian and latest only, not uniform`},
		{"hot-ops out of range", `
mix: {read: 1}
keys: {distribution: hotspot, hot-ops: 0}
`, `myspec.yaml:3: keys.hot-ops: hot-ops 0 is outside (0, 1]`},
		{"bad duration", `
mix: {read: 1}
phases:
  duration: 5 seconds
`, `myspec.yaml:4: phases.duration: "5 seconds" is not a duration (like 5s or 1m30s)`},
		{"zero duration", `
mix: {read: 1}
phases: {duration: 0s}
`, `myspec.yaml:3: phases.duration: duration must be > 0, got 0s`},
		{"negative rate", `
mix: {read: 1}
phases: {rate: -10}
`, `myspec.yaml:3: phases.rate: rate must be a finite number >= 0 (0 = closed loop), got -10`},
		{"zero conns", `
mix: {read: 1}
phases: {conns: 0}
`, `myspec.yaml:3: phases.conns: must be at least 1`},
		{"duplicate key", `
mix: {read: 1}
records: 1
records: 2
`, `myspec.yaml:4: mapping key "records" already defined at line 3`},
		{"syntax error", `
mix: {read: 1
`, `myspec.yaml:2: did not find expected ',' or '}'`},
		{"not a mapping", `
- a
- b
`, `myspec.yaml:2: want a mapping (name, description, records, mix, value, keys, phases), got a sequence`},
		{"empty", ``, `myspec.yaml: empty workload spec`},
		{"two documents", `
mix: {read: 1}
---
mix: {read: 2}
`, `myspec.yaml:3: more than one YAML document`},
		{"several faults", `
records: -1
mix: {read: 1}
keys: {distribution: zipf}
`, "myspec.yaml:2: records: \"-1\" is negative\nmyspec.yaml:4: keys.distribution: unknown distribution \"zipf\" (want uniform, zipfian, latest, sequential, hotspot)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("myspec.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", s)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			var se *SpecError
			if !errors.As(err, &se) || se.File != "myspec.yaml" {
				t.Errorf("error %v is not a *SpecError of myspec.yaml", err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	valid := func() *Spec {
		s, err := Preset("mixed")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name   string
		change func(*Spec)
		want   string // "" = valid
	}{
		{"preset as is", func(*Spec) {}, ""},
		{"zero key parameters mean defaults", func(s *Spec) { s.Keys = KeyDist{Distribution: Zipfian} }, ""},
		{"fixed size", func(s *Spec) { s.Value.Size = FixedSize(MinValueSize) }, ""},
		{"no name", func(s *Spec) { s.Name = "" }, `name: must not be empty`},
		{"negative records", func(s *Spec) { s.Records = -1 }, `records: must be at least 1, got -1`},
		{"empty mix", func(s *Spec) { s.Mix = Mix{} }, `mix: proportions sum to 0`},
		{"NaN in mix", func(s *Spec) { s.Mix[Read] = nanValue() }, `mix: read: proportion NaN must be a finite number >= 0`},
		{"zero size", func(s *Spec) { s.Value.Size = SizeDist{} }, `value.size: 0 bytes is outside 28`},
		{"huge size", func(s *Spec) { s.Value.Size = FixedSize(MaxValueSize + 1) }, `value.size: 536870913 bytes is outside`},
		{"min above max", func(s *Spec) { s.Value.Size = SizeDist{Min: 200, Max: 100} }, `value.size: min 200 is above max 100`},
		{"zero weights", func(s *Spec) { s.Value.Size = SizeDist{Choices: []SizeChoice{{100, 0}}} }, `value.size: weights sum to 0`},
		{"theta 1", func(s *Spec) { s.Keys.Theta = 1 }, `keys.theta: theta 1 is outside (0, 1)`},
		{"unknown distribution", func(s *Spec) { s.Keys.Distribution = 9 }, `keys.distribution: unknown distribution Distribution(9)`},
		{"negative warmup", func(s *Spec) { s.Phases.Warmup = -time.Second }, `phases.warmup: warmup must be >= 0, got -1s`},
		{"no conns", func(s *Spec) { s.Phases.Conns = 0 }, `phases.conns: conns must be > 0, got 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := valid()
			tt.change(s)
			err := s.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.want)
			case tt.want != "" && !strings.HasPrefix(err.Error(), `workloads: spec "`):
				t.Fatalf("Validate = %v: want the package and spec name first", err)
			}
		})
	}
}

func nanValue() float64 { zero := 0.0; return zero / zero }

func TestMixString(t *testing.T) {
	tests := []struct {
		mix  Mix
		want string
	}{
		{Mix{Read: 1, Update: 1}, "read 50% update 50%"},
		{Mix{Read: 95, Insert: 5}, "read 95% insert 5%"},
		{Mix{Read: 1, Update: 1, Delete: 1}, "read 33.3% update 33.3% delete 33.3%"},
		{Mix{ReadModifyWrite: 0.2}, "rmw 100%"},
		{Mix{}, "invalid mix"},
	}
	for _, tt := range tests {
		s := Spec{Mix: tt.mix}
		if got := s.MixString(); got != tt.want {
			t.Errorf("MixString(%v) = %q, want %q", tt.mix, got, tt.want)
		}
	}
}

func TestOpType(t *testing.T) {
	want := []struct {
		name   string
		writes bool
	}{{"read", false}, {"update", true}, {"insert", true}, {"rmw", true}, {"delete", true}}
	for op := range OpType(NumOpTypes) {
		if op.String() != want[op].name || op.Writes() != want[op].writes {
			t.Errorf("OpType %d: %q writes=%v, want %q writes=%v", op, op, op.Writes(), want[op].name, want[op].writes)
		}
	}
	if got := OpType(7).String(); got != "OpType(7)" {
		t.Errorf("OpType(7).String() = %q", got)
	}
}

func TestSizeDistString(t *testing.T) {
	tests := []struct {
		d    SizeDist
		want string
	}{
		{FixedSize(1024), "1024"},
		{SizeDist{Min: 100, Max: 4096}, "100..4096"},
		{SizeDist{Choices: []SizeChoice{{100, 7}, {4096, 3}}}, "100:70%,4096:30%"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// The spec example in the package doc must parse as it is shown.
func TestDocExampleParses(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "// # Spec files")
	var example strings.Builder
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "// Errors name") {
			break
		}
		if code, ok := strings.CutPrefix(line, "//\t"); ok {
			example.WriteString(code + "\n")
		}
	}
	s, err := Parse("doc.go example", []byte(example.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, example.String())
	}
	if s.Name != "my-workload" || s.MixString() != "read 50% update 35% insert 10% delete 5%" {
		t.Errorf("doc example parsed to %+v", s)
	}
}
