package reports

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

func readFixture(t testing.TB, name string) *bench.Results {
	t.Helper()
	r, err := ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReadFileFixture(t *testing.T) {
	r := readFixture(t, "matrix.json")
	if len(r.Cells) != 7 || r.Host.Cores != 2 {
		t.Fatalf("matrix.json: %d cells on %d cores, want 7 on 2", len(r.Cells), r.Host.Cores)
	}
	c := r.Cells[3]
	if c.Backend != "redis" || c.Pauses == nil || c.Pauses.ForkMaxUS == nil || *c.Pauses.ForkMaxUS != 21877 {
		t.Errorf("cell 3 = %s with pauses %+v, want redis with fork_max_us 21877", c.Backend, c.Pauses)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		content string // written to dir/results.json; "" leaves no file
		want    string // a part of the error text
		is      error
	}{
		{name: "missing file", want: "results.json: no such file", is: fs.ErrNotExist},
		{name: "empty", content: " ", want: "results.json:1:1: unexpected end of JSON input"},
		{
			name:    "syntax error at line and column",
			content: "{\n  \"schema\": \"persistbench/v1\",\n  \"results\": [,]\n}\n",
			want:    "results.json:3:15: invalid character ','",
		},
		{
			name:    "truncated",
			content: "{\n  \"schema\": \"persistbench/v1\",\n  \"results\": [\n",
			want:    "results.json:3:15: unexpected end of JSON input",
		},
		{
			name:    "wrong type names the field",
			content: "{\n  \"schema\": \"persistbench/v1\",\n  \"results\": [{\"throughput_ops\": \"fast\"}]\n}\n",
			want:    "results.json:3:39: json: cannot unmarshal string into Go struct field Cell.results.throughput_ops",
		},
		{
			name:    "other schema",
			content: `{"schema": "x", "results": [{"throughput_ops": "a v2 type"}]}`,
			want:    `results.json: schema "x" is not persistbench/v1`,
		},
		{name: "no schema", content: `{"results": []}`, want: `results.json: schema "" is not persistbench/v1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "results.json")
			os.Remove(path)
			if tc.content != "" {
				if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, err := ReadFile(path)
			if err == nil {
				t.Fatalf("ReadFile succeeded with %d cells, want an error containing %q", len(r.Cells), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "reports: ") {
				t.Errorf("error %q, want reports: ...%s...", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
		})
	}
}

func TestReadFileSchemaErrorType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.json")
	if err := os.WriteFile(path, []byte(`{"schema": "persistbench/v2"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	var se *SchemaError
	if !errors.As(err, &se) || se.Schema != "persistbench/v2" || se.Path != path {
		t.Errorf("error %v: want a *SchemaError for persistbench/v2 at %s", err, path)
	}
}

// listDir returns the names in dir, to catch temporary files left behind.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileRoundTrip(t *testing.T) {
	want := readFixture(t, "matrix.json")
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	if err := WriteFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := encode(want)
	gotJSON, _ := encode(got)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Errorf("read back differs from what was written:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(onDisk, []byte("{\n  \"schema\": \"persistbench/v1\",")) || !bytes.HasSuffix(onDisk, []byte("}\n")) {
		t.Errorf("file is not indented JSON ending in a newline: %.60q…", onDisk)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v (%v), want 0644", info.Mode(), err)
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want results.json alone", names)
	}
}

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.json")
	first := &bench.Results{Schema: bench.Schema, Tool: bench.Tool{Version: "first"}}
	second := &bench.Results{Tool: bench.Tool{Version: "second"}} // schema filled in
	for _, r := range []*bench.Results{first, second} {
		if err := WriteFile(path, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tool.Version != "second" || second.Schema != "" {
		t.Errorf("read version %q (schema of the argument now %q), want second and the argument untouched", got.Tool.Version, second.Schema)
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want results.json alone", names)
	}
}

// TestWriteFileFailureKeepsOld checks that a write that fails leaves the
// old file as it was and no temporary file behind.
func TestWriteFileFailureKeepsOld(t *testing.T) {
	old := []byte("{\"schema\": \"persistbench/v1\", \"tool\": {\"version\": \"old\"}}\n")
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		r    *bench.Results
		// block makes the rename fail by putting a non-empty directory
		// where the file goes.
		block bool
		want  string
	}{
		{name: "unencodable", r: &bench.Results{Host: bench.Host{JitterMaxUS: &nan}}, want: "unsupported value: NaN"},
		{name: "foreign schema", r: &bench.Results{Schema: "persistbench/v0"}, want: `schema "persistbench/v0" is not`},
		{name: "nil", want: "no results"},
		{name: "rename fails", r: &bench.Results{}, block: true, want: "rename"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "results.json")
			if tc.block {
				if err := os.MkdirAll(filepath.Join(path, "keep"), 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, old, 0o644); err != nil {
				t.Fatal(err)
			}
			err := WriteFile(path, tc.r)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("WriteFile error %v, want one naming %s and containing %q", err, path, tc.want)
			}
			if names := listDir(t, dir); len(names) != 1 || names[0] != "results.json" {
				t.Errorf("directory holds %q after a failed write, want results.json alone", names)
			}
			if !tc.block {
				if got, _ := os.ReadFile(path); !bytes.Equal(got, old) {
					t.Errorf("old file changed to %q", got)
				}
			}
		})
	}
}
