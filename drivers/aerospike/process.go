package aerospike

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one run of asd, always stopped by its pid.
type process struct {
	pid     int
	exited  chan struct{} // closed once Wait returned
	waitErr error
	output  *tailBuffer // stdout and stderr: config errors come before the log opens
}

// stopTimeout is how long a SIGTERM may take before SIGKILL: asd flushes
// its write buffers on a clean shutdown.
const stopTimeout = 15 * time.Second

// startProcess execs `asd --foreground --config-file conf` in its own
// process group; Pdeathsig kills it should we die without stopping it.
func startProcess(bin, conf string) (*process, error) {
	out := &tailBuffer{max: 8 << 10}
	cmd := exec.Command(bin, "--foreground", "--config-file", conf)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("aerospike: start %s: %w", bin, err)
	}
	p := &process{pid: cmd.Process.Pid, exited: make(chan struct{}), output: out}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

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

// stop sends SIGTERM, then SIGKILL after timeout, and waits either way.
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
		return fmt.Errorf("aerospike: asd (pid %d) ignored SIGTERM for %s and was killed", p.pid, timeout)
	}
}

// freePorts asks the kernel for n distinct free loopback ports, holding
// each until all are picked.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("aerospike: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
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

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// procField reads a "Name: value kB"-style field of /proc/<pid>/<file>
// (status: VmRSS; io: write_bytes) and returns it in bytes.
func procField(pid int, file, name string) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", pid, file))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || k != name {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			return 0, false
		}
		var n int64
		if _, err := fmt.Sscan(f[0], &n); err != nil {
			return 0, false
		}
		if len(f) > 1 && f[1] == "kB" {
			n <<= 10
		}
		return n, true
	}
	return 0, false
}
