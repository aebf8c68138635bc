package aerospike

import (
	"fmt"
	"time"

	"github.com/persistbench/persistbench/internal/serverproc"
)

// stopTimeout is how long a SIGTERM may take before SIGKILL: asd flushes
// its write buffers on a clean shutdown.
const stopTimeout = 15 * time.Second

// startProcess execs `asd --foreground --config-file conf` in its own
// process group (see serverproc.Start).
func startProcess(bin, conf string) (*serverproc.Process, error) {
	p, err := serverproc.Start("asd", bin, "--foreground", "--config-file", conf)
	if err != nil {
		return nil, fmt.Errorf("aerospike: %w", err)
	}
	return p, nil
}

// freePorts asks the kernel for n distinct free loopback ports.
func freePorts(n int) ([]int, error) {
	ports, err := serverproc.FreePorts(n)
	if err != nil {
		return nil, fmt.Errorf("aerospike: %w", err)
	}
	return ports, nil
}
