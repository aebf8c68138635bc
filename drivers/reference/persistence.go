package reference

import (
	"fmt"

	"github.com/persistbench/persistbench/drivers"
	engine "github.com/persistbench/persistbench/reference"
)

// persisterFor returns the engine's Persister for profile p in dir: nil for
// a profile that persists nothing. This is where the RDB save points, the
// AOF writer (reference/aof) and the flash layout plug in; until then every
// persistent profile is refused.
func persisterFor(p drivers.Profile, dir string) (engine.Persister, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	if !p.Persistent() {
		return nil, nil
	}
	return nil, fmt.Errorf("reference: profile %s: persistence not built yet: %w", p.Name, drivers.ErrUnsupported)
}
