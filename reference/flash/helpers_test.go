package flash

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/persistbench/persistbench/reference/vfs"
)

// small is a device of 32 blocks of 16 KiB: records of a few hundred bytes
// fill blocks quickly, so tests see seals, flushes and defrags.
func small(fs vfs.FS) Options {
	return Options{FS: fs, Dir: "/db", DeviceBytes: 32 * 16 << 10, WriteBlock: 16 << 10,
		FlushMax: 5 * time.Millisecond, DefragSleep: time.Microsecond}
}

func mustOpen(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := Open(o)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func mustSet(t testing.TB, s *Store, k, v string) {
	t.Helper()
	if err := s.Set([]byte(k), []byte(v)); err != nil {
		t.Fatalf("Set(%q): %v", k, err)
	}
}

// wantGet checks key's value; want "" with ok=false means absent.
func wantGet(t testing.TB, s *Store, k, want string, wantOK bool) {
	t.Helper()
	got, ok, err := s.Get([]byte(k), nil)
	if err != nil {
		t.Fatalf("Get(%q): %v", k, err)
	}
	if ok != wantOK || string(got) != want {
		t.Fatalf("Get(%q) = %q, %v; want %q, %v", k, got, ok, want, wantOK)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// value makes a self-describing value: key, version, and filler of a size
// drawn from the version, so a served value can be checked against the
// version it claims.
func value(key string, version int, size int) []byte {
	b := []byte(fmt.Sprintf("%s|%d|", key, version))
	for len(b) < size {
		b = append(b, byte('a'+(len(b)+version)%26))
	}
	return b
}

// parseValue returns the version a value claims and checks its bytes.
func parseValue(key string, v []byte) (int, error) {
	var version int
	if _, err := fmt.Sscanf(string(v), key+"|%d|", &version); err != nil {
		return 0, fmt.Errorf("value %.40q of %s: %w", v, key, err)
	}
	if want := value(key, version, len(v)); string(want) != string(v) {
		return 0, errors.New("value bytes do not match its version")
	}
	return version, nil
}
