package aof

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/persistbench/persistbench/reference/vfs"
)

// readManifest reads Dir/DirName/<Filename>.manifest. exists is false when
// the directory or the manifest is absent (Redis then starts empty).
func readManifest(o Options) (m Manifest, exists bool, err error) {
	f, err := o.FS.Open(o.path(o.manifestName()))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return m, false, nil
		}
		return m, false, fmt.Errorf("aof: open manifest: %w", err)
	}
	data, err := io.ReadAll(f)
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		return m, true, fmt.Errorf("aof: read manifest %s: %w", o.manifestName(), err)
	}
	m, err = ParseManifest(data)
	if err != nil {
		return m, true, fmt.Errorf("%w (in %s)", err, o.manifestName())
	}
	return m, true, nil
}

// writeManifest replaces the manifest as Redis's writeAofManifestFile does:
// temp file, fsync, rename, fsync of the directory. It first fsyncs the
// directory, which Redis does not: the files the new manifest names
// (a created incr, a renamed base) must be durable before a manifest that
// names them can be, on a file system that does not order directory
// updates as ext4's journal does. renamed tells the caller whether the new
// manifest is visible (a failed directory fsync after the rename leaves it
// visible but perhaps not durable).
func writeManifest(o Options, m Manifest) (n int64, renamed bool, err error) {
	if err := o.FS.SyncDir(o.aofDir()); err != nil {
		return 0, false, fmt.Errorf("aof: write manifest: sync dir %s: %w", o.aofDir(), err)
	}
	tmp := o.path(o.tempManifestName())
	data := m.Encode()
	if err := writeFileSynced(o.FS, tmp, data); err != nil {
		_ = o.FS.Remove(tmp)
		return 0, false, fmt.Errorf("aof: write manifest: %w", err)
	}
	if err := o.FS.Rename(tmp, o.path(o.manifestName())); err != nil {
		_ = o.FS.Remove(tmp)
		return 0, false, fmt.Errorf("aof: write manifest: rename: %w", err)
	}
	if err := o.FS.SyncDir(o.aofDir()); err != nil {
		return int64(len(data)), true, fmt.Errorf("aof: write manifest: sync dir %s: %w", o.aofDir(), err)
	}
	return int64(len(data)), true, nil
}

// writeFileSynced creates name with data and fdatasyncs it.
func writeFileSynced(fsys vfs.FS, name string, data []byte) error {
	f, err := fsys.Create(name)
	if err != nil {
		return err
	}
	if len(data) > 0 {
		if _, err := f.Write(data); err != nil {
			_ = f.Close()
			return err
		}
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// fileSize stats name; the vfs contract gives sizes through Stat.
func fileSize(fsys vfs.FS, name string) (int64, error) {
	fi, err := fsys.Stat(name)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// createLayout builds a fresh AOF directory the way Redis 7.0 does on a
// start with an empty dataset (aofOpenIfNeededOnServerStart): an empty base
// (seq 1; always the RESP kind: an empty RESP file is a valid empty
// dataset, an empty RDB needs an encoder this package does not own), incr
// seq 1, the manifest, then directory fsyncs so the layout survives a
// power cut.
func createLayout(o Options) (Manifest, int64, error) {
	var m Manifest
	base := m.newBase(o.Filename, false)
	if err := writeFileSynced(o.FS, o.path(base.Name), nil); err != nil {
		return m, 0, fmt.Errorf("aof: create base %s: %w", base.Name, err)
	}
	m.Base = &base
	incr := m.newIncr(o.Filename)
	if err := writeFileSynced(o.FS, o.path(incr.Name), nil); err != nil {
		return m, 0, fmt.Errorf("aof: create incr %s: %w", incr.Name, err)
	}
	m.Incrs = []ManifestFile{incr}
	n, _, err := writeManifest(o, m)
	if err != nil {
		return m, n, err
	}
	if err := o.FS.SyncDir(o.Dir); err != nil {
		return m, n, fmt.Errorf("aof: sync dir %s: %w", o.Dir, err)
	}
	return m, n, nil
}

// tidyLayout finishes what a crash interrupted: history files named in the
// manifest are removed (Redis's aofDelHistoryFiles) and the manifest is
// rewritten without them; temp files are removed; an incr is created when
// the manifest lists none. It returns the manifest bytes written.
func tidyLayout(o Options, m *Manifest) (int64, error) {
	var written int64
	dirty := false
	if len(m.History) > 0 {
		for _, h := range m.History {
			if err := o.FS.Remove(o.path(h.Name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return 0, fmt.Errorf("aof: remove history file %s: %w", h.Name, err)
			}
		}
		m.History = nil
		dirty = true
	}
	if names, err := o.FS.List(o.aofDir()); err == nil {
		for _, n := range names {
			if strings.HasPrefix(n, "temp-") && !m.lists(n) {
				_ = o.FS.Remove(o.path(n))
			}
		}
	}
	if len(m.Incrs) == 0 {
		incr := m.newIncr(o.Filename)
		if err := writeFileSynced(o.FS, o.path(incr.Name), nil); err != nil {
			return 0, fmt.Errorf("aof: create incr %s: %w", incr.Name, err)
		}
		m.Incrs = append(m.Incrs, incr)
		dirty = true
	}
	if dirty {
		n, _, err := writeManifest(o, *m)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}
