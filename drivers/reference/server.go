package reference

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

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
	st, err := d.current()
	if err != nil {
		return nil, err
	}
	out := drivers.Stats{}
	st.stats(out)
	if rss, err := processRSS(); err == nil {
		out[drivers.StatRSSBytes] = float64(rss)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		out[drivers.StatCPUSeconds] = tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
	}
	return out, nil
}

func tvSeconds(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }

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

// Events returns the events since the previous call: snapshots, AOF
// rewrites, slow fsyncs, flash flushes and defrags.
func (d *Driver) Events() []drivers.Event { return d.events.take() }

// Crash kills the engine in-process. kill: the engine's own buffers are
// lost, what it wrote to the OS stays (its file handles die with it).
// power-loss: everything not made durable by fsync is lost too, on the
// crash-simulating model and then on the disk.
func (d *Driver) Crash(ctx context.Context, kind drivers.CrashKind) error {
	if d.mirror == nil {
		return fmt.Errorf("reference: crash %s: the engine was opened without a crash model (drivers.Config.Crash was none): %w", kind, drivers.ErrUnsupported)
	}
	if kind != drivers.CrashKill && kind != drivers.CrashPowerLoss {
		return fmt.Errorf("reference: crash %q: want kill or power-loss", kind)
	}
	d.crashed.Store(true)
	d.mu.Lock()
	st := d.st
	d.st = nil
	d.mu.Unlock()
	var err error
	// The process dies at once: no file operation of its goroutines lands
	// from here on, and its open handles fail.
	d.proc.Kill()
	d.mirror.Kill()
	if st != nil {
		st.Abandon()
	}
	if kind == drivers.CrashPowerLoss {
		err = d.mirror.PowerCut()
	}
	return err
}

// Restart opens the engine again on the same files and reports how long
// recovery took. In-process, the engine answers as soon as it has loaded.
func (d *Driver) Restart(ctx context.Context) (drivers.Recovery, error) {
	if !d.crashed.Load() {
		return drivers.Recovery{}, fmt.Errorf("reference: restart: the engine did not crash")
	}
	start := time.Now()
	st, err := d.openStore(d.newProcess())
	if err != nil {
		return drivers.Recovery{}, fmt.Errorf("reference: restart: %w", err)
	}
	loaded := time.Since(start)
	d.mu.Lock()
	d.st = st
	d.mu.Unlock()
	d.crashed.Store(false)
	_, _, rerr := st.Get([]byte("pb:000000000000"), nil)
	first := time.Since(start)
	if rerr != nil {
		return drivers.Recovery{}, fmt.Errorf("reference: restart: first read: %w", rerr)
	}
	return drivers.Recovery{Answering: loaded, FirstRead: first, Loaded: loaded, Records: st.Len(), Detail: st.recovered()}, nil
}

// config is the configuration reported in the results.
func (d *Driver) config() map[string]string {
	p := d.profile
	c := map[string]string{OptShards: strconv.Itoa(d.shards)}
	if len(p.Save) > 0 {
		var parts []string
		for _, s := range p.Save {
			parts = append(parts, fmt.Sprintf("%d %d", s.Seconds, s.Changes))
		}
		c["save"] = strings.Join(parts, " ")
		c["rdbcompression"] = strconv.FormatBool(p.RDBCompression)
	}
	if p.AOF {
		c["appendonly"] = "yes"
		c["appendfsync"] = p.Fsync
		c["aof-use-rdb-preamble"] = strconv.FormatBool(p.Preamble)
		c["auto-aof-rewrite-percentage"] = strconv.Itoa(p.RewritePercent)
		c["auto-aof-rewrite-min-size"] = strconv.FormatInt(p.RewriteMinBytes, 10)
	}
	if f := p.Flash; f != nil {
		c["device-bytes"] = strconv.FormatInt(f.DeviceBytes, 10)
		c["write-block-size"] = strconv.FormatInt(f.WriteBlock, 10)
		c["flush-max-ms"] = strconv.FormatInt(f.FlushMax.Milliseconds(), 10)
		c["defrag-lwm-pct"] = strconv.Itoa(f.DefragLWMPct)
		c["post-write-cache"] = strconv.FormatInt(f.PostWriteCache, 10)
		c["commit-to-device"] = strconv.FormatBool(f.CommitToDevice)
		c["durable-delete"] = strconv.FormatBool(f.DurableDelete)
	}
	if d.mirror != nil {
		c["crash-model"] = "real disk mirrored into a crash-simulating model (vfs.Mirror)"
	}
	if d.fault != "" {
		c["fault"] = d.fault
	}
	return c
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
