// Package drivers holds the contract between the runner and a backend: the
// Driver a workload is run through, the optional Pipeliner and Server
// capabilities, the Profile vocabulary shared by every backend, and the
// registry that backends fill in their init functions.
//
// Every operation returns only after the backend acknowledged it; that
// acknowledgement is what the runner's ledger records. A driver knows
// nothing of workloads.
package drivers

import (
	"context"
	"errors"
	"time"
)

// ErrUnsupported is returned (wrapped) when a backend cannot do what was
// asked: a profile it does not offer, a crash kind it cannot simulate.
var ErrUnsupported = errors.New("unsupported")

// Driver is one backend opened with one profile. It is safe for concurrent
// use by many goroutines.
type Driver interface {
	// Get appends the value of key to dst[:0] and returns it; found is false
	// when the key does not exist.
	Get(ctx context.Context, key, dst []byte) (value []byte, found bool, err error)
	// Set stores value under key. The backend does not retain either slice.
	Set(ctx context.Context, key, value []byte) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key []byte) error
	// Info describes the backend, its version, its capabilities and the
	// configuration in use.
	Info() Info
	// Close releases the client and stops any server the driver started.
	Close() error
}

// OpKind is the kind of one operation of a pipeline.
type OpKind uint8

const (
	OpGet OpKind = iota
	OpSet
	OpDelete
)

func (k OpKind) String() string {
	switch k {
	case OpGet:
		return "get"
	case OpSet:
		return "set"
	case OpDelete:
		return "delete"
	}
	return "unknown"
}

// Op is one operation of a pipelined batch. For OpGet the driver appends the
// value to Value[:0] and sets Found; Err is the operation's own error.
type Op struct {
	Kind  OpKind
	Key   []byte
	Value []byte
	Found bool
	Err   error
}

// Pipeliner is implemented by drivers that can send a batch in one round
// trip. Pipeline returns a non-nil error only when the whole batch failed;
// per-operation failures are in each Op's Err.
type Pipeliner interface {
	Pipeline(ctx context.Context, ops []Op) error
}

// Capabilities says what a driver can do beyond Get/Set/Delete.
type Capabilities uint32

const (
	CapPipeline       Capabilities = 1 << iota // implements Pipeliner
	CapCrashKill                               // Server.Crash(CrashKill)
	CapCrashPowerLoss                          // Server.Crash(CrashPowerLoss)
	CapStats                                   // Server.Stats reports server-side figures
	CapEvents                                  // Server.Events reports forks, snapshots, rewrites...
)

// Has reports whether every capability in c is set.
func (c Capabilities) Has(want Capabilities) bool { return c&want == want }

// Info describes an opened driver.
type Info struct {
	Backend string `json:"backend"`
	Profile string `json:"profile"`
	// Version of the backend (server version, or the engine's).
	Version string `json:"version,omitempty"`
	// Config is the configuration actually used (never a password).
	Config map[string]string `json:"config,omitempty"`
	Caps   Capabilities      `json:"-"`
	// Missing names measurements this driver cannot take, with the reason
	// (for example every server-side figure of an external server).
	Missing map[string]string `json:"missing,omitempty"`
}

// CrashKind is how a Server is crashed.
type CrashKind string

const (
	CrashNone      CrashKind = "none"
	CrashKill      CrashKind = "kill"       // SIGKILL of the server process: buffers in the process are gone
	CrashPowerLoss CrashKind = "power-loss" // everything not yet durable is gone
)

// Server is implemented by managed drivers: ones that started the backend
// themselves on a data directory and can report on it, crash it and restart
// it.
type Server interface {
	Driver
	// Stats returns server-side figures (see the Stat* keys). A key that is
	// absent was not measured.
	Stats(ctx context.Context) (Stats, error)
	// Events returns the server-side events since the previous call.
	Events() []Event
	// Crash crashes the backend. Operations in flight fail.
	Crash(ctx context.Context, kind CrashKind) error
	// Restart starts the backend again on the same data directory and
	// returns once it serves reads, with the timings of the recovery.
	Restart(ctx context.Context) (Recovery, error)
}

// Stats are server-side figures keyed by the Stat* names.
type Stats map[string]float64

// Keys of Stats. Byte counts are bytes, durations microseconds.
const (
	StatKeys          = "keys"
	StatBytesWritten  = "bytes_written"  // bytes the backend wrote to disk since it started
	StatDiskBytes     = "disk_bytes"     // bytes its data files occupy
	StatRSSBytes      = "rss_bytes"      // resident memory of the server (or engine)
	StatCOWPeakBytes  = "cow_peak_bytes" // extra memory of the latest snapshot
	StatForkCount     = "fork_count"
	StatForkTotalUS   = "fork_total_us"
	StatForkMaxUS     = "fork_max_us"
	StatSnapshots     = "snapshots"
	StatRewrites      = "rewrites"
	StatFsyncs        = "fsyncs"
	StatDelayedFsyncs = "delayed_fsyncs"
	StatCPUSeconds    = "cpu_seconds"
)

// Event is something the server did that clients may feel.
type Event struct {
	At       time.Time     `json:"-"`
	Kind     string        `json:"kind"` // fork|snapshot|rewrite|defrag|fsync-slow|crash|ready
	Duration time.Duration `json:"-"`
	Detail   string        `json:"detail,omitempty"`
}

// Recovery is what a restart took.
type Recovery struct {
	// Answering is the time from the restart until the server answered.
	Answering time.Duration
	// FirstRead is the time until the first successful read.
	FirstRead time.Duration
	// Loaded is the time until the backend said all data was loaded.
	Loaded time.Duration
	// Records the backend loaded, when it says; -1 when unknown.
	Records int64
	// Detail is backend specific (bytes replayed, truncated tail...).
	Detail map[string]string
}
