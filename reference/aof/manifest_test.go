package aof

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"fresh", "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"},
		{"incrs only", "file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n"},
		// The example in Redis 7.0's aof.c header comment.
		{"history", "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\n" +
			"file appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.3.incr.aof seq 3 type h\n" +
			"file appendonly.aof.4.incr.aof seq 4 type i\nfile appendonly.aof.5.incr.aof seq 5 type i\n"},
		{"quoted name", "file \"my aof.1.base.aof\" seq 1 type b\nfile \"q\\\"\\x01.1.incr.aof\" seq 1 type i\n"},
	}
	for _, tt := range tests {
		m, err := ParseManifest([]byte(tt.text))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := string(m.Encode()); got != tt.text {
			t.Errorf("%s: Encode = %q, want %q", tt.name, got, tt.text)
		}
	}
}

func TestParseManifestForms(t *testing.T) {
	text := "# comment\nFILE a.1.base.aof SEQ 1 TYPE base future x\n  file 'b c.1.incr.aof' seq 1 type i  \r\n"
	m, err := ParseManifest([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := Manifest{
		Base:  &ManifestFile{Name: "a.1.base.aof", Seq: 1, Type: TypeBase},
		Incrs: []ManifestFile{{Name: "b c.1.incr.aof", Seq: 1, Type: TypeIncr}},
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("got %+v, want %+v", m, want)
	}
}

func TestParseManifestErrors(t *testing.T) {
	long := "file " + strings.Repeat("x", 1100) + " seq 1 type i\n"
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "empty manifest"},
		{"blank line", "\n", "line 1: empty line"},
		{"no newline", "file a seq 1 type i", "line 1: line too long or not terminated"},
		{"too long", long, "line 1: line too long"},
		{"odd args", "file a seq 1 type\n", "key/value pairs"},
		{"few args", "file a seq 1\n", "key/value pairs"},
		{"path", "file ../a seq 1 type i\n", "not a bare file name"},
		{"seq zero", "file a seq 0 type i\n", "bad seq"},
		{"seq word", "file a seq x type i\n", "bad seq"},
		{"missing type", "file a seq 1 kind i\n", "missing file, seq or type"},
		{"unknown type", "file a seq 1 type z\n", "unknown file type"},
		{"two bases", "file a seq 1 type b\nfile b seq 2 type b\n", "line 2: duplicate base"},
		{"seq order", "file a seq 2 type i\nfile b seq 2 type i\n", "line 2: non-monotonic"},
		{"unbalanced quote", "file \"a seq 1 type i\n", "unbalanced quotes"},
		{"quote glued", "file \"a\"b seq 1 type i\n", "closing quote"},
	}
	for _, tt := range tests {
		_, err := ParseManifest([]byte(tt.text))
		if err == nil || !errors.Is(err, ErrBadManifest) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an ErrBadManifest containing %q", tt.name, err, tt.want)
		}
	}
}

func TestManifestNaming(t *testing.T) {
	var m Manifest
	if b := m.newBase("appendonly.aof", true); b.Name != "appendonly.aof.1.base.rdb" || b.Seq != 1 {
		t.Errorf("first base = %+v", b)
	}
	m.Base = &ManifestFile{Name: "appendonly.aof.1.base.aof", Seq: 1, Type: TypeBase}
	m.Incrs = []ManifestFile{{Name: "appendonly.aof.3.incr.aof", Seq: 3, Type: TypeIncr}}
	if b := m.newBase("appendonly.aof", false); b.Name != "appendonly.aof.2.base.aof" {
		t.Errorf("next base = %+v", b)
	}
	if i := m.newIncr("appendonly.aof"); i.Name != "appendonly.aof.4.incr.aof" || i.Seq != 4 {
		t.Errorf("next incr = %+v", i)
	}
}
