package workloads

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParseCount parses a non-negative count with an optional decimal suffix:
// k = 1,000, m = 1,000,000, g = 1,000,000,000 (case-insensitive). A
// fraction is allowed when the result is whole ("2.5k" = 2500). Underscores
// between digits are ignored ("100_000").
func ParseCount(s string) (int64, error) {
	n, err := parseScaled(s, countSuffixes)
	if err != nil {
		return 0, fmt.Errorf("workloads: %w", err)
	}
	return n, nil
}

// ParseBytes parses a non-negative byte size with an optional binary
// suffix, case-insensitive: b = 1; k, kb, kib = 1024; m, mb, mib = 1024²;
// g, gb, gib = 1024³. "1k", "1KiB" and "1024" are the same size; "1.5k" is
// 1536. Note that Redis's own config parser reads "1k" as 1000.
func ParseBytes(s string) (int64, error) {
	n, err := parseScaled(s, byteSuffixes)
	if err != nil {
		return 0, fmt.Errorf("workloads: %w", err)
	}
	return n, nil
}

var countSuffixes = map[string]int64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9}

var byteSuffixes = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
}

// parseScaled splits s into a number and a suffix from units and returns
// their product; errors carry no package prefix so that spec errors can
// embed them.
func parseScaled(s string, units map[string]int64) (int64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.' || t[i] == '-' || t[i] == '+') {
		i++
	}
	num, suffix := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	unit, ok := units[suffix]
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a %s", s, unitsHint(units))
	}
	if strings.HasPrefix(num, "-") {
		return 0, fmt.Errorf("%q is negative", s)
	}
	if !strings.Contains(num, ".") {
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n > math.MaxInt64/unit {
			return 0, fmt.Errorf("%q is not a %s (or is too large)", s, unitsHint(units))
		}
		return n * unit, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a %s", s, unitsHint(units))
	}
	v := f * float64(unit)
	if v >= 1<<53 || v != math.Trunc(v) {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return int64(v), nil
}

func unitsHint(units map[string]int64) string {
	if _, ok := units["kib"]; ok {
		return "byte size (like 1024, 1k, 64KiB, 4m)"
	}
	return "count (like 100000, 100k, 1m)"
}
