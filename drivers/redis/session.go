package redis

import (
	"context"
	"errors"

	goredis "github.com/redis/go-redis/v9"
)

// session is one go-redis client and the connections the driver hands to
// its callers, one caller at a time. go-redis's own pool checks every
// connection it hands out with a non-blocking read (a third syscall per
// command besides the write and the read, and a pool lock); a sticky
// goredis.Conn skips both, which is what lets one load generator keep up
// with redis-server on a small machine. The main pool still serves the
// poller, Stats and recovery probes, and lends the sticky connections
// their sockets.
type session struct {
	rc   *goredis.Client
	idle chan *goredis.Conn
	open chan struct{} // one token per connection handed out or idle
}

func newSession(opts *goredis.Options, conns int) *session {
	conns = max(conns, 1)
	return &session{rc: goredis.NewClient(opts),
		idle: make(chan *goredis.Conn, conns), open: make(chan struct{}, conns)}
}

// acquire returns an idle connection, a new one while fewer than conns
// exist, or waits for one to be released.
func (s *session) acquire(ctx context.Context) (*goredis.Conn, error) {
	select {
	case cn := <-s.idle:
		return cn, nil
	default:
	}
	select {
	case cn := <-s.idle:
		return cn, nil
	case s.open <- struct{}{}:
		return s.rc.Conn(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// release hands cn back after a command that returned err. A connection
// that failed other than by an error reply (broken, timed out, cancelled)
// may hold half a reply: it is closed, and its place freed.
func (s *session) release(cn *goredis.Conn, err error) {
	if err != nil && err != goredis.Nil && !isReply(err) {
		_ = cn.Close()
		<-s.open
		return
	}
	s.idle <- cn
}

// close closes the idle connections and the client; connections still in
// use lose their sockets with the client's pool.
func (s *session) close() error {
	for {
		select {
		case cn := <-s.idle:
			_ = cn.Close()
			continue
		default:
		}
		break
	}
	if err := s.rc.Close(); err != nil && !errors.Is(err, goredis.ErrClosed) {
		return err
	}
	return nil
}
