package redis

import (
	"context"
	"fmt"

	"github.com/persistbench/persistbench/drivers"
)

// externalReason is why an external server's server-side figures are
// missing.
const externalReason = "external server: persistbench did not start it"

// externalMissing names every figure a plain client cannot take.
var externalMissing = map[string]string{
	"recovery":                    externalReason + ", so it cannot crash or restart it",
	"pauses.fork":                 externalReason + "; its forks are not followed",
	"events":                      externalReason + "; no fork, snapshot, rewrite or fsync events",
	"memory":                      externalReason + "; no RSS of its process",
	"storage.disk_bytes":          externalReason + "; its data directory may be on another machine",
	"storage.write_amplification": externalReason + "; no /proc/<pid>/io of its process",
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
	c.info.Missing = make(map[string]string, len(externalMissing))
	for k, v := range externalMissing {
		c.info.Missing[k] = v
	}
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
