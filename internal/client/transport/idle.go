package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"
)

// DefaultIdleTimeout is how long a connection may carry no data before the attempt fails: long
// enough for a vendor that thinks before it answers, short enough that a stalled server is
// noticed in a minute rather than never.
const DefaultIdleTimeout = 60 * time.Second

// progressFloor is the number of bytes that must arrive before a read extends the idle deadline:
// a server that trickles an answer (a byte every few seconds) is as stuck as a silent one, and
// without a floor each byte would keep it alive forever.
const progressFloor = 1 << 10

// IdleTimeoutError reports a connection on which nothing (or only a trickle) moved for the idle
// timeout. It is a net.Error whose Timeout() is true, so attempts that hit it are retried like
// any other broken connection.
type IdleTimeoutError struct {
	Op   string // "read" or "write"
	Idle time.Duration
}

// Error says what stalled and for how long; the exchange adds the host and the call.
func (e *IdleTimeoutError) Error() string {
	if e.Op == "write" {
		return fmt.Sprintf("the server stopped accepting data for %s (idle_timeout)", e.Idle)
	}
	return fmt.Sprintf("the server sent no data (or less than %d bytes) for %s (idle_timeout)", progressFloor, e.Idle)
}

// Timeout is true: the connection stalled.
func (e *IdleTimeoutError) Timeout() bool { return true }

// Temporary is true: another attempt on a new connection may work.
func (e *IdleTimeoutError) Temporary() bool { return true }

// Unwrap lets errors.Is(err, os.ErrDeadlineExceeded) keep working.
func (e *IdleTimeoutError) Unwrap() error { return os.ErrDeadlineExceeded }

// idleDial wraps a dialer so every connection it makes enforces the idle timeout.
func idleDial(dial func(ctx context.Context, network, addr string) (net.Conn, error), idle time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		ic := &idleConn{Conn: c, idle: idle}
		ic.extendRead(time.Now(), true)
		return ic, nil
	}
}

// idleConn fails reads and writes that make no progress for idle. Both directions count as
// progress for the read deadline: while a large upload is being written the server is not
// expected to answer, and after the last byte it has idle to start answering. Deadlines are
// moved at most every idle/8, so a fast stream costs a handful of timer resets per second.
type idleConn struct {
	net.Conn
	idle time.Duration

	readSince     atomic.Int64 // bytes read since the read deadline was last extended
	readDeadline  atomic.Int64 // unix nanoseconds
	writeDeadline atomic.Int64
}

func (c *idleConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.readSince.Add(int64(n)) >= progressFloor {
		c.readSince.Store(0)
		c.extendRead(time.Now(), false)
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = &IdleTimeoutError{Op: "read", Idle: c.idle}
	}
	return n, err
}

func (c *idleConn) Write(p []byte) (int, error) {
	now := time.Now()
	c.extend(&c.writeDeadline, now, c.SetWriteDeadline, false)
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.readSince.Store(0)
		c.extendRead(now, false)
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		err = &IdleTimeoutError{Op: "write", Idle: c.idle}
	}
	return n, err
}

func (c *idleConn) extendRead(now time.Time, force bool) {
	c.extend(&c.readDeadline, now, c.SetReadDeadline, force)
}

// extend moves a deadline to now+idle unless it is already close to that.
func (c *idleConn) extend(cur *atomic.Int64, now time.Time, set func(time.Time) error, force bool) {
	want := now.Add(c.idle).UnixNano()
	if !force && want-cur.Load() < int64(c.idle/8) {
		return
	}
	cur.Store(want)
	_ = set(time.Unix(0, want))
}
