//go:build docker

package redis

import (
	"context"
	"slices"
	"testing"

	"github.com/testcontainers/testcontainers-go"

	"github.com/persistbench/persistbench/drivers"
)

func TestContainerArgs(t *testing.T) {
	args, ds, err := containerArgs(builtin(t, "rdb"), "hz 50")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"--save", "5", "1", "1", "10000"}, {"--bind", "0.0.0.0"}, {"--protected-mode", "no"}, {"--dir", "/data"}, {"--hz", "50"}}
	for _, w := range want {
		i := slices.Index(args, w[0])
		if i < 0 || !slices.Equal(args[i:i+len(w)], w) {
			t.Errorf("args %q lack %q", args, w)
		}
	}
	if m := ConfigMap(ds); m["bind"] != "0.0.0.0" {
		t.Errorf("recorded config %v", m)
	}
	args, _, _ = containerArgs(builtin(t, "none"), "")
	if i := slices.Index(args, "--save"); i < 0 || args[i+1] != "" {
		t.Errorf("profile none: args %q, want --save \"\"", args)
	}
}

// TestContainer runs the redis:7 container path where a Docker engine is
// healthy; it skips elsewhere.
func TestContainer(t *testing.T) {
	testcontainers.SkipIfProviderIsNotHealthy(t)
	ctx := context.Background()
	d, err := Open(ctx, drivers.Config{Profile: builtin(t, "aof-everysec"), Conns: 2,
		Options: map[string]string{OptDocker: "1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, ok := d.(drivers.Server); ok {
		t.Fatal("the container driver claims to be a Server")
	}
	if err := d.Set(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, found, err := d.Get(ctx, []byte("k"), nil); err != nil || !found || string(v) != "v" {
		t.Fatalf("get: %q %v %v", v, found, err)
	}
	if d.Info().Config["appendfsync"] != "everysec" {
		t.Fatalf("config %v", d.Info().Config)
	}
}
