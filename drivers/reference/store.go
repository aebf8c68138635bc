package reference

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/persistbench/persistbench/drivers"
	engine "github.com/persistbench/persistbench/reference"
	"github.com/persistbench/persistbench/reference/rdb"
	"github.com/persistbench/persistbench/reference/vfs"
)

// store is what the driver runs operations on: the in-memory engine with
// its RDB/AOF persistence, or the hybrid-flash store.
type store interface {
	Get(key, dst []byte) ([]byte, bool, error)
	Set(key, value []byte) error
	Delete(key []byte) (bool, error)
	Len() int64
	// stats adds the store's figures to st.
	stats(st drivers.Stats)
	// recovered describes what opening the store loaded.
	recovered() map[string]string
	Close() error
	// Abandon stops the store without flushing anything: its side of a
	// crash, after the file system under it was killed.
	Abandon()
}

// memStore is the engine with RDB and AOF persistence.
type memStore struct{ *engine.Store }

// batcher is a store that applies a pipeline's writes first and waits for
// their durability once, as a server does for one batch of commands.
type batcher interface {
	SetAsync(key, value []byte) (uint64, error)
	DeleteAsync(key []byte) (bool, uint64, error)
	Wait(ticket uint64) error
}

var _ batcher = memStore{}

func (m memStore) Get(key, dst []byte) ([]byte, bool, error) {
	v, ok := m.Store.Get(key, dst)
	return v, ok, nil
}

func (m memStore) stats(out drivers.Stats) {
	st := m.Store.DB.Stats()
	out[drivers.StatKeys] = float64(st.Keys)
	out[StatLiveBytes] = float64(st.LiveBytes)
	out[StatSlabBytes] = float64(st.SlabBytes)
	out[StatGarbageBytes] = float64(st.Garbage)
	out[StatCompactions] = float64(st.Compactions)
	if st.Snapshots > 0 { // of the latest snapshot, a BGSave's or a rewrite's
		out[drivers.StatCOWPeakBytes] = float64(st.COWPeakBytes)
	}
	ps, as := m.PersistStats(), m.AOFStats()
	// Snapshots are BGSaves (Redis's rdb_saves); the engine's own count
	// also holds the snapshots AOF rewrites take, counted as rewrites.
	out[drivers.StatSnapshots] = float64(ps.Snapshots)
	if m.persistent() {
		out[drivers.StatBytesWritten] = float64(ps.SnapshotBytes + as.BytesWritten)
	}
	if as.Policy != "" { // the AOF's figures; without one they are not measured, not zero
		out[drivers.StatRewrites] = float64(as.Rewrites)
		out[drivers.StatFsyncs] = float64(as.Fsyncs)
		out[drivers.StatDelayedFsyncs] = float64(as.DelayedFsyncs)
	}
}

func (m memStore) persistent() bool { return m.Store.Persistent() }

func (m memStore) recovered() map[string]string {
	r := m.Recovery()
	if r.Source == "" {
		return map[string]string{"source": "nothing to load"}
	}
	return map[string]string{
		"source": r.Source, "records": fmt.Sprint(r.Records), "bytes": fmt.Sprint(r.Bytes),
		"truncated_bytes": fmt.Sprint(r.TruncatedBytes), "load_ms": fmt.Sprintf("%.1f", float64(r.Duration)/1e6),
	}
}

// persistence maps a profile onto the engine's persistence settings.
func persistence(p drivers.Profile, onEvent func(string, time.Time, time.Duration, string)) engine.Persistence {
	out := engine.Persistence{
		RDBCompression: p.RDBCompression, AOF: p.AOF, Fsync: p.Fsync, Preamble: p.Preamble,
		RewritePercent: p.RewritePercent, RewriteMinBytes: p.RewriteMinBytes, OnEvent: onEvent,
	}
	for _, s := range p.Save {
		out.Save = append(out.Save, rdb.SavePoint{Seconds: s.Seconds, Changes: s.Changes})
	}
	return out
}

// openStore opens the store for the driver's profile on fs.
func (d *Driver) openStore(fs vfs.FS) (store, error) {
	if d.profile.Flash != nil {
		return openFlash(fs, d.dir, *d.profile.Flash, d.sizeHint, d.onEvent)
	}
	s, err := engine.OpenStore(d.dir, engine.Options{FS: fs, Shards: d.shards}, persistence(d.profile, d.onEvent))
	if err != nil {
		return nil, err
	}
	return memStore{s}, nil
}

// dataDir is where the engine keeps its files; a memory-only profile
// needs none.
func dataDir(cfg drivers.Config) (string, error) {
	if cfg.DataDir != "" {
		return filepath.Abs(cfg.DataDir)
	}
	if cfg.Profile.Persistent() {
		return "", fmt.Errorf("reference: profile %s persists to disk and needs a data directory", cfg.Profile.Name)
	}
	return "", nil
}
