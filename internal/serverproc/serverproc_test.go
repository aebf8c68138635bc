package serverproc

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gone reports whether no process (not even a zombie) has pid.
func gone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func TestStopSleep(t *testing.T) {
	p, err := Start("sleep", "sleep", "30")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	if !p.Alive() || gone(p.Pid()) {
		t.Fatalf("sleep (pid %d) not alive after Start", p.Pid())
	}
	if pgid, err := syscall.Getpgid(p.Pid()); err != nil || pgid != p.Pid() {
		t.Errorf("process group %d, %v; want its own (%d)", pgid, err, p.Pid())
	}
	if err := p.Stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if p.Alive() || !gone(p.Pid()) {
		t.Errorf("sleep (pid %d) still there after Stop", p.Pid())
	}
	if err := p.Stop(time.Second); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	var none *Process // a server not started yet
	none.Kill()
	if err := none.Stop(time.Second); err != nil {
		t.Errorf("Stop of no process: %v", err)
	}
}

// TestStopKills stops a child that ignores SIGTERM.
func TestStopKills(t *testing.T) {
	p, err := Start("stubborn", "sh", "-c", `trap "" TERM; echo ready; while :; do sleep 1; done`)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	for !strings.Contains(p.Output(), "ready") { // the trap is set
		select {
		case <-p.Exited():
			t.Fatalf("sh exited: %v", p.WaitErr())
		case <-time.After(5 * time.Millisecond):
		}
	}
	err = p.Stop(100 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "ignored SIGTERM") {
		t.Errorf("Stop = %v, want an ignored-SIGTERM error", err)
	}
	if p.Alive() || !gone(p.Pid()) {
		t.Errorf("sh (pid %d) still there after Stop", p.Pid())
	}
}

func TestExitAndOutput(t *testing.T) {
	p, err := Start("sh", "sh", "-c", "echo out; echo err >&2; exit 3")
	if err != nil {
		t.Fatal(err)
	}
	<-p.Exited()
	var ee *exec.ExitError
	if !errors.As(p.WaitErr(), &ee) {
		t.Errorf("WaitErr = %v, want an exit status", p.WaitErr())
	}
	if got := p.Output(); got != "out\nerr\n" {
		t.Errorf("Output = %q", got)
	}
	words := p.LastWords(filepath.Join(t.TempDir(), "none.log"), 0)
	if !strings.Contains(words, "its output:\n  out\n  err") {
		t.Errorf("LastWords = %q", words)
	}
	if _, err := Start("x", filepath.Join(t.TempDir(), "no-such-binary")); err == nil {
		t.Error("Start of a missing binary succeeded")
	}
}

func TestTailBuffer(t *testing.T) {
	tests := []struct {
		max    int
		writes []string
		want   string
	}{
		{8, []string{"abc", "defgh", "ijk"}, "defghijk"},
		{8, []string{"abc"}, "abc"},
		{4, []string{"0123456789"}, "6789"},
		{0, []string{"abc"}, ""},
	}
	for _, tt := range tests {
		tb := NewTailBuffer(tt.max)
		for _, s := range tt.writes {
			if n, err := tb.Write([]byte(s)); n != len(s) || err != nil {
				t.Errorf("Write(%q) = %d, %v", s, n, err)
			}
		}
		if got := tb.String(); got != tt.want {
			t.Errorf("max %d, writes %q: tail %q, want %q", tt.max, tt.writes, got, tt.want)
		}
	}
}

func TestLogTail(t *testing.T) {
	if got := LastLines("a\nb\nc\n", 2); got != "b\nc" {
		t.Errorf("LastLines = %q", got)
	}
	path := filepath.Join(t.TempDir(), "server.log")
	if FileSize(path) != 0 {
		t.Error("size of a missing file is not 0")
	}
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	off := FileSize(path)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("1\n2\n3\n")
	f.Close()
	if got := LogTail(path, off, 2); got != "2\n3" {
		t.Errorf("LogTail = %q, want %q", got, "2\n3")
	}
	if got := LogTail(path, 0, 10); got != "old\n1\n2\n3" {
		t.Errorf("LogTail from 0 = %q", got)
	}
}

// TestProcField reads this test's own /proc files.
func TestProcField(t *testing.T) {
	if rss, err := RSSBytes(os.Getpid()); err != nil || rss <= 0 || rss%1024 != 0 {
		t.Errorf("RSSBytes = %d, %v", rss, err)
	}
	if _, err := os.Stat("/proc/self/io"); err == nil {
		if _, err := WriteBytes(os.Getpid()); err != nil {
			t.Errorf("WriteBytes: %v", err)
		}
	}
	for _, c := range []struct {
		pid        int
		file, name string
	}{{os.Getpid(), "status", "NoSuchField"}, {0, "status", "VmRSS"}, {-1, "io", "write_bytes"}} {
		if n, err := ProcField(c.pid, c.file, c.name); err == nil {
			t.Errorf("ProcField(%d, %s, %s) = %d, want an error", c.pid, c.file, c.name, n)
		}
	}
}

func TestFreePorts(t *testing.T) {
	ports, err := FreePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Errorf("ports %v: bad or repeated %d", ports, p)
		}
		seen[p] = true
	}
}

func TestExternalMissing(t *testing.T) {
	m := ExternalMissing(map[string]string{"events": "x", "memory": "own"})
	if m["events"] != "x" || m["memory"] != "own" || !strings.HasPrefix(m["recovery"], ExternalReason) {
		t.Errorf("ExternalMissing = %v", m)
	}
	if ExternalMissing(nil)["events"] != "" {
		t.Error("maps are shared between calls")
	}
}
