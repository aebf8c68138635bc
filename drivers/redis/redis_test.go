package redis

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// redisServer returns the path of redis-server, skipping the test when
// there is none, unless PERSISTBENCH_REQUIRE_REDIS=1 (CI) demands it.
func redisServer(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("PERSISTBENCH_REQUIRE_REDIS") == "1" {
			t.Fatalf("redis-server is required (PERSISTBENCH_REQUIRE_REDIS=1): %v", err)
		}
		t.Skipf("no redis-server on PATH (%v); set PERSISTBENCH_REQUIRE_REDIS=1 to make this a failure", err)
	}
	return bin
}

// openTest opens the redis backend for profile p on a fresh data
// directory and closes it when the test ends.
func openTest(t testing.TB, p drivers.Profile, opts map[string]string) *managed {
	t.Helper()
	redisServer(t)
	d, err := Open(context.Background(), drivers.Config{Profile: p, DataDir: t.TempDir(), Conns: 4, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.(*managed)
	if !ok {
		t.Fatalf("Open returned %T, want a managed server", d)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// externalServer starts a redis-server the driver does not manage (as a
// user's own server would be): on a free loopback port, in a temporary
// directory, stopped by its pid when the test ends. args are extra
// command-line directives.
func externalServer(t testing.TB, args ...string) string {
	t.Helper()
	bin := redisServer(t)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	argv := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--daemonize", "no",
		"--dir", dir, "--save", "", "--appendonly", "no"}, args...)
	cmd := exec.Command(bin, argv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out := &tailBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if answers(addr) {
			return addr
		}
		select {
		case <-exited:
			t.Fatalf("external redis-server exited: %s", out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("external redis-server did not answer on %s: %s", addr, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// processesUsing lists the pids of live processes one of whose arguments
// contains s (the data directory of a test): an orphaned redis-server of
// that test would show up here.
func processesUsing(t testing.TB, s string) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(b), s) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && strings.Contains(string(st), ") Z ") {
			continue // a zombie is gone, only not yet reaped
		}
		pids = append(pids, pid)
	}
	return pids
}

// alive reports whether pid still exists (and is not a zombie).
func alive(pid int) bool {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err == nil && !strings.Contains(string(st), ") Z ")
}

// answers reports whether something on addr replies to a PING (an error
// reply such as NOAUTH counts).
func answers(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && (strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-"))
}
