package redis

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
	"unsafe"

	goredis "github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/persistbench/persistbench/drivers"
)

// pollConns are the connections beyond cfg.Conns kept for the poller,
// Stats and recovery probes, so that polling never waits for a worker.
const pollConns = 4

// opTimeout bounds one read or write on a connection. It is long on
// purpose: a fork or an fsync stall is something to measure, not to turn
// into an error; SIGKILL and Close end blocked calls at once anyway.
const opTimeout = 30 * time.Second

// client is the plain go-redis driver: what an external server gets. The
// managed driver embeds it and swaps the go-redis client on restart, so
// that no connection to the killed server is reused.
type client struct {
	sess  atomic.Pointer[session]
	opts  *goredis.Options
	conns int
	info  drivers.Info
}

func init() {
	// go-redis logs failed dials of its pool to stderr; after a kill they
	// are expected, they would garble the progress line, and every failure
	// reaches the caller as an error anyway.
	goredis.SetLogger(quietLogger{})
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func clientOptions(addr, password string, conns int) *goredis.Options {
	return &goredis.Options{
		Addr: addr, Password: password,
		// RESP2 and no CLIENT SETINFO / MAINT_NOTIFICATIONS handshake: one
		// round trip less per connection, and nothing Redis 7.0 lacks.
		Protocol: 2, DisableIdentity: true,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled},
		PoolSize:                 conns + pollConns,
		// The main pool lends the sticky connections of session.go (pipelines
		// included) their sockets, and serves the poller: no second pool.
		PipelinePoolSize: -1,
		PoolTimeout:      opTimeout,
		// A retried write would hide a failure from the ledger.
		MaxRetries: -1,
		// One dial attempt: after a kill, failing at once is the truth.
		DialerRetries: 1,
		DialTimeout:   5 * time.Second,
		ReadTimeout:   opTimeout,
		WriteTimeout:  opTimeout,
	}
}

// newClient connects to addr and reads the server's version.
func newClient(ctx context.Context, addr, password string, conns int) (*client, error) {
	c := &client{opts: clientOptions(addr, password, conns), conns: conns}
	c.sess.Store(newSession(c.opts, conns))
	v, err := c.version(ctx)
	if err != nil {
		c.sess.Load().close()
		return nil, fmt.Errorf("redis: connect to %s: %w", addr, err)
	}
	c.info.Version = v
	return c, nil
}

// reconnect replaces the go-redis client (and so its pool) with a fresh
// one and closes the old.
func (c *client) reconnect(addr string) {
	o := *c.opts
	o.Addr = addr
	c.opts = &o
	old := c.sess.Swap(newSession(&o, c.conns))
	if old != nil {
		old.close()
	}
}

// redis is the current go-redis client, for commands outside the hot
// path (INFO, LATENCY, probes).
func (c *client) redis() *goredis.Client { return c.sess.Load().rc }

func (c *client) version(ctx context.Context) (string, error) {
	s, err := c.redis().Info(ctx, "server").Result()
	if err != nil {
		return "", err
	}
	return parseInfo(s)["redis_version"], nil
}

// str views b as a string without copying. go-redis only writes its
// arguments to the connection before the call returns, and the caller
// does not change the key while the call runs.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Get appends the value of key to dst[:0].
func (c *client) Get(ctx context.Context, key, dst []byte) ([]byte, bool, error) {
	s := c.sess.Load()
	cn, err := s.acquire(ctx)
	if err != nil {
		return dst[:0], false, fmt.Errorf("redis: get: %w", err)
	}
	v, err := cn.Get(ctx, str(key)).Result()
	s.release(cn, err)
	if err == goredis.Nil {
		return dst[:0], false, nil
	}
	if err != nil {
		return dst[:0], false, fmt.Errorf("redis: get: %w", err)
	}
	return append(dst[:0], v...), true, nil
}

// Set stores value under key.
func (c *client) Set(ctx context.Context, key, value []byte) error {
	s := c.sess.Load()
	cn, err := s.acquire(ctx)
	if err == nil {
		err = cn.Set(ctx, str(key), value, 0).Err()
		s.release(cn, err)
	}
	if err != nil {
		return fmt.Errorf("redis: set: %w", err)
	}
	return nil
}

// Delete removes key.
func (c *client) Delete(ctx context.Context, key []byte) error {
	s := c.sess.Load()
	cn, err := s.acquire(ctx)
	if err == nil {
		err = cn.Del(ctx, str(key)).Err()
		s.release(cn, err)
	}
	if err != nil {
		return fmt.Errorf("redis: del: %w", err)
	}
	return nil
}

// Pipeline sends ops in one round trip. It fails as a whole only when the
// connection failed; a server error reply is the op's own Err.
func (c *client) Pipeline(ctx context.Context, ops []drivers.Op) error {
	s := c.sess.Load()
	cn, err := s.acquire(ctx)
	if err != nil {
		return fmt.Errorf("redis: pipeline of %d: %w", len(ops), err)
	}
	pipe := cn.Pipeline()
	for i := range ops {
		op := &ops[i]
		switch op.Kind {
		case drivers.OpGet:
			pipe.Get(ctx, str(op.Key))
		case drivers.OpSet:
			pipe.Set(ctx, str(op.Key), op.Value, 0)
		case drivers.OpDelete:
			pipe.Del(ctx, str(op.Key))
		default:
			s.release(cn, nil)
			return fmt.Errorf("redis: pipeline op %d: unknown kind %d", i, op.Kind)
		}
	}
	cmds, err := pipe.Exec(ctx)
	s.release(cn, err)
	for i, cmd := range cmds {
		fillOp(&ops[i], cmd)
	}
	if err != nil && err != goredis.Nil && !isReply(err) {
		return fmt.Errorf("redis: pipeline of %d: %w", len(ops), err)
	}
	return nil
}

func fillOp(op *drivers.Op, cmd goredis.Cmder) {
	err := cmd.Err()
	op.Found, op.Err = false, nil
	if op.Kind != drivers.OpGet {
		if err != nil {
			op.Err = fmt.Errorf("redis: %s: %w", op.Kind, err)
		}
		return
	}
	op.Value = op.Value[:0]
	switch {
	case err == goredis.Nil:
	case err != nil:
		op.Err = fmt.Errorf("redis: get: %w", err)
	default:
		op.Value = append(op.Value, cmd.(*goredis.StringCmd).Val()...)
		op.Found = true
	}
}

// isReply reports whether err is an error reply of the server (as opposed
// to a failed connection, which fails the whole batch).
func isReply(err error) bool {
	var re goredis.Error
	return errors.As(err, &re)
}

// Info describes the backend.
func (c *client) Info() drivers.Info { return c.info }

// Close closes the connections.
func (c *client) Close() error {
	if s := c.sess.Load(); s != nil {
		if err := s.close(); err != nil {
			return fmt.Errorf("redis: close client: %w", err)
		}
	}
	return nil
}
