package vfs

import (
	"os"
	"strings"
	"sync"
	"time"
)

// Op is a set of file-system operations that a Fault applies to.
type Op uint32

// The operations of FS and File, as Fault selects them.
const (
	OpCreate   Op = 1 << iota // FS.Create
	OpOpen                    // FS.Open, FS.OpenReadWrite
	OpRead                    // File.Read, File.ReadAt
	OpWrite                   // File.Write, File.WriteAt
	OpSync                    // File.Sync
	OpTruncate                // File.Truncate
	OpClose                   // File.Close
	OpSize                    // File.Size
	OpRemove                  // FS.Remove
	OpRename                  // FS.Rename (Path matches either name)
	OpMkdir                   // FS.MkdirAll
	OpList                    // FS.List
	OpStat                    // FS.Stat
	OpSyncDir                 // FS.SyncDir

	OpAll = 1<<iota - 1 // every operation
)

var opNames = [...]string{"create", "open", "read", "write", "sync", "truncate", "close", "size",
	"remove", "rename", "mkdir", "list", "stat", "syncdir"}

// String names the operations in o, joined by "|".
func (o Op) String() string {
	var names []string
	for i, name := range opNames {
		if o&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, "|")
}

// A Fault is injected into the operations it matches: those in Op whose
// path contains Path ("" matches every path).
type Fault struct {
	Op   Op
	Path string
	// Err is returned instead of doing the operation (syscall.ENOSPC,
	// syscall.EIO), wrapped as the os package wraps it (*os.PathError,
	// *os.LinkError for a rename) so that errors.Is finds it. A failed
	// write writes nothing. nil means the operation is done, after Delay.
	Err error
	// Delay is slept before the operation or the error (a slow fsync).
	Delay time.Duration
	// After lets this many matching operations through before the fault
	// fires.
	After int
	// Once retires the fault after it fired once; otherwise it fires on
	// every matching operation after the first After.
	Once bool
}

// armed is an injected fault and its count of matching operations.
type armed struct {
	Fault
	seen    int
	retired bool
}

func (a *armed) matches(op Op, paths []string) bool {
	if a.retired || a.Op&op == 0 {
		return false
	}
	if a.Path == "" {
		return true
	}
	for _, p := range paths {
		if strings.Contains(p, a.Path) {
			return true
		}
	}
	return false
}

// ErrorFS wraps an FS and injects faults into its operations. Faults may be
// injected and cleared at run time, from any goroutine.
type ErrorFS struct {
	fs     FS
	mu     sync.Mutex
	faults []*armed
	fired  int
}

// NewErrorFS returns fs with no fault injected yet.
func NewErrorFS(fs FS) *ErrorFS { return &ErrorFS{fs: fs} }

// Inject adds a fault. Faults are consulted in the order injected; the
// first that returns an error ends the operation, and the delays of all
// faults that fired before it add up.
func (e *ErrorFS) Inject(f Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &armed{Fault: f})
}

// Clear removes every fault.
func (e *ErrorFS) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// Fired returns how many times a fault fired (delayed or failed an
// operation) since NewErrorFS.
func (e *ErrorFS) Fired() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fired
}

// hit counts one operation against the faults, sleeps the delays of those
// that fire and returns the error of the first that has one.
func (e *ErrorFS) hit(op Op, paths ...string) error {
	var delay time.Duration
	var err error
	e.mu.Lock()
	for _, a := range e.faults {
		if !a.matches(op, paths) {
			continue
		}
		a.seen++
		if a.seen <= a.After {
			continue
		}
		e.fired++
		delay += a.Delay
		a.retired = a.Once
		if a.Err != nil {
			err = a.Err
			break
		}
	}
	e.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	return err
}

// pathErr is hit wrapped as the os package wraps the errors of op on path.
func (e *ErrorFS) pathErr(op Op, path string) error {
	if err := e.hit(op, path); err != nil {
		return &os.PathError{Op: op.String(), Path: path, Err: err}
	}
	return nil
}

func (e *ErrorFS) Create(name string) (File, error) {
	if err := e.pathErr(OpCreate, name); err != nil {
		return nil, err
	}
	return e.wrap(e.fs.Create(name))
}

func (e *ErrorFS) Open(name string) (File, error) {
	if err := e.pathErr(OpOpen, name); err != nil {
		return nil, err
	}
	return e.wrap(e.fs.Open(name))
}

func (e *ErrorFS) OpenReadWrite(name string) (File, error) {
	if err := e.pathErr(OpOpen, name); err != nil {
		return nil, err
	}
	return e.wrap(e.fs.OpenReadWrite(name))
}

func (e *ErrorFS) wrap(f File, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return &errorFile{File: f, e: e}, nil
}

func (e *ErrorFS) Remove(name string) error {
	if err := e.pathErr(OpRemove, name); err != nil {
		return err
	}
	return e.fs.Remove(name)
}

func (e *ErrorFS) Rename(oldname, newname string) error {
	if err := e.hit(OpRename, oldname, newname); err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return e.fs.Rename(oldname, newname)
}

func (e *ErrorFS) MkdirAll(dir string, perm os.FileMode) error {
	if err := e.pathErr(OpMkdir, dir); err != nil {
		return err
	}
	return e.fs.MkdirAll(dir, perm)
}

func (e *ErrorFS) List(dir string) ([]string, error) {
	if err := e.pathErr(OpList, dir); err != nil {
		return nil, err
	}
	return e.fs.List(dir)
}

func (e *ErrorFS) Stat(name string) (os.FileInfo, error) {
	if err := e.pathErr(OpStat, name); err != nil {
		return nil, err
	}
	return e.fs.Stat(name)
}

func (e *ErrorFS) SyncDir(dir string) error {
	if err := e.pathErr(OpSyncDir, dir); err != nil {
		return err
	}
	return e.fs.SyncDir(dir)
}

var _ FS = (*ErrorFS)(nil)
