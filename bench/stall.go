package bench

import (
	"time"
)

// A stall is a stretch in which no operation completed although some were
// outstanding: what a client feels when a server forks, blocks on fsync or
// is paused. The detector polls the workers' last-completion and
// in-flight timestamps every stallPoll, so a stall is measured to within
// about one poll period; stalls shorter than stallMin are not reported.
const (
	stallPoll = time.Millisecond
	stallMin  = 2 * time.Millisecond
)

type stallDetector struct {
	c    *cellRun
	quit chan struct{}
	done chan struct{}
	max  time.Duration
	n    int64
}

func startStallDetector(c *cellRun) *stallDetector {
	d := &stallDetector{c: c, quit: make(chan struct{}), done: make(chan struct{})}
	go d.loop()
	return d
}

func (d *stallDetector) loop() {
	defer close(d.done)
	var since int64 // unix ns the current stall started, 0 when none
	t := time.NewTicker(stallPoll)
	defer t.Stop()
	for {
		select {
		case <-d.quit:
			return
		case <-t.C:
		}
		if d.c.crashed.Load() {
			return // after a crash nothing completes, by design
		}
		now := time.Now().UnixNano()
		lastDone, oldest := d.scan()
		switch {
		case since == 0 && oldest != 0 && now-max(lastDone, oldest) >= int64(stallMin):
			since = max(lastDone, oldest)
		case since != 0 && lastDone > since:
			d.record(since, d.resumedAt(since))
			since = 0
		}
	}
}

// scan returns the newest completion and the oldest outstanding request
// start over all workers (0 when nothing is outstanding).
func (d *stallDetector) scan() (lastDone, oldest int64) {
	for _, w := range d.c.workers {
		lastDone = max(lastDone, w.lastDoneNS.Load())
		if s := w.inFlight.Load(); s != 0 && (oldest == 0 || s < oldest) {
			oldest = s
		}
	}
	return lastDone, oldest
}

// resumedAt is the earliest completion after since that the workers still
// show.
func (d *stallDetector) resumedAt(since int64) int64 {
	var first int64
	for _, w := range d.c.workers {
		if t := w.lastDoneNS.Load(); t > since && (first == 0 || t < first) {
			first = t
		}
	}
	return first
}

func (d *stallDetector) record(from, to int64) {
	dur := time.Duration(to - from)
	if dur < stallMin {
		return
	}
	d.n++
	d.max = max(d.max, dur)
	d.c.addEvent(time.Unix(0, from), "stall", dur, "")
}

func (d *stallDetector) stop() {
	close(d.quit)
	<-d.done
}
