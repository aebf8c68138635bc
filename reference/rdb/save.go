package rdb

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// SaveStats describes a finished Save.
type SaveStats struct {
	Bytes    int64         // size of the new file
	Keys     int64         // keys written
	Duration time.Duration // from creating the temp file to the directory sync
}

// tempPrefix starts the name of a snapshot being written, as Redis's
// temp-<pid>.rdb; IsTemp recognises leftovers of a crash.
const tempPrefix = "temp-"

// IsTemp reports whether name (a base name) is a temp file of Save, which a
// crash mid-save can leave behind and which is safe to remove at startup.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, tempPrefix) && strings.HasSuffix(name, ".rdb")
}

// Save writes a snapshot atomically, as Redis's rdbSave: write calls the
// encoder's SelectDB and Set methods into dir/temp-<id>.rdb, then the file
// is closed with EOF and checksum, fsynced, renamed over dir/name and the
// directory is fsynced. On any error before the rename the temp file is
// removed and dir/name is untouched. If only the final directory sync
// fails the new file is in place but not known to be durable, and the error
// says so.
func Save(fs vfs.FS, dir, name string, opts Options, write func(*Encoder) error) (SaveStats, error) {
	start := time.Now()
	dst := filepath.Join(dir, name)
	// <pid>-<random>: unique even with two saves in flight in one process.
	tmp := filepath.Join(dir, fmt.Sprintf("%s%d-%08x.rdb", tempPrefix, os.Getpid(), rand.Uint32()))
	f, err := fs.Create(tmp)
	if err != nil {
		return SaveStats{}, fmt.Errorf("rdb: save %s: create temp file: %w", dst, err)
	}
	abort := func(step string, err error) (SaveStats, error) {
		err = fmt.Errorf("rdb: save %s: %s %s: %w", dst, step, tmp, err)
		if f != nil {
			_ = f.Close()
		}
		if rerr := fs.Remove(tmp); rerr != nil {
			err = errors.Join(err, fmt.Errorf("rdb: save %s: remove temp file: %w", dst, rerr))
		}
		return SaveStats{}, err
	}
	enc, err := NewEncoder(f, opts)
	if err != nil {
		return abort("encode", err)
	}
	if err := write(enc); err != nil {
		return abort("write", err)
	}
	if err := enc.Close(); err != nil {
		return abort("finish", err)
	}
	if err := f.Sync(); err != nil {
		return abort("fsync", err)
	}
	cerr := f.Close()
	f = nil
	if cerr != nil {
		return abort("close", cerr)
	}
	if err := fs.Rename(tmp, dst); err != nil {
		return abort("rename", err)
	}
	serr := fs.SyncDir(dir)
	stats := SaveStats{Bytes: enc.Written(), Keys: enc.Keys(), Duration: time.Since(start)}
	if serr != nil {
		return stats, fmt.Errorf("rdb: save %s: renamed but directory sync failed: %w", dst, serr)
	}
	return stats, nil
}

// Load opens path on fs and decodes it (see Decode); errors name the file.
func Load(fs vfs.FS, path string, fn func(key, value []byte, expireAtMS int64) error) (Info, error) {
	f, err := fs.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("rdb: load %s: %w", path, err)
	}
	defer f.Close()
	return decode(f, path, fn)
}
