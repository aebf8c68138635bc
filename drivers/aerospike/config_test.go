package aerospike

import (
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenInstance is the instance every golden config is rendered for.
var goldenInstance = Instance{ServicePort: 3000, FabricPort: 3001, HeartbeatPort: 3002, Dir: "/var/lib/persistbench/cell"}

func builtin(t *testing.T, name string) drivers.Profile {
	t.Helper()
	p, err := drivers.LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRenderConfigGolden: every profile in both dialects renders exactly
// as the golden files say (go test -run Golden -update rewrites them).
func TestRenderConfigGolden(t *testing.T) {
	type tc struct {
		name string
		p    drivers.Profile
		in   Instance
	}
	var cases []tc
	for _, name := range Profiles {
		cases = append(cases, tc{name, builtin(t, name), goldenInstance})
		old := goldenInstance
		old.Syntax = Syntax70
		cases = append(cases, tc{name + "-7.0", builtin(t, name), old})
	}
	small := goldenInstance
	small.MemoryBytes = 1 << 20 // raised to the 256 MiB minimum
	cases = append(cases, tc{"none-small", builtin(t, "none"), small})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := RenderConfig(c.p, c.in)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "config", c.name+".conf"), got, *update)
		})
	}
}

// TestRenderConfigProfiles checks the directives that carry each
// profile's meaning, independently of the golden files.
func TestRenderConfigProfiles(t *testing.T) {
	cases := []struct {
		profile string
		syntax  Syntax
		want    map[string]string
		absent  []string
	}{
		{"none", "", map[string]string{"storage-engine": "memory", "data-size": "1073741824", "namespace": "test", "syntax": "7.1"},
			[]string{"file", "commit-to-device"}},
		{"flash", "", map[string]string{"storage-engine": "device", "file": "/var/lib/persistbench/cell/flash.dat",
			"filesize": "1073741824", "flush-size": "1048576", "flush-max-ms": "1000", "defrag-lwm-pct": "50",
			"post-write-cache": "67108864"}, []string{"commit-to-device", "write-block-size", "post-write-queue"}},
		{"flash-commit", "", map[string]string{"storage-engine": "device", "commit-to-device": "true"}, nil},
		{"flash", Syntax70, map[string]string{"write-block-size": "1048576", "post-write-queue": "64", "syntax": "7.0"},
			[]string{"flush-size", "post-write-cache"}},
	}
	for _, c := range cases {
		in := goldenInstance
		in.Syntax = c.syntax
		conf, err := RenderConfig(builtin(t, c.profile), in)
		if err != nil {
			t.Fatalf("%s: %v", c.profile, err)
		}
		m := ConfigMap(conf)
		for k, v := range c.want {
			if m[k] != v {
				t.Errorf("%s %s: %s = %q, want %q", c.profile, c.syntax, k, m[k], v)
			}
		}
		for _, k := range c.absent {
			if v, ok := m[k]; ok {
				t.Errorf("%s %s: %s = %q, want it absent", c.profile, c.syntax, k, v)
			}
		}
		s := string(conf)
		for _, want := range []string{"work-directory /var/lib/persistbench/cell/work\n", "mode mesh\n", "address 127.0.0.1\n",
			"port 3000\n", "port 3001\n", "port 3002\n", "file /var/lib/persistbench/cell/aerospike.log {\n"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: no %q in\n%s", c.profile, want, s)
			}
		}
		if strings.Count(s, "{") != strings.Count(s, "}") {
			t.Errorf("%s: unbalanced braces:\n%s", c.profile, s)
		}
	}
}

func TestRenderConfigRejects(t *testing.T) {
	cases := []struct {
		name        string
		p           drivers.Profile
		in          Instance
		want        string
		unsupported bool
	}{
		{"aof profile", builtin(t, "aof-always"), goldenInstance, "no snapshots", true},
		{"rdb profile", builtin(t, "rdb"), goldenInstance, "no snapshots", true},
		{"port 0", builtin(t, "none"), Instance{FabricPort: 1, HeartbeatPort: 2, Dir: "/d"}, "port 0", false},
		{"space in dir", builtin(t, "none"), Instance{ServicePort: 1, FabricPort: 2, HeartbeatPort: 3, Dir: "/my dir"}, "no quoting", false},
		{"syntax", builtin(t, "none"), Instance{ServicePort: 1, FabricPort: 2, HeartbeatPort: 3, Dir: "/d", Syntax: "6.4"}, "syntax", false},
		{"invalid flash", drivers.Profile{Name: "x", Flash: &drivers.Flash{WriteBlock: 1 << 20, DeviceBytes: 1 << 20}}, goldenInstance, "4 write blocks", false},
	}
	for _, c := range cases {
		_, err := RenderConfig(c.p, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q", c.name, err, c.want)
		}
		if c.unsupported != errors.Is(err, drivers.ErrUnsupported) {
			t.Errorf("%s: errors.Is(%v, ErrUnsupported) = %v, want %v", c.name, err, !c.unsupported, c.unsupported)
		}
	}
}
