package rdb

import (
	"bytes"
	"io"
	"testing"
)

func TestAppendLen(t *testing.T) {
	tests := []struct {
		n    uint64
		want []byte
	}{
		{0, []byte{0x00}},
		{63, []byte{0x3f}},
		{64, []byte{0x40, 0x40}},
		{16383, []byte{0x7f, 0xff}},
		{16384, []byte{0x80, 0, 0, 0x40, 0}},
		{1<<32 - 1, []byte{0x80, 0xff, 0xff, 0xff, 0xff}},
		{1 << 32, []byte{0x81, 0, 0, 0, 1, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		if got := appendLen(nil, tt.n); !bytes.Equal(got, tt.want) {
			t.Errorf("appendLen(%d) = % x, want % x", tt.n, got, tt.want)
		}
		d := &decoder{rd: newReader(bytes.NewReader(tt.want))}
		if n, special, err := d.length(); n != tt.n || special || err != nil {
			t.Errorf("length(% x) = %d, %v, %v; want %d", tt.want, n, special, err, tt.n)
		}
	}
}

// TestIntegerEncoding covers rdbTryIntegerEncoding's choices: only
// canonical decimal strings of 32-bit integers are encoded, in the
// smallest form.
func TestIntegerEncoding(t *testing.T) {
	tests := []struct {
		s    string
		want []byte // nil: stays a raw string
	}{
		{"0", []byte{0xc0, 0x00}},
		{"-1", []byte{0xc0, 0xff}},
		{"127", []byte{0xc0, 0x7f}},
		{"-128", []byte{0xc0, 0x80}},
		{"128", []byte{0xc1, 0x80, 0x00}},
		{"-129", []byte{0xc1, 0x7f, 0xff}},
		{"32767", []byte{0xc1, 0xff, 0x7f}},
		{"-32768", []byte{0xc1, 0x00, 0x80}},
		{"32768", []byte{0xc2, 0x00, 0x80, 0x00, 0x00}},
		{"2147483647", []byte{0xc2, 0xff, 0xff, 0xff, 0x7f}},
		{"-2147483648", []byte{0xc2, 0x00, 0x00, 0x00, 0x80}},
		{"2147483648", nil},
		{"-2147483649", nil},
		{"12345678901", nil},
		{"007", nil},
		{"-0", nil},
		{"+5", nil},
		{" 5", nil},
		{"5 ", nil},
		{"", nil},
		{"-", nil},
		{"1e3", nil},
	}
	for _, tt := range tests {
		e := &Encoder{w: io.Discard, buf: make([]byte, 0, 64)}
		e.putString([]byte(tt.s))
		want := tt.want
		if want == nil {
			want = append(appendLen(nil, uint64(len(tt.s))), tt.s...)
		}
		if !bytes.Equal(e.buf, want) {
			t.Errorf("%q encoded as % x, want % x", tt.s, e.buf, want)
		}
		d := &decoder{rd: newReader(bytes.NewReader(want))}
		if got, err := d.str(); err != nil || string(got) != tt.s {
			t.Errorf("% x decoded as %q, %v; want %q", want, got, err, tt.s)
		}
	}
}
