package vfs

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// PageSize is the unit in which CrashFS tracks dirty data: the page of the
// Linux page cache and the block of ext4 on x86-64. Torn writes tear at its
// multiples.
const PageSize = 4096

// DefaultWriteback is how old dirty data must be before the kernel writes it
// back on its own: vm.dirty_expire_centisecs = 3000 on Linux.
const DefaultWriteback = 30 * time.Second

// ErrKilled is what every operation on a File opened before Kill or PowerCut
// returns: the process that held it is dead, and nothing it does lands.
var ErrKilled = errors.New("vfs: file handle of a killed process")

// CrashOptions configure a CrashFS.
type CrashOptions struct {
	// Seed drives every random choice of a power cut (KeepUnsynced,
	// TearWrites), so that a failing crash test replays. 0 is a seed like
	// any other.
	Seed int64
	// Writeback: a file (or directory) dirty for longer than this is
	// considered written back by the kernel, whole, as it was when the
	// interval ran out (see CrashFS). 0 means DefaultWriteback; negative
	// means never.
	Writeback time.Duration
	// KeepUnsynced in [0,1]: at a power cut, each unsynced 4 KiB page (and
	// each file's unsynced size change, and each unsynced directory entry)
	// independently survives with this probability (0 = drop all unsynced
	// data, 1 = keep all). Values outside [0,1] are clamped.
	KeepUnsynced float64
	// TearWrites: the last unsynced write of a file may be torn at a 4 KiB
	// boundary: a random whole-page prefix of it (possibly none, possibly
	// all) survives the cut.
	TearWrites bool
	// Clock is read for every write, truncate and namespace change, and at
	// a power cut; writeback ages dirty files by it. nil = time.Now; tests
	// pass a fake clock, which must be safe for concurrent use.
	Clock func() time.Time
}

// CrashFS is an in-memory FS that simulates process death (Kill) and power
// loss (PowerCut). It is safe for concurrent use: many goroutines may write
// different files at once, and a file may be read (ReadAt) while its one
// writer writes.
//
// # Model
//
// Three layers, as on Linux with ext4 (data=ordered):
//
//   - the process: its own buffers (bufio, group-commit queues). CrashFS
//     never sees them; a write reaches CrashFS when it reaches the OS.
//   - the OS: what Write, WriteAt, Truncate, Create, Rename and Remove did.
//     Open, Read, List and Stat show this layer until a cut.
//   - the disk: what is durable. File.Sync (fdatasync) makes the file's
//     data and size durable, not its name; SyncDir makes the creates,
//     renames and removes of one directory durable. A rename touches two
//     directories and is durable in each only after SyncDir of that one
//     (stricter than ext4, whose journal commits both halves together).
//
// Kill ends the process: its handles fail with ErrKilled from then on, and
// the OS layer is kept whole. PowerCut is Kill followed by the loss of the
// OS layer: every file and every directory entry reverts to its durable
// state. A file created and synced whose directory was never synced is gone;
// a removed file whose directory was never synced is back.
//
// Writeback. The kernel writes dirty data back on its own: an inode
// remembers when it went from clean to dirty (inode->dirtied_when), and once
// that is older than vm.dirty_expire_centisecs (30 s) the flusher writes
// the whole inode back; the next change dirties it anew. CrashFS does the
// same for each file and each directory: one that has been dirty for
// longer than Writeback counts as synced at the moment the interval ran
// out, with what the OS held then. So a file appended to without pause
// loses between 0 and Writeback of its tail, as on a real machine (where
// the flusher also wakes only every 5 s, dirty_writeback_centisecs). The
// kernel's unit is the inode, not the page: a per-page clock would let a
// cut mix a file's pages and size from different moments, a state the
// file never had. Directories age by the same interval although ext4
// commits namespace changes with its journal every 5 s: one interval
// keeps the model simple, errs towards losing more, and engines that care
// sync their directories.
//
// What a cut loses is tracked per 4 KiB page: a write in the middle of a
// file (a flash device) reverts that page alone. With KeepUnsynced, each
// dirty page, a file's pending size change and each dirty directory entry
// survive on their own; as in ext4's data=ordered mode, a surviving page
// extends the durable size to its end (never past the OS's size), so a
// file does not come back longer than its data unless its size change
// survived too.
//
// Directories are durable as soon as MkdirAll creates them, and a removal
// of an empty directory is durable at once (a simplification: engines
// create their directories once at start). Creating a directory also makes
// a pending removal of a file of the same name durable. Directories cannot
// be renamed.
//
// Paths: filepath.Clean'd; "/a/b" and "a/b" name the same file; the root
// always exists.
type CrashFS struct {
	mu   sync.RWMutex // the namespace; held before any inode's mutex
	root *dir
	gen  atomic.Uint64 // bumped by Kill and PowerCut; handles of older gens are dead

	opts      CrashOptions
	writeback time.Duration
	clock     func() time.Time
	rng       *rand.Rand // under mu (write)

	stats   counters
	lastCut CutStats // under mu
}

