package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "out.txt")
	Check(t, path, []byte("v1"), true) // creates the directory and the file
	if b, _ := os.ReadFile(path); string(b) != "v1" {
		t.Fatalf("golden file holds %q", b)
	}
	Check(t, path, []byte("v1"), false)
	r := &recorder{TB: t}
	Check(r, path, []byte("v2"), false)
	if !r.failed {
		t.Fatal("a difference was not reported")
	}
}
