package workloads

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by Parse to fields a spec leaves out. They size a run of
// about five seconds on a laptop: 100k records of 1 KiB are ~100 MB of live
// data, enough for a snapshot or an AOF rewrite to take measurable time.
const (
	DefaultRecords      = 100_000
	DefaultValueSize    = 1024
	DefaultCompressible = 0.5 // half of each value's filler compresses away
	DefaultTheta        = 0.99
	DefaultHotFraction  = 0.2
	DefaultHotOps       = 0.8
	DefaultDuration     = 5 * time.Second
	DefaultWarmup       = 1 * time.Second
	DefaultConns        = 8
	DefaultPipeline     = 1
)

// MaxValueSize is Redis's default proto-max-bulk-len (512 MiB), the largest
// string value Redis accepts.
const MaxValueSize = 512 << 20

// Spec describes one workload.
type Spec struct {
	Name, Description string
	Mix               Mix
	Records           int64 // records loaded in the load phase: key indexes 0..Records-1
	Value             ValueSpec
	Keys              KeyDist
	Phases            Phases
}

// ValueSpec is the size and content of written values.
type ValueSpec struct {
	Size SizeDist
	// Compressible is the fraction of each value's filler a compressor can
	// remove: 0 gives random bytes, 1 a single repeated byte.
	Compressible float64
}

// SizeDist is a value size distribution: Fixed when Choices is empty and
// Min == Max, uniform over [Min, Max] when Choices is empty, otherwise a
// weighted choice among Choices (Min and Max ignored).
type SizeDist struct {
	Min, Max int
	Choices  []SizeChoice
}

// SizeChoice is one size of a weighted size distribution.
type SizeChoice struct {
	Size   int
	Weight float64
}

// FixedSize returns the distribution that always picks n bytes.
func FixedSize(n int) SizeDist { return SizeDist{Min: n, Max: n} }

// String renders the distribution: "1024", "100..4096", "100:70%,4096:30%".
func (d SizeDist) String() string {
	if len(d.Choices) == 0 {
		if d.Min == d.Max {
			return strconv.Itoa(d.Min)
		}
		return strconv.Itoa(d.Min) + ".." + strconv.Itoa(d.Max)
	}
	var sum float64
	for _, c := range d.Choices {
		sum += c.Weight
	}
	parts := make([]string, len(d.Choices))
	for i, c := range d.Choices {
		pct := math.Round(c.Weight/sum*1000) / 10
		parts[i] = strconv.Itoa(c.Size) + ":" + strconv.FormatFloat(pct, 'f', -1, 64) + "%"
	}
	return strings.Join(parts, ",")
}

// Distribution names a key distribution.
type Distribution uint8

// The key distributions; see the Generator for how each one draws.
const (
	Uniform Distribution = iota
	Zipfian
	Latest
	Sequential
	Hotspot
)

var distNames = []string{"uniform", "zipfian", "latest", "sequential", "hotspot"}

func (d Distribution) String() string {
	if int(d) < len(distNames) {
		return distNames[d]
	}
	return "Distribution(" + strconv.Itoa(int(d)) + ")"
}

// ParseDistribution maps a name (as in String) to its Distribution.
func ParseDistribution(s string) (Distribution, error) {
	for i, n := range distNames {
		if s == n {
			return Distribution(i), nil
		}
	}
	return 0, fmt.Errorf("unknown distribution %q (want %s)", s, strings.Join(distNames, ", "))
}

// KeyDist chooses which existing key an operation touches. A zero Theta,
// HotFraction or HotOps means its default (0.99, 0.2, 0.8): none of them
// may be 0 in use.
type KeyDist struct {
	Distribution Distribution
	Theta        float64 // zipfian and latest: skew, in (0, 1)
	HotFraction  float64 // hotspot: fraction of the keys that are hot, in (0, 1)
	HotOps       float64 // hotspot: fraction of operations on hot keys, in (0, 1]
}

func (k KeyDist) withDefaults() KeyDist {
	if k.Theta == 0 {
		k.Theta = DefaultTheta
	}
	if k.HotFraction == 0 {
		k.HotFraction = DefaultHotFraction
	}
	if k.HotOps == 0 {
		k.HotOps = DefaultHotOps
	}
	return k
}

// Phases are the run's timing and concurrency.
type Phases struct {
	Duration time.Duration // length of the measured run phase
	Warmup   time.Duration // unmeasured run before it
	Conns    int           // concurrent connections (workers)
	Pipeline int           // operations per round trip; 1 = no pipelining
	Rate     float64       // target ops/s over all conns; 0 = closed loop
}

