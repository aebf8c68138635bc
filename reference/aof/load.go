package aof

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"
)

// LoadStats describes one Load.
type LoadStats struct {
	Files          int   // base and incr files replayed
	Records        int64 // apply calls (RDB keys, SETs, DEL keys)
	Bytes          int64 // bytes of the files replayed
	TruncatedBytes int64 // bytes cut from the torn tail of the last file
	TruncatedFile  string
	Duration       time.Duration
}

// Load replays the AOF: manifest, then the base (RDB through decodeRDB when
// it starts with "REDIS", RESP otherwise), then the incrs in order; apply
// receives every record in order. A missing directory or manifest is an
// empty AOF. A last file that ends inside a record, or whose batch fails
// its "#PB:" checksum (see the package doc), is cut back to its last
// complete command before it, on disk too, and the cut reported (Redis's
// aof-load-truncated yes); a torn record or batch in any other file, bad RESP, or a
// command other than SELECT 0/SET/DEL/UNLINK/MULTI/EXEC is an error naming
// the file and offset (*CorruptError, or ErrUnsupported). With
// Options.FixTail, corruption in the last file is cut like a torn tail.
// History files are not replayed.
func Load(opts Options, decodeRDB func(r io.Reader, apply func(key, value []byte) error) error, apply func(del bool, key, value []byte) error) (LoadStats, error) {
	var ls LoadStats
	o, err := opts.withDefaults()
	if err != nil {
		return ls, err
	}
	start := o.Clock()
	defer func() { ls.Duration = o.Clock().Sub(start) }()
	m, exists, err := readManifest(o)
	if err != nil || !exists {
		return ls, err
	}
	var files []ManifestFile
	if m.Base != nil {
		files = append(files, *m.Base)
	}
	files = append(files, m.Incrs...)
	for i, f := range files {
		if err := loadFile(o, f.Name, i == len(files)-1, decodeRDB, apply, &ls); err != nil {
			return ls, err
		}
	}
	return ls, nil
}

// LoadAndOpen runs Load, then Open, and records the cut tail in Stats: the
// order Redis follows at start (loadAppendOnlyFiles, then
// aofOpenIfNeededOnServerStart).
func LoadAndOpen(opts Options, decodeRDB func(r io.Reader, apply func(key, value []byte) error) error, apply func(del bool, key, value []byte) error) (*AOF, LoadStats, error) {
	ls, err := Load(opts, decodeRDB, apply)
	if err != nil {
		return nil, ls, err
	}
	a, err := Open(opts)
	if err != nil {
		return nil, ls, err
	}
	a.mu.Lock()
	a.st.LoadTruncatedBytes = ls.TruncatedBytes
	a.mu.Unlock()
	return a, ls, nil
}

func loadFile(o Options, name string, last bool, decodeRDB func(io.Reader, func(k, v []byte) error) error, apply func(bool, []byte, []byte) error, ls *LoadStats) error {
	f, err := o.FS.Open(o.path(name))
	if err != nil {
		return fmt.Errorf("aof: load: open %s: %w", name, err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return fmt.Errorf("aof: load: size of %s: %w", name, err)
	}
	ls.Files++
	ls.Bytes += size
	if size == 0 {
		return nil
	}
	br := bufio.NewReaderSize(f, replayBufSz)
	if magic, _ := br.Peek(5); string(magic) == "REDIS" {
		return loadRDB(name, br, decodeRDB, apply, ls)
	}
	p := &replayer{name: name, r: br, ra: f, size: size, apply: apply}
	err = p.run()
	ls.Records += p.records
	var ce *CorruptError
	if err == nil || !errors.As(err, &ce) || !(ce.torn || (last && o.FixTail)) {
		return err
	}
	if !last {
		ce.Reason += " (a torn record in a file that is not the last one)"
		return ce
	}
	if err := truncateFile(o, name, p.valid); err != nil {
		return err
	}
	ls.TruncatedBytes = size - p.valid
	ls.TruncatedFile = name
	return nil
}

func loadRDB(name string, r io.Reader, decodeRDB func(io.Reader, func(k, v []byte) error) error, apply func(bool, []byte, []byte) error, ls *LoadStats) error {
	if decodeRDB == nil {
		return fmt.Errorf("aof: load RDB base %s: no RDB decoder given", name)
	}
	err := decodeRDB(r, func(k, v []byte) error {
		ls.Records++
		return apply(false, k, v)
	})
	if err != nil {
		return fmt.Errorf("aof: load RDB base %s: %w", name, err)
	}
	return nil
}

// truncateFile cuts name to size and makes the cut durable, as Redis
// truncates the AOF at the last valid command before appending to it.
func truncateFile(o Options, name string, size int64) error {
	f, err := o.FS.OpenReadWrite(o.path(name))
	if err != nil {
		return fmt.Errorf("aof: load: truncate %s: %w", name, err)
	}
	err = f.Truncate(size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("aof: load: truncate %s at offset %d: %w", name, size, err)
	}
	return nil
}
