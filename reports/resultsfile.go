package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/persistbench/persistbench/bench"
)

// SchemaError is returned (wrapped) by ReadFile for a results file whose
// schema is not bench.Schema.
type SchemaError struct {
	Path   string // the file as named by the caller
	Schema string // the schema the file declares; empty when it declares none
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("%s: schema %q is not %s", e.Path, e.Schema, bench.Schema)
}

// ReadFile reads a results file. Errors name the file; JSON errors carry
// path:line:column; a schema other than bench.Schema is a *SchemaError.
// Fields the schema does not know are ignored, so that a newer v1 writer
// that adds a field stays readable.
func ReadFile(path string) (*bench.Results, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reports: read results: %w", err)
	}
	r, err := decode(path, data)
	if err != nil {
		return nil, fmt.Errorf("reports: %w", err)
	}
	return r, nil
}

// decode parses a results file's content; name is only used in errors.
// The schema is checked before the body is decoded, so that a file of
// another schema is refused as such rather than for a field whose type
// changed.
func decode(name string, data []byte) (*bench.Results, error) {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, jsonError(name, data, err)
	}
	if head.Schema != bench.Schema {
		return nil, &SchemaError{Path: name, Schema: head.Schema}
	}
	var r bench.Results
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, jsonError(name, data, err)
	}
	return &r, nil
}

// jsonError places a decoding error at its line and column in data.
func jsonError(name string, data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := position(data, syntax.Offset)
		return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// position turns the offset encoding/json reports (the count of bytes read
// up to and including the offending one) into the 1-based line and column
// (in bytes) of that byte: the bad character of a syntax error, the last
// byte of a value of the wrong type, the last byte of truncated input.
func position(data []byte, offset int64) (line, col int) {
	offset--
	if offset > int64(len(data))-1 {
		offset = int64(len(data)) - 1
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// encode writes r as the results file's content. An empty schema is filled
// in; any other foreign schema is refused, since ReadFile would refuse the
// file it produced.
func encode(r *bench.Results) ([]byte, error) {
	if r == nil {
		return nil, errors.New("no results")
	}
	out := *r
	if out.Schema == "" {
		out.Schema = bench.Schema
	}
	if out.Schema != bench.Schema {
		return nil, fmt.Errorf("schema %q is not %s", out.Schema, bench.Schema)
	}
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// WriteFile writes r to path atomically: a temporary file in the same
// directory is written, fsynced and renamed over path, then the directory
// is fsynced so the rename itself survives a crash. On failure the old
// file, if any, is left as it was and the temporary file is removed.
func WriteFile(path string, r *bench.Results) error {
	data, err := encode(r)
	if err != nil {
		return fmt.Errorf("reports: encode %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if err := writeTemp(dir, base, path, data); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("reports: write %s: %w", path, err)
	}
	return nil
}

// writeTemp writes data to a temporary file beside path and renames it
// over path once it is durable.
func writeTemp(dir, base, path string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; results are meant to be shared.
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// syncDir fsyncs a directory so that a rename in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return fmt.Errorf("fsync directory %s: %w", dir, err)
	}
	return d.Close()
}
