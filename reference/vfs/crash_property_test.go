package vfs

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// TestCrashMatchesModel runs random sequences of creates, writes (appends
// and writes at any offset), truncates, syncs, renames, removes, directory
// syncs, clock steps, kills and power cuts, and after every step compares
// what CrashFS shows with the model's view. A failure prints the rapid seed
// and a minimal sequence; replay with -rapid.seed.
func TestCrashMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		wb := rapid.SampledFrom([]time.Duration{-1, 30 * time.Second}).Draw(t, "writeback")
		newCrashMachine(t, wb, false).run(t)
	})
}

// TestCrashKeepAllMatchesModel checks the same sequences with KeepUnsynced
// = 1: a power cut then keeps everything the OS held.
func TestCrashKeepAllMatchesModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		newCrashMachine(t, -1, true).run(t)
	})
}

var (
	machineDirs  = []string{"/d1", "/d2"}
	machineNames = []string{"a", "b", "c"}
)

type crashMachine struct {
	fs    *CrashFS
	clk   *fakeClock
	m     *model
	fill  byte // the byte of the next write, so that writes differ
	paths []string
}

func newCrashMachine(t *rapid.T, wb time.Duration, keepAll bool) *crashMachine {
	clk := newFakeClock()
	opts := CrashOptions{Writeback: wb, Clock: clk.Now}
	if keepAll {
		opts.KeepUnsynced = 1
		opts.TearWrites = rapid.Bool().Draw(t, "tear")
		opts.Seed = rapid.Int64().Draw(t, "seed")
	}
	cm := &crashMachine{fs: NewCrash(opts), clk: clk, m: newModel(wb, keepAll, machineDirs...)}
	for _, d := range machineDirs {
		if err := cm.fs.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range machineNames {
			cm.paths = append(cm.paths, d+"/"+n)
		}
	}
	return cm
}

func (cm *crashMachine) run(t *rapid.T) {
	t.Repeat(map[string]func(*rapid.T){
		"create":   cm.create,
		"write":    cm.write,
		"truncate": cm.truncate,
		"sync":     cm.sync,
		"rename":   cm.rename,
		"remove":   cm.remove,
		"syncdir":  cm.syncDir,
		"advance":  cm.advance,
		"cut":      cm.cut,
		"":         cm.check,
	})
}

// split returns the model directory and name of path.
func (cm *crashMachine) split(path string) (*mDir, string) {
	i := strings.LastIndexByte(path, '/')
	return cm.m.dirs[path[:i]], path[i+1:]
}

// existing draws the path of a file that exists, or skips the step.
func (cm *crashMachine) existing(t *rapid.T) (string, *mFile) {
	var live []string
	for _, p := range cm.paths {
		if d, name := cm.split(p); d.cur[name] != nil {
			live = append(live, p)
		}
	}
	if len(live) == 0 {
		t.Skip("no file exists")
	}
	p := rapid.SampledFrom(live).Draw(t, "path")
	d, name := cm.split(p)
	return p, d.cur[name]
}

func (cm *crashMachine) create(t *rapid.T) {
	p := rapid.SampledFrom(cm.paths).Draw(t, "path")
	f, err := cm.fs.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, name := cm.split(p)
	if mf := d.cur[name]; mf != nil {
		mf.truncate(0, cm.clk.Now())
		return
	}
	mf := &mFile{}
	cm.m.files = append(cm.m.files, mf)
	d.set(name, mf, cm.clk.Now())
}

