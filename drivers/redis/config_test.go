package redis

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
var goldenInstance = Instance{Port: 6379, Dir: "/var/lib/persistbench/cell", LogFile: "/var/lib/persistbench/cell/redis.log"}

func builtin(t *testing.T, name string) drivers.Profile {
	t.Helper()
	p, err := drivers.LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRenderConfigGolden: every profile Redis offers, a dual-persistence
// profile, extra lines and a directory that needs quoting render exactly
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
	}
	dual := builtin(t, "aof-everysec")
	dual.Name, dual.Description = "dual", "save points and an AOF together"
	dual.Save = []drivers.SavePoint{{Seconds: 60, Changes: 1000}}
	cases = append(cases, tc{"dual", dual, goldenInstance})
	extra := goldenInstance
	extra.Extra = "# tuning\nio-threads 2\n\nhz 100\n"
	cases = append(cases, tc{"extra", builtin(t, "none"), extra})
	quoted := goldenInstance
	quoted.Dir, quoted.LogFile = `/tmp/my "cell" dir`, "/tmp/my \"cell\" dir/redis\t.log"
	cases = append(cases, tc{"quoted", builtin(t, "none"), quoted})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds, err := RenderConfig(c.p, c.in)
			if err != nil {
				t.Fatal(err)
			}
			got := FormatConfig(c.p, ds)
			golden.Check(t, filepath.Join("testdata", "config", c.name+".conf"), got, *update)
		})
	}
}

// TestRenderConfigProfiles checks the directives that carry each
// profile's meaning, independently of the golden files.
func TestRenderConfigProfiles(t *testing.T) {
	cases := []struct {
		profile string
		want    map[string]string
	}{
		{"none", map[string]string{"save": `""`, "appendonly": "no"}},
		{"rdb", map[string]string{"save": "5 1 1 10000", "appendonly": "no", "rdbcompression": "yes"}},
		{"aof-always", map[string]string{"save": `""`, "appendonly": "yes", "appendfsync": "always", "aof-use-rdb-preamble": "no",
			"auto-aof-rewrite-percentage": "100", "auto-aof-rewrite-min-size": "16777216"}},
		{"aof-everysec", map[string]string{"appendonly": "yes", "appendfsync": "everysec"}},
		{"aof-no", map[string]string{"appendonly": "yes", "appendfsync": "no"}},
		{"aof-preamble", map[string]string{"appendonly": "yes", "appendfsync": "everysec", "aof-use-rdb-preamble": "yes"}},
	}
	for _, c := range cases {
		ds, err := RenderConfig(builtin(t, c.profile), goldenInstance)
		if err != nil {
			t.Fatalf("%s: %v", c.profile, err)
		}
		m := ConfigMap(ds)
		for k, v := range c.want {
			if m[k] != v {
				t.Errorf("%s: %s = %q, want %q", c.profile, k, m[k], v)
			}
		}
		for k, v := range map[string]string{"bind": "127.0.0.1", "port": "6379", "daemonize": "no",
			"dbfilename": "dump.rdb", "appenddirname": "appendonlydir", "latency-monitor-threshold": "1", "protected-mode": "yes"} {
			if m[k] != v {
				t.Errorf("%s: managed directive %s = %q, want %q", c.profile, k, m[k], v)
			}
		}
	}
}

func TestRenderConfigRejects(t *testing.T) {
	flash := builtin(t, "flash")
	cases := []struct {
		name string
		p    drivers.Profile
		in   Instance
		want string
	}{
		{"flash profile", flash, goldenInstance, "hybrid-memory"},
		{"port 0", builtin(t, "none"), Instance{Dir: "/d", LogFile: "/d/l"}, "port 0"},
		{"managed directive", builtin(t, "none"), Instance{Port: 1, Dir: "/d", LogFile: "/d/l", Extra: "hz 10\nport 7000"}, "line 2: port is managed"},
		{"password", builtin(t, "none"), Instance{Port: 1, Dir: "/d", LogFile: "/d/l", Extra: "requirepass secret"}, "requirepass is managed"},
		{"invalid profile", drivers.Profile{Name: "x", AOF: true, Fsync: "sometimes"}, goldenInstance, "fsync"},
	}
	for _, c := range cases {
		_, err := RenderConfig(c.p, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q", c.name, err, c.want)
		}
		if c.name == "flash profile" && !errors.Is(err, drivers.ErrUnsupported) {
			t.Errorf("%s: %v does not wrap ErrUnsupported", c.name, err)
		}
	}
}

func TestQuoteArg(t *testing.T) {
	cases := map[string]string{
		"":             `""`,
		"/plain/path":  "/plain/path",
		"a b":          `"a b"`,
		`q"uote`:       `"q\"uote"`,
		`back\slash`:   `"back\\slash"`,
		"tab\tnl\n":    `"tab\tnl\n"`,
		"it's":         `"it's"`,
		"bell\x07":     `"bell\x07"`,
		"ünïcode/päth": "ünïcode/päth",
	}
	for in, want := range cases {
		if got := quoteArg(in); got != want {
			t.Errorf("quoteArg(%q) = %s, want %s", in, got, want)
		}
	}
}
