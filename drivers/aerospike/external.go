package aerospike

import (
	"context"
	"fmt"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// externalMissing names every figure a plain client cannot take: the
// process figures of serverproc.ExternalMissing and Aerospike's own.
func externalMissing() map[string]string {
	return serverproc.ExternalMissing(map[string]string{
		"events":             serverproc.ExternalReason + "; its defrag is not followed",
		"storage.disk_bytes": serverproc.ExternalReason + "; its devices may be on another machine",
	})
}

// openExternal connects to cfg.Addr with cfg.Password (never recorded)
// and returns a plain client: not a drivers.Server.
func openExternal(ctx context.Context, cfg drivers.Config) (*client, error) {
	host, port, err := splitAddr(cfg.Addr)
	if err != nil {
		return nil, err
	}
	ns := cfg.Options[OptNamespace]
	if ns == "" {
		ns = Namespace
	}
	t := target{host: host, port: port, ns: ns, set: setName(cfg), user: cfg.Options[OptUser],
		pass: cfg.Password, conns: cfg.Conns}
	if f := cfg.Profile.Flash; f != nil {
		t.durableDelete = f.DurableDelete
	}
	c, err := newClient(ctx, t)
	if err != nil {
		return nil, err
	}
	if _, err := c.namespace(); err != nil {
		c.Close()
		return nil, err
	}
	c.info.Backend, c.info.Profile = "aerospike", cfg.Profile.Name
	c.info.Caps = drivers.CapPipeline
	c.info.Missing = externalMissing()
	c.info.Config = map[string]string{
		"source":    fmt.Sprintf("external server at %s: its own configuration, not profile %s", cfg.Addr, cfg.Profile.Name),
		"namespace": ns, "set": t.set,
		"edition": string(ParseEdition(c.infoValue("edition"))),
	}
	if t.user != "" {
		c.info.Config["user"] = t.user
	}
	return c, nil
}
