// Package reference is the driver of persistbench's embedded reference
// engine (package github.com/persistbench/persistbench/reference), run in
// the benchmark's own process. It registers the backend "reference" with
// the built-in profiles none, rdb and aof-* (the flash ones once flash.go
// is wired) and both crash kinds. When the runner will crash it, the data
// directory is mirrored into a crash-simulating model (vfs.Mirror): kill
// ends the engine's run (vfs.Fence), power-loss also drops what was not
// durable; Restart recovers from the same files.
//
// Operations are in-process calls; the acknowledgement of a write is the
// return of the engine's Set or Delete (after its Persister's Wait, when
// there is one). A pipeline applies its writes, then waits once for the
// last one, so that the batch shares one fsync under aof-always.
package reference

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persistbench/persistbench/drivers"
	engine "github.com/persistbench/persistbench/reference"
	"github.com/persistbench/persistbench/reference/vfs"
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
		Crashes:     []drivers.CrashKind{drivers.CrashKill, drivers.CrashPowerLoss},
		Open: func(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
			return Open(ctx, cfg)
		},
	})
}

// Driver is the reference engine opened with one profile.
type Driver struct {
	profile  drivers.Profile
	shards   int
	dir      string
	sizeHint int64
	events   eventLog

	// fs is the OS file system, or a Mirror (real disk plus a
	// crash-simulating model) when the runner will crash the engine.
	fs     vfs.FS
	mirror *vfs.Mirror
	proc   *vfs.Fence // the running engine's view of fs when it may crash
	// fault describes a slowdown injected for tests (fault.go), or "".
	fault string

	mu      sync.RWMutex // guards st against Crash and Restart
	st      store
	crashed atomic.Bool
}

var (
	_ drivers.Driver    = (*Driver)(nil)
	_ drivers.Pipeliner = (*Driver)(nil)
	_ drivers.Server    = (*Driver)(nil)
)

// ErrCrashed is what operations return between a Crash and the Restart.
var ErrCrashed = errors.New("reference: the engine crashed")

// Open opens the engine in cfg.DataDir with cfg.Profile.
func Open(ctx context.Context, cfg drivers.Config) (*Driver, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("reference: open: %w", err)
	}
	if cfg.Addr != "" {
		return nil, fmt.Errorf("reference: external address %s: serving the engine over RESP is not built yet: %w", cfg.Addr, drivers.ErrUnsupported)
	}
	if err := cfg.Profile.Validate(); err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	shards, err := parseOptions(cfg.Options)
	if err != nil {
		return nil, err
	}
	dir, err := dataDir(cfg)
	if err != nil {
		return nil, err
	}
	d := &Driver{profile: cfg.Profile, shards: shards, dir: dir, fs: vfs.Default, sizeHint: cfg.LogicalBytesHint}
	if cfg.Crash != "" && cfg.Crash != drivers.CrashNone && dir != "" {
		d.mirror, err = vfs.NewMirror(dir, vfs.CrashOptions{Seed: cfg.Seed})
		if err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
		d.fs = d.mirror
	}
	if d.fs, d.fault, err = withFaults(d.fs); err != nil {
		return nil, err
	}
	d.st, err = d.openStore(d.newProcess())
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	return d, nil
}

func (d *Driver) onEvent(kind string, at time.Time, dur time.Duration, detail string) {
	d.events.add(drivers.Event{At: at, Kind: kind, Duration: dur, Detail: detail})
}

// current returns the live store, or ErrCrashed.
func (d *Driver) current() (store, error) {
	if d.crashed.Load() {
		return nil, ErrCrashed
	}
	d.mu.RLock()
	st := d.st
	d.mu.RUnlock()
	if st == nil {
		return nil, ErrCrashed
	}
	return st, nil
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

// Get appends key's value to dst[:0].
func (d *Driver) Get(ctx context.Context, key, dst []byte) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return dst[:0], false, err
	}
	st, err := d.current()
	if err != nil {
		return dst[:0], false, err
	}
	return st.Get(key, dst)
}

// Set stores value under key; it returns when the profile says the write
// is acknowledged (after the fsync under aof-always).
func (d *Driver) Set(ctx context.Context, key, value []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := d.current()
	if err != nil {
		return err
	}
	return st.Set(key, value)
}

