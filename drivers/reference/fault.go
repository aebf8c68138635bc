package reference

import (
	"fmt"
	"os"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// FaultFsyncDelayEnv names an environment variable that slows the engine
// on purpose: every fsync of a file of the append-only file's directory
// (Redis's appenddirname, "appendonlydir") sleeps this long first, through
// vfs.ErrorFS's Delay fault. It exists so that `make regress` can prove it
// catches a slowdown (PERSISTBENCH_FAULT_FSYNC_DELAY=5ms make regress must
// fail); it is never set in a real run, and when it is the driver reports
// it in the cell's config ("fault") so that no result hides it.
const FaultFsyncDelayEnv = "PERSISTBENCH_FAULT_FSYNC_DELAY"

// aofDirFault is the path fragment the fault matches: the AOF directory.
const aofDirFault = "appendonlydir"

// withFaults wraps fs in the faults the environment asks for; desc says
// what was injected ("" for none).
func withFaults(fs vfs.FS) (out vfs.FS, desc string, err error) {
	v := os.Getenv(FaultFsyncDelayEnv)
	if v == "" {
		return fs, "", nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return nil, "", fmt.Errorf("reference: %s=%q: want a duration such as 5ms", FaultFsyncDelayEnv, v)
	}
	efs := vfs.NewErrorFS(fs)
	efs.Inject(vfs.Fault{Op: vfs.OpSync, Path: aofDirFault, Delay: d})
	return efs, fmt.Sprintf("every AOF fsync delayed by %s (%s)", d, FaultFsyncDelayEnv), nil
}
