package bench

import (
	"fmt"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// CellSpec is one combination to measure: a backend with a profile, a
// workload at a record count, and how to drive it.
type CellSpec struct {
	Backend  string
	Profile  drivers.Profile
	Workload *workloads.Spec // Records, Value and Phases already resolved
	Records  int64
	Repeat   int

	Duration time.Duration
	Warmup   time.Duration
	Conns    int
	Pipeline int
	Rate     float64 // ops/s over all connections; 0 = closed loop

	Crash   drivers.CrashKind
	CrashAt string // "" (at the end of the run), a duration, or "random"

	Seed int64
	// DataDir, when set, keeps the backend's files in DataDir/<cell>;
	// otherwise a temporary directory is used and removed.
	DataDir string
	// Addr points at an external server (nothing is managed).
	Addr     string
	Password string
	Options  map[string]string
	// Interval of the timeline; 0 picks 1 s, or finer on short runs.
	Interval time.Duration
	// ReadyTimeout bounds how long a restart may take to serve reads.
	ReadyTimeout time.Duration
}

// Name identifies the cell in file names and progress lines.
func (s CellSpec) Name() string {
	return fmt.Sprintf("%s/%s/%s/%s/r%d", s.Backend, s.Profile.Name, s.Workload.Name, FormatCount(s.Records), s.Repeat)
}

// Validate checks what can be checked before anything starts.
func (s CellSpec) Validate() error {
	switch {
	case s.Records <= 0:
		return fmt.Errorf("--records must be > 0 (got %d)", s.Records)
	case s.Duration <= 0:
		return fmt.Errorf("--duration must be > 0 (got %s)", s.Duration)
	case s.Warmup < 0:
		return fmt.Errorf("--warmup must be >= 0 (got %s)", s.Warmup)
	case s.Conns <= 0:
		return fmt.Errorf("--conns must be > 0 (got %d)", s.Conns)
	case s.Pipeline <= 0:
		return fmt.Errorf("--pipeline must be > 0 (got %d)", s.Pipeline)
	case s.Rate < 0:
		return fmt.Errorf("--rate must be > 0 ops/s, or 0 for a closed loop (got %g)", s.Rate)
	case s.Records >= MaxLedgerKeys/2:
		return fmt.Errorf("--records %d is more than the ledger tracks (%d)", s.Records, MaxLedgerKeys/2)
	}
	if err := s.Profile.Validate(); err != nil {
		return err
	}
	if s.Workload == nil {
		return fmt.Errorf("no workload")
	}
	if err := s.Workload.Validate(); err != nil {
		return err
	}
	if s.CrashAt != "" && s.CrashAt != "random" {
		d, err := time.ParseDuration(s.CrashAt)
		if err != nil {
			return fmt.Errorf("--crash-at %q: want a duration such as 3s, or random", s.CrashAt)
		}
		if d <= 0 || d > s.Warmup+s.Duration {
			return fmt.Errorf("--crash-at %s: must fall within the run (warm-up + duration = %s)", d, s.Warmup+s.Duration)
		}
	}
	return nil
}

// tick is the timeline interval: 1 s, or finer so that a short run still
// has at least ~20 points.
func (s CellSpec) tick() time.Duration {
	if s.Interval > 0 {
		return s.Interval
	}
	total := s.Warmup + s.Duration
	switch {
	case total >= 20*time.Second:
		return time.Second
	case total >= 5*time.Second:
		return 250 * time.Millisecond
	default:
		return 100 * time.Millisecond
	}
}

// FormatCount prints a record count as the CLI accepts it (100k, 1m).
func FormatCount(n int64) string {
	switch {
	case n >= 1e6 && n%1e6 == 0:
		return fmt.Sprintf("%dm", n/1e6)
	case n >= 1e3 && n%1e3 == 0:
		return fmt.Sprintf("%dk", n/1e3)
	}
	return fmt.Sprint(n)
}