// MixString describes the operation mix, e.g. "read 50% update 50%".
func (s *Spec) MixString() string { return s.Mix.String() }

// Validate reports the first field of s that is out of range.
func (s *Spec) Validate() error {
	for _, c := range s.checks() {
		if c.err != nil {
			return fmt.Errorf("workloads: spec %q: %s: %w", s.Name, c.field, c.err)
		}
	}
	return nil
}

type fieldCheck struct {
	field string
	err   error
}

// checks lists every range check of a spec; Parse runs the same checks
// field by field so that it can name the line at fault.
func (s *Spec) checks() []fieldCheck {
	_, mixErr := s.Mix.check()
	k := s.Keys.withDefaults()
	return []fieldCheck{
		{"name", checkName(s.Name)},
		{"records", checkRecords(s.Records)},
		{"mix", mixErr},
		{"value.size", checkSizeDist(s.Value.Size)},
		{"value.compressible", checkUnit("compressible", s.Value.Compressible, true, true)},
		{"keys.distribution", checkDistribution(k.Distribution)},
		{"keys.theta", checkOpen("theta", k.Theta)},
		{"keys.hot-fraction", checkOpen("hot-fraction", k.HotFraction)},
		{"keys.hot-ops", checkUnit("hot-ops", k.HotOps, false, true)},
		{"phases.duration", checkDuration("duration", s.Phases.Duration, false)},
		{"phases.warmup", checkDuration("warmup", s.Phases.Warmup, true)},
		{"phases.conns", checkPositive("conns", int64(s.Phases.Conns))},
		{"phases.pipeline", checkPositive("pipeline", int64(s.Phases.Pipeline))},
		{"phases.rate", checkRate(s.Phases.Rate)},
	}
}

func checkName(n string) error {
	if n == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

func checkRecords(n int64) error {
	if n < 1 {
		return fmt.Errorf("must be at least 1, got %d", n)
	}
	return nil
}

func checkSize(n int64) error {
	if n < MinValueSize || n > MaxValueSize {
		return fmt.Errorf("%d bytes is outside %d (MinValueSize, the self-checking header) .. %d (512 MiB)", n, MinValueSize, MaxValueSize)
	}
	return nil
}

func checkSizeDist(d SizeDist) error {
	if len(d.Choices) == 0 {
		if err := checkSize(int64(d.Min)); err != nil {
			return err
		}
		if err := checkSize(int64(d.Max)); err != nil {
			return err
		}
		if d.Min > d.Max {
			return fmt.Errorf("min %d is above max %d", d.Min, d.Max)
		}
		return nil
	}
	var sum float64
	for i, c := range d.Choices {
		if err := checkSize(int64(c.Size)); err != nil {
			return fmt.Errorf("choice %d: %w", i, err)
		}
		if c.Weight < 0 || math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) {
			return fmt.Errorf("choice %d: weight %v must be a finite number >= 0", i, c.Weight)
		}
		sum += c.Weight
	}
	if sum <= 0 {
		return fmt.Errorf("weights sum to 0")
	}
	return nil
}

func checkDistribution(d Distribution) error {
	if int(d) >= len(distNames) {
		return fmt.Errorf("unknown distribution %v", d)
	}
	return nil
}

// checkUnit checks v in [0, 1], with 0 or 1 excluded on request.
func checkUnit(what string, v float64, zeroOK, oneOK bool) error {
	lo, hi := "[0", "1]"
	if !zeroOK {
		lo = "(0"
	}
	if !oneOK {
		hi = "1)"
	}
	if math.IsNaN(v) || v < 0 || v > 1 || (v == 0 && !zeroOK) || (v == 1 && !oneOK) {
		return fmt.Errorf("%s %v is outside %s, %s", what, v, lo, hi)
	}
	return nil
}

func checkOpen(what string, v float64) error { return checkUnit(what, v, false, false) }

func checkPositive(what string, v int64) error {
	if v <= 0 {
		return fmt.Errorf("%s must be > 0, got %d", what, v)
	}
	return nil
}

func checkDuration(what string, d time.Duration, zeroOK bool) error {
	if d < 0 || (d == 0 && !zeroOK) {
		op := "> 0"
		if zeroOK {
			op = ">= 0"
		}
		return fmt.Errorf("%s must be %s, got %v", what, op, d)
	}
	return nil
}

func checkRate(r float64) error {
	if r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return fmt.Errorf("rate must be a finite number >= 0 (0 = closed loop), got %v", r)
	}
	return nil
}
