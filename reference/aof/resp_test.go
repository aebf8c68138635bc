package aof

import (
	"bytes"
	"testing"
)

func TestRecordBytes(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"select 0", AppendSelect(nil, 0), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"},
		{"select 12", AppendSelect(nil, 12), "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n"},
		{"set", AppendSet(nil, []byte("mykey"), []byte("myvalue")), "*3\r\n$3\r\nSET\r\n$5\r\nmykey\r\n$7\r\nmyvalue\r\n"},
		{"set empty value", AppendSet(nil, []byte("k"), nil), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n"},
		{"set binary", AppendSet(nil, []byte("a\r\nb"), []byte{0, 255}), "*3\r\n$3\r\nSET\r\n$4\r\na\r\nb\r\n$2\r\n\x00\xff\r\n"},
		{"del", AppendDel(nil, []byte("mykey")), "*2\r\n$3\r\nDEL\r\n$5\r\nmykey\r\n"},
		{"appends", AppendDel(AppendSelect(nil, 0), []byte("x")), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$1\r\nx\r\n"},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestBaseWriter(t *testing.T) {
	var empty bytes.Buffer
	bw := NewBaseWriter(&empty)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if empty.Len() != 0 {
		t.Errorf("empty dataset: got %q, want no bytes (Redis writes nothing, not even SELECT)", empty.Bytes())
	}
	var out bytes.Buffer
	bw = NewBaseWriter(&out)
	for _, kv := range [][2]string{{"a", "1"}, {"b", "22"}} {
		if err := bw.Set([]byte(kv[0]), []byte(kv[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n" +
		"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n" +
		"*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$2\r\n22\r\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	if bw.Keys() != 2 {
		t.Errorf("Keys() = %d, want 2", bw.Keys())
	}
}
