package redis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// pollEvery is how often the poller reads INFO and LATENCY: fine enough to
// time a BGSAVE of a few hundred ms, coarse enough to cost the server
// nothing measurable (ten INFO calls a second).
const pollEvery = 100 * time.Millisecond

// pollTimeout bounds one poll, so that a server stuck in a long fork
// delays the poller instead of hanging it.
const pollTimeout = 2 * time.Second

func (d *managed) pollLoop() {
	defer close(d.pollDone)
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-d.stopPoll:
			return
		case <-t.C:
		}
		if d.down.Load() {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), pollTimeout)
		// A failed poll is not an event: the next one catches up, since
		// every figure it follows is a counter or a flag.
		if _, err := d.watch(ctx, "persistence", "stats"); err == nil {
			_ = d.watchLatency(ctx)
		}
		cancel()
	}
}

// watch reads INFO sections and folds the reply into the observer.
func (d *managed) watch(ctx context.Context, sections ...string) (info, error) {
	d.watchMu.Lock()
	defer d.watchMu.Unlock()
	s, err := d.redis().Info(ctx, sections...).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: INFO %s: %w", strings.Join(sections, " "), err)
	}
	m := parseInfo(s)
	d.obs.observeInfo(time.Now(), m)
	return m, nil
}

// watchLatency reads LATENCY LATEST and the HISTORY of every watched event
// with new samples.
func (d *managed) watchLatency(ctx context.Context) error {
	d.watchMu.Lock()
	defer d.watchMu.Unlock()
	rc := d.redis()
	v, err := rc.Do(ctx, "LATENCY", "LATEST").Result()
	if err != nil {
		return fmt.Errorf("redis: LATENCY LATEST: %w", err)
	}
	latest, err := parseLatencyLatest(v)
	if err != nil {
		return err
	}
	for _, e := range latest {
		if !d.obs.wantsHistory(e) {
			continue
		}
		v, err := rc.Do(ctx, "LATENCY", "HISTORY", e.Name).Result()
		if err != nil {
			return fmt.Errorf("redis: LATENCY HISTORY %s: %w", e.Name, err)
		}
		h, err := parseLatencyHistory(v)
		if err != nil {
			return err
		}
		d.obs.observeLatency(e.Name, h)
	}
	return nil
}

// Stats reads INFO and the server process's /proc/<pid>/io.
func (d *managed) Stats(ctx context.Context) (drivers.Stats, error) {
	if d.down.Load() {
		return nil, fmt.Errorf("redis: stats: the server was crashed and not restarted")
	}
	m, err := d.watch(ctx, "persistence", "stats", "memory", "keyspace", "cpu")
	if err != nil {
		return nil, err
	}
	st := drivers.Stats{}
	d.watchMu.Lock()
	d.obs.figures(st)
	d.watchMu.Unlock()
	if v, ok := m.int("used_memory_rss"); ok {
		st[drivers.StatRSSBytes] = float64(v)
	}
	if v, ok := m.int("aof_delayed_fsync"); ok { // present only with an AOF
		st[drivers.StatDelayedFsyncs] = float64(v)
	}
	st[drivers.StatKeys] = float64(m.keys())
	var cpu float64
	for _, k := range []string{"used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children"} {
		v, _ := m.float(k)
		cpu += v
	}
	st[drivers.StatCPUSeconds] = cpu
	if n, err := serverproc.WriteBytes(d.pid()); err == nil {
		st[drivers.StatBytesWritten] = float64(n)
	}
	return st, nil
}

// Events returns the events observed since the previous call.
func (d *managed) Events() []drivers.Event {
	d.watchMu.Lock()
	defer d.watchMu.Unlock()
	return d.obs.takeEvents()
}
