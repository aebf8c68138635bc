//go:build docker

package aerospike

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

func TestContainerConfig(t *testing.T) {
	conf, err := containerConfig(builtin(t, "flash"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(conf, []byte("\tservice {\n\t\taddress any\n")) || bytes.Count(conf, []byte("address 127.0.0.1")) != 2 {
		t.Errorf("service address not opened, or heartbeat/fabric changed:\n%s", conf)
	}
}

// TestContainer runs a workload in a container where a Docker engine is
// healthy, and skips elsewhere.
func TestContainer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := serverproc.DockerHealthy(ctx); err != nil {
		t.Skipf("%v: %s", err, howToEnable)
	}
	if _, err := openContainer(ctx, drivers.Config{Profile: builtin(t, "flash-commit")}); !errors.Is(err, drivers.ErrUnsupported) {
		t.Errorf("flash-commit on CE: %v, want ErrUnsupported", err)
	}
	d, err := openContainer(ctx, drivers.Config{Profile: builtin(t, "flash"), Conns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	workload(t, d, 200)
}
