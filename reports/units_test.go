package reports

import (
	"math"
	"testing"
)

func TestFormatMicros(t *testing.T) {
	for _, tc := range []struct {
		us   float64
		want string
	}{
		{0, "0µs"},
		{87, "87µs"},
		{87.4, "87µs"},
		{999.4, "999µs"},
		{999.6, "1.00ms"}, // the unit follows the rounded value
		{1000, "1.00ms"},
		{1249, "1.25ms"},
		{12_345, "12.35ms"},
		{999_994, "999.99ms"},
		{999_996, "1.00s"},
		{2_187_400, "2.19s"},
		{3_600_000_000, "3600.00s"},
		{math.NaN(), "?"},
	} {
		if got := formatMicros(tc.us); got != tc.want {
			t.Errorf("formatMicros(%v) = %q, want %q", tc.us, got, tc.want)
		}
	}
	if got := formatMillis(212.6); got != "212.60ms" {
		t.Errorf("formatMillis(212.6) = %q, want 212.60ms", got)
	}
}

func TestFormatRate(t *testing.T) {
	for _, tc := range []struct {
		ops  float64
		want string
	}{
		{0, "0"},
		{0.3, "<1"},
		{0.5, "1"},
		{999.4, "999"},
		{1000, "1,000"},
		{123_456.5, "123,457"},
		{4_600_000, "4,600,000"},
		{math.Inf(1), "?"},
	} {
		if got := formatRate(tc.ops); got != tc.want {
			t.Errorf("formatRate(%v) = %q, want %q", tc.ops, got, tc.want)
		}
	}
}

func TestFormatCountAndRecords(t *testing.T) {
	for _, tc := range []struct {
		n              int64
		count, records string
	}{
		{0, "0", "0"},
		{7, "7", "7"},
		{999, "999", "999"},
		{1000, "1,000", "1k"},
		{10_000, "10,000", "10k"},
		{123_456, "123,456", "123,456"},
		{1_000_000, "1,000,000", "1m"},
		{2_500_000, "2,500,000", "2500k"},
		{-1_234_567, "-1,234,567", "-1,234,567"},
	} {
		if got := formatCount(tc.n); got != tc.count {
			t.Errorf("formatCount(%d) = %q, want %q", tc.n, got, tc.count)
		}
		if got := formatRecords(tc.n); got != tc.records {
			t.Errorf("formatRecords(%d) = %q, want %q", tc.n, got, tc.records)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{1024*1024 - 20, "1.0 MiB"}, // 1023.98 KiB rounds up a unit
		{1610612736, "1.5 GiB"},
		{8_342_470_656, "7.8 GiB"},
		{math.MaxInt64, "8192.0 PiB"},
	} {
		if got := formatBytes(tc.n); got != tc.want {
			t.Errorf("formatBytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestFormatRatio(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{0, "0.0×"},
		{0.05, "0.05×"},
		{0.7003, "0.7×"},
		{1.8, "1.8×"},
		{12.34, "12.3×"},
	} {
		if got := formatRatio(tc.x); got != tc.want {
			t.Errorf("formatRatio(%v) = %q, want %q", tc.x, got, tc.want)
		}
	}
}

func TestSuperscript(t *testing.T) {
	for n, want := range map[int]string{1: "¹", 2: "²", 3: "³", 9: "⁹", 10: "¹⁰", 42: "⁴²"} {
		if got := superscript(n); got != want {
			t.Errorf("superscript(%d) = %q, want %q", n, got, want)
		}
	}
}
