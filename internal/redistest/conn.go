package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// commandTimeout bounds one command and its reply; SAVE of a few MB and
// DBSIZE after a large load stay far below it.
const commandTimeout = 60 * time.Second

// ReplyError is an error reply ('-' line) from the server, without the
// dash: "ERR unknown command", "NOAUTH Authentication required.".
type ReplyError string

func (e ReplyError) Error() string { return string(e) }

// Conn is a minimal RESP2 client, one command at a time.
//
// A command goes out as an array of bulk strings:
//
//	*<argc>\r\n  then for each argument  $<len>\r\n<bytes>\r\n
//
// A reply comes back as one of
//
//	+<text>\r\n             simple string -> string
//	-<text>\r\n             error         -> ReplyError
//	:<n>\r\n                integer       -> int64
//	$<len>\r\n<bytes>\r\n   bulk string   -> string ($-1: nil)
//	*<n>\r\n<n replies>     array         -> []any (*-1: nil)
type Conn struct {
	c net.Conn
	r *bufio.Reader
	w *bufio.Writer
}

// Dial connects to addr.
func Dial(addr string) (*Conn, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return nil, err
	}
	return &Conn{c: c, r: bufio.NewReader(c), w: bufio.NewWriter(c)}, nil
}

// Close closes the connection.
func (c *Conn) Close() { _ = c.c.Close() }

// Do sends one command and reads its reply (see Conn for the Go types).
// An error reply is returned as a ReplyError.
func (c *Conn) Do(args ...string) (any, error) {
	_ = c.c.SetDeadline(time.Now().Add(commandTimeout))
	fmt.Fprintf(c.w, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(c.w, "$%d\r\n%s\r\n", len(a), a)
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	return c.reply()
}

// Must is Do that fails the test on any error, error replies included.
func (c *Conn) Must(t testing.TB, args ...string) any {
	t.Helper()
	v, err := c.Do(args...)
	if err != nil {
		t.Fatalf("redis %v: %v", args, err)
	}
	return v
}

func (c *Conn) reply() (any, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return nil, err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return nil, errors.New("redistest: empty reply line")
	}
	switch line[0] {
	case '+':
		return line[1:], nil
	case '-':
		return nil, ReplyError(line[1:])
	case ':':
		return strconv.ParseInt(line[1:], 10, 64)
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(c.r, b); err != nil {
			return nil, err
		}
		return string(b[:n]), nil
	case '*':
		n, err := strconv.Atoi(line[1:])
		if err != nil || n < 0 {
			return nil, err
		}
		out := make([]any, 0, n)
		for range n {
			v, err := c.reply()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("redistest: bad reply line %q", line)
}
