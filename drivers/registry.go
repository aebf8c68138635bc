package drivers

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Config opens a backend.
type Config struct {
	Profile Profile
	// DataDir is where a managed backend keeps its files. The runner creates
	// it; the driver may fill it but does not remove it.
	DataDir string
	// Addr is an external server; the driver then manages nothing.
	Addr string
	// Password for an external server; never written anywhere.
	Password string
	// Conns is the number of concurrent clients the runner will use.
	Conns int
	// Options are backend-specific settings (for example redis-server's path).
	Options map[string]string
	// Log receives the backend's own diagnostics; may be nil.
	Log io.Writer
	// Seed makes any randomness of the backend (simulated crashes) replayable.
	Seed int64
	// Crash is the crash the runner will ask for, so that a driver can
	// prepare (the reference engine then mirrors its files into a
	// crash-simulating model).
	Crash CrashKind
	// LogicalBytesHint is the dataset's expected live bytes (records ×
	// mean key and value size), so that a backend can size a device.
	LogicalBytesHint int64
}

// Backend is a registered backend.
type Backend struct {
	Name        string
	Description string
	// Profiles lists the profile names this backend offers.
	Profiles []string
	// Crashes lists the crash kinds a managed instance can undergo (an
	// external server can undergo none).
	Crashes []CrashKind
	// Open starts (or connects to) the backend with cfg.Profile.
	Open func(ctx context.Context, cfg Config) (Driver, error)
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Backend{}
)

// Register adds a backend; it panics on a duplicate name (a programming
// error caught at init).
func Register(b Backend) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[b.Name]; dup {
		panic("drivers: backend registered twice: " + b.Name)
	}
	registry[b.Name] = b
}

// Lookup returns the named backend.
func Lookup(name string) (Backend, error) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	b, ok := registry[name]
	if !ok {
		return Backend{}, fmt.Errorf("unknown backend %q (known: %s)", name, strings.Join(names(), ", "))
	}
	return b, nil
}

// Backends returns every registered backend sorted by name.
func Backends() []Backend {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Backend, 0, len(registry))
	for _, n := range names() {
		out = append(out, registry[n])
	}
	return out
}

func names() []string {
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Offers reports whether the backend offers the named profile.
func (b Backend) Offers(profile string) bool {
	for _, p := range b.Profiles {
		if p == profile {
			return true
		}
	}
	return false
}

// CanCrash reports whether the backend, managed (external false) or not,
// can undergo kind; the error says why not.
func (b Backend) CanCrash(kind CrashKind, external bool) error {
	if kind == "" || kind == CrashNone {
		return nil
	}
	if external {
		return fmt.Errorf("backend %s at an external address cannot be crashed (%s): persistbench did not start it; drop --addr or use --crash none", b.Name, kind)
	}
	for _, k := range b.Crashes {
		if k == kind {
			return nil
		}
	}
	return fmt.Errorf("backend %s cannot simulate a %s crash", b.Name, kind)
}

// DefaultCrash is the crash a run does when none is asked for: a power
// loss where the backend can simulate one (the crash that shows what each
// profile really loses), else none. An external server is never crashed.
func (b Backend) DefaultCrash(external bool) CrashKind {
	if !external && b.CanCrash(CrashPowerLoss, false) == nil {
		return CrashPowerLoss
	}
	return CrashNone
}
