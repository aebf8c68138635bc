package reference

import (
	"fmt"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/reference/vfs"
)

// flashProfilesReady is false until the hybrid-flash store is wired in.
const flashProfilesReady = false

func openFlash(fs vfs.FS, dir string, f drivers.Flash, onEvent func(string, time.Time, time.Duration, string)) (store, error) {
	return nil, fmt.Errorf("reference: hybrid flash is not wired yet: %w", drivers.ErrUnsupported)
}
