package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/persistbench/persistbench/bench"
)

// nobody is the uid the read-only test takes on when it runs as root, who
// may write into any directory.
const nobody = 65534

// TestWriteFileReadOnlyDir writes into a directory the writer may not
// write to: the write fails, the old file stays as it was and no
// temporary file is left.
func TestWriteFileReadOnlyDir(t *testing.T) {
	dir, err := os.MkdirTemp("", "reports-readonly-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(dir, 0o755)
		os.RemoveAll(dir)
	})
	path := filepath.Join(dir, "results.json")
	old := []byte("{\"schema\": \"persistbench/v1\"}\n")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	// Readable and searchable by everyone, writable by no one but root.
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	err = withoutRoot(t, func() error {
		return WriteFile(path, &bench.Results{Schema: bench.Schema, Tool: bench.Tool{Version: "new"}})
	})
	if err == nil {
		t.Fatal("WriteFile into a read-only directory succeeded")
	}
	t.Logf("WriteFile: %v", err)
	if got, _ := os.ReadFile(path); !bytes.Equal(got, old) {
		t.Errorf("old file changed to %q", got)
	}
	if names := listDir(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want results.json alone", names)
	}
}

// withoutRoot runs f with the effective uid of nobody when the test runs
// as root (root ignores directory permissions), and restores root after.
// The real and saved uids stay 0, which is what allows the way back.
func withoutRoot(t *testing.T, f func() error) error {
	if os.Geteuid() != 0 {
		return f()
	}
	if err := syscall.Setresuid(-1, nobody, -1); err != nil {
		t.Skipf("cannot drop to uid %d to test permissions as root: %v", nobody, err)
	}
	defer func() {
		if err := syscall.Setresuid(-1, 0, -1); err != nil {
			panic("reports test: cannot return to root: " + err.Error())
		}
	}()
	return f()
}
