package redistest

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestReply feeds each RESP2 reply type through a pipe.
func TestReply(t *testing.T) {
	tests := []struct {
		name, wire string
		want       any
		err        error
	}{
		{"simple", "+OK\r\n", "OK", nil},
		{"error", "-ERR boom\r\n", nil, ReplyError("ERR boom")},
		{"integer", ":-42\r\n", int64(-42), nil},
		{"bulk binary", "$5\r\na\r\n\x00b\r\n", "a\r\n\x00b", nil},
		{"null bulk", "$-1\r\n", nil, nil},
		{"array", "*3\r\n+a\r\n:1\r\n$-1\r\n", []any{"a", int64(1), nil}, nil},
	}
	for _, tt := range tests {
		c, srv := net.Pipe()
		go func() {
			r := bufio.NewReader(srv)
			for range 3 { // *1, $4, PING
				if _, err := r.ReadString('\n'); err != nil {
					return
				}
			}
			_, _ = srv.Write([]byte(tt.wire))
		}()
		conn := &Conn{c: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}
		got, err := conn.Do("PING")
		if !reflect.DeepEqual(got, tt.want) || err != tt.err {
			t.Errorf("%s: got %#v, %v; want %#v, %v", tt.name, got, err, tt.want, tt.err)
		}
		conn.Close()
		srv.Close()
	}
}

// TestServer starts a real server, writes a key, saves, checks the dump
// with redis-check-rdb, and checks that a requirepass server counts as up.
func TestServer(t *testing.T) {
	dir := t.TempDir()
	s := Start(t, dir, "--dbfilename", "dump.rdb")
	c := s.Client(t)
	c.Must(t, "SET", "k", "v")
	if got := c.Must(t, "GET", "k"); got != "v" {
		t.Errorf("GET k = %v, want v", got)
	}
	c.Must(t, "SAVE")
	if err := CheckRDB(t, filepath.Join(dir, "dump.rdb")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(s.Log); err != nil {
		t.Errorf("log file: %v", err)
	}
	s.Shutdown(t)

	locked := Start(t, t.TempDir(), "--requirepass", "secret")
	if _, err := locked.Client(t).Do("GET", "k"); err == nil {
		t.Error("GET without AUTH succeeded on a requirepass server")
	}
}
