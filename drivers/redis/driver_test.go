package redis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

func key(i int) []byte { return []byte(fmt.Sprintf("pb:%012d", i)) }

func value(i, version int) []byte {
	return []byte(fmt.Sprintf("value-%d-v%d-%s", i, version, strings.Repeat("x", 64)))
}

// load writes keys 0..n-1 in pipelined batches.
func load(t *testing.T, d drivers.Pipeliner, n, version int) {
	t.Helper()
	ops := make([]drivers.Op, 0, 100)
	for i := 0; i < n; {
		ops = ops[:0]
		for ; i < n && len(ops) < cap(ops); i++ {
			ops = append(ops, drivers.Op{Kind: drivers.OpSet, Key: key(i), Value: value(i, version)})
		}
		if err := d.Pipeline(context.Background(), ops); err != nil {
			t.Fatal(err)
		}
		for _, op := range ops {
			if op.Err != nil {
				t.Fatal(op.Err)
			}
		}
	}
}

func TestClientOps(t *testing.T) {
	d := openTest(t, builtin(t, "none"), nil)
	ctx := context.Background()
	dst := make([]byte, 0, 256)
	if v, found, err := d.Get(ctx, []byte("absent"), dst); err != nil || found || len(v) != 0 {
		t.Fatalf("absent key: %q %v %v", v, found, err)
	}
	if err := d.Set(ctx, []byte("k"), []byte("hello")); err != nil {
		t.Fatal(err)
	}
	v, found, err := d.Get(ctx, []byte("k"), dst[:3])
	if err != nil || !found || string(v) != "hello" || &v[0] != &dst[:1][0] {
		t.Fatalf("get: %q %v %v (appended into dst: %v)", v, found, err, len(v) > 0 && &v[0] == &dst[:1][0])
	}
	if err := d.Delete(ctx, []byte("k")); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, []byte("k")); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
	// A server error reply fails only its own op.
	if err := d.redis().LPush(ctx, "list", "x").Err(); err != nil {
		t.Fatal(err)
	}
	ops := []drivers.Op{
		{Kind: drivers.OpSet, Key: []byte("a"), Value: []byte("1")},
		{Kind: drivers.OpGet, Key: []byte("list"), Value: []byte("stale")},
		{Kind: drivers.OpGet, Key: []byte("a"), Value: make([]byte, 0, 8)},
		{Kind: drivers.OpGet, Key: []byte("nope"), Value: []byte("stale"), Found: true},
		{Kind: drivers.OpDelete, Key: []byte("a")},
	}
	if err := d.Pipeline(ctx, ops); err != nil {
		t.Fatalf("pipeline failed as a whole: %v", err)
	}
	if ops[0].Err != nil || ops[4].Err != nil {
		t.Fatalf("set/delete: %v %v", ops[0].Err, ops[4].Err)
	}
	if ops[1].Err == nil || !strings.Contains(ops[1].Err.Error(), "WRONGTYPE") {
		t.Fatalf("GET of a list: err %v, want WRONGTYPE", ops[1].Err)
	}
	if !ops[2].Found || string(ops[2].Value) != "1" || ops[2].Err != nil {
		t.Fatalf("get a: %+v", ops[2])
	}
	if ops[3].Found || len(ops[3].Value) != 0 || ops[3].Err != nil {
		t.Fatalf("get of a missing key: %+v", ops[3])
	}
	info := d.Info()
	if info.Backend != "redis" || info.Profile != "none" || !strings.HasPrefix(info.Version, "7") && info.Version == "" {
		t.Fatalf("info %+v", info)
	}
	if !info.Caps.Has(drivers.CapPipeline | drivers.CapCrashKill | drivers.CapStats | drivers.CapEvents) {
		t.Fatalf("caps %b", info.Caps)
	}
}

