package bench

import "time"

// Schema names the results format; reports refuse any other.
const Schema = "persistbench/v1"

// Results is the content of results.json: host facts and one Cell per
// (backend, profile, workload, records, repeat). A measurement that was not
// taken is absent (nil) and its reason is in the cell's Missing map.
type Results struct {
	Schema      string    `json:"schema"`
	Tool        Tool      `json:"tool"`
	Command     []string  `json:"command,omitempty"`
	Started     time.Time `json:"started"`
	Finished    time.Time `json:"finished,omitzero"`
	Interrupted bool      `json:"interrupted,omitempty"`
	Host        Host      `json:"host"`
	Cells       []Cell    `json:"results"`
}

// Tool identifies the persistbench build that measured.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// Host are facts about the machine that measured.
type Host struct {
	Hostname    string `json:"hostname,omitempty"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	CPUModel    string `json:"cpu_model,omitempty"`
	Cores       int    `json:"cores"`
	MemoryBytes int64  `json:"memory_bytes,omitempty"`
	Kernel      string `json:"kernel,omitempty"`
	GoVersion   string `json:"go_version"`
	// THP is /sys/kernel/mm/transparent_hugepage/enabled's selected value.
	THP string `json:"transparent_hugepage,omitempty"`
	// JitterP999US and JitterMaxUS are the host's own scheduling jitter
	// floor over the whole run (a cyclictest-like probe).
	JitterP999US *float64 `json:"jitter_p999_us,omitempty"`
	JitterMaxUS  *float64 `json:"jitter_max_us,omitempty"`
}

// Cell is one measured combination.
type Cell struct {
	Backend        string `json:"backend"`
	BackendVersion string `json:"backend_version,omitempty"`
	Profile        string `json:"profile"`
	Workload       string `json:"workload"`
	Records        int64  `json:"records"`
	Repeat         int    `json:"repeat"`

	// Status is ok, failed or interrupted; Error says why when not ok.
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`

	Settings Settings `json:"settings"`

	Load *PhaseSummary `json:"load,omitempty"`
	// ThroughputOps is completed operations per second of the run phase
	// (after warm-up).
	ThroughputOps float64 `json:"throughput_ops"`
	Ops           int64   `json:"ops"`
	ErrorCount    int64   `json:"errors"`
	// Latency per operation (read, update, insert, rmw, delete) of
	// successful operations; LatencyErrors of failed ones.
	Latency       map[string]*Latency `json:"latency"`
	LatencyErrors map[string]*Latency `json:"latency_errors,omitempty"`
	// ScheduleLag (open loop only) is how late requests were sent after
	// their scheduled start: the load generator's share of every latency
	// above, which coordinated-omission correction cannot tell apart.
	ScheduleLag *Latency `json:"schedule_lag,omitempty"`

	Pauses *Pauses `json:"pauses,omitempty"`
	// Host is the host's scheduling jitter floor during this cell.
	Host     *CellHost `json:"host,omitempty"`
	Recovery *Recovery `json:"recovery,omitempty"`
	Storage  *Storage  `json:"storage,omitempty"`
	Memory   *Memory   `json:"memory,omitempty"`
	CPU      *CPU      `json:"cpu,omitempty"`

	Timeline []TimelinePoint `json:"timeline,omitempty"`
	Events   []Event         `json:"events,omitempty"`

	// Config is the backend configuration used (never a password).
	Config map[string]string `json:"config,omitempty"`
	// Missing maps a measurement (a field path such as "recovery") to the
	// reason it was not taken.
	Missing map[string]string `json:"missing,omitempty"`
	// Files written beside results.json (HdrHistogram .hgrm per operation).
	Files map[string]string `json:"files,omitempty"`
}

// Settings are the knobs a cell ran with.
type Settings struct {
	Mode       string  `json:"mode"` // closed or open (coordinated-omission corrected)
	Conns      int     `json:"conns"`
	Pipeline   int     `json:"pipeline"`
	RateOps    float64 `json:"rate_ops,omitempty"`
	DurationMS int64   `json:"duration_ms"`
	WarmupMS   int64   `json:"warmup_ms"`
	ValueSize  string  `json:"value_size"`
	KeyDist    string  `json:"key_distribution"`
	Mix        string  `json:"mix"`
	Crash      string  `json:"crash,omitempty"`
	CrashAt    string  `json:"crash_at,omitempty"`
	Seed       int64   `json:"seed"`
	IntervalMS int64   `json:"interval_ms"`
}

// CPU is the backend's CPU use during the run phase, 100 = one core.
type CPU struct {
	MeanPct float64 `json:"mean_pct"`
	PeakPct float64 `json:"peak_pct"`
}

