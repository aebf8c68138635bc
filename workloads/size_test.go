package workloads

import (
	"strings"
	"testing"
)

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"0", 0, ""},
		{"100", 100, ""},
		{"10k", 10_000, ""},
		{"10K", 10_000, ""},
		{"1m", 1_000_000, ""},
		{"5M", 5_000_000, ""},
		{"2g", 2_000_000_000, ""},
		{"2.5k", 2500, ""},
		{"100_000", 100_000, ""},
		{" 7 ", 7, ""},
		{"1.5", 0, "not a whole number"},
		{"0.0001k", 0, "not a whole number"},
		{"-5", 0, `"-5" is negative`},
		{"1kb", 0, "is not a count"},
		{"k", 0, "is not a count"},
		{"", 0, "is not a count"},
		{"abc", 0, "is not a count"},
		{"1x", 0, "is not a count"},
		{"99999999999g", 0, "too large"},
	}
	for _, tt := range tests {
		got, err := ParseCount(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "workloads: ") {
				t.Errorf("ParseCount(%q) = %d, %v; want error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string
	}{
		{"1024", 1024, ""},
		{"100b", 100, ""},
		{"1k", 1024, ""},
		{"1K", 1024, ""},
		{"1kb", 1024, ""},
		{"1KiB", 1024, ""},
		{"64KiB", 64 << 10, ""},
		{"4m", 4 << 20, ""},
		{"4MB", 4 << 20, ""},
		{"1MiB", 1 << 20, ""},
		{"1g", 1 << 30, ""},
		{"1.5k", 1536, ""},
		{"0.1k", 0, "not a whole number"},
		{"-1k", 0, "negative"},
		{"1kilo", 0, "is not a byte size"},
		{"1t", 0, "is not a byte size"},
	}
	for _, tt := range tests {
		got, err := ParseBytes(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseBytes(%q) = %d, %v; want error containing %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}