// counters are the cumulative figures of Stats, updated without the
// namespace lock.
type counters struct {
	bytesWritten, writes, syncs, dirSyncs atomic.Int64
	kills, powerCuts                      atomic.Int64
	pagesWrittenBack, truncates           atomic.Int64
}

// CrashStats are cumulative counters of a CrashFS and the figures of its
// last power cut.
type CrashStats struct {
	BytesWritten     int64 // bytes given to Write and WriteAt
	Writes           int64 // Write and WriteAt calls that succeeded
	Syncs            int64 // File.Sync calls
	DirSyncs         int64 // SyncDir calls
	Truncates        int64 // Truncate calls and Creates that truncated a file
	DirtyPages       int64 // pages of the files in the namespace that are not durable, now
	PagesWrittenBack int64 // pages made durable by modelled writeback
	Kills            int64
	PowerCuts        int64
	LastCut          CutStats
}

// CutStats describe what one power cut dropped and kept.
type CutStats struct {
	At             time.Time // the clock at the cut; zero if there was none
	PagesDropped   int64     // unsynced pages lost
	BytesDropped   int64     // bytes of those pages below the OS's file size
	PagesKept      int64     // unsynced pages that survived (KeepUnsynced, TearWrites)
	TornWrites     int64     // writes of which only a page prefix survived
	EntriesDropped int64     // unsynced directory entries (creates, renames, removes) lost
	EntriesKept    int64     // unsynced directory entries that survived by KeepUnsynced
}

// NewCrash returns an empty crash-simulating file system.
func NewCrash(opts CrashOptions) *CrashFS {
	fs := &CrashFS{root: newDir(), opts: opts, writeback: opts.Writeback, clock: opts.Clock}
	if fs.writeback == 0 {
		fs.writeback = DefaultWriteback
	}
	if fs.clock == nil {
		fs.clock = time.Now
	}
	fs.opts.KeepUnsynced = min(max(opts.KeepUnsynced, 0), 1)
	fs.rng = rand.New(rand.NewPCG(uint64(opts.Seed), 0x9e3779b97f4a7c15))
	return fs
}

// Kill simulates the death of the process: every File opened before fails
// from now on with ErrKilled, so writes and syncs of a zombie engine never
// land; what the OS holds survives. The FS itself stays usable: a restarted
// engine opens new files. Callers must stop the dead engine's goroutines
// from calling the FS's own methods (Create, Rename, ...), which cannot tell
// a zombie from the new process.
func (fs *CrashFS) Kill() {
	fs.gen.Add(1)
	fs.stats.kills.Add(1)
}

// PowerCut simulates a power loss: Kill, then every file and directory
// entry reverts to its durable state, modulo Writeback, KeepUnsynced and
// TearWrites.
func (fs *CrashFS) PowerCut() {
	now := fs.clock()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.gen.Add(1)
	fs.stats.powerCuts.Add(1)
	c := &cut{fs: fs, now: now, stats: CutStats{At: now}}
	c.run()
	fs.lastCut = c.stats
}

// Stats returns the counters and the figures of the last power cut.
func (fs *CrashFS) Stats() CrashStats {
	fs.mu.RLock()
	last := fs.lastCut
	dirty := fs.root.dirtyPages(map[*inode]bool{})
	fs.mu.RUnlock()
	s := &fs.stats
	return CrashStats{
		BytesWritten:     s.bytesWritten.Load(),
		Writes:           s.writes.Load(),
		Syncs:            s.syncs.Load(),
		DirSyncs:         s.dirSyncs.Load(),
		Truncates:        s.truncates.Load(),
		DirtyPages:       dirty,
		PagesWrittenBack: s.pagesWrittenBack.Load(),
		Kills:            s.kills.Load(),
		PowerCuts:        s.powerCuts.Load(),
		LastCut:          last,
	}
}

// keep reports whether one unsynced item survives a cut. Under fs.mu.
func (fs *CrashFS) keep() bool {
	switch p := fs.opts.KeepUnsynced; {
	case p <= 0:
		return false
	case p >= 1:
		return true
	default:
		return fs.rng.Float64() < p
	}
}

var _ FS = (*CrashFS)(nil)
