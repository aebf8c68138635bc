package aerospike

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// howToEnable is what a skipped server test says.
const howToEnable = "set AEROSPIKE_ADDR=host:port of a running server (e.g. docker compose -f docker/compose.yml up), put asd on PATH, or build with -tags docker where a Docker engine runs"

// asdBinary returns the path of asd, skipping the test when there is none.
func asdBinary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("asd")
	if err != nil {
		t.Skipf("no asd on PATH (%v): %s", err, howToEnable)
	}
	return bin
}

// TestExternal runs a workload against AEROSPIKE_ADDR.
func TestExternal(t *testing.T) {
	addr := os.Getenv("AEROSPIKE_ADDR")
	if addr == "" {
		t.Skip("AEROSPIKE_ADDR is not set: " + howToEnable)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := Open(ctx, drivers.Config{Profile: builtin(t, "flash"), Addr: addr, Conns: 2,
		Options: map[string]string{OptSet: fmt.Sprintf("pbtest%d", time.Now().UnixNano()%1e6)}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, ok := d.(drivers.Server); ok {
		t.Error("an external server is a drivers.Server")
	}
	if d.Info().Missing["recovery"] == "" {
		t.Error("Info.Missing does not list recovery")
	}
	workload(t, d, 200)
}

// TestManagedProfiles starts asd for each profile, writes, kills it,
// restarts it and checks what survived.
func TestManagedProfiles(t *testing.T) {
	bin := asdBinary(t)
	for _, name := range Profiles {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			d, err := Open(ctx, drivers.Config{Profile: builtin(t, name), DataDir: t.TempDir(), Conns: 2,
				Options: map[string]string{OptASD: bin}})
			if errors.Is(err, drivers.ErrUnsupported) {
				t.Skipf("%s: %v", name, err)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			s := d.(drivers.Server)
			const n = 500
			workload(t, d, n)
			if _, err := s.Stats(ctx); err != nil {
				t.Error(err)
			}
			if err := s.Crash(ctx, drivers.CrashKill); err != nil {
				t.Fatal(err)
			}
			rec, err := s.Restart(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: recovery %+v", name, rec)
			if name == "none" && rec.Records > 0 {
				t.Errorf("none kept %d records over a kill", rec.Records)
			}
			if name == "flash-commit" && rec.Records < n/2 {
				t.Errorf("flash-commit kept %d of %d records", rec.Records, n)
			}
		})
	}
}

// workload writes n keys, reads them back and deletes one.
func workload(t *testing.T, d drivers.Driver, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		if err := d.Set(ctx, fmt.Appendf(nil, "k%d", i), fmt.Appendf(nil, "value-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var buf []byte
	for i := range n {
		v, found, err := d.Get(ctx, fmt.Appendf(nil, "k%d", i), buf)
		if err != nil || !found || string(v) != fmt.Sprintf("value-%d", i) {
			t.Fatalf("get k%d = %q, %v, %v", i, v, found, err)
		}
		buf = v
	}
	if err := d.Delete(ctx, []byte("k0")); err != nil {
		t.Fatal(err)
	}
	if _, found, err := d.Get(ctx, []byte("k0"), nil); err != nil || found {
		t.Fatalf("k0 after delete: found %v, %v", found, err)
	}
	ops := []drivers.Op{{Kind: drivers.OpSet, Key: []byte("p"), Value: []byte("1")}, {Kind: drivers.OpGet, Key: []byte("p")}, {Kind: drivers.OpDelete, Key: []byte("p")}}
	if err := d.(drivers.Pipeliner).Pipeline(ctx, ops); err != nil {
		t.Fatal(err)
	}
	if ops[1].Err != nil || !ops[1].Found || string(ops[1].Value) != "1" {
		t.Fatalf("pipelined get: %+v", ops[1])
	}
}
