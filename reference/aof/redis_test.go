package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// redisTool finds a Redis binary; absent, the test is skipped unless
// PERSISTBENCH_REQUIRE_REDIS=1.
func redisTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("PERSISTBENCH_REQUIRE_REDIS") == "1" {
			t.Fatalf("%s not found and PERSISTBENCH_REQUIRE_REDIS=1: %v", name, err)
		}
		t.Skipf("%s not found: %v", name, err)
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// redisServer is a redis-server child on 127.0.0.1, stopped by its pid in
// t.Cleanup.
type redisServer struct {
	cmd  *exec.Cmd
	dir  string
	addr string
	done chan error
}

func startRedis(t *testing.T, dir string, args ...string) *redisServer {
	t.Helper()
	bin := redisTool(t, "redis-server")
	port := freePort(t)
	base := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--daemonize", "no",
		"--dir", dir, "--save", "", "--logfile", filepath.Join(dir, "redis.log")}
	cmd := exec.Command(bin, append(base, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &redisServer{cmd: cmd, dir: dir, addr: fmt.Sprintf("127.0.0.1:%d", port), done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // by pid; a no-op when it already exited
		<-s.done
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := s.dial()
		if err == nil {
			_, err = c.do("PING")
			c.close()
			if err == nil {
				return s
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server did not answer: %v\n%s", err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shutdown asks Redis to stop (it flushes and fsyncs the AOF) and waits.
func (s *redisServer) shutdown(t *testing.T) {
	t.Helper()
	c, err := s.dial()
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.do("SHUTDOWN")
	c.close()
	select {
	case <-s.done:
		s.done <- nil
	case <-time.After(15 * time.Second):
		t.Fatal("redis-server did not exit after SHUTDOWN")
	}
}

// respConn is a minimal RESP2 client: enough for SET, GET, DEL, INFO.
type respConn struct {
	c net.Conn
	r *bufio.Reader
}

func (s *redisServer) dial() (*respConn, error) {
	c, err := net.DialTimeout("tcp", s.addr, time.Second)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	return &respConn{c: c, r: bufio.NewReader(c)}, nil
}

func (c *respConn) close() { c.c.Close() }

func (c *respConn) do(args ...string) (any, error) {
	var b []byte
	bargs := make([][]byte, len(args))
	for i, a := range args {
		bargs[i] = []byte(a)
	}
	b = appendCommand(b, bargs...)
	if _, err := c.c.Write(b); err != nil {
		return nil, err
	}
	return c.reply()
}

func (c *respConn) reply() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("empty reply line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, _ := strconv.Atoi(line[1:])
		if n < 0 {
			return nil, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, buf); err != nil {
			return nil, err
		}
		return string(buf[:n]), nil
	case '*':
		n, _ := strconv.Atoi(line[1:])
		out := make([]any, 0, max(n, 0))
		for i := 0; i < n; i++ {
			v, err := c.reply()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("bad reply %q", line)
}

func mustDo(t *testing.T, c *respConn, args ...string) any {
	t.Helper()
	v, err := c.do(args...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return v
}

// infoField reads one field of INFO persistence.
func infoField(t *testing.T, c *respConn, field string) string {
	t.Helper()
	info, _ := mustDo(t, c, "INFO", "persistence").(string)
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO persistence has no %s", field)
	return ""
}