// TestRestartRecovers: N keys in an aof-always server survive a kill; the
// recovery reports N records and ordered timings, and every key reads back.
func TestRestartRecovers(t *testing.T) {
	const n = 3000
	d := openTest(t, builtin(t, "aof-always"), nil)
	load(t, d, n, 1)
	oldPID := d.pid()
	ctx := context.Background()
	if err := d.Crash(ctx, drivers.CrashKill); err != nil {
		t.Fatal(err)
	}
	if alive(oldPID) {
		t.Fatalf("pid %d alive after Crash(kill)", oldPID)
	}
	if _, err := d.Stats(ctx); err == nil {
		t.Fatal("Stats of a crashed server succeeded")
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rec, err := d.Restart(rctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("recovery: %+v", rec)
	if rec.Records != n {
		t.Fatalf("restart reports %d records, want %d", rec.Records, n)
	}
	if rec.Answering <= 0 || rec.FirstRead < rec.Answering || rec.Loaded < rec.FirstRead {
		t.Fatalf("timings out of order: answering %s, first read %s, loaded %s", rec.Answering, rec.FirstRead, rec.Loaded)
	}
	if !strings.Contains(rec.Detail["loaded"], "append only file") {
		t.Errorf("detail %v: want Redis's line about loading the AOF", rec.Detail)
	}
	if d.pid() == oldPID || !alive(d.pid()) {
		t.Fatalf("pid after restart %d (before %d)", d.pid(), oldPID)
	}
	for i := 0; i < n; i++ {
		v, found, err := d.Get(ctx, key(i), nil)
		if err != nil || !found || !bytes.Equal(v, value(i, 1)) {
			t.Fatalf("key %d after recovery: %q %v %v", i, v, found, err)
		}
	}
	if _, err := d.Restart(ctx); err == nil {
		t.Fatal("Restart of a running server succeeded")
	}
	if err := d.Crash(ctx, drivers.CrashPowerLoss); !errors.Is(err, drivers.ErrUnsupported) {
		t.Fatalf("Crash(power-loss) = %v, want ErrUnsupported", err)
	}
}

// TestEventsAndStats: a BGSAVE and an AOF rewrite become fork, snapshot
// and rewrite events, and Stats reports the figures Redis gives.
func TestEventsAndStats(t *testing.T) {
	const n = 20000
	d := openTest(t, builtin(t, "aof-everysec"), nil)
	load(t, d, n, 1)
	ctx := context.Background()
	if err := d.redis().BgSave(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var events []drivers.Event
	seen := map[string]bool{}
	rewriteAsked := false
	for !(seen["fork"] && seen["snapshot"] && seen["rewrite"]) {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s, events %+v", events)
		}
		time.Sleep(50 * time.Millisecond)
		for _, e := range d.Events() {
			events = append(events, e)
			seen[e.Kind] = true
			if e.At.IsZero() {
				t.Errorf("event without a time: %+v", e)
			}
		}
		if seen["snapshot"] && !rewriteAsked {
			// Redis refuses a rewrite while a BGSAVE runs; ask once it ended.
			if err := d.redis().BgRewriteAOF(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			rewriteAsked = true
		}
	}
	st, err := d.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("events %+v\nstats %v", events, st)
	checks := []struct {
		key string
		min float64
	}{
		{drivers.StatForkCount, 2}, {drivers.StatForkMaxUS, 1}, {drivers.StatForkTotalUS, 1},
		{drivers.StatSnapshots, 1}, {drivers.StatRewrites, 1}, {drivers.StatCOWPeakBytes, 0},
		{drivers.StatRSSBytes, 1 << 20}, {drivers.StatKeys, n}, {drivers.StatBytesWritten, 1},
		{drivers.StatDelayedFsyncs, 0}, {drivers.StatCPUSeconds, 0},
	}
	for _, c := range checks {
		v, ok := st[c.key]
		if !ok || v < c.min {
			t.Errorf("stat %s = %g (present %v), want >= %g", c.key, v, ok, c.min)
		}
	}
	if st[drivers.StatKeys] != n {
		t.Errorf("keys %g, want %d", st[drivers.StatKeys], n)
	}
}

// TestStartFailures: a missing binary, a port in use and a server that
// exits at start give a clear error quoting the server, and leave no
// process behind.
func TestStartFailures(t *testing.T) {
	redisServer(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	_, otherPort, _ := net.SplitHostPort(externalServer(t))
	cases := []struct {
		name string
		opts map[string]string
		want []string
	}{
		{"bad path", map[string]string{OptServer: "/nonexistent/redis-server"}, []string{"--redis-server /nonexistent/redis-server", "no such file"}},
		{"port in use", map[string]string{OptPort: busyPort}, []string{"exited at start", "Address already in use", "redis.log"}},
		{"port of another redis", map[string]string{OptPort: otherPort}, []string{"exited at start", "Address already in use"}},
		{"bad directive", map[string]string{OptConfig: "no-such-directive yes"}, []string{"exited at start", "Bad directive", "no-such-directive"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			d, err := Open(context.Background(), drivers.Config{Profile: builtin(t, "none"), DataDir: dir, Options: c.opts})
			if err == nil {
				d.Close()
				t.Fatal("Open succeeded")
			}
			t.Logf("error: %v", err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q", w)
				}
			}
			if pids := processesUsing(t, dir); len(pids) > 0 {
				t.Fatalf("orphaned processes %v", pids)
			}
		})
	}
}

// TestNoOrphans: Close stops the server whatever happened, twice is
// fine, and a start cancelled midway leaves nothing running.
func TestNoOrphans(t *testing.T) {
	redisServer(t)
	d := openTest(t, builtin(t, "rdb"), nil)
	pid := d.pid()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if alive(pid) {
		t.Fatalf("pid %d alive after Close", pid)
	}
	for _, after := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond} {
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), after)
		d, err := Open(ctx, drivers.Config{Profile: builtin(t, "none"), DataDir: dir})
		cancel()
		if err == nil {
			d.Close()
		} else if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("cancelled after %s: %v, want a deadline error", after, err)
		}
		if pids := processesUsing(t, dir); len(pids) > 0 {
			t.Fatalf("cancelled after %s: orphaned processes %v", after, pids)
		}
	}
}
