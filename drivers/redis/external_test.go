package redis

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// TestExternal: with an address the driver only connects; it is no
// Server, records the server's own persistence settings and says which
// figures it cannot take. A password opens the server and is recorded
// nowhere.
func TestExternal(t *testing.T) {
	const secret = "s3cret-pw"
	addr := externalServer(t, "--requirepass", secret)
	ctx := context.Background()
	cfg := drivers.Config{Profile: builtin(t, "aof-always"), Addr: addr, Password: secret, Conns: 2}
	d, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, ok := d.(drivers.Server); ok {
		t.Fatal("an external driver implements drivers.Server")
	}
	if err := d.Set(ctx, []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, found, err := d.Get(ctx, []byte("k"), nil); err != nil || !found || string(v) != "v" {
		t.Fatalf("get: %q %v %v", v, found, err)
	}
	info := d.Info()
	if info.Version == "" || info.Caps.Has(drivers.CapCrashKill) || !info.Caps.Has(drivers.CapPipeline) {
		t.Fatalf("info %+v", info)
	}
	if info.Config["appendonly"] != "no" || !strings.Contains(info.Config["source"], "not profile aof-always") {
		t.Fatalf("config %v: want the server's own appendonly no, and the note that the profile was not applied", info.Config)
	}
	for _, k := range []string{"recovery", "pauses.fork", "memory", "storage.disk_bytes", "storage.write_amplification"} {
		if !strings.Contains(info.Missing[k], "persistbench did not start it") {
			t.Errorf("missing[%s] = %q", k, info.Missing[k])
		}
	}
	for k, v := range info.Config {
		if strings.Contains(v, secret) {
			t.Fatalf("config %s holds the password", k)
		}
	}

	cfg.Password = "wrong-" + secret
	if d2, err := Open(ctx, cfg); err == nil {
		d2.Close()
		t.Fatal("a wrong password connected")
	} else if strings.Contains(err.Error(), secret) {
		t.Fatalf("the error quotes the password: %v", err)
	}
}

// TestExternalThroughRunner: the runner runs the workload only, and the
// cell says why the server-side figures are missing.
func TestExternalThroughRunner(t *testing.T) {
	spec := runnerCell(t, builtin(t, "none"), 2000, 500*time.Millisecond, drivers.CrashNone)
	spec.Addr = externalServer(t)
	cell := runCell(t, spec)
	if cell.Ops == 0 {
		t.Fatal("no operations")
	}
	if cell.Recovery != nil || cell.Memory != nil {
		t.Fatalf("server-side figures from an external server: recovery %+v memory %+v", cell.Recovery, cell.Memory)
	}
	if !strings.Contains(cell.Missing["memory"], "persistbench did not start it") {
		t.Fatalf("missing %v", cell.Missing)
	}
	b, _ := drivers.Lookup("redis")
	if err := b.CanCrash(drivers.CrashKill, true); err == nil {
		t.Fatal("an external redis can be crashed")
	}
	if err := b.CanCrash(drivers.CrashPowerLoss, false); err == nil {
		t.Fatal("redis claims power-loss crashes")
	}
}
