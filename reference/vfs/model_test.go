package vfs

import (
	"maps"
	"slices"
	"time"
)

// The model is CrashFS's semantics written the naive way: whole byte slices
// copied at every sync instead of shared pages and dirty marks, writeback
// run eagerly after every clock step instead of lazily before every change.
// The property tests check that CrashFS agrees with it.

// mFile is a file: what the OS holds, what is durable, and since when the
// two differ (zero: they agree).
type mFile struct {
	cur, dur []byte
	since    time.Time
}

func (f *mFile) touch(now time.Time) {
	if f.since.IsZero() {
		f.since = now
	}
}

func (f *mFile) write(data []byte, off int64, now time.Time) {
	if len(data) == 0 {
		return
	}
	if end := off + int64(len(data)); end > int64(len(f.cur)) {
		f.cur = append(f.cur, make([]byte, end-int64(len(f.cur)))...)
	}
	copy(f.cur[off:], data)
	f.touch(now)
}

func (f *mFile) truncate(n int64, now time.Time) {
	if n == int64(len(f.cur)) {
		return
	}
	grown := make([]byte, n)
	copy(grown, f.cur)
	f.cur = grown
	f.touch(now)
}

func (f *mFile) sync() {
	f.dur = slices.Clone(f.cur)
	f.since = time.Time{}
}

func (f *mFile) cut(keepAll bool) {
	if keepAll {
		f.sync()
	}
	f.cur = slices.Clone(f.dur)
	f.since = time.Time{}
}

// mDir is a directory's file entries, as the OS holds them and as they are
// durable.
type mDir struct {
	cur, dur map[string]*mFile
	since    time.Time
}

func newMDir() *mDir { return &mDir{cur: map[string]*mFile{}, dur: map[string]*mFile{}} }

func (d *mDir) set(name string, f *mFile, now time.Time) {
	if f == nil {
		delete(d.cur, name)
	} else {
		d.cur[name] = f
	}
	if d.since.IsZero() {
		d.since = now
	}
}

func (d *mDir) sync() {
	d.dur = maps.Clone(d.cur)
	d.since = time.Time{}
}

// model is a CrashFS of directories (durable from creation) holding files.
type model struct {
	writeback time.Duration
	keepAll   bool
	dirs      map[string]*mDir
	files     []*mFile // every file that may still be reached
}

func newModel(writeback time.Duration, keepAll bool, dirs ...string) *model {
	m := &model{writeback: writeback, keepAll: keepAll, dirs: map[string]*mDir{}}
	for _, d := range dirs {
		m.dirs[d] = newMDir()
	}
	return m
}

// expire runs writeback as of now: whatever has been dirty since the
// cut-off or before is synced.
func (m *model) expire(now time.Time) {
	if m.writeback < 0 {
		return
	}
	cutoff := now.Add(-m.writeback)
	due := func(since time.Time) bool { return !since.IsZero() && !since.After(cutoff) }
	for _, d := range m.dirs {
		if due(d.since) {
			d.sync()
		}
	}
	for _, f := range m.files {
		if due(f.since) {
			f.sync()
		}
	}
}

func (m *model) cut(now time.Time) {
	m.expire(now)
	seen := map[*mFile]bool{}
	for _, d := range m.dirs {
		if m.keepAll {
			d.sync()
		}
		for _, f := range d.dur {
			if !seen[f] {
				seen[f] = true
				f.cut(m.keepAll)
			}
		}
		d.cur = maps.Clone(d.dur)
		d.since = time.Time{}
	}
	m.files = slices.Collect(maps.Keys(seen))
}
