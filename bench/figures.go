package bench

import (
	"sort"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/workloads"
)

// fill puts the sampled disk, memory and stall figures into the cell.
func (s *sampler) fill(cell *Cell) {
	c := s.c
	cell.Pauses = &Pauses{StallMaxUS: ptr(float64(s.stalls.max) / 1e3), StallCount: ptr(s.stalls.n)}
	cell.Host = s.host
	if s.host == nil {
		cell.Missing["host"] = "the jitter probe could not start"
	}
	st := &Storage{DiskBytesFinal: s.diskLast, DiskBytesPeak: s.diskPeak}
	live := c.ledger.Live()
	logical := live * (keyBytes + int64(sizeMean(c.spec.Workload.Value.Size)))
	st.LogicalBytes = &logical
	if st.DiskBytesFinal != nil && logical > 0 {
		st.BloatRatio = ptr(float64(*st.DiskBytesFinal) / float64(logical))
	}
	client := c.clientLoadBytes.Load()
	for _, w := range c.workers {
		client += w.clientB.Load()
	}
	st.ClientBytes = &client
	if v, ok := s.last[drivers.StatBytesWritten]; ok {
		bw := int64(v)
		st.BytesWritten = &bw
		if client > 0 {
			st.WriteAmplification = ptr(float64(bw) / float64(client))
		}
	}
	cell.Storage = st
	if s.cpuN > 0 {
		cell.CPU = &CPU{MeanPct: s.cpuSum / float64(s.cpuN), PeakPct: s.cpuPeak}
	} else {
		cell.Missing["cpu"] = "the backend does not report its CPU time"
	}
	if s.rssPeak != nil {
		cell.Memory = &Memory{RSSPeakBytes: s.rssPeak}
		if v, ok := s.last[drivers.StatCOWPeakBytes]; ok {
			cell.Memory.COWPeakBytes = ptr(int64(v))
		}
	}
}

// fillServerFigures adds the server's fork figures, the events and the
// reasons for whatever is missing.
func (c *cellRun) fillServerFigures(cell *Cell) {
	last := c.samples.last
	if v, ok := last[drivers.StatForkCount]; ok && cell.Pauses != nil {
		cell.Pauses.ForkCount = ptr(int64(v))
		if m, ok := last[drivers.StatForkMaxUS]; ok {
			cell.Pauses.ForkMaxUS = ptr(m)
		}
		if t, ok := last[drivers.StatForkTotalUS]; ok {
			cell.Pauses.ForkTotalUS = ptr(t)
		}
	} else {
		setMissing(cell, "pauses.fork", "the backend does not fork (or does not report forks)")
	}
	c.eventsMu.Lock()
	cell.Events = append(cell.Events, c.events...)
	c.eventsMu.Unlock()
	if cell.Host != nil {
		// A stall no longer than the host's own worst hiccup cannot be
		// blamed on the backend.
		for i := range cell.Events {
			if e := &cell.Events[i]; e.Kind == "stall" && e.DurationUS <= cell.Host.JitterMaxUS && e.Detail == "" {
				e.Detail = "within the host's jitter"
			}
		}
	}
	sort.SliceStable(cell.Events, func(i, j int) bool { return cell.Events[i].TMS < cell.Events[j].TMS })
	if cell.Storage == nil || cell.Storage.DiskBytesFinal == nil {
		setMissing(cell, "storage.disk_bytes", "no data directory was measured (external server or in-memory file system without a report)")
	}
	if cell.Storage == nil || cell.Storage.WriteAmplification == nil {
		setMissing(cell, "storage.write_amplification", "the backend does not report the bytes it wrote")
	}
	if cell.Memory == nil {
		setMissing(cell, "memory", "the backend does not report its resident memory")
	}
}

func setMissing(cell *Cell, field, reason string) {
	if _, ok := cell.Missing[field]; !ok {
		cell.Missing[field] = reason
	}
}

// keyBytes is the size of a key (workloads.Key).
const keyBytes = int64(workloads.KeySize)

// sizeMax is the largest value size d can pick.
func sizeMax(d workloads.SizeDist) int {
	if len(d.Choices) == 0 {
		return d.Max
	}
	m := 0
	for _, c := range d.Choices {
		m = max(m, c.Size)
	}
	return m
}

// sizeMean is the mean value size of d, used to estimate the logical bytes
// of the live keys (exact for a fixed size).
func sizeMean(d workloads.SizeDist) float64 {
	if len(d.Choices) == 0 {
		return float64(d.Min+d.Max) / 2
	}
	var sum, w float64
	for _, c := range d.Choices {
		sum += float64(c.Size) * c.Weight
		w += c.Weight
	}
	return sum / w
}
