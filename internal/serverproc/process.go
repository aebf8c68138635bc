package serverproc

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// OutputBytes is how much of a child's stdout and stderr a Process keeps:
// config errors come there before the server opens its log file.
const OutputBytes = 8 << 10

// Process is one run of a server binary, always stopped by its pid.
type Process struct {
	name    string // how errors call it: "redis-server", "asd"
	pid     int
	exited  chan struct{} // closed once Wait returned
	waitErr error
	output  *TailBuffer
}

// Start execs bin with args. The child gets its own process group, so
// that a Ctrl-C at the terminal reaches only us and we stop it in order;
// Pdeathsig kills it should we die without stopping it. name is how
// errors call the server.
func Start(name, bin string, args ...string) (*Process, error) {
	out := NewTailBuffer(OutputBytes)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("serverproc: start %s: %w", bin, err)
	}
	p := &Process{name: name, pid: cmd.Process.Pid, exited: make(chan struct{}), output: out}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// Pid is the process id of the child.
func (p *Process) Pid() int { return p.pid }

// Exited is closed once the child has exited and been reaped.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// WaitErr is what Wait returned; valid once Exited is closed.
func (p *Process) WaitErr() error {
	<-p.exited
	return p.waitErr
}

// Output is the tail of what the child wrote to stdout and stderr.
func (p *Process) Output() string { return p.output.String() }

// Alive reports whether the process has not exited yet.
func (p *Process) Alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// Kill sends SIGKILL and waits until the process is gone. A nil
// Process (none started yet) has nothing to kill.
func (p *Process) Kill() {
	if p == nil {
		return
	}
	if p.Alive() {
		_ = syscall.Kill(p.pid, syscall.SIGKILL)
	}
	<-p.exited
}

// Stop sends SIGTERM, then SIGKILL after timeout, and waits for the
// process either way. The error says when SIGKILL was needed. A nil
// Process (none started yet) has nothing to stop.
func (p *Process) Stop(timeout time.Duration) error {
	if p == nil || !p.Alive() {
		return nil
	}
	_ = syscall.Kill(p.pid, syscall.SIGTERM)
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-p.exited:
		return nil
	case <-t.C:
		p.Kill()
		return fmt.Errorf("serverproc: %s (pid %d) ignored SIGTERM for %s and was killed", p.name, p.pid, timeout)
	}
}
