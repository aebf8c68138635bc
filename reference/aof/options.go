package aof

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// Fsync policies (Redis's appendfsync).
const (
	FsyncAlways   = "always"
	FsyncEverysec = "everysec"
	FsyncNo       = "no"
)

// Event kinds passed to Options.OnEvent.
const (
	EventFsyncSlow = "fsync-slow"
	EventRewrite   = "rewrite"
)

// DefaultSlowFsync is the fsync duration above which an "fsync-slow" event
// is reported. Redis's latency monitor has no default threshold and etcd
// warns at 1 s; a healthy disk here fdatasyncs a 4 KiB append in ~0.2-0.3 ms
// (p99), so 50 ms is a stall a user would notice, not noise.
const DefaultSlowFsync = 50 * time.Millisecond

// Options configures an AOF. Zero fields take the defaults named below.
type Options struct {
	FS        vfs.FS        // file system; default vfs.Default
	Dir       string        // the data directory; the AOF lives in Dir/DirName
	DirName   string        // default "appendonlydir" (Redis's appenddirname)
	Filename  string        // default "appendonly.aof" (Redis's appendfilename)
	Fsync     string        // "always" | "everysec" | "no"; default everysec (Redis's default)
	RDBBase   bool          // rewritten bases are RDB (aof-use-rdb-preamble yes); the caller's writeBase writes RDB bytes
	SlowFsync time.Duration // fsyncs slower than this are reported as events; default DefaultSlowFsync
	// OnEvent reports "fsync-slow" (at = fsync start, d = its duration,
	// detail = file name) and "rewrite" (at = BeginRewrite, d = until
	// FinishRewrite completed, detail = the new base). It runs on the
	// goroutine that did the work, an acknowledging one included: keep it
	// quick.
	OnEvent func(kind string, at time.Time, d time.Duration, detail string)
	Clock   func() time.Time // default time.Now; every time decision (everysec, 2 s postponement, latencies) reads it
	// FixTail makes Load also cut the last file at its first corrupt record
	// (not only at a torn one), as `redis-check-aof --fix` would, and report
	// the cut in LoadStats.TruncatedBytes. Off by default, as in Redis: a
	// power cut that keeps unsynced pages out of order leaves a hole of
	// zeros before the end, which Redis refuses to load.
	FixTail bool
}

func (o Options) withDefaults() (Options, error) {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.DirName == "" {
		o.DirName = "appendonlydir"
	}
	if o.Filename == "" {
		o.Filename = "appendonly.aof"
	}
	if o.Fsync == "" {
		o.Fsync = FsyncEverysec
	}
	switch o.Fsync {
	case FsyncAlways, FsyncEverysec, FsyncNo:
	default:
		return o, fmt.Errorf("aof: options: fsync policy %q: want always, everysec or no", o.Fsync)
	}
	if o.SlowFsync <= 0 {
		o.SlowFsync = DefaultSlowFsync
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.OnEvent == nil {
		o.OnEvent = func(string, time.Time, time.Duration, string) {}
	}
	return o, nil
}

func (o Options) aofDir() string { return filepath.Join(o.Dir, o.DirName) }

func (o Options) path(name string) string { return filepath.Join(o.aofDir(), name) }

func (o Options) manifestName() string { return o.Filename + ".manifest" }

func (o Options) tempManifestName() string { return "temp-" + o.Filename + ".manifest" }
