package reference

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persistbench/persistbench/reference/aof"
	"github.com/persistbench/persistbench/reference/rdb"
	"github.com/persistbench/persistbench/reference/vfs"
)

// Persistence says how a Store persists, in Redis's terms: save points for
// RDB snapshots, an append-only file with an fsync policy and automatic
// rewrites, or both (Redis's dual persistence: recovery then prefers the
// AOF, as Redis does).
type Persistence struct {
	Save           []rdb.SavePoint
	RDBCompression bool
	AOF            bool
	Fsync          string // aof.FsyncAlways, FsyncEverysec, FsyncNo
	Preamble       bool   // rewritten AOF bases are RDB (aof-use-rdb-preamble yes)
	// Rewrite when the AOF grew by RewritePercent over its size after the
	// last rewrite and is at least RewriteMinBytes; 0 percent never.
	RewritePercent  int
	RewriteMinBytes int64
	// OnEvent receives snapshot, rewrite and fsync-slow events.
	OnEvent func(kind string, at time.Time, d time.Duration, detail string)
	// Clock drives the AOF's time decisions (the everysec fsync, the 2 s
	// postponement, fsync latencies); nil is time.Now. Crash tests share a
	// fake clock between it and a vfs.CrashFS so that "acknowledged within
	// the last 2 s" and the modelled writeback are measured on one clock.
	Clock func() time.Time
}

// DumpName is the RDB file name (Redis's dbfilename default).
const DumpName = "dump.rdb"

// cronEvery is how often the store checks its save points and rewrite rule:
// Redis's serverCron runs at hz 10.
const cronEvery = 100 * time.Millisecond

// bgsaveRetry is how long a failed snapshot waits before the save points
// may fire again (Redis's CONFIG_BGSAVE_RETRY_DELAY).
const bgsaveRetry = 5 * time.Second

// Store is the engine with its persistence: it recovers at Open, writes
// the AOF as every write's Persister, and snapshots and rewrites in the
// background while clients go on.
type Store struct {
	*DB
	fs  vfs.FS
	dir string
	p   Persistence
	aof *aof.AOF
	per *lazyPersister

	recovery RecoveryStats

	childBusy atomic.Bool // one snapshot or rewrite at a time, as Redis's one child
	quit      chan struct{}
	done      chan struct{}
	children  sync.WaitGroup
	abandoned atomic.Bool

	mu             sync.Mutex
	lastSave       time.Time
	lastSaveFailed bool
	writesAtSave   int64
	st             PersistStats
}

// RecoveryStats describe what Open loaded.
type RecoveryStats struct {
	Source         string // "aof", "rdb" or "" (nothing to load)
	Records        int64
	Bytes          int64
	TruncatedBytes int64
	Duration       time.Duration
}

// PersistStats count the snapshots and rewrites a Store made.
type PersistStats struct {
	Snapshots, SnapshotsFailed int64
	SnapshotBytes              int64 // bytes of RDB files written
	LastSnapshot               time.Duration
	Rewrites                   int64
}

// lazyPersister lets the AOF be opened after the data it replays is loaded.
type lazyPersister struct{ a *aof.AOF }

func (l *lazyPersister) Append(epoch uint64, del bool, key, value []byte) (uint64, error) {
	if l.a == nil {
		return 0, nil
	}
	return l.a.Append(epoch, del, key, value)
}

func (l *lazyPersister) Wait(t uint64) error {
	if l.a == nil {
		return nil
	}
	return l.a.Wait(t)
}

// OpenStore opens (and recovers) the engine in dir with persistence p.
func OpenStore(dir string, opts Options, p Persistence) (*Store, error) {
	if opts.FS == nil {
		opts.FS = vfs.Default
	}
	if p.OnEvent == nil {
		p.OnEvent = func(string, time.Time, time.Duration, string) {}
	}
	s := &Store{fs: opts.FS, dir: dir, p: p, per: &lazyPersister{}, quit: make(chan struct{}), done: make(chan struct{})}
	if p.AOF {
		opts.Persister = s.per
	}
	if s.Persistent() {
		// Without it a snapshot-only store would open fine and then fail
		// every BGSave (the AOF creates its directory itself).
		if err := opts.FS.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("reference: open store in %s: %w", dir, err)
		}
	}
	db, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	s.DB = db
	if err := s.recover(); err != nil {
		db.Close()
		return nil, err
	}
	s.lastSave = time.Now()
	s.writesAtSave = s.writes()
	go s.cron()
	return s, nil
}

