package redis

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/persistbench/persistbench/drivers"
)

// Profiles are the built-in profiles Redis offers (DESIGN.md, "Profiles").
var Profiles = []string{"none", "rdb", "aof-always", "aof-everysec", "aof-no", "aof-preamble"}

func init() {
	drivers.Register(drivers.Backend{
		Name:        "redis",
		Description: "Redis via go-redis: a managed redis-server per profile (--redis-server, else PATH), or an external one (--addr)",
		Profiles:    Profiles,
		Crashes:     []drivers.CrashKind{drivers.CrashKill},
		Open:        Open,
	})
}

// Options read from drivers.Config.Options.
const (
	OptServer = "redis-server" // path of redis-server (the --redis-server flag)
	OptDocker = "redis-docker" // "1": run redis:7 in a container (built with -tags docker)
	OptPort   = "redis-port"   // pin the managed server's port instead of picking a free one
	OptConfig = "redis-config" // extra redis.conf lines, appended verbatim
)

// openDocker opens a Redis in a container; nil unless built with -tags
// docker (docker.go), which keeps the Docker client out of the default
// build.
var openDocker func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error)

// Open connects to cfg.Addr, or starts a redis-server for cfg.Profile on
// cfg.DataDir: the one named by the redis-server option, else the one on
// PATH, else (when built with -tags docker and a Docker engine is healthy)
// a redis:7 container.
func Open(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
	if cfg.Addr != "" {
		return openExternal(ctx, cfg)
	}
	if cfg.Options[OptDocker] == "1" {
		if openDocker == nil {
			return nil, fmt.Errorf("redis: option %s: this binary was built without Docker support (go build -tags docker)", OptDocker)
		}
		return openDocker(ctx, cfg)
	}
	bin, err := findServer(cfg.Options[OptServer])
	if err != nil {
		if openDocker != nil && cfg.Options[OptServer] == "" {
			d, derr := openDocker(ctx, cfg)
			if derr == nil {
				return d, nil
			}
			return nil, errors.Join(err, derr)
		}
		return nil, err
	}
	return openManaged(ctx, cfg, bin)
}

// findServer resolves the redis-server binary.
func findServer(path string) (string, error) {
	if path != "" {
		bin, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("redis: --redis-server %s: %w", path, err)
		}
		return bin, nil
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", fmt.Errorf("redis: no redis-server on PATH (install it, e.g. apt-get install redis-server; or give --redis-server PATH, or --addr of a running server): %w", err)
	}
	return bin, nil
}
