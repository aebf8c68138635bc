package rdb

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
	"syscall"
	"testing"
	"time"
)

// redisServer is a redis-server child started by a test on a free port in
// its own directory, stopped by pid in t.Cleanup.
type redisServer struct {
	dir  string
	port int
	cmd  *exec.Cmd
}

// lookRedis finds a Redis tool, skipping the test when it is missing
// unless PERSISTBENCH_REQUIRE_REDIS=1.
func lookRedis(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("PERSISTBENCH_REQUIRE_REDIS") == "1" {
			t.Fatalf("%s not found and PERSISTBENCH_REQUIRE_REDIS=1: %v", name, err)
		}
		t.Skipf("%s not found (install redis-server to run this test): %v", name, err)
	}
	return p
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRedis starts redis-server on dir (which may already hold dump.rdb)
// with extra config arguments, and waits until it answers PING.
func startRedis(t testing.TB, dir string, extra ...string) *redisServer {
	t.Helper()
	bin := lookRedis(t, "redis-server")
	port := freePort(t)
	args := append([]string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--daemonize", "no",
		"--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
		"--logfile", filepath.Join(dir, "redis.log"),
	}, extra...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	s := &redisServer{dir: dir, port: port, cmd: cmd}
	t.Cleanup(s.stop)
	deadline := time.Now().Add(10 * time.Second)
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
			t.Fatalf("redis-server on port %d not ready: %v\n%s", port, err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server by its pid and reaps it.
func (s *redisServer) stop() {
	if s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGKILL)
	_ = s.cmd.Wait()
}

// respConn is a minimal RESP2 client: enough to SET, GET and SAVE.
type respConn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

func (s *redisServer) dial() (*respConn, error) {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), time.Second)
	if err != nil {
		return nil, err
	}
	return &respConn{c: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}, nil
}

func (c *respConn) close() { _ = c.c.Close() }

// do sends one command and returns its reply: string for simple and bulk
// strings (nil for a null bulk), int64 for integers, []any for arrays.
func (c *respConn) do(args ...string) (any, error) {
	_ = c.c.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(c.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(c.w, "$%d\r\n%s\r\n", len(a), a)
	}
	if err := c.w.Flush(); err != nil {
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
		return nil, errors.New("resp: empty line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, errors.New(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return nil, err
		}
		out := make([]any, 0, max(n, 0))
		for range n {
			v, err := c.reply()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("resp: unexpected reply %q", line)
}

// must runs a command and fails the test on error.
func (c *respConn) must(t testing.TB, args ...string) any {
	t.Helper()
	v, err := c.do(args...)
	if err != nil {
		t.Fatalf("redis %s: %v", args[0], err)
	}
	return v
}
