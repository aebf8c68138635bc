// Package redistest starts real Redis processes for tests: it finds the
// Redis binaries (skipping a test when they are absent unless
// PERSISTBENCH_REQUIRE_REDIS=1), runs redis-server on a free loopback port
// in a directory the test owns, speaks enough RESP2 to drive it, and runs
// redis-check-aof and redis-check-rdb on files a test wrote.
//
// It is a test-support package: it imports only the standard library and
// testing, and no production code may import it. A server it starts is
// stopped by its pid in t.Cleanup, never by name.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RequireEnv is the environment variable that turns a missing Redis
// binary from a skip into a failure (CI sets it to 1).
const RequireEnv = "PERSISTBENCH_REQUIRE_REDIS"

// Tool returns the path of the Redis binary name (redis-server,
// redis-check-aof, redis-check-rdb). Absent, it skips the test, or fails
// it when PERSISTBENCH_REQUIRE_REDIS=1.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("%s not found and %s=1: %v", name, RequireEnv, err)
		}
		t.Skipf("%s not found (install redis-server, or set %s=1 to make this a failure): %v", name, RequireEnv, err)
	}
	return p
}

// FreePort returns a loopback TCP port that was free a moment ago.
// Another process may take it before the caller binds it.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// CheckAOF runs redis-check-aof on an AOF manifest (or single file). It
// returns an error holding the tool's output unless the tool exits 0 and
// reports the file valid.
func CheckAOF(t testing.TB, path string) error {
	t.Helper()
	return check(Tool(t, "redis-check-aof"), path, "is valid")
}

// CheckRDB runs redis-check-rdb on an RDB file. It returns an error
// holding the tool's output unless the tool exits 0 and reports the file
// OK.
func CheckRDB(t testing.TB, path string) error {
	t.Helper()
	return check(Tool(t, "redis-check-rdb"), path, "RDB looks OK")
}

func check(bin, path, ok string) error {
	out, err := exec.Command(bin, path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ok) {
		return fmt.Errorf("redistest: %s %s: exit %v, no %q in output:\n%s", bin, path, err, ok, out)
	}
	return nil
}
