package vfs

import (
	"errors"
	"path/filepath"
	"testing"
)

// TestFenceKill: after Kill every operation of the process fails — on
// files it had open and on the namespace — while a new fence over the same
// file system works and sees what the dead process wrote.
func TestFenceKill(t *testing.T) {
	base := NewCrash(CrashOptions{})
	if err := base.MkdirAll("/d", 0o755); err != nil {
		t.Fatal(err)
	}
	p := NewFence(base)
	f, err := p.Create("/d/a")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("before")); err != nil {
		t.Fatal(err)
	}
	p.Kill()
	for name, err := range map[string]error{
		"write":   func() error { _, err := f.Write([]byte("x")); return err }(),
		"sync":    f.Sync(),
		"create":  func() error { _, err := p.Create("/d/b"); return err }(),
		"rename":  p.Rename("/d/a", "/d/c"),
		"remove":  p.Remove("/d/a"),
		"syncdir": p.SyncDir("/d"),
	} {
		if !errors.Is(err, ErrKilled) {
			t.Errorf("%s after Kill: %v, want ErrKilled", name, err)
		}
	}
	next := NewFence(base)
	g, err := next.Open(filepath.Join("/d", "a"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, _ := g.ReadAt(buf, 0)
	if string(buf[:n]) != "before" {
		t.Fatalf("the next process reads %q", buf[:n])
	}
}
