package aerospike

import (
	"context"
	"fmt"
	"os/exec"

	"github.com/persistbench/persistbench/drivers"
)

// Profiles are the built-in profiles Aerospike offers. flash-commit is
// listed although Community Edition cannot run it: Open says so.
var Profiles = []string{"none", "flash", "flash-commit"}

func init() {
	drivers.Register(drivers.Backend{
		Name:        "aerospike",
		Description: "Aerospike via aerospike-client-go: a managed asd per profile (--asd, else PATH), or an external cluster (--addr)",
		Profiles:    Profiles,
		Crashes:     []drivers.CrashKind{drivers.CrashKill},
		Open:        Open,
	})
}

// Options read from drivers.Config.Options.
const (
	OptASD       = "asd"                 // path of asd (the --asd flag)
	OptNamespace = "aerospike-namespace" // external: namespace (default test)
	OptSet       = "aerospike-set"       // set name (default persistbench)
	OptUser      = "aerospike-user"      // external: user; the password is Config.Password
	OptSyntax    = "aerospike-syntax"    // managed: config dialect, 7.1 (default) or 7.0
	OptDocker    = "aerospike-docker"    // "1": run aerospike/aerospike-server in a container (built with -tags docker)
)

// defaultSet is the set workloads write to.
const defaultSet = "persistbench"

// openDocker opens an Aerospike in a container; nil unless built with
// -tags docker (docker.go).
var openDocker func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error)

// Open connects to cfg.Addr, or starts an asd for cfg.Profile on
// cfg.DataDir: the one named by the asd option, else the one on PATH,
// else (with -tags docker and a healthy engine) a container.
func Open(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
	if cfg.Profile.Name == "" {
		return nil, fmt.Errorf("aerospike: no profile")
	}
	if cfg.Addr != "" {
		return openExternal(ctx, cfg)
	}
	if cfg.Options[OptDocker] == "1" {
		if openDocker == nil {
			return nil, fmt.Errorf("aerospike: option %s: this binary was built without Docker support (go build -tags docker)", OptDocker)
		}
		return openDocker(ctx, cfg)
	}
	bin, err := findASD(cfg.Options[OptASD])
	if err != nil {
		if openDocker != nil && cfg.Options[OptASD] == "" {
			return openDocker(ctx, cfg)
		}
		return nil, err
	}
	return openManaged(ctx, cfg, bin)
}

// findASD resolves the asd binary.
func findASD(path string) (string, error) {
	if path != "" {
		bin, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("aerospike: --asd %s: %w", path, err)
		}
		return bin, nil
	}
	bin, err := exec.LookPath("asd")
	if err != nil {
		return "", fmt.Errorf("aerospike: no asd on PATH (install the aerospike-server package, or give --asd PATH, or --addr of a running server, e.g. one from docker/compose.yml): %w", err)
	}
	return bin, nil
}

func setName(cfg drivers.Config) string {
	if s := cfg.Options[OptSet]; s != "" {
		return s
	}
	return defaultSet
}
