package vfs

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestErrorFSFaults(t *testing.T) {
	// each call does one operation of a fresh file system holding /d/a,
	// /d/b and the open file /d/a.
	type env struct {
		e *ErrorFS
		f File
	}
	write := func(v env) error { _, err := v.f.Write([]byte("x")); return err }
	tests := []struct {
		name  string
		fault Fault
		calls []func(env) error
		want  []error // per call: nil or the error errors.Is must find
	}{
		{
			name:  "ENOSPC on write",
			fault: Fault{Op: OpWrite, Err: syscall.ENOSPC},
			calls: []func(env) error{write, write},
			want:  []error{syscall.ENOSPC, syscall.ENOSPC},
		},
		{
			name:  "EIO on sync, once",
			fault: Fault{Op: OpSync, Err: syscall.EIO, Once: true},
			calls: []func(env) error{func(v env) error { return v.f.Sync() }, func(v env) error { return v.f.Sync() }},
			want:  []error{syscall.EIO, nil},
		},
		{
			name:  "after two writes",
			fault: Fault{Op: OpWrite, Err: syscall.ENOSPC, After: 2},
			calls: []func(env) error{write, write, write, write},
			want:  []error{nil, nil, syscall.ENOSPC, syscall.ENOSPC},
		},
		{
			name:  "after one, once",
			fault: Fault{Op: OpWrite, Err: syscall.EIO, After: 1, Once: true},
			calls: []func(env) error{write, write, write},
			want:  []error{nil, syscall.EIO, nil},
		},
		{
			name:  "path match",
			fault: Fault{Op: OpCreate, Path: "/d/b", Err: syscall.EACCES},
			calls: []func(env) error{
				func(v env) error { return second(v.e.Create("/d/a")) },
				func(v env) error { return second(v.e.Create("/d/b")) },
			},
			want: []error{nil, syscall.EACCES},
		},
		{
			name:  "rename matches the new name",
			fault: Fault{Op: OpRename, Path: "target", Err: syscall.EIO},
			calls: []func(env) error{
				func(v env) error { return v.e.Rename("/d/b", "/d/c") },
				func(v env) error { return v.e.Rename("/d/c", "/d/target") },
			},
			want: []error{nil, syscall.EIO},
		},
		{
			name:  "several ops in one fault",
			fault: Fault{Op: OpSyncDir | OpRemove, Err: syscall.EIO},
			calls: []func(env) error{
				func(v env) error { return v.e.SyncDir("/d") },
				func(v env) error { return v.e.Remove("/d/b") },
				func(v env) error { return second(v.e.Stat("/d/b")) },
			},
			want: []error{syscall.EIO, syscall.EIO, nil},
		},
		{
			name:  "every op",
			fault: Fault{Op: OpAll, Err: syscall.EIO},
			calls: []func(env) error{
				func(v env) error { return second(v.e.Open("/d/a")) },
				func(v env) error { return second(v.e.OpenReadWrite("/d/a")) },
				func(v env) error { return second(v.f.ReadAt(make([]byte, 1), 0)) },
				func(v env) error { return second(v.f.Read(make([]byte, 1))) },
				func(v env) error { return second(v.f.WriteAt([]byte("x"), 0)) },
				func(v env) error { return v.f.Truncate(0) },
				func(v env) error { return second(v.f.Size()) },
				func(v env) error { return v.e.MkdirAll("/x", 0o755) },
				func(v env) error { return second(v.e.List("/d")) },
				func(v env) error { return v.f.Close() },
			},
			want: []error{syscall.EIO, syscall.EIO, syscall.EIO, syscall.EIO, syscall.EIO,
				syscall.EIO, syscall.EIO, syscall.EIO, syscall.EIO, syscall.EIO},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewErrorFS(NewCrash(CrashOptions{}))
			must(t, e.MkdirAll("/d", 0o755))
			writeFile(t, e, "/d/b", "b", false)
			f, err := e.Create("/d/a")
			must(t, err)
			e.Inject(tc.fault)
			for i, call := range tc.calls {
				err := call(env{e, f})
				if tc.want[i] == nil && err != nil || tc.want[i] != nil && !errors.Is(err, tc.want[i]) {
					t.Errorf("call %d: err = %v, want %v", i, err, tc.want[i])
				}
			}
		})
	}
}

func TestErrorFSFailedWriteWritesNothing(t *testing.T) {
	e := NewErrorFS(NewCrash(CrashOptions{}))
	f, err := e.Create("/a")
	must(t, err)
	e.Inject(Fault{Op: OpWrite, Err: syscall.ENOSPC, Once: true})
	_, err = f.Write([]byte("lost"))
	var pe *os.PathError
	if !errors.As(err, &pe) || pe.Op != "write" || pe.Path != "/a" {
		t.Fatalf("err = %#v, want an *os.PathError for write /a", err)
	}
	_, err = f.Write([]byte("kept"))
	must(t, err)
	if got, _ := content(t, e, "/a"); got != "kept" {
		t.Errorf("/a = %q, want %q", got, "kept")
	}
	if e.Fired() != 1 {
		t.Errorf("Fired = %d, want 1", e.Fired())
	}
}

func TestErrorFSDelay(t *testing.T) {
	const delay = 30 * time.Millisecond
	e := NewErrorFS(NewCrash(CrashOptions{}))
	f, err := e.Create("/a")
	must(t, err)
	e.Inject(Fault{Op: OpSync, Delay: delay, Once: true})
	start := time.Now()
	must(t, f.Sync()) // a slow fsync still succeeds
	// time.Sleep never returns early, so this bound holds on any machine.
	if took := time.Since(start); took < delay {
		t.Errorf("delayed sync took %v, want at least %v", took, delay)
	}
	if e.Fired() != 1 {
		t.Errorf("Fired = %d, want 1", e.Fired())
	}
}

func TestErrorFSClear(t *testing.T) {
	e := NewErrorFS(NewCrash(CrashOptions{}))
	e.Inject(Fault{Op: OpMkdir, Err: syscall.EIO})
	if err := e.MkdirAll("/d", 0o755); !errors.Is(err, syscall.EIO) {
		t.Fatalf("err = %v, want EIO", err)
	}
	e.Clear()
	must(t, e.MkdirAll("/d", 0o755))
}

// TestErrorFSInjectWhileRunning injects and clears faults from one
// goroutine while others write; run it with -race.
func TestErrorFSInjectWhileRunning(t *testing.T) {
	e := NewErrorFS(NewCrash(CrashOptions{}))
	var wg sync.WaitGroup
	var failed [4]int
	for i := range 4 {
		f, err := e.Create("/f" + string(rune('0'+i)))
		must(t, err)
		wg.Go(func() {
			for range 2000 {
				if _, err := f.Write([]byte("x")); err != nil {
					failed[i]++
				}
			}
		})
	}
	for range 200 {
		e.Inject(Fault{Op: OpWrite, Err: syscall.ENOSPC, Once: true})
		e.Clear()
	}
	e.Inject(Fault{Op: OpWrite, Path: "/f0", Err: syscall.ENOSPC})
	wg.Wait()
	total := 0
	for _, n := range failed {
		total += n
	}
	if total != e.Fired() {
		t.Errorf("%d writes failed, Fired = %d", total, e.Fired())
	}
}

func TestOpString(t *testing.T) {
	if got := (OpWrite | OpSync).String(); got != "write|sync" {
		t.Errorf("String = %q", got)
	}
}
