package vfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestMirrorPowerCut: the disk ends up with exactly what was durable.
func TestMirrorPowerCut(t *testing.T) {
	root := t.TempDir()
	m, err := NewMirror(root, CrashOptions{Writeback: -1})
	if err != nil {
		t.Fatal(err)
	}
	synced := filepath.Join(root, "synced")
	f, err := m.Create(synced)
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, "durable ")
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := m.SyncDir(root); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, f, "lost")
	g, err := m.Create(filepath.Join(root, "never-synced"))
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, g, "gone")
	if b, _ := os.ReadFile(synced); string(b) != "durable lost" {
		t.Fatalf("before the cut the disk holds %q", b)
	}
	if err := m.PowerCut(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(synced); string(b) != "durable " {
		t.Fatalf("after the cut the disk holds %q, want the durable prefix", b)
	}
	if _, err := os.Stat(filepath.Join(root, "never-synced")); !os.IsNotExist(err) {
		t.Fatalf("a file whose directory was never synced survived: %v", err)
	}
	if _, err := f.Write([]byte("zombie")); !errors.Is(err, ErrKilled) {
		t.Fatalf("a handle of before the cut wrote: %v", err)
	}
}

// TestMirrorKill: process death keeps what the OS holds.
func TestMirrorKill(t *testing.T) {
	root := t.TempDir()
	m, err := NewMirror(root, CrashOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "f")
	f, _ := m.Create(p)
	mustWrite(t, f, "kept by the OS")
	m.Kill()
	if _, err := f.Write([]byte("x")); !errors.Is(err, ErrKilled) {
		t.Fatalf("write after kill: %v", err)
	}
	g, err := m.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := g.ReadAt(buf, 0)
	if string(buf[:n]) != "kept by the OS" {
		t.Fatalf("after kill: %q", buf[:n])
	}
}

func mustWrite(t *testing.T, f File, s string) {
	t.Helper()
	if _, err := f.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
}
