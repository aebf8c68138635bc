package redis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/redistest"
)

// redisServer returns the path of redis-server, skipping the test when
// there is none, unless PERSISTBENCH_REQUIRE_REDIS=1 (CI) demands it.
func redisServer(t testing.TB) string {
	t.Helper()
	return redistest.Tool(t, "redis-server")
}

// openTest opens the redis backend for profile p on a fresh data
// directory and closes it when the test ends.
func openTest(t testing.TB, p drivers.Profile, opts map[string]string) *managed {
	t.Helper()
	redisServer(t)
	d, err := Open(context.Background(), drivers.Config{Profile: p, DataDir: t.TempDir(), Conns: 4, Options: opts})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := d.(*managed)
	if !ok {
		t.Fatalf("Open returned %T, want a managed server", d)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return m
}

// externalServer starts a redis-server the driver does not manage (as a
// user's own server would be): on a free loopback port, in a temporary
// directory, without an AOF, stopped by its pid when the test ends. args
// are extra command-line directives. It returns the server's address.
func externalServer(t testing.TB, args ...string) string {
	t.Helper()
	return redistest.Start(t, t.TempDir(), append([]string{"--appendonly", "no"}, args...)...).Addr
}

// processesUsing lists the pids of live processes one of whose arguments
// contains s (the data directory of a test): an orphaned redis-server of
// that test would show up here.
func processesUsing(t testing.TB, s string) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(b), s) {
			continue
		}
		if st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && strings.Contains(string(st), ") Z ") {
			continue // a zombie is gone, only not yet reaped
		}
		pids = append(pids, pid)
	}
	return pids
}

// alive reports whether pid still exists (and is not a zombie).
func alive(pid int) bool {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	return err == nil && !strings.Contains(string(st), ") Z ")
}
