package reference

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/drivers"
)

func openNone(t *testing.T, opts map[string]string) *Driver {
	t.Helper()
	p, err := drivers.LookupProfile("none")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(context.Background(), drivers.Config{Profile: p, DataDir: t.TempDir(), Options: opts})
	if err != nil {
		t.Fatalf("Open none: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestRegistered(t *testing.T) {
	b, err := drivers.Lookup(Backend)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Profiles, drivers.ProfileNames()) {
		t.Fatalf("profiles %v, want every built-in one", b.Profiles)
	}
	d, err := b.Open(context.Background(), drivers.Config{Profile: drivers.BuiltinProfiles()[0], DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("Open through the registry: %v", err)
	}
	d.Close()
}

func TestOpenRefuses(t *testing.T) {
	ctx := context.Background()
	for _, p := range drivers.BuiltinProfiles() {
		if !p.Persistent() {
			continue
		}
		_, err := Open(ctx, drivers.Config{Profile: p, DataDir: t.TempDir()})
		if !errors.Is(err, drivers.ErrUnsupported) || !strings.Contains(err.Error(), "profile "+p.Name) {
			t.Errorf("profile %s: %v, want ErrUnsupported naming the profile", p.Name, err)
		}
	}
	none := drivers.BuiltinProfiles()[0]
	for _, tc := range []struct {
		name string
		cfg  drivers.Config
		want string
	}{
		{"bad shards", drivers.Config{Profile: none, Options: map[string]string{"shards": "1000"}}, "option shards"},
		{"unknown option", drivers.Config{Profile: none, Options: map[string]string{"shard": "8"}}, `unknown option "shard"`},
		{"external", drivers.Config{Profile: none, Addr: "127.0.0.1:1"}, "external address"},
		{"invalid profile", drivers.Config{Profile: drivers.Profile{}}, "name is empty"},
	} {
		if _, err := Open(ctx, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

func TestOperations(t *testing.T) {
	ctx := context.Background()
	d := openNone(t, map[string]string{"shards": "8"})
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
		{Kind: drivers.OpKind(9), Key: []byte("x")},
	}
	if err := d.Pipeline(ctx, ops); err != nil {
		t.Fatal(err)
	}
	if ops[0].Err != nil || !ops[1].Found || string(ops[1].Value) != "1" || ops[2].Err != nil ||
		ops[3].Found || len(ops[3].Value) != 0 || ops[4].Err == nil {
		t.Fatalf("pipeline results: %+v", ops)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.Set(cancelled, []byte("k"), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Set with a cancelled context: %v", err)
	}
	if err := d.Pipeline(cancelled, ops); !errors.Is(err, context.Canceled) {
		t.Fatalf("Pipeline with a cancelled context: %v", err)
	}

	info := d.Info()
	if info.Backend != Backend || info.Profile != "none" || info.Version != Version || info.Config[OptShards] != "8" ||
		!info.Caps.Has(drivers.CapPipeline|drivers.CapStats) || info.Caps.Has(drivers.CapCrashKill) {
		t.Fatalf("Info = %+v", info)
	}
}

func TestServer(t *testing.T) {
	ctx := context.Background()
	d := openNone(t, nil)
	for i := range 1000 {
		d.Set(ctx, []byte{byte(i), byte(i >> 8)}, make([]byte, 100))
	}
	st, err := d.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st[drivers.StatKeys] != 1000 || st[StatLiveBytes] < 100_000 || st[drivers.StatRSSBytes] < st[StatLiveBytes] {
		t.Fatalf("Stats = %v", st)
	}
	if _, ok := st[drivers.StatCOWPeakBytes]; ok {
		t.Fatalf("COW peak reported before any snapshot: %v", st)
	}
	if ev := d.Events(); len(ev) != 0 {
		t.Fatalf("profile none reported events %v", ev)
	}
	if err := d.Crash(ctx, drivers.CrashKill); !errors.Is(err, drivers.ErrUnsupported) {
		t.Fatalf("Crash: %v", err)
	}
	if _, err := d.Restart(ctx); !errors.Is(err, drivers.ErrUnsupported) {
		t.Fatalf("Restart: %v", err)
	}
}
