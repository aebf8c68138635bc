package aerospike

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/serverproc"
)

// managed is a driver with an asd of its own: a drivers.Server.
type managed struct {
	*client
	srv  *server
	down atomic.Bool // crashed and not restarted

	evMu       sync.Mutex // guards the counters Events compares
	lastDefrag int64      // defrag_reads seen at the previous Events call

	closeOnce sync.Once
	closeErr  error
}

var _ drivers.Server = (*managed)(nil)
var _ drivers.Pipeliner = (*managed)(nil)

// openManaged starts asd bin for cfg.Profile on cfg.DataDir and returns
// once it serves reads of the namespace.
func openManaged(ctx context.Context, cfg drivers.Config, bin string) (*managed, error) {
	srv, err := newServer(cfg, bin)
	if err != nil {
		return nil, err
	}
	edition, line := srv.edition(ctx)
	if f := cfg.Profile.Flash; f != nil && f.CommitToDevice {
		if ok, why := edition.CommitToDevice(); !ok {
			return nil, fmt.Errorf("aerospike: profile %s: %w: %s (%s reports %q)", cfg.Profile.Name, drivers.ErrUnsupported, why, bin, line)
		}
	}
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	t := target{host: "127.0.0.1", port: srv.in.ServicePort, ns: Namespace, set: setName(cfg), conns: cfg.Conns}
	if f := cfg.Profile.Flash; f != nil {
		t.durableDelete = f.DurableDelete
	}
	d := &managed{client: &client{t: t}, srv: srv}
	if _, err := d.startAndServe(sctx, nil); err != nil {
		return nil, err
	}
	d.info.Backend, d.info.Profile = "aerospike", cfg.Profile.Name
	d.info.Caps = drivers.CapPipeline | drivers.CapCrashKill | drivers.CapStats | drivers.CapEvents
	d.info.Config = ConfigMap(srv.conf)
	d.info.Config["edition"] = string(edition)
	d.info.Missing = map[string]string{
		"fsyncs": "Aerospike reports no count of device syncs",
	}
	return d, nil
}

// startAndServe starts asd and waits until a read of the namespace
// succeeds; rec, when not nil, receives the timings. On failure the
// process is gone and the error quotes its last words.
func (d *managed) startAndServe(ctx context.Context, rec *drivers.Recovery) (*serverproc.Process, error) {
	t0 := time.Now()
	p, offset, err := d.srv.start()
	if err != nil {
		return nil, err
	}
	fail := func(cause error) (*serverproc.Process, error) {
		p.Kill()
		return nil, startError(d.srv.profile, cause, p.LastWords(d.srv.in.logPath(), offset))
	}
	for {
		select {
		case <-p.Exited():
			return fail(fmt.Errorf("asd (pid %d) exited at start (%v)", p.Pid(), p.WaitErr()))
		case <-ctx.Done():
			return fail(fmt.Errorf("asd (pid %d) did not serve namespace %s: %w", p.Pid(), Namespace, ctx.Err()))
		case <-time.After(20 * time.Millisecond):
		}
		if d.ac.Load() == nil || !d.ac.Load().IsConnected() {
			if d.client.connect(ctx) != nil {
				continue
			}
			if d.info.Version == "" {
				d.info.Version = d.infoValue("build")
			}
		}
		if rec != nil && rec.Answering == 0 {
			rec.Answering = time.Since(t0)
		}
		if _, found, err := d.Get(ctx, []byte(probeKey), nil); err == nil && !found {
			if rec != nil {
				rec.FirstRead = time.Since(t0)
			}
			return p, nil
		}
	}
}

// probeKey is read to time the first successful read; workloads never
// write it.
const probeKey = "persistbench:recovery-probe"

// Stats reads the namespace statistics and the process's own figures.
func (d *managed) Stats(ctx context.Context) (drivers.Stats, error) {
	if d.down.Load() {
		return drivers.Stats{}, fmt.Errorf("aerospike: stats: server is down (crashed)")
	}
	ns, err := d.namespace()
	if err != nil {
		return nil, err
	}
	st := ns.Stats()
	if fi, err := os.Stat(d.srv.in.flashPath()); err == nil {
		st[drivers.StatDiskBytes] = float64(fi.Size())
	}
	if p := d.srv.current(); p != nil && p.Alive() {
		if v, err := serverproc.RSSBytes(p.Pid()); err == nil {
			st[drivers.StatRSSBytes] = float64(v)
		}
		if v, err := serverproc.WriteBytes(p.Pid()); err == nil {
			st[drivers.StatBytesWritten] = float64(v)
		}
	}
	return st, nil
}

// Events reports a defrag event when the namespace's defrag reads moved
// since the previous call.
func (d *managed) Events() []drivers.Event {
	if d.down.Load() {
		return nil
	}
	ns, err := d.namespace()
	if err != nil || ns.DefragReads < 0 {
		return nil
	}
	d.evMu.Lock()
	defer d.evMu.Unlock()
	return defragEvents(&d.lastDefrag, ns, time.Now())
}

// defragEvents compares the defrag counters with *last and updates it.
func defragEvents(last *int64, ns NamespaceStats, now time.Time) []drivers.Event {
	prev := *last
	*last = ns.DefragReads
	if ns.DefragReads <= prev {
		return nil
	}
	return []drivers.Event{{At: now, Kind: "defrag",
		Detail: fmt.Sprintf("%d write blocks defragmented (%d rewritten)", ns.DefragReads-prev, max(ns.DefragWrites, 0))}}
}

// Crash SIGKILLs asd (kill) and waits until it is gone.
func (d *managed) Crash(ctx context.Context, kind drivers.CrashKind) error {
	if kind == drivers.CrashKill {
		d.down.Store(true)
		d.srv.kill()
		return nil
	}
	return fmt.Errorf("aerospike: crash %q: %w", kind, drivers.ErrUnsupported)
}

// Restart cold-starts asd on the same device: the index is rebuilt by
// scanning it. It returns once the namespace serves reads.
func (d *managed) Restart(ctx context.Context) (drivers.Recovery, error) {
	rec := drivers.Recovery{Records: -1, Detail: map[string]string{}}
	if p := d.srv.current(); p != nil && p.Alive() {
		return rec, fmt.Errorf("aerospike: restart: asd (pid %d) is still running; crash it first", p.Pid())
	}
	t0 := time.Now()
	if err := d.client.connectLater(); err != nil {
		return rec, err
	}
	if _, err := d.startAndServe(ctx, &rec); err != nil {
		return rec, fmt.Errorf("aerospike: restart: %w", err)
	}
	d.down.Store(false)
	// asd opens its service port only once the cold start has loaded the
	// index, so serving is loaded.
	rec.Loaded = time.Since(t0)
	if ns, err := d.namespace(); err == nil {
		rec.Records = ns.Objects
		rec.Detail["tombstones"] = fmt.Sprint(ns.Tombstones)
	}
	return rec, nil
}

// connectLater drops the client of the killed server so that
// startAndServe connects afresh.
func (c *client) connectLater() error {
	if old := c.ac.Swap(nil); old != nil {
		old.Close()
	}
	return nil
}

// Close stops the client and the server (SIGTERM, then SIGKILL). Safe to
// call twice.
func (d *managed) Close() error {
	d.closeOnce.Do(func() {
		cerr := d.client.Close()
		serr := d.srv.stop()
		d.closeErr = errors.Join(serr, cerr)
	})
	return d.closeErr
}
