package reports

import (
	"slices"

	"github.com/persistbench/persistbench/bench"
)

// CellKey identifies a configuration across results files; its repeats
// are the samples a comparison tests.
type CellKey struct {
	Backend, Profile, Workload string
	Records                    int64
}

func keyOf(c *bench.Cell) CellKey {
	return CellKey{Backend: c.Backend, Profile: c.Profile, Workload: c.Workload, Records: c.Records}
}

// String names the key as tables do: reference/rdb/ycsb-a 100k.
func (k CellKey) String() string {
	return k.Backend + "/" + k.Profile + "/" + k.Workload + " " + formatRecords(k.Records)
}

// Metric is one figure compare judges.
type Metric struct {
	// Name is the metric's column in tables and its threshold key:
	// throughput, p50, p99, p999, recovery, lost_acked_writes,
	// corrupt_records, bloat_ratio, write_amplification.
	Name string
	// Title heads its section: "p99 latency (lower is better)".
	Title string
	// HigherIsBetter is true for throughput only.
	HigherIsBetter bool
	// LossOfData marks counts of lost or damaged data: any increase from
	// zero is a regression whatever the statistics say.
	LossOfData bool
	// PerOp metrics have one row per operation (read, update, ...).
	PerOp bool
	// Suffix follows a value in a sentence: "ops/s", "writes".
	Suffix string
	unit   func(float64) string
	value  func(c *bench.Cell, op string) (float64, bool)
}

// compareMetrics are the metrics compare judges, in the order shown.
var compareMetrics = []Metric{
	{Name: "throughput", Title: "throughput, ops/s (higher is better)", HigherIsBetter: true, unit: formatRate, Suffix: "ops/s",
		value: func(c *bench.Cell, _ string) (float64, bool) { return c.ThroughputOps, c.Ops > 0 }},
	latencyMetric("p50", "p50 latency", func(l *bench.Latency) float64 { return l.P50US }),
	latencyMetric("p99", "p99 latency", func(l *bench.Latency) float64 { return l.P99US }),
	latencyMetric("p999", "p99.9 latency", func(l *bench.Latency) float64 { return l.P999US }),
	{Name: "recovery", Title: "recovery time after the crash (lower is better)", unit: formatMillis,
		value: func(c *bench.Cell, _ string) (float64, bool) {
			if c.Recovery == nil {
				return 0, false
			}
			return c.Recovery.RecoveryMS, true
		}},
	{Name: "lost_acked_writes", Title: "acknowledged writes lost on the crash (lower is better; any from 0 is a regression)",
		LossOfData: true, unit: formatSampleCount, Suffix: "writes",
		value: func(c *bench.Cell, _ string) (float64, bool) {
			if c.Recovery == nil {
				return 0, false
			}
			return float64(c.Recovery.LostAckedWrites), true
		}},
	{Name: "corrupt_records", Title: "corrupt records after recovery (lower is better; any from 0 is a regression)",
		LossOfData: true, unit: formatSampleCount, Suffix: "records",
		value: func(c *bench.Cell, _ string) (float64, bool) {
			if c.Recovery == nil {
				return 0, false
			}
			return float64(c.Recovery.CorruptRecords), true
		}},
	storageMetric("bloat_ratio", "disk bytes / logical bytes (lower is better)", func(s *bench.Storage) *float64 { return s.BloatRatio }),
	storageMetric("write_amplification", "write amplification (lower is better)", func(s *bench.Storage) *float64 { return s.WriteAmplification }),
}

func latencyMetric(name, title string, pick func(*bench.Latency) float64) Metric {
	return Metric{Name: name, Title: title + " per operation (lower is better)", PerOp: true, unit: formatMicros,
		value: func(c *bench.Cell, op string) (float64, bool) {
			l := c.Latency[op]
			if l == nil || l.Count == 0 {
				return 0, false
			}
			return pick(l), true
		}}
}

func storageMetric(name, title string, pick func(*bench.Storage) *float64) Metric {
	return Metric{Name: name, Title: title, unit: formatPreciseRatio,
		value: func(c *bench.Cell, _ string) (float64, bool) {
			if c.Storage == nil || pick(c.Storage) == nil {
				return 0, false
			}
			return *pick(c.Storage), true
		}}
}

// MetricNames lists the metrics compare judges, which are also the keys
// --threshold accepts.
func MetricNames() []string {
	out := make([]string, len(compareMetrics))
	for i, m := range compareMetrics {
		out[i] = m.Name
	}
	return out
}

// opsOf lists the operations with latency in any of the cells.
func opsOf(groups ...[]*bench.Cell) []string {
	seen := map[string]bool{}
	for _, cells := range groups {
		for _, c := range cells {
			for op, l := range c.Latency {
				if l != nil && l.Count > 0 {
					seen[op] = true
				}
			}
		}
	}
	var out []string
	for _, op := range opOrder {
		if seen[op] {
			out = append(out, op)
			delete(seen, op)
		}
	}
	var rest []string
	for op := range seen {
		rest = append(rest, op)
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// samples collects a metric's values over the cells (the repeats of one
// key); reason is why there are none (from a cell's Missing map).
func (m Metric) samples(cells []*bench.Cell, op string) (values []float64, reason string) {
	for _, c := range cells {
		if v, ok := m.value(c, op); ok {
			values = append(values, v)
		} else if reason == "" {
			reason = missingReason(c, m)
		}
	}
	return values, reason
}

// missingReason finds why a cell lacks a metric in its Missing map.
func missingReason(c *bench.Cell, m Metric) string {
	keys := map[string][]string{
		"recovery": {"recovery"}, "lost_acked_writes": {"recovery"}, "corrupt_records": {"recovery"},
		"bloat_ratio": {"storage.bloat_ratio", "storage.disk_bytes", "storage"}, "write_amplification": {"storage.write_amplification", "storage"},
	}
	for _, k := range keys[m.Name] {
		if r := c.Missing[k]; r != "" {
			return r
		}
	}
	return ""
}
