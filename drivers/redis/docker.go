//go:build docker

package redis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// This file is built only with -tags docker: testcontainers brings the
// Docker client and some forty modules, which the default build (and
// every user with a local redis-server) does without.

// dockerImage is the image the container path runs.
const dockerImage = "redis:7"

// dockerReason is why a container's server-side figures are missing.
const dockerReason = "redis in a Docker container: persistbench does not follow the server process inside it; use a local redis-server for this figure"

func init() { openDocker = openContainer }

// container is a client of a Redis running in a container the driver
// started; Close removes the container.
type container struct {
	*client
	ctr *testcontainers.DockerContainer
}

// openContainer starts redis:7 with the profile's directives on its
// command line, once the Docker engine answers a health check.
func openContainer(ctx context.Context, cfg drivers.Config) (drivers.Driver, error) {
	if err := serverproc.DockerHealthy(ctx); err != nil {
		return nil, fmt.Errorf("redis: docker: %w", err)
	}
	args, ds, err := containerArgs(cfg.Profile, cfg.Options[OptConfig])
	if err != nil {
		return nil, err
	}
	ctr, err := testcontainers.Run(ctx, dockerImage,
		testcontainers.WithCmd(append([]string{"redis-server"}, args...)...),
		testcontainers.WithExposedPorts("6379/tcp"),
		testcontainers.WithWaitStrategy(wait.ForLog("Ready to accept connections")))
	if err != nil {
		if ctr != nil {
			_ = testcontainers.TerminateContainer(ctr)
		}
		return nil, fmt.Errorf("redis: docker: run %s: %w", dockerImage, err)
	}
	addr, err := ctr.PortEndpoint(ctx, "6379/tcp", "")
	if err == nil {
		var c *client
		if c, err = newClient(ctx, addr, "", cfg.Conns); err == nil {
			c.info.Backend, c.info.Profile = "redis", cfg.Profile.Name
			c.info.Caps = drivers.CapPipeline
			c.info.Config = ConfigMap(ds)
			c.info.Config["image"] = dockerImage
			c.info.Missing = map[string]string{}
			for _, k := range []string{"recovery", "pauses.fork", "memory", "storage.disk_bytes", "storage.write_amplification"} {
				c.info.Missing[k] = dockerReason
			}
			return &container{client: c, ctr: ctr}, nil
		}
	}
	_ = testcontainers.TerminateContainer(ctr)
	return nil, fmt.Errorf("redis: docker: connect: %w", err)
}

// containerArgs renders the profile as redis-server command-line
// arguments: the container listens on all its interfaces (Docker maps the
// port to the host), logs to stdout and keeps its files in /data.
func containerArgs(p drivers.Profile, extra string) ([]string, []Directive, error) {
	ds, err := RenderConfig(p, Instance{Port: 6379, Dir: "/data", LogFile: "", Extra: extra})
	if err != nil {
		return nil, nil, err
	}
	var args []string
	for i, d := range ds {
		switch d.Name {
		case "bind":
			ds[i].Value = "0.0.0.0"
		case "protected-mode":
			ds[i].Value = "no"
		}
		args = append(args, "--"+ds[i].Name)
		if ds[i].Value == `""` {
			args = append(args, "")
			continue
		}
		args = append(args, strings.Fields(ds[i].Value)...)
	}
	return args, ds, nil
}

// Close closes the client and removes the container.
func (c *container) Close() error {
	cerr := c.client.Close()
	terr := testcontainers.TerminateContainer(c.ctr)
	return errors.Join(cerr, terr)
}
