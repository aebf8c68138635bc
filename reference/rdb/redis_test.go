package rdb

import (
	"testing"

	"github.com/persistbench/persistbench/internal/redistest"
)

// startRedis starts redis-server on dir (which may already hold dump.rdb)
// as an RDB-only server (dump.rdb, no AOF), with extra config arguments,
// and waits until it answers PING.
func startRedis(t testing.TB, dir string, extra ...string) *redistest.Server {
	t.Helper()
	args := append([]string{"--dbfilename", "dump.rdb", "--appendonly", "no"}, extra...)
	return redistest.Start(t, dir, args...)
}
