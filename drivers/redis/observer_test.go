package redis

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/persistbench/persistbench/drivers"
)

// step is one INFO reply given as the fields that matter.
type step map[string]int64

func (s step) info() info {
	m := info{}
	for k, v := range s {
		m[k] = fmt.Sprint(v)
	}
	return m
}

// kinds lists the events as "kind/duration".
func kinds(ev []drivers.Event) string {
	var out []string
	for _, e := range ev {
		out = append(out, fmt.Sprintf("%s/%s", e.Kind, e.Duration))
	}
	return strings.Join(out, " ")
}

func TestObserverSequences(t *testing.T) {
	cases := []struct {
		name      string
		steps     []step
		restartAt int // restarted() before this step; 0 = never
		want      string
		forks     int64
		forkMax   int64
		forkTotal int64
		snaps     int64
		rewrites  int64
	}{
		{name: "quiet", steps: []step{{"total_forks": 0}, {"total_forks": 0}}, want: ""},
		{name: "bgsave seen running", steps: []step{
			{"total_forks": 0},
			{"total_forks": 1, "latest_fork_usec": 3456, "rdb_bgsave_in_progress": 1, "rdb_saves": 1},
			{"total_forks": 1, "latest_fork_usec": 3456, "rdb_bgsave_in_progress": 1, "rdb_saves": 1},
			{"total_forks": 1, "latest_fork_usec": 3456, "rdb_bgsave_in_progress": 0, "rdb_saves": 1, "rdb_last_bgsave_time_sec": 0},
		}, want: "fork/3.456ms snapshot/200ms", forks: 1, forkMax: 3456, forkTotal: 3456, snaps: 1},
		{name: "bgsave between polls", steps: []step{
			{"total_forks": 0},
			{"total_forks": 1, "latest_fork_usec": 300, "rdb_saves": 1, "rdb_last_bgsave_time_sec": 0},
		}, want: "fork/300µs snapshot/0s", forks: 1, forkMax: 300, forkTotal: 300, snaps: 1},
		{name: "two forks in one poll", steps: []step{
			{"total_forks": 1, "latest_fork_usec": 100, "rdb_saves": 1},
			{"total_forks": 3, "latest_fork_usec": 900, "rdb_saves": 2, "aof_rewrites": 1, "aof_last_rewrite_time_sec": 2},
		}, want: "fork/100µs snapshot/0s fork/900µs snapshot/0s rewrite/2s", forks: 3, forkMax: 900, forkTotal: 1000, snaps: 2, rewrites: 1},
		{name: "rewrite then a new save while still polling", steps: []step{
			{"total_forks": 1, "latest_fork_usec": 500, "aof_rewrite_in_progress": 1, "aof_rewrites": 1},
			{"total_forks": 2, "latest_fork_usec": 700, "aof_rewrite_in_progress": 0, "aof_rewrites": 1, "rdb_bgsave_in_progress": 1, "rdb_saves": 1},
			{"total_forks": 2, "latest_fork_usec": 700, "rdb_bgsave_in_progress": 1, "rdb_saves": 2},
		}, want: "fork/500µs fork/700µs rewrite/100ms snapshot/100ms", forks: 2, forkMax: 700, forkTotal: 1200, snaps: 1, rewrites: 1},
		{name: "restart resets the baselines, not the totals", restartAt: 2, steps: []step{
			{"total_forks": 0},
			{"total_forks": 2, "latest_fork_usec": 800, "rdb_saves": 2},
			{"total_forks": 1, "latest_fork_usec": 400, "rdb_saves": 1},
		}, want: "fork/800µs snapshot/0s fork/400µs snapshot/0s", forks: 3, forkMax: 800, forkTotal: 1200, snaps: 3},
	}
	t0 := time.Unix(1_800_000_000, 0)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := newObserver()
			for i, s := range c.steps {
				if c.restartAt != 0 && i == c.restartAt {
					o.restarted()
				}
				o.observeInfo(t0.Add(time.Duration(i)*pollEvery), s.info())
			}
			ev := o.takeEvents()
			if got := kinds(ev); got != c.want {
				t.Fatalf("events %q, want %q", got, c.want)
			}
			if len(o.takeEvents()) != 0 {
				t.Fatalf("takeEvents returned the same events twice")
			}
			st := drivers.Stats{}
			o.figures(st)
			want := drivers.Stats{drivers.StatForkCount: float64(c.forks), drivers.StatSnapshots: float64(c.snaps),
				drivers.StatRewrites: float64(c.rewrites)}
			if c.forks > 0 {
				want[drivers.StatForkMaxUS], want[drivers.StatForkTotalUS] = float64(c.forkMax), float64(c.forkTotal)
				want[drivers.StatCOWPeakBytes] = 0
			}
			if fmt.Sprint(st) != fmt.Sprint(want) {
				t.Fatalf("figures %v, want %v", st, want)
			}
		})
	}
}

// TestObserverRealReplies runs the observer over INFO replies captured
// from redis-server 7.0 (a BGSAVE and an AOF rewrite of 2 M keys).
func TestObserverRealReplies(t *testing.T) {
	o := newObserver()
	t0 := time.Unix(1_800_000_000, 0)
	for i, name := range []string{"fresh", "bgsave-running", "rewrite-running", "after"} {
		b, err := os.ReadFile(filepath.Join("testdata", "info", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		o.observeInfo(t0.Add(time.Duration(i)*time.Second), parseInfo(string(b)))
	}
	got := kinds(o.takeEvents())
	want := "fork/3.456ms fork/5.31ms snapshot/1s rewrite/1s"
	if got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	if o.cowPeak != 561152 {
		t.Fatalf("copy-on-write peak %d, want 561152 (aof_last_cow_size)", o.cowPeak)
	}
}

func TestObserverLatency(t *testing.T) {
	o := newObserver()
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	if !o.wantsHistory(latestEvent{"aof-fsync-always", 10}) || o.wantsHistory(latestEvent{"command", 10}) ||
		o.wantsHistory(latestEvent{"aof-write", 10}) || !o.wantsHistory(latestEvent{"aof-write-alone", 10}) {
		t.Fatal("wantsHistory: watched events are fork, aof-fsync-always and aof-write-* (not the generic aof-write)")
	}
	o.observeLatency("aof-fsync-always", []latencyEntry{{at(10), 3}, {at(11), 25}})
	o.observeLatency("aof-write-pending-fsync", []latencyEntry{{at(11), 40}})
	o.observeLatency("fork", []latencyEntry{{at(12), 7}})
	// The same history read again adds nothing; a newer sample does.
	o.observeLatency("aof-fsync-always", []latencyEntry{{at(10), 3}, {at(11), 25}, {at(13), 12}})
	if o.wantsHistory(latestEvent{"aof-fsync-always", 13}) {
		t.Fatal("wantsHistory true for a second already consumed")
	}
	got := kinds(o.takeEvents())
	if want := "fsync-slow/25ms fsync-slow/40ms fsync-slow/12ms"; got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	if o.forkMaxUS != 7000 {
		t.Fatalf("fork max %d µs after LATENCY fork 7 ms", o.forkMaxUS)
	}
}
