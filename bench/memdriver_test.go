package bench

import (
	"context"
	"errors"
	"sync"

	"github.com/persistbench/persistbench/drivers"
)

// memDriver is an in-memory backend for the runner's tests. It can be told
// to misbehave: acknowledge every dropEvery-th write without storing it, or
// store it with one byte flipped. It tracks which keys end up wrong so a
// test can compare the verifier's counts with the truth.
type memDriver struct {
	mu        sync.Mutex
	m         map[string][]byte
	writes    int
	dropEvery int
	flipEvery int
	// bad[key] is "dropped" or "flipped" when the last acknowledged write
	// of key was mishandled.
	bad      map[string]string
	hadValue map[string]bool // key had a stored value when its write was dropped
	crashed  bool
	noop     bool
}

func newMemDriver() *memDriver {
	return &memDriver{m: map[string][]byte{}, bad: map[string]string{}, hadValue: map[string]bool{}}
}

var errCrashed = errors.New("memdriver: crashed")

func (d *memDriver) Get(ctx context.Context, key, dst []byte) ([]byte, bool, error) {
	if d.noop {
		return dst, false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.crashed {
		return dst, false, errCrashed
	}
	v, ok := d.m[string(key)]
	return append(dst[:0], v...), ok, nil
}

func (d *memDriver) Set(ctx context.Context, key, value []byte) error {
	if d.noop {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.crashed {
		return errCrashed
	}
	d.writes++
	k := string(key)
	switch {
	case d.dropEvery > 0 && d.writes%d.dropEvery == 0:
		_, had := d.m[k]
		d.bad[k], d.hadValue[k] = "dropped", had
		return nil
	case d.flipEvery > 0 && d.writes%d.flipEvery == 0:
		v := append([]byte(nil), value...)
		v[len(v)/2] ^= 0x40
		d.m[k], d.bad[k] = v, "flipped"
		return nil
	}
	d.m[k] = append([]byte(nil), value...)
	delete(d.bad, k)
	return nil
}

func (d *memDriver) Delete(ctx context.Context, key []byte) error {
	if d.noop {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.crashed {
		return errCrashed
	}
	delete(d.m, string(key))
	delete(d.bad, string(key))
	return nil
}

func (d *memDriver) Pipeline(ctx context.Context, ops []drivers.Op) error {
	for i := range ops {
		o := &ops[i]
		switch o.Kind {
		case drivers.OpGet:
			o.Value, o.Found, o.Err = d.Get(ctx, o.Key, o.Value)
		case drivers.OpSet:
			o.Err = d.Set(ctx, o.Key, o.Value)
		case drivers.OpDelete:
			o.Err = d.Delete(ctx, o.Key)
		}
	}
	return nil
}

func (d *memDriver) Info() drivers.Info {
	return drivers.Info{Backend: "mem", Profile: "none", Caps: drivers.CapPipeline | drivers.CapCrashKill | drivers.CapStats}
}

func (d *memDriver) Close() error { return nil }

func (d *memDriver) Stats(ctx context.Context) (drivers.Stats, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return drivers.Stats{drivers.StatKeys: float64(len(d.m))}, nil
}

func (d *memDriver) Events() []drivers.Event { return nil }

func (d *memDriver) Crash(ctx context.Context, kind drivers.CrashKind) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.crashed = true
	return nil
}

func (d *memDriver) Restart(ctx context.Context) (drivers.Recovery, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.crashed = false
	return drivers.Recovery{Records: int64(len(d.m))}, nil
}

// counts returns how many keys end wrong, by kind: dropped writes of keys
// that had no other value (lost), dropped writes over an older value
// (stale), and flipped ones (corrupt).
func (d *memDriver) counts() (lost, stale, corrupt int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, why := range d.bad {
		switch {
		case why == "flipped":
			corrupt++
		case d.hadValue[k]:
			stale++
		default:
			lost++
		}
	}
	return lost, stale, corrupt
}
