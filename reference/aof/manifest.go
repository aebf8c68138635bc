package aof

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FileType is the type letter of a manifest line.
type FileType byte

// The manifest file types of Redis 7.0 (AOF_FILE_TYPE_*).
const (
	TypeBase    FileType = 'b'
	TypeHistory FileType = 'h'
	TypeIncr    FileType = 'i'
)

// ManifestFile is one line of the manifest.
type ManifestFile struct {
	Name string
	Seq  int64
	Type FileType
}

// Manifest is the parsed manifest: at most one base, history files (left
// over from a rewrite, to be removed) and incr files in sequence order.
type Manifest struct {
	Base    *ManifestFile
	History []ManifestFile
	Incrs   []ManifestFile
}

// ErrBadManifest is wrapped by every manifest parse error.
var ErrBadManifest = errors.New("invalid AOF manifest")

// maxManifestLine is Redis's MANIFEST_MAX_LINE.
const maxManifestLine = 1024

// ParseManifest parses a manifest with the rules of Redis 7.0's
// aofLoadManifestFromFile: every line ends in '\n' and is at most 1024
// bytes, '#' lines are comments, a line is key/value pairs with at least
// file, seq and type (unknown keys are ignored for forward compatibility),
// names are bare file names, one base at most, incr seqs strictly
// increasing, an empty manifest is an error.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if len(data) == 0 {
		return m, fmt.Errorf("aof: parse manifest: empty manifest: %w", ErrBadManifest)
	}
	var maxIncr int64
	for lineno := 1; len(data) > 0; lineno++ {
		nl := bytes.IndexByte(data, '\n')
		var line []byte
		if nl < 0 {
			line, data = data, nil
		} else {
			line, data = data[:nl], data[nl+1:]
		}
		if len(line) > 0 && line[0] == '#' {
			continue
		}
		bad := func(reason string) (Manifest, error) {
			return Manifest{}, fmt.Errorf("aof: parse manifest line %d: %s: %w", lineno, reason, ErrBadManifest)
		}
		if nl < 0 || len(line) >= maxManifestLine {
			return bad("line too long or not terminated")
		}
		f, err := parseManifestLine(line)
		if err != nil {
			return bad(err.Error())
		}
		switch f.Type {
		case TypeBase:
			if m.Base != nil {
				return bad("duplicate base file")
			}
			m.Base = &f
		case TypeHistory:
			m.History = append(m.History, f)
		case TypeIncr:
			if f.Seq <= maxIncr {
				return bad("non-monotonic incr sequence number")
			}
			maxIncr = f.Seq
			m.Incrs = append(m.Incrs, f)
		default:
			return bad(fmt.Sprintf("unknown file type %q", byte(f.Type)))
		}
	}
	return m, nil
}

func parseManifestLine(line []byte) (ManifestFile, error) {
	var f ManifestFile
	trimmed := strings.Trim(string(line), " \t\r\n")
	if trimmed == "" {
		return f, errors.New("empty line")
	}
	args, err := splitArgs(trimmed)
	if err != nil {
		return f, err
	}
	if len(args) < 6 || len(args)%2 != 0 {
		return f, errors.New("want key/value pairs file, seq and type")
	}
	var haveName bool
	for i := 0; i < len(args); i += 2 {
		k, v := args[i], args[i+1]
		switch strings.ToLower(k) {
		case "file":
			if v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/\\\x00") {
				return f, fmt.Errorf("file %q is not a bare file name", v)
			}
			f.Name, haveName = v, true
		case "seq":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return f, fmt.Errorf("bad seq %q", v)
			}
			f.Seq = n
		case "type":
			if v == "" {
				return f, errors.New("empty type")
			}
			f.Type = FileType(v[0]) // Redis reads only the first letter
		}
	}
	if !haveName || f.Seq == 0 || f.Type == 0 {
		return f, errors.New("missing file, seq or type")
	}
	return f, nil
}

// Encode renders the manifest as Redis's getAofManifestAsString does: base,
// then history, then incrs, one "file NAME seq N type T\n" line each.
func (m Manifest) Encode() []byte {
	var b []byte
	line := func(f ManifestFile) {
		b = append(b, "file "...)
		b = append(b, quoteName(f.Name)...)
		b = append(b, " seq "...)
		b = strconv.AppendInt(b, f.Seq, 10)
		b = append(b, " type "...)
		b = append(b, byte(f.Type), '\n')
	}
	if m.Base != nil {
		line(*m.Base)
	}
	for _, f := range m.History {
		line(f)
	}
	for _, f := range m.Incrs {
		line(f)
	}
	return b
}

// clone deep-copies m so a candidate can be edited and persisted before it
// replaces the live one (Redis's aofManifestDup).
func (m Manifest) clone() Manifest {
	var c Manifest
	if m.Base != nil {
		b := *m.Base
		c.Base = &b
	}
	c.History = append([]ManifestFile(nil), m.History...)
	c.Incrs = append([]ManifestFile(nil), m.Incrs...)
	return c
}

// lists reports whether name is on any line of m.
func (m Manifest) lists(name string) bool {
	if m.Base != nil && m.Base.Name == name {
		return true
	}
	for _, f := range append(append([]ManifestFile(nil), m.History...), m.Incrs...) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// newIncr names the next incr file: appendonly.aof.<seq>.incr.aof with seq
// one past the last incr (Redis's getNewIncrAofName).
func (m Manifest) newIncr(prefix string) ManifestFile {
	var seq int64
	if n := len(m.Incrs); n > 0 {
		seq = m.Incrs[n-1].Seq
	}
	for {
		seq++
		name := fmt.Sprintf("%s.%d.incr.aof", prefix, seq)
		if !m.lists(name) {
			return ManifestFile{Name: name, Seq: seq, Type: TypeIncr}
		}
	}
}

// newBase names the next base file (Redis's
// getNewBaseFileNameAndMarkPreAsHistory, without the marking).
func (m Manifest) newBase(prefix string, rdb bool) ManifestFile {
	var seq int64
	if m.Base != nil {
		seq = m.Base.Seq
	}
	ext := "aof"
	if rdb {
		ext = "rdb"
	}
	for {
		seq++
		name := fmt.Sprintf("%s.%d.base.%s", prefix, seq, ext)
		if !m.lists(name) {
			return ManifestFile{Name: name, Seq: seq, Type: TypeBase}
		}
	}
}
