package aerospike

import (
	"os"
	"path/filepath"
	"testing"
)

// TestDockerConfMatchesFlash: docker/aerospike.conf configures the
// namespace exactly as the flash profile renders it for a container whose
// data directory is /opt/aerospike/data.
func TestDockerConfMatchesFlash(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docker", "aerospike.conf"))
	if err != nil {
		t.Skipf("no docker/aerospike.conf: %v", err)
	}
	conf, err := RenderConfig(builtin(t, "flash"), Instance{ServicePort: 3000, FabricPort: 3001, HeartbeatPort: 3002, Dir: "/opt/aerospike/data"})
	if err != nil {
		t.Fatal(err)
	}
	got, want := ConfigMap(b), ConfigMap(conf)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("docker/aerospike.conf: %s = %q, the flash profile renders %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("docker/aerospike.conf has %d namespace settings, the flash profile %d: %v", len(got), len(want), got)
	}
}
