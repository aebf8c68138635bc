package reference

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"

	"github.com/persistbench/persistbench/drivers"
)

// Stats keys this driver adds to the drivers.Stat* ones.
const (
	StatLiveBytes    = "live_bytes"    // bytes of live records in the engine
	StatSlabBytes    = "slab_bytes"    // bytes of slab chunks allocated
	StatGarbageBytes = "garbage_bytes" // dead records awaiting compaction
	StatCompactions  = "compactions"
)

// Stats reports the engine's figures and the process's resident memory.
// Copy-on-write figures appear once a snapshot has run.
func (d *Driver) Stats(ctx context.Context) (drivers.Stats, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := d.db.Stats()
	out := drivers.Stats{
		drivers.StatKeys:      float64(st.Keys),
		StatLiveBytes:         float64(st.LiveBytes),
		StatSlabBytes:         float64(st.SlabBytes),
		StatGarbageBytes:      float64(st.Garbage),
		StatCompactions:       float64(st.Compactions),
		drivers.StatSnapshots: float64(st.Snapshots),
	}
	if st.Snapshots > 0 {
		out[drivers.StatCOWPeakBytes] = float64(st.COWPeakBytes)
	}
	if rss, err := processRSS(); err == nil {
		out[drivers.StatRSSBytes] = float64(rss)
	}
	return out, nil
}

// processRSS reads VmRSS from /proc/self/status (Linux): the resident
// memory of the whole process, runner included.
func processRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("reference: rss: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("VmRSS:")) {
			continue
		}
		fields := bytes.Fields(line[len("VmRSS:"):])
		if len(fields) != 2 || string(fields[1]) != "kB" {
			return 0, fmt.Errorf("reference: rss: unexpected line %q", line)
		}
		kb, err := strconv.ParseInt(string(fields[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("reference: rss: %q: %w", line, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reference: rss: %w", err)
	}
	return 0, fmt.Errorf("reference: rss: no VmRSS line in /proc/self/status")
}

// Events returns the events since the previous call. Profile none has
// none; snapshots and rewrites will add theirs through eventLog.add.
func (d *Driver) Events() []drivers.Event { return d.events.take() }

// Crash is not supported yet: with the engine in-process a kill would kill
// the benchmark; a power-loss crash needs the crash-simulating vfs wired in.
func (d *Driver) Crash(ctx context.Context, kind drivers.CrashKind) error {
	return fmt.Errorf("reference: crash %s: not built yet: %w", kind, drivers.ErrUnsupported)
}

// Restart is not supported yet (see Crash).
func (d *Driver) Restart(ctx context.Context) (drivers.Recovery, error) {
	return drivers.Recovery{}, fmt.Errorf("reference: restart: not built yet: %w", drivers.ErrUnsupported)
}

// eventLog collects server-side events until Events takes them.
type eventLog struct {
	mu     sync.Mutex
	events []drivers.Event
}

func (l *eventLog) add(e drivers.Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) take() []drivers.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.events
	l.events = nil
	return out
}