// CellHost is what a cyclictest-like probe saw during the cell: how late a
// thread that sleeps 1 ms wakes up. A pause no larger than JitterMaxUS
// cannot be told apart from the host's own hiccups.
type CellHost struct {
	JitterP50US  float64 `json:"jitter_p50_us"`
	JitterP999US float64 `json:"jitter_p999_us"`
	JitterMaxUS  float64 `json:"jitter_max_us"`
	Wakeups      int64   `json:"jitter_wakeups"`
	// Probe is "thread" (outside the Go scheduler) or "goroutine" (built
	// without cgo: the Go scheduler's delays are included).
	Probe string `json:"jitter_probe"`
}

// PhaseSummary summarises a phase such as load.
type PhaseSummary struct {
	Ops           int64    `json:"ops"`
	Errors        int64    `json:"errors"`
	DurationMS    float64  `json:"duration_ms"`
	ThroughputOps float64  `json:"throughput_ops"`
	Latency       *Latency `json:"latency,omitempty"`
}

// Latency is a percentile summary in microseconds.
type Latency struct {
	Count  int64   `json:"count"`
	MeanUS float64 `json:"mean_us"`
	P50US  float64 `json:"p50_us"`
	P90US  float64 `json:"p90_us"`
	P99US  float64 `json:"p99_us"`
	P999US float64 `json:"p999_us"`
	MaxUS  float64 `json:"max_us"`
}

// Pauses are server-side fork figures and the worst client-seen stall.
type Pauses struct {
	ForkCount   *int64   `json:"fork_count,omitempty"`
	ForkMaxUS   *float64 `json:"fork_max_us,omitempty"`
	ForkTotalUS *float64 `json:"fork_total_us,omitempty"`
	StallMaxUS  *float64 `json:"stall_max_us,omitempty"`
	StallCount  *int64   `json:"stall_count,omitempty"`
}

// Recovery is what a crash cost.
type Recovery struct {
	Crash              string   `json:"crash"`
	CrashAtMS          float64  `json:"crash_at_ms"`
	RecoveryMS         float64  `json:"recovery_ms"`
	AnsweringMS        *float64 `json:"answering_ms,omitempty"`
	FirstReadMS        *float64 `json:"first_read_ms,omitempty"`
	RecordsRecovered   int64    `json:"records_recovered"`
	LostAckedWrites    int64    `json:"lost_acked_writes"`
	StaleReads         int64    `json:"stale_reads"`
	CorruptRecords     int64    `json:"corrupt_records"`
	ResurrectedDeletes int64    `json:"resurrected_deletes"`
	IndeterminateKept  int64    `json:"indeterminate_survived"`
	IndeterminateLost  int64    `json:"indeterminate_lost"`
	LostWindowMS       *float64 `json:"lost_window_ms,omitempty"`
	VerifyMS           float64  `json:"verify_ms"`
}

// Storage is disk use against the logical live bytes.
type Storage struct {
	DiskBytesFinal     *int64   `json:"disk_bytes_final,omitempty"`
	DiskBytesPeak      *int64   `json:"disk_bytes_peak,omitempty"`
	LogicalBytes       *int64   `json:"logical_bytes,omitempty"`
	BloatRatio         *float64 `json:"bloat_ratio,omitempty"`
	WriteAmplification *float64 `json:"write_amplification,omitempty"`
	BytesWritten       *int64   `json:"bytes_written,omitempty"`
	ClientBytes        *int64   `json:"client_bytes,omitempty"`
}

// Memory is the backend's resident memory.
type Memory struct {
	RSSPeakBytes *int64 `json:"rss_peak_bytes,omitempty"`
	COWPeakBytes *int64 `json:"cow_peak_bytes,omitempty"`
}

// TimelinePoint is one interval of the run phase. Nullable fields are absent
// when not measured.
type TimelinePoint struct {
	TMS       int64    `json:"t_ms"`
	Ops       int64    `json:"ops"`
	Errors    int64    `json:"errors,omitempty"`
	P50US     *float64 `json:"p50_us,omitempty"`
	P99US     *float64 `json:"p99_us,omitempty"`
	MaxUS     *float64 `json:"max_us,omitempty"`
	DiskBytes *int64   `json:"disk_bytes,omitempty"`
	RSSBytes  *int64   `json:"rss_bytes,omitempty"`
	// CPUPct is the backend's CPU use in the interval, 100 = one core.
	CPUPct *float64 `json:"cpu_pct,omitempty"`
	// JitterMaxUS is the host probe's latest wake-up in the interval.
	JitterMaxUS *float64 `json:"jitter_max_us,omitempty"`
}

// Event is a server or client event placed on the timeline.
type Event struct {
	TMS        int64   `json:"t_ms"`
	Kind       string  `json:"kind"` // fork|snapshot|rewrite|defrag|fsync-slow|stall|crash|ready
	DurationUS float64 `json:"duration_us"`
	Detail     string  `json:"detail,omitempty"`
}
