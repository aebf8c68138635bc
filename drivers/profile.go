package drivers

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// SavePoint is one Redis `save <seconds> <changes>` rule: snapshot when at
// least Changes writes happened in the last Seconds.
type SavePoint struct {
	Seconds int `yaml:"seconds" json:"seconds"`
	Changes int `yaml:"changes" json:"changes"`
}

// Fsync policies of an append-only file.
const (
	FsyncAlways   = "always"
	FsyncEverysec = "everysec"
	FsyncNo       = "no"
)

// Flash holds the hybrid-memory parameters (Aerospike's names).
type Flash struct {
	DeviceBytes    int64         `yaml:"device-bytes" json:"device_bytes"`
	WriteBlock     int64         `yaml:"write-block-size" json:"write_block_size"`
	FlushMax       time.Duration `yaml:"flush-max" json:"flush_max_ms"`
	DefragLWMPct   int           `yaml:"defrag-lwm-pct" json:"defrag_lwm_pct"`
	PostWriteCache int64         `yaml:"post-write-cache" json:"post_write_cache"`
	CommitToDevice bool          `yaml:"commit-to-device" json:"commit_to_device"`
	DurableDelete  bool          `yaml:"durable-delete" json:"durable_delete"`
}

// Profile is a persistence configuration in the vocabulary every backend
// shares (DESIGN.md, "Profiles"). A profile may combine save points and an
// AOF (Redis's dual persistence); Flash excludes both.
type Profile struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description,omitempty"`
	// Expect says what loss the profile is expected to show on a crash.
	Expect string `yaml:"expect" json:"expect,omitempty"`

	// Save points; empty means no snapshots (Redis `save ""`).
	Save []SavePoint `yaml:"save" json:"save,omitempty"`

	// AOF enables the append-only file with the Fsync policy.
	AOF   bool   `yaml:"aof" json:"aof,omitempty"`
	Fsync string `yaml:"fsync" json:"fsync,omitempty"`
	// Preamble writes rewritten AOF bases as RDB (aof-use-rdb-preamble).
	Preamble bool `yaml:"preamble" json:"preamble,omitempty"`
	// Rewrite when the AOF grew by RewritePercent since the last rewrite and
	// is at least RewriteMinBytes (auto-aof-rewrite-percentage / -min-size).
	RewritePercent  int   `yaml:"rewrite-percent" json:"rewrite_percent,omitempty"`
	RewriteMinBytes int64 `yaml:"rewrite-min-bytes" json:"rewrite_min_bytes,omitempty"`
	// RDBCompression compresses long strings with LZF (rdbcompression).
	RDBCompression bool `yaml:"rdbcompression" json:"rdbcompression,omitempty"`

	Flash *Flash `yaml:"flash" json:"flash,omitempty"`
}

// Persistent reports whether the profile writes anything to disk.
func (p Profile) Persistent() bool { return len(p.Save) > 0 || p.AOF || p.Flash != nil }

// Validate checks the profile's parameters.
func (p Profile) Validate() error {
	if p.Name == "" {
		return fmt.Errorf("profile: name is empty")
	}
	for i, s := range p.Save {
		if s.Seconds <= 0 || s.Changes <= 0 {
			return fmt.Errorf("profile %s: save[%d]: seconds and changes must be > 0", p.Name, i)
		}
	}
	if p.AOF {
		switch p.Fsync {
		case FsyncAlways, FsyncEverysec, FsyncNo:
		default:
			return fmt.Errorf("profile %s: fsync %q: want always, everysec or no", p.Name, p.Fsync)
		}
		if p.RewritePercent < 0 || p.RewriteMinBytes < 0 {
			return fmt.Errorf("profile %s: rewrite-percent and rewrite-min-bytes must be >= 0", p.Name)
		}
	}
	if p.Flash != nil {
		if p.AOF || len(p.Save) > 0 {
			return fmt.Errorf("profile %s: flash cannot be combined with save points or an AOF", p.Name)
		}
		f := p.Flash
		if f.WriteBlock <= 0 || f.DeviceBytes < 4*f.WriteBlock {
			return fmt.Errorf("profile %s: flash: device-bytes must hold at least 4 write blocks", p.Name)
		}
		if f.DefragLWMPct <= 0 || f.DefragLWMPct >= 100 {
			return fmt.Errorf("profile %s: flash: defrag-lwm-pct must be in 1..99", p.Name)
		}
		if f.FlushMax <= 0 {
			return fmt.Errorf("profile %s: flash: flush-max must be > 0", p.Name)
		}
	}
	return nil
}

