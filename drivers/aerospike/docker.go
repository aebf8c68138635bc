//go:build docker

package aerospike

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// This file is built only with -tags docker, like drivers/redis/docker.go:
// testcontainers stays out of the default build.

// dockerImage is the image the container path runs (Community Edition).
const dockerImage = "aerospike/aerospike-server"

// dockerDir is the data directory inside the container.
const dockerDir = "/opt/aerospike/data"

// dockerReason is why a container's server-side figures are missing.
const dockerReason = "aerospike in a Docker container: persistbench does not follow the server process inside it; use a local asd for this figure"

func init() { openDocker = openContainer }

// container is a client of an Aerospike the driver started in a
// container; Close removes the container.
type container struct {
	*client
	ctr *testcontainers.DockerContainer
}

// openContainer starts the image with the profile's configuration once
// the Docker engine answers a health check.
func openContainer(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
	if f := cfg.Profile.Flash; f != nil && f.CommitToDevice {
		_, why := EditionCommunity.CommitToDevice()
		return nil, fmt.Errorf("aerospike: docker: profile %s: %w: %s (%s is Community Edition)", cfg.Profile.Name, drivers.ErrUnsupported, why, dockerImage)
	}
	if err := serverproc.DockerHealthy(ctx); err != nil {
		return nil, fmt.Errorf("aerospike: docker: %w", err)
	}
	conf, err := containerConfig(cfg.Profile)
	if err != nil {
		return nil, err
	}
	ctr, err := testcontainers.Run(ctx, dockerImage,
		testcontainers.WithFiles(testcontainers.ContainerFile{Reader: bytes.NewReader(conf),
			ContainerFilePath: "/opt/aerospike/etc/aerospike.conf", FileMode: 0o644}),
		testcontainers.WithCmd("sh", "-c", "mkdir -p "+dockerDir+"/work/smd "+dockerDir+"/work/udf/lua && exec asd --foreground --config-file /opt/aerospike/etc/aerospike.conf"),
		testcontainers.WithExposedPorts("3000/tcp"),
		testcontainers.WithWaitStrategy(wait.ForListeningPort("3000/tcp")))
	if err != nil {
		if ctr != nil {
			_ = testcontainers.TerminateContainer(ctr)
		}
		return nil, fmt.Errorf("aerospike: docker: run %s: %w", dockerImage, err)
	}
	addr, err := ctr.PortEndpoint(ctx, "3000/tcp", "")
	if err == nil {
		var c *client
		if c, err = containerClient(ctx, cfg, addr); err == nil {
			c.info.Config = ConfigMap(conf)
			c.info.Config["image"] = dockerImage
			return &container{client: c, ctr: ctr}, nil
		}
	}
	_ = testcontainers.TerminateContainer(ctr)
	return nil, fmt.Errorf("aerospike: docker: connect: %w", err)
}

func containerClient(ctx context.Context, cfg drivers.Config, addr string) (*client, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, _ := strconv.Atoi(p)
	t := target{host: host, port: port, ns: Namespace, set: setName(cfg), conns: cfg.Conns}
	if f := cfg.Profile.Flash; f != nil {
		t.durableDelete = f.DurableDelete
	}
	c, err := newClient(ctx, t)
	if err != nil {
		return nil, err
	}
	c.info.Backend, c.info.Profile = "aerospike", cfg.Profile.Name
	c.info.Caps = drivers.CapPipeline
	c.info.Missing = map[string]string{}
	for _, k := range []string{"recovery", "events", "memory", "storage.disk_bytes", "storage.write_amplification"} {
		c.info.Missing[k] = dockerReason
	}
	return c, nil
}

// containerConfig renders the profile for the container: the service
// listens on every interface (Docker maps the port to the host).
func containerConfig(p drivers.Profile) ([]byte, error) {
	conf, err := RenderConfig(p, Instance{ServicePort: 3000, FabricPort: 3001, HeartbeatPort: 3002, Dir: dockerDir})
	if err != nil {
		return nil, err
	}
	return bytes.Replace(conf, []byte("\tservice {\n\t\taddress 127.0.0.1\n"), []byte("\tservice {\n\t\taddress any\n"), 1), nil
}

// Close closes the client and removes the container.
func (c *container) Close() error {
	cerr := c.client.Close()
	terr := testcontainers.TerminateContainer(c.ctr)
	return errors.Join(cerr, terr)
}
