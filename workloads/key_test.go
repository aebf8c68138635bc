package workloads

import (
	"math"
	"testing"
)

func TestKey(t *testing.T) {
	tests := []struct {
		idx  uint64
		want string
	}{
		{0, "pb:000000000000"},
		{1234, "pb:000000001234"},
		{999_999_999_999, "pb:999999999999"},
		{1_000_000_000_000, "pb:1000000000000"},
		{math.MaxUint64, "pb:18446744073709551615"},
	}
	for _, tt := range tests {
		got := Key([]byte("x"), tt.idx)
		if string(got) != "x"+tt.want {
			t.Errorf("Key(%d) = %q, want %q", tt.idx, got[1:], tt.want)
		}
		idx, ok := ParseKey(got[1:])
		if !ok || idx != tt.idx {
			t.Errorf("ParseKey(%q) = %d, %v; want %d", got[1:], idx, ok, tt.idx)
		}
	}
}

func TestParseKeyRejects(t *testing.T) {
	for _, k := range []string{
		"", "pb:", "pb:12", "pb:00000000001", // too short
		"pb:0000000000000",                   // 13 digits with a leading zero: not canonical
		"pb:00000000000a", "pb:-00000000001", // not digits
		"xx:000000000001", "PB:000000000001", // prefix
		"pb:18446744073709551616",  // overflow
		"pb:100000000000000000000", // 21 digits
	} {
		if idx, ok := ParseKey([]byte(k)); ok {
			t.Errorf("ParseKey(%q) = %d, true; want false", k, idx)
		}
	}
}

func TestKeyDoesNotAllocate(t *testing.T) {
	buf := make([]byte, 0, 32)
	if a := testing.AllocsPerRun(1000, func() { buf = Key(buf[:0], 123456789) }); a != 0 {
		t.Errorf("Key allocates %.1f times with a big enough dst", a)
	}
}
