package rdb

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseSave(t *testing.T) {
	tests := []struct {
		in      string
		want    []SavePoint
		errPart string // "" = no error; else the error must mention it
	}{
		{"3600 1 300 100 60 10000", []SavePoint{{3600, 1}, {300, 100}, {60, 10000}}, ""},
		{"", nil, ""},
		{`""`, nil, ""},
		{"  900   1 ", []SavePoint{{900, 1}}, ""},
		{"60 0", []SavePoint{{60, 0}}, ""},
		{"3600", nil, "pairs"},
		{"3600 1 300", nil, "pairs"},
		{"0 1", nil, `token 1 "0"`},
		{"60 -1", nil, `token 2 "-1"`},
		{"60 1 3x 5", nil, `token 3 "3x"`},
		{"60 1 30 many", nil, `token 4 "many"`},
	}
	for _, tt := range tests {
		got, err := ParseSave(tt.in)
		switch {
		case tt.errPart == "" && err != nil:
			t.Errorf("ParseSave(%q): %v", tt.in, err)
		case tt.errPart != "" && (err == nil || !strings.Contains(err.Error(), tt.errPart)):
			t.Errorf("ParseSave(%q): error %v, want one mentioning %s", tt.in, err, tt.errPart)
		case !reflect.DeepEqual(got, tt.want):
			t.Errorf("ParseSave(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if tt.errPart == "" && len(got) > 0 {
			if back, _ := ParseSave(FormatSave(got)); !reflect.DeepEqual(back, got) {
				t.Errorf("FormatSave(%v) = %q does not parse back", got, FormatSave(got))
			}
		}
	}
}

func TestShouldSave(t *testing.T) {
	def, err := ParseSave("3600 1 300 100 60 10000")
	must(t, err)
	tests := []struct {
		points []SavePoint
		since  time.Duration
		dirty  int64
		want   bool
	}{
		{def, 59 * time.Second, 1 << 20, false},           // no point has passed
		{def, 60 * time.Second, 10000, false},             // Redis wants strictly more than 60 s
		{def, 61 * time.Second, 10000, true},              // 60 10000
		{def, 61 * time.Second, 9999, false},              // 300 100 not yet due
		{def, 301 * time.Second, 100, true},               // 300 100
		{def, 3599 * time.Second, 99, false},              // 3600 1 not yet due
		{def, 3601 * time.Second, 1, true},                // 3600 1
		{def, 10 * time.Hour, 0, false},                   // nothing changed
		{nil, 10 * time.Hour, 1 << 30, false},             // no save points
		{[]SavePoint{{60, 0}}, 61 * time.Second, 0, true}, // "60 0": save even when clean, as Redis
	}
	for _, tt := range tests {
		if got := ShouldSave(tt.points, tt.since, tt.dirty); got != tt.want {
			t.Errorf("ShouldSave(%v, %v, %d) = %v, want %v", tt.points, tt.since, tt.dirty, got, tt.want)
		}
	}
}
