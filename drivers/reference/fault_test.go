package reference

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/reference/vfs"
)

func TestWithFaults(t *testing.T) {
	t.Setenv(FaultFsyncDelayEnv, "")
	if fs, desc, err := withFaults(vfs.Default); err != nil || desc != "" || fs != vfs.Default {
		t.Fatalf("unset: fs %T desc %q err %v, want the FS untouched", fs, desc, err)
	}
	t.Setenv(FaultFsyncDelayEnv, "soon")
	if _, _, err := withFaults(vfs.Default); err == nil || !strings.Contains(err.Error(), FaultFsyncDelayEnv) {
		t.Fatalf("bad value: error %v, want one naming %s", err, FaultFsyncDelayEnv)
	}
	t.Setenv(FaultFsyncDelayEnv, "1ms")
	fs, desc, err := withFaults(vfs.Default)
	if err != nil || !strings.Contains(desc, "1ms") {
		t.Fatalf("desc %q err %v", desc, err)
	}
	efs := fs.(*vfs.ErrorFS)
	dir := t.TempDir()
	for _, c := range []struct {
		name  string
		fires bool
	}{
		{filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof"), true},
		{filepath.Join(dir, "dump.rdb"), false},
	} {
		if err := fs.MkdirAll(filepath.Dir(c.name), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := fs.Create(c.name)
		if err != nil {
			t.Fatal(err)
		}
		before := efs.Fired()
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if fired := efs.Fired() > before; fired != c.fires {
			t.Errorf("sync of %s: fault fired %v, want %v", filepath.Base(c.name), fired, c.fires)
		}
	}
}

// TestFaultReported checks that a driver opened under the fault says so
// in its configuration, so that no result hides an injected slowdown.
func TestFaultReported(t *testing.T) {
	t.Setenv(FaultFsyncDelayEnv, "1ms")
	p, err := drivers.LookupProfile("aof-always")
	if err != nil {
		t.Fatal(err)
	}
	d, err := Open(context.Background(), drivers.Config{Profile: p, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Set(context.Background(), []byte("k"), []byte("v")); err != nil {
		t.Fatal(err)
	}
	if got := d.Info().Config["fault"]; !strings.Contains(got, FaultFsyncDelayEnv) {
		t.Errorf("config fault = %q, want the injected fault described", got)
	}
}
