package reference

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/drivers"
)

func profile(t testing.TB, name string) drivers.Profile {
	t.Helper()
	p, err := drivers.LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// open opens the driver with the named profile in a temporary directory.
func open(t testing.TB, cfg drivers.Config) *Driver {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	d, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open %s: %v", cfg.Profile.Name, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestRegistered: the backend offers every built-in profile it can open
// (the flash ones once flash.go is wired) and both crash kinds, and each
// offered profile opens through the registry.
func TestRegistered(t *testing.T) {
	b, err := drivers.Lookup(Backend)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"none", "rdb", "aof-always", "aof-everysec", "aof-no", "aof-preamble"} {
		if !slices.Contains(b.Profiles, name) {
			t.Errorf("profile %s not offered: %v", name, b.Profiles)
		}
	}
	if !slices.Equal(b.Crashes, []drivers.CrashKind{drivers.CrashKill, drivers.CrashPowerLoss}) {
		t.Errorf("crashes %v, want kill and power-loss", b.Crashes)
	}
	for _, p := range drivers.BuiltinProfiles() {
		offered := slices.Contains(b.Profiles, p.Name)
		if !offered { // every built-in profile, flash included
			t.Errorf("profile %s not offered: %v", p.Name, b.Profiles)
		}
		d, err := b.Open(context.Background(), drivers.Config{Profile: p, DataDir: t.TempDir()})
		if !offered {
			if !errors.Is(err, drivers.ErrUnsupported) {
				t.Errorf("profile %s (not offered): Open = %v, want ErrUnsupported", p.Name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("profile %s: Open through the registry: %v", p.Name, err)
			continue
		}
		if err := d.Close(); err != nil {
			t.Errorf("profile %s: Close: %v", p.Name, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	none, rdb := profile(t, "none"), profile(t, "rdb")
	badFsync := profile(t, "aof-always")
	badFsync.Fsync = "sometimes"
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name        string
		ctx         context.Context
		cfg         drivers.Config
		want        string
		unsupported bool
	}{
		{"bad shards", ctx, drivers.Config{Profile: none, Options: map[string]string{OptShards: "1000"}}, "option shards", false},
		{"unknown option", ctx, drivers.Config{Profile: none, Options: map[string]string{"shard": "8"}}, `unknown option "shard"`, false},
		{"external address", ctx, drivers.Config{Profile: none, Addr: "127.0.0.1:1"}, "external address 127.0.0.1:1", true},
		{"invalid profile", ctx, drivers.Config{Profile: drivers.Profile{}}, "name is empty", false},
		{"bad fsync", ctx, drivers.Config{Profile: badFsync, DataDir: t.TempDir()}, `fsync "sometimes"`, false},
		{"persistent without a data dir", ctx, drivers.Config{Profile: rdb}, "profile rdb persists to disk and needs a data directory", false},
		{"cancelled", cancelled, drivers.Config{Profile: none}, "context canceled", false},
	} {
		d, err := Open(tc.ctx, tc.cfg)
		if err == nil {
			d.Close()
			t.Errorf("%s: Open succeeded", tc.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "reference: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a reference: error containing %q", tc.name, err, tc.want)
		}
		if errors.Is(err, drivers.ErrUnsupported) != tc.unsupported {
			t.Errorf("%s: ErrUnsupported %v, want %v", tc.name, errors.Is(err, drivers.ErrUnsupported), tc.unsupported)
		}
	}
}

func TestOperations(t *testing.T) {
	for _, name := range []string{"none", "rdb", "aof-always"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d := open(t, drivers.Config{Profile: profile(t, name), Options: map[string]string{OptShards: "8"}})
			if err := d.Set(ctx, []byte("k"), []byte("v1")); err != nil {
				t.Fatal(err)
			}
			v, ok, err := d.Get(ctx, []byte("k"), []byte("junk"))
			if err != nil || !ok || string(v) != "v1" {
				t.Fatalf("Get = %q, %v, %v", v, ok, err)
			}
			if err := d.Delete(ctx, []byte("missing")); err != nil {
				t.Fatalf("Delete of a missing key: %v", err)
			}
			ops := []drivers.Op{
				{Kind: drivers.OpSet, Key: []byte("a"), Value: []byte("1")},
				{Kind: drivers.OpGet, Key: []byte("a"), Value: []byte("junk")},
				{Kind: drivers.OpDelete, Key: []byte("k")},
				{Kind: drivers.OpGet, Key: []byte("k"), Value: []byte("junk")},
				{Kind: drivers.OpDelete, Key: []byte("never")},
				{Kind: drivers.OpKind(9), Key: []byte("x")},
			}
			if err := d.Pipeline(ctx, ops); err != nil {
				t.Fatal(err)
			}
			if ops[0].Err != nil || !ops[1].Found || string(ops[1].Value) != "1" || ops[2].Err != nil ||
				ops[3].Found || len(ops[3].Value) != 0 || ops[4].Err != nil || ops[5].Err == nil {
				t.Fatalf("pipeline results: %+v", ops)
			}
			if _, ok, _ := d.Get(ctx, []byte("k"), nil); ok {
				t.Fatal("k still there after the pipeline deleted it")
			}
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			if err := d.Set(cancelled, []byte("k"), nil); !errors.Is(err, context.Canceled) {
				t.Fatalf("Set with a cancelled context: %v", err)
			}
			if _, _, err := d.Get(cancelled, []byte("k"), nil); !errors.Is(err, context.Canceled) {
				t.Fatalf("Get with a cancelled context: %v", err)
			}
			if err := d.Pipeline(cancelled, ops); !errors.Is(err, context.Canceled) {
				t.Fatalf("Pipeline with a cancelled context: %v", err)
			}
		})
	}
}

// fsyncs reads the AOF's fsync count through Stats.
func fsyncs(t *testing.T, d *Driver) float64 {
	t.Helper()
	st, err := d.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n, ok := st[drivers.StatFsyncs]
	if !ok {
		t.Fatalf("no %s in Stats: %v", drivers.StatFsyncs, st)
	}
	return n
}

// TestPipelineSharesOneFsync: under aof-always a pipeline of N sets is
// acknowledged after about one fsync (group commit of the batch), where N
// sets one after the other cost about N.
func TestPipelineSharesOneFsync(t *testing.T) {
	const n = 64
	ctx := context.Background()
	d := open(t, drivers.Config{Profile: profile(t, "aof-always")})
	ops := make([]drivers.Op, n)
	for i := range ops {
		ops[i] = drivers.Op{Kind: drivers.OpSet, Key: fmt.Appendf(nil, "p%d", i), Value: []byte("v")}
	}
	before := fsyncs(t, d)
	if err := d.Pipeline(ctx, ops); err != nil {
		t.Fatal(err)
	}
	pipelined := fsyncs(t, d) - before
	for i := range n {
		if ops[i].Err != nil {
			t.Fatalf("op %d: %v", i, ops[i].Err)
		}
		if err := d.Set(ctx, fmt.Appendf(nil, "s%d", i), []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	single := fsyncs(t, d) - before - pipelined
	t.Logf("%d sets: %g fsyncs pipelined, %g one by one", n, pipelined, single)
	if pipelined < 1 || pipelined > 2 || single < n/2 {
		t.Fatalf("%d sets cost %g fsyncs pipelined (want 1 or 2) and %g one by one (want about %d)", n, pipelined, single, n)
	}
	for i := range n {
		if v, ok, _ := d.Get(ctx, fmt.Appendf(nil, "p%d", i), nil); !ok || string(v) != "v" {
			t.Fatalf("p%d = %q, %v after the pipeline", i, v, ok)
		}
	}
}
