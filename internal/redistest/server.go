package redistest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long Start waits for the first answer to PING;
// loading a few MB of test data takes well under a second.
const startTimeout = 15 * time.Second

// stopGrace is how long Stop lets redis-server finish after SIGTERM
// (flushing its AOF) before it is killed.
const stopGrace = 5 * time.Second

// Server is a redis-server child started by a test.
type Server struct {
	Dir  string // its --dir
	Addr string // 127.0.0.1:port
	Port int
	Log  string // its --logfile, in Dir

	cmd  *exec.Cmd
	out  *tail // stdout and stderr: config errors come before the log opens
	done chan struct{}
}

// Start runs redis-server in the foreground (--daemonize no) on
// 127.0.0.1 at a free port, on dir, with --save "" (no snapshot points),
// its log in dir/redis.log, and then args, which may override any of
// those. It returns once the server answers PING: any reply but a
// LOADING error counts, so a server with requirepass (NOAUTH) is ready.
// The server is stopped by its pid in t.Cleanup.
func Start(t testing.TB, dir string, args ...string) *Server {
	t.Helper()
	bin := Tool(t, "redis-server")
	port := FreePort(t)
	s := &Server{Dir: dir, Addr: fmt.Sprintf("127.0.0.1:%d", port), Port: port,
		Log: filepath.Join(dir, "redis.log"), out: &tail{max: 4 << 10}, done: make(chan struct{})}
	argv := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--daemonize", "no",
		"--dir", dir, "--save", "", "--logfile", s.Log}, args...)
	s.cmd = exec.Command(bin, argv...)
	// Its own process group, and killed with the test binary: a test
	// that dies leaves no server behind.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("redistest: start %s: %v", bin, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Stop)
	var err error
	for deadline := time.Now().Add(startTimeout); ; time.Sleep(20 * time.Millisecond) {
		if err = s.ping(); err == nil {
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("redistest: redis-server on %s exited: %v\n%s", s.Addr, s.cmd.ProcessState, s.diagnostics())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: redis-server on %s did not answer PING in %v: %v\n%s", s.Addr, startTimeout, err, s.diagnostics())
		}
	}
}

// ping returns nil once the server replies to PING with anything but a
// LOADING error.
func (s *Server) ping() error {
	c, err := Dial(s.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.c.SetDeadline(time.Now().Add(time.Second))
	if _, err = c.Do("PING"); err != nil {
		var re ReplyError
		if errors.As(err, &re) && !strings.HasPrefix(string(re), "LOADING") {
			return nil
		}
	}
	return err
}

// Dial opens a new connection to the server.
func (s *Server) Dial() (*Conn, error) { return Dial(s.Addr) }

// Client dials the server, failing the test on error, and closes the
// connection in t.Cleanup.
func (s *Server) Client(t testing.TB) *Conn {
	t.Helper()
	c, err := s.Dial()
	if err != nil {
		t.Fatalf("redistest: dial %s: %v", s.Addr, err)
	}
	t.Cleanup(c.Close)
	return c
}

// Shutdown sends SHUTDOWN (Redis flushes and fsyncs its AOF) and waits
// for the process to exit.
func (s *Server) Shutdown(t testing.TB) {
	t.Helper()
	c, err := s.Dial()
	if err != nil {
		t.Fatalf("redistest: dial %s: %v", s.Addr, err)
	}
	_, _ = c.Do("SHUTDOWN") // the connection closes instead of a reply
	c.Close()
	select {
	case <-s.done:
	case <-time.After(startTimeout):
		t.Fatalf("redistest: redis-server on %s did not exit after SHUTDOWN\n%s", s.Addr, s.diagnostics())
	}
}

// Stop ends the server by its pid: SIGTERM, then SIGKILL after
// stopGrace, and waits for it. It does nothing once the server exited.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(stopGrace):
		_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// diagnostics is the server's log file and console output, for a failure
// message.
func (s *Server) diagnostics() string {
	log, _ := os.ReadFile(s.Log)
	return fmt.Sprintf("log %s:\n%s\noutput:\n%s", s.Log, log, s.out)
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = t.b[over:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
