package redis

import (
	"fmt"
	"strings"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// slowFsync is the AOF write or fsync latency from which a LATENCY sample
// becomes an fsync-slow event: some 30× the p99 of one fdatasync on the
// SSDs persistbench is run on (≈ 0.3 ms, FIELD-NOTES.md), and well past
// the 2 ms from which the runner's stall detector sees clients wait.
const slowFsync = 10 * time.Millisecond

// observer turns successive INFO replies and LATENCY samples into
// cumulative figures and events. It is pure: the caller supplies the time
// and serialises calls.
type observer struct {
	// Counters as of the previous INFO; a fresh (restarted) server starts
	// from zero.
	forks, rdbSaves, rewrites int64
	saving, rewriting         bool
	saveSince, rewriteSince   time.Time

	// Cumulative over the driver's life (across restarts).
	forkCount, forkMaxUS, forkTotalUS, cowPeak int64
	snapshots, rewritesDone                    int64

	latencySeen map[string]int64 // newest LATENCY second consumed, per event
	events      []drivers.Event
}

func newObserver() *observer { return &observer{latencySeen: map[string]int64{}} }

// restarted forgets the per-process baselines: the new process counts
// from zero.
func (o *observer) restarted() {
	o.forks, o.rdbSaves, o.rewrites = 0, 0, 0
	o.saving, o.rewriting = false, false
	o.latencySeen = map[string]int64{}
}

// observeInfo folds one INFO reply (sections persistence and stats at
// least) taken at now.
func (o *observer) observeInfo(now time.Time, m info) {
	o.observeForks(now, m)
	inSave, _ := m.int("rdb_bgsave_in_progress")
	saves, _ := m.int("rdb_saves")
	lastSave, _ := m.int("rdb_last_bgsave_time_sec")
	o.saving, o.saveSince, o.rdbSaves = o.observeChild(now, "snapshot", inSave == 1, o.saving, o.saveSince,
		saves, o.rdbSaves, lastSave, &o.snapshots)
	inRewrite, _ := m.int("aof_rewrite_in_progress")
	rewrites, _ := m.int("aof_rewrites")
	lastRewrite, _ := m.int("aof_last_rewrite_time_sec")
	o.rewriting, o.rewriteSince, o.rewrites = o.observeChild(now, "rewrite", inRewrite == 1, o.rewriting, o.rewriteSince,
		rewrites, o.rewrites, lastRewrite, &o.rewritesDone)
	for _, k := range []string{"rdb_last_cow_size", "aof_last_cow_size", "current_cow_peak"} {
		if v, ok := m.int(k); ok {
			o.cowPeak = max(o.cowPeak, v)
		}
	}
}

// observeForks turns a rise of total_forks into fork events.
// latest_fork_usec only tells the duration of the newest fork; when more
// than one happened since the previous poll the event says so.
func (o *observer) observeForks(now time.Time, m info) {
	total, ok := m.int("total_forks")
	if !ok || total <= o.forks {
		if ok && total < o.forks { // a new process the caller did not announce
			o.forks = total
		}
		return
	}
	n := total - o.forks
	o.forks = total
	o.forkCount += n
	us, ok := m.int("latest_fork_usec")
	if !ok {
		o.events = append(o.events, drivers.Event{At: now, Kind: "fork", Detail: "latest_fork_usec not reported"})
		return
	}
	o.forkMaxUS = max(o.forkMaxUS, us)
	o.forkTotalUS += us
	e := drivers.Event{At: now, Kind: "fork", Duration: time.Duration(us) * time.Microsecond, Detail: "latest_fork_usec"}
	if n > 1 {
		e.Detail = fmt.Sprintf("%d forks since the previous poll; latest_fork_usec is the newest one's", n)
	}
	o.events = append(o.events, e)
}

// observeChild follows a fork child (BGSAVE or AOF rewrite) through its
// in-progress flag and its counter, which Redis raises when a child
// starts (rdb_saves, aof_rewrites). A child seen running is timed by the
// polls (±pollEvery); children that started and ended between two polls
// get Redis's whole-second figure of the latest one.
func (o *observer) observeChild(now time.Time, kind string, running, wasRunning bool, since time.Time,
	count, prevCount, lastSec int64, done *int64) (bool, time.Time, int64) {
	if count < prevCount {
		prevCount = 0
	}
	started := count - prevCount
	oldEnded := wasRunning && (!running || started > 0)
	newRunning := running && (!wasRunning || started > 0)
	between := started
	if newRunning {
		between = max(started-1, 0)
	}
	if oldEnded {
		*done++
		o.events = append(o.events, drivers.Event{At: since, Kind: kind, Duration: now.Sub(since),
			Detail: fmt.Sprintf("timed by polling every %s; Redis says %d s", pollEvery, lastSec)})
	}
	if between > 0 {
		*done += between
		e := drivers.Event{At: now.Add(-pollEvery), Kind: kind,
			Detail: fmt.Sprintf("began and ended between two polls %s apart", pollEvery)}
		if lastSec > 0 {
			e.Duration = time.Duration(lastSec) * time.Second
		}
		if between > 1 {
			e.Detail += fmt.Sprintf("; %d of them, the duration is the latest one's", between)
		}
		o.events = append(o.events, e)
	}
	switch {
	case newRunning:
		since = now
	case !running:
		since = time.Time{}
	}
	return running, since, count
}

// wantsHistory reports whether LATENCY HISTORY of event has samples newer
// than the ones already consumed.
func (o *observer) wantsHistory(e latestEvent) bool {
	return watchedLatency(e.Name) && e.Last > o.latencySeen[e.Name]
}

// watchedLatency names the LATENCY events the observer consumes. Redis
// records every slow AOF write twice, as aof-write and as one of
// aof-write-pending-fsync, -active-child or -alone (aof.c); the specific
// ones say why, so the generic one is left out.
func watchedLatency(name string) bool {
	return name == "fork" || name == "aof-fsync-always" || strings.HasPrefix(name, "aof-write-")
}

// observeLatency folds the LATENCY HISTORY of one event: forks raise the
// worst fork (a fork INFO missed between polls), AOF writes and fsyncs of
// slowFsync or more become fsync-slow events. LATENCY keeps one sample a
// second (the worst); the current second's may still grow after it was
// read, and that growth is not seen.
func (o *observer) observeLatency(name string, entries []latencyEntry) {
	seen := o.latencySeen[name]
	for _, e := range entries {
		ts := e.At.Unix()
		if ts <= seen {
			continue
		}
		o.latencySeen[name] = max(o.latencySeen[name], ts)
		d := time.Duration(e.MS) * time.Millisecond
		switch {
		case name == "fork":
			o.forkMaxUS = max(o.forkMaxUS, d.Microseconds())
		case d >= slowFsync:
			o.events = append(o.events, drivers.Event{At: e.At, Kind: "fsync-slow", Duration: d,
				Detail: "LATENCY " + name + " (worst of that second)"})
		}
	}
}

// takeEvents returns the events since the previous call.
func (o *observer) takeEvents() []drivers.Event {
	ev := o.events
	o.events = nil
	return ev
}

// figures puts the cumulative fork and child figures into st. A worst or
// total fork time, and a copy-on-write peak, exist only once something
// forked.
func (o *observer) figures(st drivers.Stats) {
	st[drivers.StatForkCount] = float64(o.forkCount)
	st[drivers.StatSnapshots] = float64(o.snapshots)
	st[drivers.StatRewrites] = float64(o.rewritesDone)
	if o.forkCount > 0 {
		st[drivers.StatForkMaxUS] = float64(o.forkMaxUS)
		st[drivers.StatForkTotalUS] = float64(o.forkTotalUS)
		st[drivers.StatCOWPeakBytes] = float64(o.cowPeak)
	}
}