// Defaults sized so that snapshots, rewrites and defrags happen during a
// default run (a few seconds of writes on a laptop-sized dataset), unlike
// Redis's own defaults (save 3600 1 300 100 60 10000; rewrite at 64 MB).
var (
	// DefaultSave snapshots every second under a write-heavy load and every
	// 5 s under a light one.
	DefaultSave = []SavePoint{{Seconds: 5, Changes: 1}, {Seconds: 1, Changes: 10000}}
	// RedisDefaultSave is Redis 7's built-in save points, for reference.
	RedisDefaultSave = []SavePoint{{3600, 1}, {300, 100}, {60, 10000}}
)

const (
	// DefaultRewritePercent is Redis's auto-aof-rewrite-percentage.
	DefaultRewritePercent = 100
	// DefaultRewriteMinBytes is scaled down from Redis's 64 MB so that a
	// default run rewrites.
	DefaultRewriteMinBytes = 16 << 20
)

// DefaultFlash is the hybrid-memory default: small write blocks so that
// several fill and defrag runs in a default run (Aerospike uses 8 MiB).
func DefaultFlash() *Flash {
	return &Flash{
		DeviceBytes:    1 << 30,
		WriteBlock:     1 << 20,
		FlushMax:       time.Second, // Aerospike's flush-max-ms 1000
		DefragLWMPct:   50,          // Aerospike's defrag-lwm-pct 50
		PostWriteCache: 64 << 20,
	}
}

// everysecLoss is what appendfsync everysec may lose. Redis replies before
// it writes the AOF buffer while a background fsync is still running (and
// holds the buffer up to 2 s: aof.c, flushAppendOnlyFile), so even a kill
// can lose the writes of that window.
const everysecLoss = "up to ~2 s of acknowledged writes on power loss; on kill only the writes held back while a slow fsync was pending"

func aofProfile(name, fsync, desc, expect string) Profile {
	return Profile{Name: name, Description: desc, Expect: expect, AOF: true, Fsync: fsync,
		RewritePercent: DefaultRewritePercent, RewriteMinBytes: DefaultRewriteMinBytes}
}

// BuiltinProfiles returns the built-in profiles in their canonical order.
func BuiltinProfiles() []Profile {
	commit := DefaultFlash()
	commit.CommitToDevice = true
	preamble := aofProfile("aof-preamble", FsyncEverysec,
		"AOF whose rewritten base is an RDB snapshot (aof-use-rdb-preamble yes), fsync every second",
		everysecLoss)
	preamble.Preamble = true
	return []Profile{
		{Name: "none", Description: "memory only, no persistence",
			Expect: "everything on any crash"},
		{Name: "rdb", Description: "point-in-time snapshots at save points", Save: DefaultSave, RDBCompression: true,
			Expect: "every write since the last completed snapshot"},
		aofProfile("aof-always", FsyncAlways, "append-only file, fsync before acknowledging (group commit)",
			"nothing"),
		aofProfile("aof-everysec", FsyncEverysec, "append-only file, background fsync every second", everysecLoss),
		aofProfile("aof-no", FsyncNo, "append-only file, never fsync: the OS writes back when it likes",
			"writes the OS had not written back (~30 s) on power loss; none on kill"),
		preamble,
		{Name: "flash", Description: "DRAM index, records in write blocks on a device, flushed when full or after flush-max",
			Flash: DefaultFlash(), Expect: "the unflushed write buffer (up to flush-max) on any crash; non-durable deletes may come back"},
		{Name: "flash-commit", Description: "as flash, each write on the device before it is acknowledged (commit-to-device)",
			Flash: commit, Expect: "nothing; non-durable deletes may come back"},
	}
}

// LookupProfile returns the named built-in profile.
func LookupProfile(name string) (Profile, error) {
	for _, p := range BuiltinProfiles() {
		if p.Name == name {
			return p, nil
		}
	}
	return Profile{}, fmt.Errorf("unknown profile %q (known: %s)", name, strings.Join(ProfileNames(), ", "))
}

// ProfileNames lists the built-in profile names in canonical order.
func ProfileNames() []string {
	var out []string
	for _, p := range BuiltinProfiles() {
		out = append(out, p.Name)
	}
	return out
}

// SortProfiles orders names canonically (built-ins first, then by name).
func SortProfiles(names []string) {
	rank := map[string]int{}
	for i, n := range ProfileNames() {
		rank[n] = i + 1
	}
	sort.SliceStable(names, func(i, j int) bool {
		ri, rj := rank[names[i]], rank[names[j]]
		if ri == 0 {
			ri = 1 << 30
		}
		if rj == 0 {
			rj = 1 << 30
		}
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
}