// Delete removes key; a missing key is not an error.
func (d *Driver) Delete(ctx context.Context, key []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := d.current()
	if err != nil {
		return err
	}
	_, err = st.Delete(key)
	return err
}

// Pipeline runs the ops in order, its writes batched on one durability
// wait (pipelineBatched). It fails as a whole only when ctx is done before
// it starts.
func (d *Driver) Pipeline(ctx context.Context, ops []drivers.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := d.current()
	if err != nil {
		return err
	}
	if b, ok := st.(batcher); ok {
		return pipelineBatched(st, b, ops)
	}
	if f, ok := st.(flashStore); ok && d.profile.Flash.CommitToDevice {
		return pipelineConcurrent(f, ops)
	}
	for i := range ops {
		op := &ops[i]
		switch op.Kind {
		case drivers.OpGet:
			op.Value, op.Found, op.Err = st.Get(op.Key, op.Value)
		case drivers.OpSet:
			op.Err = st.Set(op.Key, op.Value)
		case drivers.OpDelete:
			_, op.Err = st.Delete(op.Key)
		default:
			op.Err = fmt.Errorf("reference: pipeline op %d: unknown kind %d", i, op.Kind)
		}
	}
	return nil
}

// Info describes the engine and its configuration.
func (d *Driver) Info() drivers.Info {
	caps := drivers.CapPipeline | drivers.CapStats | drivers.CapEvents
	if d.mirror != nil { // crashes need the crash model, made when Config.Crash asked for one
		caps |= drivers.CapCrashKill | drivers.CapCrashPowerLoss
	}
	return drivers.Info{
		Backend: Backend,
		Profile: d.profile.Name,
		Version: Version,
		Config:  d.config(),
		Caps:    caps,
		Missing: map[string]string{
			"engine_rss_bytes": "the engine runs inside the benchmark's process: rss_bytes and cpu are the whole process, runner included",
		},
	}
}

// Close stops the engine (flushing its AOF per its policy).
func (d *Driver) Close() error {
	d.mu.Lock()
	st := d.st
	d.st = nil
	d.mu.Unlock()
	if st == nil {
		return nil
	}
	if err := st.Close(); err != nil {
		return fmt.Errorf("reference: close: %w", err)
	}
	return nil
}

// pipelineBatched applies every op of the batch, then waits once for the
// durability of all its writes: the batch shares one fsync under
// aof-always, as one Redis event-loop turn does. A failed wait fails every
// write of the batch.
func pipelineBatched(st store, b batcher, ops []drivers.Op) error {
	var last uint64
	var writes []int
	for i := range ops {
		op := &ops[i]
		var t uint64
		switch op.Kind {
		case drivers.OpGet:
			op.Value, op.Found, op.Err = st.Get(op.Key, op.Value)
			continue
		case drivers.OpSet:
			t, op.Err = b.SetAsync(op.Key, op.Value)
		case drivers.OpDelete:
			_, t, op.Err = b.DeleteAsync(op.Key)
		default:
			op.Err = fmt.Errorf("reference: pipeline op %d: unknown kind %d", i, op.Kind)
			continue
		}
		if op.Err == nil {
			last = max(last, t)
			writes = append(writes, i)
		}
	}
	if err := b.Wait(last); err != nil {
		for _, i := range writes {
			ops[i].Err = err
		}
	}
	return nil
}

// pipelineConcurrent runs a batch's operations at once, so that the writes
// of a pipeline share one device commit (commit-to-device group commit),
// as a server's transaction threads would. The runner never puts two writes
// of one key in a batch, so their order does not matter.
func pipelineConcurrent(st store, ops []drivers.Op) error {
	var wg sync.WaitGroup
	for i := range ops {
		wg.Add(1)
		go func(op *drivers.Op) {
			defer wg.Done()
			switch op.Kind {
			case drivers.OpGet:
				op.Value, op.Found, op.Err = st.Get(op.Key, op.Value)
			case drivers.OpSet:
				op.Err = st.Set(op.Key, op.Value)
			case drivers.OpDelete:
				_, op.Err = st.Delete(op.Key)
			default:
				op.Err = fmt.Errorf("reference: pipeline: unknown op kind %d", op.Kind)
			}
		}(&ops[i])
	}
	wg.Wait()
	return nil
}
