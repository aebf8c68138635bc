package redis

import (
	"context"
	"fmt"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// externalMissing names every figure a plain client cannot take: the
// process figures of serverproc.ExternalMissing and Redis's own.
func externalMissing() map[string]string {
	return serverproc.ExternalMissing(map[string]string{
		"pauses.fork":        serverproc.ExternalReason + "; its forks are not followed",
		"events":             serverproc.ExternalReason + "; no fork, snapshot, rewrite or fsync events",
		"storage.disk_bytes": serverproc.ExternalReason + "; its data directory may be on another machine",
	})
}

// persistenceKeys are the settings recorded from an external server, which
// keeps its own configuration whatever the profile says.
var persistenceKeys = []string{"save", "appendonly", "appendfsync", "aof-use-rdb-preamble",
	"auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size", "rdbcompression"}

// openExternal connects to cfg.Addr with cfg.Password (never recorded)
// and returns a plain client: not a drivers.Server, so the runner neither
// crashes nor polls it.
func openExternal(ctx context.Context, cfg drivers.Config) (*client, error) {
	c, err := newClient(ctx, cfg.Addr, cfg.Password, cfg.Conns)
	if err != nil {
		return nil, err
	}
	c.info.Backend, c.info.Profile = "redis", cfg.Profile.Name
	c.info.Caps = drivers.CapPipeline
	c.info.Missing = externalMissing()
	c.info.Config = map[string]string{
		"source": fmt.Sprintf("external server at %s: its own configuration (CONFIG GET), not profile %s", cfg.Addr, cfg.Profile.Name),
	}
	for _, k := range persistenceKeys {
		kv, err := c.redis().ConfigGet(ctx, k).Result()
		if err != nil {
			c.info.Config["config_get"] = "CONFIG GET refused: " + err.Error()
			break
		}
		if v, ok := kv[k]; ok {
			c.info.Config[k] = v
		}
	}
	return c, nil
}
