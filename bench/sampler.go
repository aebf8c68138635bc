package bench

import (
	"context"
	"io/fs"
	"path/filepath"
	"syscall"
	"time"

	"github.com/persistbench/persistbench/bench/jitter"
	"github.com/persistbench/persistbench/drivers"
)

// sampler reads the backend's disk use, memory and events once per
// timeline interval, and watches for client-visible stalls.
type sampler struct {
	c       *cellRun
	lastIdx int64

	diskPeak, diskLast *int64
	rssPeak            *int64
	first, last        drivers.Stats

	stalls *stallDetector
	probe  *jitter.Probe
	host   *CellHost

	cpuAt      time.Duration
	cpuSeconds *float64
	cpuPeak    float64
	cpuSum     float64
	cpuN       int
}

// sampleTimeout bounds one Stats call, so that a hung server cannot hang
// the aggregator.
const sampleTimeout = time.Second

func newSampler(c *cellRun) sampler {
	s := sampler{c: c, lastIdx: -1, stalls: startStallDetector(c)}
	s.probe, _ = jitter.Start() // without a probe the jitter figures are missing, with a reason
	s.first = s.stats()
	return s
}

func (s *sampler) stats() drivers.Stats {
	if s.c.server == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), sampleTimeout)
	defer cancel()
	st, err := s.c.server.Stats(ctx)
	if err != nil {
		return nil
	}
	return st
}

// tick samples when a new timeline interval started.
func (s *sampler) tick(el time.Duration) {
	idx := int64(el / s.c.tick)
	if idx == s.lastIdx || s.c.crashed.Load() {
		return
	}
	if s.probe != nil && idx > 0 {
		s.c.tl.jitter(idx-1, s.probe.IntervalMax())
	}
	s.lastIdx = idx
	st := s.stats()
	if st != nil {
		s.last = st
	}
	var disk, rss *int64
	if v, ok := st[drivers.StatDiskBytes]; ok {
		disk = ptr(int64(v))
	} else if s.c.dataDir != "" {
		if n, err := DiskUsage(s.c.dataDir); err == nil {
			disk = &n
		}
	}
	if v, ok := st[drivers.StatRSSBytes]; ok {
		rss = ptr(int64(v))
	}
	s.cpu(idx, el, st)
	s.diskLast = disk
	s.diskPeak = maxPtr(s.diskPeak, disk)
	s.rssPeak = maxPtr(s.rssPeak, rss)
	s.c.tl.sample(idx, disk, rss)
	s.collectEvents()
}

func (s *sampler) collectEvents() {
	if s.c.server == nil {
		return
	}
	for _, e := range s.c.server.Events() {
		s.c.addEvent(e.At, e.Kind, e.Duration, e.Detail)
	}
}

func (s *sampler) stop() {
	s.collectEvents()
	s.stalls.stop()
	if s.probe != nil {
		r := s.probe.Stop()
		probe := "thread"
		if r.GoThread {
			probe = "goroutine"
		}
		s.host = &CellHost{JitterP50US: us(int64(r.P50)), JitterP999US: us(int64(r.P999)),
			JitterMaxUS: us(int64(r.Max)), Wakeups: r.Wakeups, Probe: probe}
	}
}

func maxPtr(a, b *int64) *int64 {
	if b == nil || (a != nil && *a >= *b) {
		return a
	}
	return b
}

// DiskUsage is the space the files below dir occupy (allocated blocks, as
// du reports), following no symbolic link.
func DiskUsage(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return nil // removed while walking (a rewrite's temp file)
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			n += st.Blocks * 512
		} else {
			n += fi.Size()
		}
		return nil
	})
	return n, err
}

func (c *cellRun) addEvent(at time.Time, kind string, d time.Duration, detail string) {
	c.eventsMu.Lock()
	defer c.eventsMu.Unlock()
	t := at.Sub(c.runStart)
	if at.IsZero() {
		t = time.Since(c.runStart)
	}
	c.events = append(c.events, Event{TMS: t.Milliseconds(), Kind: kind, DurationUS: float64(d) / 1e3, Detail: detail})
}

// cpu turns the backend's CPU seconds into a percentage of one core over
// the interval since the previous sample.
func (s *sampler) cpu(idx int64, el time.Duration, st drivers.Stats) {
	v, ok := st[drivers.StatCPUSeconds]
	if !ok {
		return
	}
	if s.cpuSeconds != nil && el > s.cpuAt {
		pct := (v - *s.cpuSeconds) / (el - s.cpuAt).Seconds() * 100
		s.c.tl.point(idx).cpu = &pct
		s.cpuPeak = max(s.cpuPeak, pct)
		s.cpuSum += pct
		s.cpuN++
	}
	s.cpuSeconds, s.cpuAt = &v, el
}
