//go:build docker

package serverproc

import (
	"context"
	"fmt"

	"github.com/testcontainers/testcontainers-go"
)

// DockerHealthy asks testcontainers' default provider whether a Docker
// engine answers. testcontainers panics where no Docker configuration
// exists at all; that is reported as an error too.
func DockerHealthy(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("no Docker engine: %v", r)
		}
	}()
	p, err := testcontainers.ProviderDefault.GetProvider()
	if err != nil {
		return fmt.Errorf("no Docker engine: %w", err)
	}
	defer p.Close()
	if err := p.Health(ctx); err != nil {
		return fmt.Errorf("the Docker engine is not healthy: %w", err)
	}
	return nil
}
