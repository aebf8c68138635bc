package redis

import (
	"context"
	"fmt"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// probeKey is read to time the first successful read; workloads never
// write it, so its absence is the expected answer.
const probeKey = "persistbench:recovery-probe"

// probeEvery is the pause between two probes of a recovering server.
const probeEvery = time.Millisecond

// Restart starts redis-server again on the same directory and
// configuration and returns once it has loaded its data: Answering when
// it first replied to PING (a LOADING error counts), FirstRead at the
// first GET that did not fail, Loaded when INFO said loading:0, Records
// from DBSIZE.
func (d *managed) Restart(ctx context.Context) (drivers.Recovery, error) {
	rec := drivers.Recovery{Records: -1, Detail: map[string]string{}}
	if p := d.srv.current(); p != nil && p.Alive() {
		return rec, fmt.Errorf("redis: restart: redis-server (pid %d) is still running; crash it first", p.Pid())
	}
	offset := serverproc.FileSize(d.srv.logPath)
	t0 := time.Now()
	first, err := d.srv.start(ctx)
	if err != nil {
		return rec, fmt.Errorf("redis: restart: %w", err)
	}
	rec.Answering = time.Since(t0)
	rec.Detail["first_reply"] = first
	d.client.reconnect(d.srv.addr())
	d.watchMu.Lock()
	d.obs.restarted()
	d.watchMu.Unlock()
	d.down.Store(false)

	rc := d.redis()
	if err := until(ctx, func() bool {
		err := rc.Get(ctx, probeKey).Err()
		return err == nil || err == goredis.Nil
	}); err != nil {
		return rec, fmt.Errorf("redis: restart: no successful GET: %w", err)
	}
	rec.FirstRead = time.Since(t0)
	if err := until(ctx, func() bool {
		s, err := rc.Info(ctx, "persistence").Result()
		if err != nil {
			return false
		}
		v, ok := parseInfo(s).int("loading")
		return ok && v == 0
	}); err != nil {
		return rec, fmt.Errorf("redis: restart: still loading: %w", err)
	}
	rec.Loaded = time.Since(t0)
	if n, err := rc.DBSize(ctx).Result(); err == nil {
		rec.Records = n
	}
	if line := loadedLine(serverproc.LogTail(d.srv.logPath, offset, 200)); line != "" {
		rec.Detail["loaded"] = line
	}
	return rec, nil
}

// until calls ok every probeEvery until it returns true or ctx ends.
func until(ctx context.Context, ok func() bool) error {
	for !ok() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(probeEvery):
		}
	}
	return nil
}

// loadedLine finds Redis's own account of the load ("DB loaded from
// append only file: 0.120 seconds", "Done loading RDB, keys loaded: ...").
func loadedLine(log string) string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "DB loaded from") || strings.Contains(l, "Done loading RDB") {
			if _, msg, ok := strings.Cut(l, " * "); ok {
				l = msg
			}
			out = append(out, strings.TrimSpace(l))
		}
	}
	return strings.Join(out, "; ")
}
