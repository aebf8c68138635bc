package redis

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/persistbench/persistbench/internal/serverproc"
)

// stopTimeout is how long a SIGTERM may take before SIGKILL. Redis saves
// on SIGTERM when it has save points, which takes seconds on big datasets.
const stopTimeout = 10 * time.Second

// startProcess execs redis-server on confPath in its own process group
// (see serverproc.Start).
func startProcess(bin, confPath string) (*serverproc.Process, error) {
	p, err := serverproc.Start("redis-server", bin, confPath)
	if err != nil {
		return nil, fmt.Errorf("redis: %w", err)
	}
	return p, nil
}

// waitAnswer polls addr until process p answers a PING (+PONG, or a
// -LOADING error while it loads), the process exits, or ctx ends. It
// returns the first reply line. A server of another pid answering on the
// port (a port taken between picking and binding it, or a pinned port in
// use) does not count: this process will fail to bind and exit.
func waitAnswer(ctx context.Context, p *serverproc.Process, addr string) (string, error) {
	for {
		line, pid, err := probe(addr)
		if err == nil && pid == p.Pid() {
			return line, nil
		}
		select {
		case <-p.Exited():
			return "", fmt.Errorf("redis-server (pid %d) exited at start (%v)", p.Pid(), p.WaitErr())
		case <-ctx.Done():
			return "", fmt.Errorf("redis-server (pid %d) did not answer on %s: %w", p.Pid(), addr, ctx.Err())
		case <-time.After(time.Millisecond):
		}
	}
}

// probe dials addr and sends PING and INFO server in one round trip of
// raw RESP, needing no client pool. It returns the PING reply line and
// the process_id the server reports.
func probe(addr string) (string, int, error) {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return "", 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(c, "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"); err != nil {
		return "", 0, err
	}
	r := bufio.NewReader(c)
	line, err := readLine(r)
	if err != nil {
		return "", 0, err
	}
	if !strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "-") {
		return "", 0, fmt.Errorf("unexpected reply %q", line)
	}
	head, err := readLine(r)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(strings.TrimPrefix(head, "$"))
	if !strings.HasPrefix(head, "$") || err != nil || n < 0 || n > 1<<20 {
		return "", 0, fmt.Errorf("unexpected INFO reply %q", head)
	}
	body := make([]byte, n+2)
	if _, err := io.ReadFull(r, body); err != nil {
		return "", 0, err
	}
	pid, _ := parseInfo(string(body)).int("process_id")
	return line, int(pid), nil
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// freePort asks the kernel for a free loopback port. Another process may
// take it before redis-server binds it; start retries on that.
func freePort() (int, error) {
	ports, err := serverproc.FreePorts(1)
	if err != nil {
		return 0, fmt.Errorf("redis: %w", err)
	}
	return ports[0], nil
}