func decodeRDB(r io.Reader, apply func(key, value []byte) error) error {
	_, err := rdb.Decode(r, func(k, v []byte, _ int64) error { return apply(k, v) })
	return err
}

// recover loads the AOF when one is configured (Redis prefers it), else
// dump.rdb, and opens the AOF for appending.
func (s *Store) recover() error {
	start := time.Now()
	defer func() { s.recovery.Duration = time.Since(start) }()
	if s.p.AOF {
		a, ls, err := aof.LoadAndOpen(s.aofOptions(), decodeRDB, func(del bool, k, v []byte) error {
			if del {
				_, err := s.DB.Delete(k)
				return err
			}
			s.DB.Restore(k, v)
			return nil
		})
		if err != nil {
			return fmt.Errorf("reference: recover: %w", err)
		}
		s.aof, s.per.a = a, a
		if ls.Files > 0 {
			s.recovery = RecoveryStats{Source: "aof", Records: ls.Records, Bytes: ls.Bytes, TruncatedBytes: ls.TruncatedBytes}
		}
		return nil
	}
	path := filepath.Join(s.dir, DumpName)
	fi, err := s.fs.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no snapshot yet: an empty store
	}
	if err != nil {
		// Starting empty here would let the next save overwrite the
		// snapshot we could not read.
		return fmt.Errorf("reference: recover: %w", err)
	}
	info, err := rdb.Load(s.fs, path, func(k, v []byte, _ int64) error { s.DB.Restore(k, v); return nil })
	if err != nil {
		return fmt.Errorf("reference: recover: %w", err)
	}
	s.recovery = RecoveryStats{Source: "rdb", Records: info.Keys, Bytes: fi.Size()}
	return nil
}

func (s *Store) aofOptions() aof.Options {
	return aof.Options{FS: s.fs, Dir: s.dir, Fsync: s.p.Fsync, RDBBase: s.p.Preamble, OnEvent: s.p.OnEvent, Clock: s.p.Clock}
}

// Recovery says what Open loaded.
func (s *Store) Recovery() RecoveryStats { return s.recovery }

// AOFStats are the append-only file's counters (zero without an AOF).
func (s *Store) AOFStats() aof.Stats {
	if s.aof == nil {
		return aof.Stats{}
	}
	return s.aof.Stats()
}

// PersistStats are the snapshot and rewrite counters.
func (s *Store) PersistStats() PersistStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

func (s *Store) writes() int64 {
	st := s.DB.Stats()
	return st.Sets + st.Deletes
}

// Close stops the background work, waits for a running snapshot or
// rewrite, and closes the AOF (flushing it per its policy).
func (s *Store) Close() error {
	s.stopCron()
	s.children.Wait()
	var err error
	if s.aof != nil {
		err = s.aof.Close()
	}
	if cerr := s.DB.Close(); err == nil {
		err = cerr
	}
	return err
}

// Abandon is the store's side of a crash: background work stops without
// flushing anything. The caller has already killed the file system under
// it, so whatever the AOF or a snapshot still tries to write fails.
func (s *Store) Abandon() {
	s.abandoned.Store(true)
	s.stopCron()
	s.children.Wait()
	if s.aof != nil {
		_ = s.aof.Close() // its writes fail on the killed file system
	}
	_ = s.DB.Close()
}

func (s *Store) stopCron() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	<-s.done
}

// Persistent reports whether the store writes anything to disk.
func (s *Store) Persistent() bool { return len(s.p.Save) > 0 || s.p.AOF }