func (cm *crashMachine) open(t *rapid.T, p string) File {
	f, err := cm.fs.OpenReadWrite(p)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (cm *crashMachine) write(t *rapid.T) {
	p, mf := cm.existing(t)
	size := int64(len(mf.cur))
	off := size
	if !rapid.Bool().Draw(t, "append") {
		off = rapid.Int64Range(0, size+2*PageSize).Draw(t, "off")
	}
	n := rapid.IntRange(0, 3*PageSize).Draw(t, "n")
	cm.fill = cm.fill%250 + 1
	data := bytes.Repeat([]byte{cm.fill}, n)
	f := cm.open(t, p)
	defer f.Close()
	if _, err := f.WriteAt(data, off); err != nil {
		t.Fatal(err)
	}
	mf.write(data, off, cm.clk.Now())
}

func (cm *crashMachine) truncate(t *rapid.T) {
	p, mf := cm.existing(t)
	n := rapid.Int64Range(0, int64(len(mf.cur))+2*PageSize).Draw(t, "size")
	f := cm.open(t, p)
	defer f.Close()
	if err := f.Truncate(n); err != nil {
		t.Fatal(err)
	}
	mf.truncate(n, cm.clk.Now())
}

func (cm *crashMachine) sync(t *rapid.T) {
	p, mf := cm.existing(t)
	f := cm.open(t, p)
	defer f.Close()
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	mf.sync()
}

func (cm *crashMachine) rename(t *rapid.T) {
	from, mf := cm.existing(t)
	to := rapid.SampledFrom(cm.paths).Draw(t, "to")
	if err := cm.fs.Rename(from, to); err != nil {
		t.Fatal(err)
	}
	fd, fname := cm.split(from)
	td, tname := cm.split(to)
	if td.cur[tname] == mf {
		return
	}
	now := cm.clk.Now()
	fd.set(fname, nil, now)
	td.set(tname, mf, now)
}

func (cm *crashMachine) remove(t *rapid.T) {
	p, _ := cm.existing(t)
	if err := cm.fs.Remove(p); err != nil {
		t.Fatal(err)
	}
	d, name := cm.split(p)
	d.set(name, nil, cm.clk.Now())
}

func (cm *crashMachine) syncDir(t *rapid.T) {
	d := rapid.SampledFrom(machineDirs).Draw(t, "dir")
	if err := cm.fs.SyncDir(d); err != nil {
		t.Fatal(err)
	}
	cm.m.dirs[d].sync()
}

func (cm *crashMachine) advance(t *rapid.T) {
	dt := rapid.SampledFrom([]time.Duration{time.Second, 10 * time.Second, 29 * time.Second,
		30 * time.Second, 31 * time.Second, 2 * time.Minute}).Draw(t, "dt")
	cm.clk.Advance(dt)
	cm.m.expire(cm.clk.Now())
}

// cut kills or cuts the power, and checks that a handle opened before
// fails afterwards.
func (cm *crashMachine) cut(t *rapid.T) {
	var old File
	if p, _ := cm.anyExisting(); p != "" {
		old = cm.open(t, p)
	}
	if rapid.Bool().Draw(t, "kill") {
		cm.fs.Kill()
	} else {
		cm.fs.PowerCut()
		cm.m.cut(cm.clk.Now())
	}
	if old != nil {
		if _, err := old.Write([]byte("x")); !errors.Is(err, ErrKilled) {
			t.Fatalf("write through a handle from before the crash: err = %v, want ErrKilled", err)
		}
	}
}

func (cm *crashMachine) anyExisting() (string, *mFile) {
	for _, p := range cm.paths {
		if d, name := cm.split(p); d.cur[name] != nil {
			return p, d.cur[name]
		}
	}
	return "", nil
}

// check compares every directory listing and file content with the model.
func (cm *crashMachine) check(t *rapid.T) {
	for _, dname := range machineDirs {
		d := cm.m.dirs[dname]
		got, err := cm.fs.List(dname)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]string, 0, len(d.cur))
		for name := range d.cur {
			want = append(want, name)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("List(%s) = %v, want %v", dname, got, want)
		}
		for _, name := range want {
			got, _ := content(t, cm.fs, dname+"/"+name)
			if w := d.cur[name].cur; got != string(w) {
				t.Fatalf("%s/%s: %d bytes, want %d; first difference at %d",
					dname, name, len(got), len(w), firstDiff([]byte(got), w))
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
