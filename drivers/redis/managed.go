package redis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/persistbench/persistbench/drivers"
	"github.com/persistbench/persistbench/internal/hostinfo"
)

// managed is a driver with a redis-server of its own: a Server.
type managed struct {
	*client
	srv *server

	watchMu sync.Mutex // serialises an INFO round trip with folding it in
	obs     *observer
	down    atomic.Bool // crashed and not restarted

	stopPoll  chan struct{}
	pollDone  chan struct{}
	closeOnce sync.Once
	closeErr  error
}

var _ drivers.Server = (*managed)(nil)
var _ drivers.Pipeliner = (*managed)(nil)

// openManaged starts redis-server bin for cfg.Profile on cfg.DataDir. ctx
// bounds the start only; once Open returned, Close stops the server.
func openManaged(ctx context.Context, cfg drivers.Config, bin string) (*managed, error) {
	srv, err := newServer(cfg, bin)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if _, err := srv.start(sctx); err != nil {
		return nil, err
	}
	c, err := newClient(sctx, srv.addr(), "", cfg.Conns)
	if err != nil {
		srv.kill()
		return nil, err
	}
	d := &managed{client: c, srv: srv, obs: newObserver(),
		stopPoll: make(chan struct{}), pollDone: make(chan struct{})}
	d.info.Backend, d.info.Profile = "redis", cfg.Profile.Name
	d.info.Caps = drivers.CapPipeline | drivers.CapCrashKill | drivers.CapStats | drivers.CapEvents
	d.info.Config = ConfigMap(srv.config())
	if hostinfo.THP() == "always" {
		d.info.Config["transparent_hugepage"] = "always"
	}
	d.info.Missing = map[string]string{
		"fsyncs": "Redis reports no count of its fsyncs; slow ones appear as fsync-slow events (LATENCY)",
	}
	go d.pollLoop()
	return d, nil
}

// Crash SIGKILLs the server (kill) and waits until it is gone. Power loss
// needs a file system that drops unsynced writes, which a later issue adds.
func (d *managed) Crash(ctx context.Context, kind drivers.CrashKind) error {
	switch kind {
	case drivers.CrashKill:
		d.down.Store(true)
		d.srv.kill()
		return nil
	case drivers.CrashPowerLoss:
		return fmt.Errorf("redis: crash %s: %w: a real redis-server loses unsynced data only on a file system that can drop it (not built yet)", kind, drivers.ErrUnsupported)
	}
	return fmt.Errorf("redis: crash %q: %w", kind, drivers.ErrUnsupported)
}

// Close stops the poller, the client and the server (SIGTERM, then
// SIGKILL), whatever state they are in. It is safe to call twice.
func (d *managed) Close() error {
	d.closeOnce.Do(func() {
		close(d.stopPoll)
		<-d.pollDone
		cerr := d.client.Close()
		serr := d.srv.stop()
		d.closeErr = errors.Join(serr, cerr)
	})
	return d.closeErr
}

// pid of the current redis-server process.
func (d *managed) pid() int {
	if p := d.srv.current(); p != nil {
		return p.Pid()
	}
	return 0
}
