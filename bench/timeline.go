package bench

import (
	"sort"
	"sync"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// intervalReport is one worker's operations of one timeline interval.
type intervalReport struct {
	idx       int64
	hist      *hdr.Histogram
	ops, errs int64
}

type tlPoint struct {
	hist      *hdr.Histogram
	ops, errs int64
	disk, rss *int64
	jitter    *float64
	cpu       *float64
}

// timeline merges the workers' interval reports. Only the aggregator
// goroutine touches it.
type timeline struct {
	tick   time.Duration
	points map[int64]*tlPoint
	pool   *sync.Pool
}

func newTimeline(tick time.Duration, pool *sync.Pool) *timeline {
	return &timeline{tick: tick, points: map[int64]*tlPoint{}, pool: pool}
}

func (t *timeline) point(idx int64) *tlPoint {
	p := t.points[idx]
	if p == nil {
		p = &tlPoint{hist: newIntervalHist()}
		t.points[idx] = p
	}
	return p
}

func (t *timeline) add(r intervalReport) {
	p := t.point(r.idx)
	p.hist.Merge(r.hist)
	p.ops += r.ops
	p.errs += r.errs
	r.hist.Reset()
	t.pool.Put(r.hist)
}

// sample attaches server samples to the interval containing at.
func (t *timeline) sample(idx int64, disk, rss *int64) {
	p := t.point(idx)
	if disk != nil {
		p.disk = disk
	}
	if rss != nil {
		p.rss = rss
	}
}

// jitter records the host probe's worst wake-up of an interval.
func (t *timeline) jitter(idx int64, d time.Duration) {
	p := t.point(idx)
	v := us(int64(d))
	if p.jitter == nil || *p.jitter < v {
		p.jitter = &v
	}
}

// latest returns the p99 of the newest interval before idx that has data.
func (t *timeline) latestP99(before int64) time.Duration {
	for i := before - 1; i >= before-3 && i >= 0; i-- {
		if p := t.points[i]; p != nil && p.hist.TotalCount() > 0 {
			return time.Duration(p.hist.ValueAtQuantile(99))
		}
	}
	return 0
}

// result renders the timeline; intervals with no operation are kept (a
// stall shows as zero ops) up to the last interval seen.
func (t *timeline) result() []TimelinePoint {
	if len(t.points) == 0 {
		return nil
	}
	idxs := make([]int64, 0, len(t.points))
	for i := range t.points {
		idxs = append(idxs, i)
	}
	sort.Slice(idxs, func(a, b int) bool { return idxs[a] < idxs[b] })
	out := make([]TimelinePoint, 0, idxs[len(idxs)-1]+1)
	for i := int64(0); i <= idxs[len(idxs)-1]; i++ {
		tp := TimelinePoint{TMS: (time.Duration(i) * t.tick).Milliseconds()}
		if p := t.points[i]; p != nil {
			tp.Ops, tp.Errors, tp.DiskBytes, tp.RSSBytes, tp.JitterMaxUS, tp.CPUPct = p.ops, p.errs, p.disk, p.rss, p.jitter, p.cpu
			if p.hist.TotalCount() > 0 {
				tp.P50US = ptr(us(p.hist.ValueAtQuantile(50)))
				tp.P99US = ptr(us(p.hist.ValueAtQuantile(99)))
				tp.MaxUS = ptr(us(p.hist.Max()))
			}
		}
		out = append(out, tp)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
