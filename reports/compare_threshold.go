package reports

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// DefaultThreshold is the smallest significant change compare calls a
// regression when no --threshold names the metric: 5%, as the issue asks.
const DefaultThreshold = 0.05

// Thresholds are, per metric, the smallest relative change in the wrong
// direction that compare calls a regression (0.05 = 5%). A metric set off
// is shown but never judged on statistics; the loss-of-data rule (any
// lost or corrupt record where the base had none) always applies.
type Thresholds struct {
	Default   float64
	PerMetric map[string]float64 // a fraction, or thresholdOff
}

// thresholdOff marks a metric that is shown but not judged.
var thresholdOff = math.Inf(1)

// thresholdAliases are other names --threshold accepts for a metric;
// "latency" sets p50, p99 and p999 at once.
var thresholdAliases = map[string][]string{
	"throughput_ops": {"throughput"}, "ops": {"throughput"},
	"p99.9": {"p999"}, "latency": {"p50", "p99", "p999"},
	"recovery_ms": {"recovery"},
	"lost":        {"lost_acked_writes"}, "corrupt": {"corrupt_records"},
	"bloat": {"bloat_ratio"}, "wa": {"write_amplification"},
}

// ParseThresholds reads --threshold values: each a comma list of "5%" (the
// default for every metric) or "metric=10%" (one metric; "off" shows the
// metric without judging it). Later values win. Percent signs are
// optional: "5" is 5%.
func ParseThresholds(specs []string) (Thresholds, error) {
	t := Thresholds{Default: DefaultThreshold, PerMetric: map[string]float64{}}
	for _, spec := range specs {
		for _, item := range strings.Split(spec, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			name, val, named := strings.Cut(item, "=")
			if !named {
				v, err := parsePercent(item, false)
				if err != nil {
					return t, fmt.Errorf("reports: --threshold %q: %w", item, err)
				}
				t.Default = v
				continue
			}
			metrics, err := thresholdMetrics(strings.TrimSpace(name))
			if err != nil {
				return t, fmt.Errorf("reports: --threshold %q: %w", item, err)
			}
			v, err := parsePercent(strings.TrimSpace(val), true)
			if err != nil {
				return t, fmt.Errorf("reports: --threshold %q: %w", item, err)
			}
			for _, m := range metrics {
				t.PerMetric[m] = v
			}
		}
	}
	return t, nil
}

func thresholdMetrics(name string) ([]string, error) {
	if ms, ok := thresholdAliases[name]; ok {
		return ms, nil
	}
	for _, m := range MetricNames() {
		if m == name {
			return []string{m}, nil
		}
	}
	return nil, fmt.Errorf("unknown metric %q (known: %s)", name, strings.Join(MetricNames(), ", "))
}

func parsePercent(s string, offOK bool) (float64, error) {
	if offOK && s == "off" {
		return thresholdOff, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		want := "a percentage such as 5%"
		if offOK {
			want += ", or off"
		}
		return 0, fmt.Errorf("want %s", want)
	}
	return v / 100, nil
}

// For returns the threshold of a metric; off is true when it is not
// judged.
func (t Thresholds) For(metric string) (frac float64, off bool) {
	v, ok := t.PerMetric[metric]
	if !ok {
		v = t.Default
	}
	return v, math.IsInf(v, 1)
}

// String describes the thresholds: "5% (p99 10%, p999 off)".
func (t Thresholds) String() string {
	s := formatFraction(t.Default)
	var named []string
	for m, v := range t.PerMetric {
		if v == t.Default {
			continue
		}
		if math.IsInf(v, 1) {
			named = append(named, m+" off")
		} else {
			named = append(named, m+" "+formatFraction(v))
		}
	}
	if len(named) == 0 {
		return s
	}
	rank := map[string]int{}
	for i, m := range MetricNames() {
		rank[m] = i
	}
	sort.Slice(named, func(i, j int) bool {
		a, _, _ := strings.Cut(named[i], " ")
		b, _, _ := strings.Cut(named[j], " ")
		return rank[a] < rank[b]
	})
	return s + " (" + strings.Join(named, ", ") + ")"
}

// formatFraction writes a fraction as a percentage without trailing zeros.
func formatFraction(f float64) string {
	return strconv.FormatFloat(f*100, 'f', -1, 64) + "%"
}
