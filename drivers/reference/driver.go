// Package reference is the driver of persistbench's embedded reference
// engine (package github.com/persistbench/persistbench/reference), run in
// the benchmark's own process. It registers the backend "reference" for
// every built-in profile; today only profile none (memory only) opens, the
// persistent profiles return an error wrapping drivers.ErrUnsupported until
// their persistence layer is wired in (see persistence.go).
//
// Operations are in-process calls: a pipeline is a loop, and the
// acknowledgement of a write is the return of the engine's Set or Delete
// (after its Persister's Wait, when there is one).
package reference

import (
	"context"
	"fmt"
	"strconv"

	"github.com/persistbench/persistbench/drivers"
	engine "github.com/persistbench/persistbench/reference"
)

// Version is the engine version reported in Info.
const Version = "reference/0.1"

// Backend is the registered backend's name.
const Backend = "reference"

// OptShards is the Config.Options key for the engine's shard count.
const OptShards = "shards"

func init() {
	drivers.Register(drivers.Backend{
		Name:        Backend,
		Description: "persistbench's embedded engine, in-process (memory, RDB snapshots, AOF, hybrid flash)",
		Profiles:    drivers.ProfileNames(),
		Open: func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
			return Open(ctx, cfg)
		},
	})
}

// Driver is the reference engine opened with one profile.
type Driver struct {
	db      *engine.DB
	profile drivers.Profile
	shards  int
	events  eventLog
}

var (
	_ drivers.Driver    = (*Driver)(nil)
	_ drivers.Pipeliner = (*Driver)(nil)
	_ drivers.Server    = (*Driver)(nil)
)

// Open opens the engine in cfg.DataDir with cfg.Profile.
func Open(ctx context.Context, cfg drivers.Config) (*Driver, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reference: open: %w", err)
	}
	if cfg.Addr != "" {
		return nil, fmt.Errorf("reference: external address %s: serving the engine over RESP is not built yet: %w", cfg.Addr, drivers.ErrUnsupported)
	}
	shards, err := parseOptions(cfg.Options)
	if err != nil {
		return nil, err
	}
	p, err := persisterFor(cfg.Profile, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	db, err := engine.Open(cfg.DataDir, engine.Options{Shards: shards, Persister: p})
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	return &Driver{db: db, profile: cfg.Profile, shards: shards}, nil
}

// parseOptions reads the backend-specific options; unknown keys are an
// error so that a typo does not silently measure the default.
func parseOptions(opts map[string]string) (shards int, err error) {
	shards = engine.DefaultShards
	for k, v := range opts {
		switch k {
		case OptShards:
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 || n&(n-1) != 0 {
				return 0, fmt.Errorf("reference: option %s=%q: want a power of two", k, v)
			}
			shards = n
		default:
			return 0, fmt.Errorf("reference: unknown option %q (known: %s)", k, OptShards)
		}
	}
	return shards, nil
}

// DB is the engine, for tests and for the persistence wiring.
func (d *Driver) DB() *engine.DB { return d.db }

// Get appends key's value to dst[:0].
func (d *Driver) Get(ctx context.Context, key, dst []byte) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return dst[:0], false, err
	}
	v, ok := d.db.Get(key, dst)
	return v, ok, nil
}

// Set stores value under key.
func (d *Driver) Set(ctx context.Context, key, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return d.db.Set(key, value)
}

// Delete removes key; a missing key is not an error.
func (d *Driver) Delete(ctx context.Context, key []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := d.db.Delete(key)
	return err
}

// Pipeline runs the ops one after the other: in-process there is no round
// trip to save. It fails as a whole only when ctx is done before it starts.
func (d *Driver) Pipeline(ctx context.Context, ops []drivers.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range ops {
		op := &ops[i]
		switch op.Kind {
		case drivers.OpGet:
			op.Value, op.Found = d.db.Get(op.Key, op.Value)
			op.Err = nil
		case drivers.OpSet:
			op.Err = d.db.Set(op.Key, op.Value)
		case drivers.OpDelete:
			_, op.Err = d.db.Delete(op.Key)
		default:
			op.Err = fmt.Errorf("reference: pipeline op %d: unknown kind %d", i, op.Kind)
		}
	}
	return nil
}

// Info describes the engine and its configuration.
func (d *Driver) Info() drivers.Info {
	return drivers.Info{
		Backend: Backend,
		Profile: d.profile.Name,
		Version: Version,
		Config:  map[string]string{OptShards: strconv.Itoa(d.shards)},
		Caps:    drivers.CapPipeline | drivers.CapStats | drivers.CapEvents,
		Missing: map[string]string{
			"engine_rss_bytes": "the engine runs inside the benchmark's process: rss_bytes is the whole process",
		},
	}
}

// Close frees the engine.
func (d *Driver) Close() error {
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("reference: close: %w", err)
	}
	return nil
}
