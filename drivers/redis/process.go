package redis

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one run of redis-server, always stopped by its pid.
type process struct {
	cmd     *exec.Cmd
	pid     int
	exited  chan struct{} // closed once Wait returned
	waitErr error
	output  *tailBuffer // stdout and stderr: config errors come before the log file opens
}

// stopTimeout is how long a SIGTERM may take before SIGKILL. Redis saves
// on SIGTERM when it has save points, which takes seconds on big datasets.
const stopTimeout = 10 * time.Second

// startProcess execs redis-server on confPath. The child gets its own
// process group, so that a Ctrl-C at the terminal reaches only us and we
// stop it in order; Pdeathsig kills it should we die without stopping it.
func startProcess(bin, confPath string) (*process, error) {
	out := &tailBuffer{max: 8 << 10}
	cmd := exec.Command(bin, confPath)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("redis: start %s: %w", bin, err)
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, exited: make(chan struct{}), output: out}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// alive reports whether the process has not exited yet.
func (p *process) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits until the process is gone.
func (p *process) kill() {
	if p.alive() {
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
	<-p.exited
}

// stop sends SIGTERM, then SIGKILL after timeout, and waits for the
// process either way. The error says when SIGKILL was needed.
func (p *process) stop(timeout time.Duration) error {
	if !p.alive() {
		return nil
	}
	_ = syscall.Kill(p.pid, syscall.SIGTERM)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.exited:
		return nil
	case <-t.C:
		p.kill()
		return fmt.Errorf("redis: redis-server (pid %d) ignored SIGTERM for %s and was killed", p.pid, timeout)
	}
}

// waitAnswer polls addr until this process answers a PING (+PONG, or a
// -LOADING error while it loads), the process exits, or ctx ends. It
// returns the first reply line. A server of another pid answering on the
// port (a port taken between picking and binding it, or a pinned port in
// use) does not count: this process will fail to bind and exit.
func (p *process) waitAnswer(ctx context.Context, addr string) (string, error) {
	for {
		line, pid, err := probe(addr)
		if err == nil && pid == p.pid {
			return line, nil
		}
		select {
		case <-p.exited:
			return "", fmt.Errorf("redis-server (pid %d) exited at start (%v)", p.pid, p.waitErr)
		case <-ctx.Done():
			return "", fmt.Errorf("redis-server (pid %d) did not answer on %s: %w", p.pid, addr, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// probe dials addr and sends PING and INFO server in one round trip of
// raw RESP, needing no client pool. It returns the PING reply line and
// the process_id the server reports.
func probe(addr string) (string, int, error) {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return "", 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"); err != nil {
		return "", 0, err
	}
	r := bufio.NewReader(c)
	line, err := readLine(r)
	if err != nil {
		return "", 0, err
	}
	if !strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "-") {
		return "", 0, fmt.Errorf("unexpected reply %q", line)
	}
	head, err := readLine(r)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(strings.TrimPrefix(head, "$"))
	if !strings.HasPrefix(head, "$") || err != nil || n < 0 || n > 1<<20 {
		return "", 0, fmt.Errorf("unexpected INFO reply %q", head)
	}
	body := make([]byte, n+2)
	if _, err := io.ReadFull(r, body); err != nil {
		return "", 0, err
	}
	pid, _ := parseInfo(string(body)).int("process_id")
	return line, int(pid), nil
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before redis-server binds it; start retries on that.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redis: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// logTailLines is how much of the server's own output a start error quotes.
const logTailLines = 12

// logTail returns the last n lines of path written after offset.
func logTail(path string, offset int64, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return lastLines(string(b), n)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// fileSize is the size of path, 0 when it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
