package aerospike

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	as "github.com/aerospike/aerospike-client-go/v7"
	"github.com/aerospike/aerospike-client-go/v7/types"

	"github.com/persistbench/persistbench/drivers"
)

// bin is the one bin every record has: the value.
const bin = "v"

// opTimeout bounds one operation: long on purpose, a defrag or a flush
// stall is something to measure, not to turn into an error.
const opTimeout = 30 * time.Second

// target is where and as whom the client connects; the password is kept
// only here and never written.
type target struct {
	host          string
	port          int
	ns, set       string
	user, pass    string
	conns         int
	durableDelete bool
}

// client is the plain aerospike-client-go driver: what an external server
// gets. The managed driver embeds it and replaces the client on restart.
type client struct {
	t    target
	ac   atomic.Pointer[as.Client]
	info drivers.Info
	rp   *as.BasePolicy
	wp   *as.WritePolicy
	dp   *as.WritePolicy
}

func splitAddr(addr string) (string, int, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("aerospike: address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("aerospike: address %q: bad port", addr)
	}
	return h, port, nil
}

func newClient(ctx context.Context, t target) (*client, error) {
	c := &client{t: t}
	c.rp = as.NewPolicy()
	c.rp.TotalTimeout, c.rp.SocketTimeout = opTimeout, opTimeout
	// A retried write would hide a failure from the ledger.
	c.rp.MaxRetries = 0
	c.wp = as.NewWritePolicy(0, 0)
	c.wp.TotalTimeout, c.wp.SocketTimeout, c.wp.MaxRetries = opTimeout, opTimeout, 0
	dp := *c.wp
	dp.DurableDelete = t.durableDelete
	c.dp = &dp
	if err := c.connect(ctx); err != nil {
		return nil, err
	}
	c.info.Version = c.infoValue("build")
	return c, nil
}

// connect opens a fresh client and closes the previous one.
func (c *client) connect(ctx context.Context) error {
	cp := as.NewClientPolicy()
	cp.User, cp.Password = c.t.user, c.t.pass
	cp.Timeout = 5 * time.Second
	if d, ok := ctx.Deadline(); ok && time.Until(d) < cp.Timeout {
		cp.Timeout = max(time.Until(d), time.Millisecond)
	}
	cp.ConnectionQueueSize = max(c.t.conns, 1) + 4
	// A local single node: no other addresses to learn.
	cp.SeedOnlyCluster = true
	addr := net.JoinHostPort(c.t.host, strconv.Itoa(c.t.port))
	ac, err := as.NewClientWithPolicyAndHost(cp, as.NewHost(c.t.host, c.t.port))
	if err != nil {
		return mapError("connect to "+addr, err)
	}
	if old := c.ac.Swap(ac); old != nil {
		old.Close()
	}
	return nil
}

// infoValue asks the first node for one info value; "" on failure.
func (c *client) infoValue(name string) string {
	v, err := c.requestInfo(name)
	if err != nil {
		return ""
	}
	return v[name]
}

func (c *client) requestInfo(names ...string) (map[string]string, error) {
	ac, err := c.conn("info")
	if err != nil {
		return nil, err
	}
	nodes := ac.GetNodes()
	if len(nodes) == 0 {
		return nil, fmt.Errorf("aerospike: info: no node connected")
	}
	m, err := nodes[0].RequestInfo(as.NewInfoPolicy(), names...)
	if err != nil {
		return nil, mapError("info", err)
	}
	return m, nil
}

// namespace reads the `namespace/<ns>` statistics.
func (c *client) namespace() (NamespaceStats, error) {
	name := "namespace/" + c.t.ns
	m, err := c.requestInfo(name)
	if err != nil {
		return NamespaceStats{}, err
	}
	ns, err := ParseNamespace(m[name])
	if err != nil {
		return ns, fmt.Errorf("%w (namespace %q)", err, c.t.ns)
	}
	return ns, nil
}

// errNotConnected is returned while a managed server is down or after
// Close.
var errNotConnected = errors.New("not connected (server down or driver closed)")

func (c *client) conn(op string) (*as.Client, error) {
	ac := c.ac.Load()
	if ac == nil {
		return nil, fmt.Errorf("aerospike: %s: %w", op, errNotConnected)
	}
	return ac, nil
}

func (c *client) key(k []byte) (*as.Key, error) {
	key, err := as.NewKey(c.t.ns, c.t.set, k)
	if err != nil {
		return nil, mapError("key", err)
	}
	return key, nil
}

// Get appends the value of key to dst[:0].
func (c *client) Get(ctx context.Context, key, dst []byte) ([]byte, bool, error) {
	k, err := c.key(key)
	if err != nil {
		return dst[:0], false, err
	}
	ac, err := c.conn("get")
	if err != nil {
		return dst[:0], false, err
	}
	rec, aerr := ac.Get(c.rp, k, bin)
	if aerr != nil {
		if aerr.Matches(types.KEY_NOT_FOUND_ERROR) {
			return dst[:0], false, nil
		}
		return dst[:0], false, mapError("get", aerr)
	}
	v, ok := rec.Bins[bin].([]byte)
	if !ok {
		return dst[:0], false, fmt.Errorf("aerospike: get: bin %q holds %T, want bytes", bin, rec.Bins[bin])
	}
	return append(dst[:0], v...), true, nil
}

// Set stores value under key (the client copies neither slice beyond the
// call: it serialises them before Put returns).
func (c *client) Set(ctx context.Context, key, value []byte) error {
	k, err := c.key(key)
	if err != nil {
		return err
	}
	ac, err := c.conn("set")
	if err != nil {
		return err
	}
	if aerr := ac.PutBins(c.wp, k, as.NewBin(bin, value)); aerr != nil {
		return mapError("set", aerr)
	}
	return nil
}

// Delete removes key; durable when the profile asks for durable deletes.
func (c *client) Delete(ctx context.Context, key []byte) error {
	k, err := c.key(key)
	if err != nil {
		return err
	}
	ac, err := c.conn("delete")
	if err != nil {
		return err
	}
	if _, aerr := ac.Delete(c.dp, k); aerr != nil {
		return mapError("delete", aerr)
	}
	return nil
}

// Pipeline runs the ops one after the other: Aerospike has no pipelining
// of single-record commands, and a batch of mixed reads and writes would
// change what each acknowledgement means.
func (c *client) Pipeline(ctx context.Context, ops []drivers.Op) error {
	for i := range ops {
		if err := ctx.Err(); err != nil {
			return err
		}
		op := &ops[i]
		switch op.Kind {
		case drivers.OpGet:
			op.Value, op.Found, op.Err = c.Get(ctx, op.Key, op.Value)
		case drivers.OpSet:
			op.Err = c.Set(ctx, op.Key, op.Value)
		case drivers.OpDelete:
			op.Err = c.Delete(ctx, op.Key)
		default:
			op.Err = fmt.Errorf("aerospike: pipeline: op %d: unknown kind %d", i, op.Kind)
		}
	}
	return nil
}

func (c *client) Info() drivers.Info { return c.info }

func (c *client) Close() error {
	if ac := c.ac.Swap(nil); ac != nil {
		ac.Close()
	}
	return nil
}
