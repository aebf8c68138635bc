package aerospike

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// fakeASD writes a shell script standing in for asd: `--version` prints
// version (nothing and exit 1 when empty), a start prints said to stderr
// and exits 1, as asd does on a configuration it refuses.
func fakeASD(t *testing.T, version, said string) string {
	t.Helper()
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh for a fake asd")
	}
	script := "#!/bin/sh\nif [ \"$1\" = --version ]; then\n"
	if version != "" {
		script += "  echo '" + version + "'; exit 0\n"
	} else {
		script += "  exit 1\n"
	}
	script += "fi\necho '" + said + "' >&2\nexit 1\n"
	path := filepath.Join(t.TempDir(), "asd")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenStartFailures: Community Edition is caught from `asd
// --version` before commit-to-device is tried; an asd of unknown edition
// refusing commit-to-device is mapped the same way; any other refusal
// quotes what asd said.
func TestOpenStartFailures(t *testing.T) {
	const ce = "Aerospike Community Edition build 7.1.0.4"
	refusal := "CRITICAL (config): line 40 :: commit-to-device is enterprise-only"
	cases := []struct {
		name, profile, version, said string
		unsupported                  bool
		want                         string
	}{
		{"CE by --version", "flash-commit", ce, "should not start", true, "needs Enterprise Edition"},
		{"refusal in log", "flash-commit", "", refusal, true, "needs Enterprise Edition"},
		{"bad config", "flash", ce, "line 3 :: unknown config parameter bogus", false, "unknown config parameter bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := Open(ctx, drivers.Config{Profile: builtin(t, c.profile), DataDir: t.TempDir(),
				Options: map[string]string{OptASD: fakeASD(t, c.version, c.said)}})
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if errors.Is(err, drivers.ErrUnsupported) != c.unsupported || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v: want unsupported=%v and a mention of %q", err, c.unsupported, c.want)
			}
		})
	}
}

// TestOpenWritesLayout: a managed Open creates work/smd and the config
// file even when asd then fails.
func TestOpenWritesLayout(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(context.Background(), drivers.Config{Profile: builtin(t, "flash"), DataDir: dir,
		Options: map[string]string{OptASD: fakeASD(t, "", "no")}})
	if err == nil {
		t.Fatal("Open succeeded")
	}
	for _, p := range []string{"work/smd", "work/udf/lua", "aerospike.conf"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	conf, _ := os.ReadFile(filepath.Join(dir, "aerospike.conf"))
	if m := ConfigMap(conf); m["file"] != filepath.Join(dir, "flash.dat") {
		t.Errorf("file = %q", m["file"])
	}
}
