// Package faultproxy is a TCP proxy that breaks connections on purpose, for rehearsing the
// provider against a network nobody designed it around. It knows nothing of HTTP: each accepted
// connection is forwarded byte for byte to one upstream address, and a seeded plan drawn per
// connection (see Profile.Plan) may, independently in each direction and at a random byte
// offset (which, on a keep-alive connection, may fall in any of its requests):
//
//   - reset the connection (SO_LINGER 0) after k bytes client→server or server→client;
//   - close the client's side with a FIN after k bytes of the server's answer (truncation);
//   - stall a direction for a few seconds at byte k, then go on or reset;
//   - drip a stretch of bytes 1–7 at a time with small pauses;
//   - wait before a direction's first byte.
//
// The same seed makes the same decisions for the same connection index (the order of accept).
// Stats counts what was done, by kind; it marshals to JSON.
//
// The package imports neither the clients, nor the provider, nor the sandbox, nor Terraform.
package faultproxy

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fault kinds as Stats counts them. A stall that ends in a reset counts as stall_* and as
// stall_reset.
const (
	KindResetUp    = "reset_up"
	KindResetDown  = "reset_down"
	KindFinDown    = "fin_down"
	KindStallUp    = "stall_up"
	KindStallDown  = "stall_down"
	KindStallReset = "stall_reset"
	KindDripUp     = "drip_up"
	KindDripDown   = "drip_down"
	KindDelayUp    = "delay_up"
	KindDelayDown  = "delay_down"
)

// Config is one proxy.
type Config struct {
	Upstream string  // host:port every connection is forwarded to
	Profile  Profile // the fault rates
	Seed     int64
	// Sleep waits d or until ctx ends (the connection was closed); nil uses a timer. Tests pass
	// one that records d and returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logf, when set, gets one line per connection with faults and one per fault that struck.
	Logf func(format string, args ...any)
}

// Stats is what the proxy did so far.
type Stats struct {
	Profile     string           `json:"profile"`
	Seed        int64            `json:"seed"`
	Connections int64            `json:"connections"`
	DialErrors  int64            `json:"dial_errors"`
	BytesUp     int64            `json:"bytes_up"`
	BytesDown   int64            `json:"bytes_down"`
	Faults      map[string]int64 `json:"faults"` // faults that struck, by kind
}

// Total is the number of faults that struck (a stall that ended in a reset counts once).
func (s Stats) Total() int64 {
	var n int64
	for k, v := range s.Faults {
		if k != KindStallReset {
			n += v
		}
	}
	return n
}

// Summary is the faults in one short line, e.g. "conns=41 reset_down=1 drip_up=2", kinds sorted.
func (s Stats) Summary() string {
	kinds := make([]string, 0, len(s.Faults))
	for k := range s.Faults {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	out := "conns=" + itoa(s.Connections)
	for _, k := range kinds {
		out += " " + k + "=" + itoa(s.Faults[k])
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Proxy forwards connections with faults. Create it with New, run it with Serve.
type Proxy struct {
	cfg Config

	mu     sync.Mutex
	ln     net.Listener
	conns  map[*pconn]struct{}
	faults map[string]int64
	closed bool

	next        atomic.Uint64
	connections atomic.Int64
	dialErrors  atomic.Int64
	bytesUp     atomic.Int64
	bytesDown   atomic.Int64
	wg          sync.WaitGroup
}

// New returns a proxy for cfg; nothing listens until Serve.
func New(cfg Config) *Proxy {
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return &Proxy{cfg: cfg, conns: map[*pconn]struct{}{}, faults: map[string]int64{}}
}

// Listen listens on addr (e.g. 127.0.0.1:0) and serves cfg in the background.
func Listen(addr string, cfg Config) (*Proxy, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	p := New(cfg)
	p.ln = ln
	go func() { _ = p.serve(ln) }()
	return p, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Serve accepts connections on ln until Close; it takes ownership of ln.
func (p *Proxy) Serve(ln net.Listener) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ln.Close()
	}
	p.ln = ln
	p.mu.Unlock()
	return p.serve(ln)
}

func (p *Proxy) serve(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		idx := p.next.Add(1) - 1
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c, idx)
		}()
	}
}

// Addr is the listening address (after Serve or Listen), e.g. 127.0.0.1:41234.
func (p *Proxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return ""
	}
	return p.ln.Addr().String()
}

// Close stops accepting, resets every open connection and waits for them.
func (p *Proxy) Close() error {
	p.mu.Lock()
	p.closed = true
	var err error
	if p.ln != nil {
		err = p.ln.Close()
	}
	conns := make([]*pconn, 0, len(p.conns))
	for c := range p.conns {
		conns = append(conns, c)
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.abort()
	}
	p.wg.Wait()
	return err
}

// Stats is a snapshot of the counters.
func (p *Proxy) Stats() Stats {
	p.mu.Lock()
	faults := make(map[string]int64, len(p.faults))
	for k, v := range p.faults {
		faults[k] = v
	}
	p.mu.Unlock()
	return Stats{
		Profile: p.cfg.Profile.Name, Seed: p.cfg.Seed,
		Connections: p.connections.Load(), DialErrors: p.dialErrors.Load(),
		BytesUp: p.bytesUp.Load(), BytesDown: p.bytesDown.Load(),
		Faults: faults,
	}
}

// StatsJSON is Stats, indented JSON.
func (p *Proxy) StatsJSON() ([]byte, error) {
	return json.MarshalIndent(p.Stats(), "", "  ")
}

func (p *Proxy) count(kind string) {
	p.mu.Lock()
	p.faults[kind]++
	p.mu.Unlock()
}

func (p *Proxy) logf(format string, args ...any) {
	if p.cfg.Logf != nil {
		p.cfg.Logf(format, args...)
	}
}

// pconn is one proxied connection.
type pconn struct {
	p        *Proxy
	idx      uint64
	client   net.Conn
	upstream net.Conn
	ctx      context.Context
	cancel   context.CancelFunc
	once     sync.Once
	mu       sync.Mutex  // guards upstream against an abort from Close while dialing
	finned   atomic.Bool // the server's direction was cut with a FIN: the client's bytes are discarded
}

func (p *Proxy) handle(client net.Conn, idx uint64) {
	p.connections.Add(1)
	plan := p.cfg.Profile.Plan(p.cfg.Seed, idx)
	ctx, cancel := context.WithCancel(context.Background())
	c := &pconn{p: p, idx: idx, client: client, ctx: ctx, cancel: cancel}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.abort()
		return
	}
	p.conns[c] = struct{}{}
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.conns, c)
		p.mu.Unlock()
		cancel()
	}()

	var d net.Dialer
	up, err := d.DialContext(ctx, "tcp", p.cfg.Upstream)
	if err != nil {
		p.dialErrors.Add(1)
		p.logf("conn %d: dial %s: %v", idx, p.cfg.Upstream, err)
		c.abort()
		return
	}
	c.mu.Lock()
	c.upstream = up
	aborted := ctx.Err() != nil // Close came while dialing: abort has run without it
	c.mu.Unlock()
	if aborted {
		reset(up)
		return
	}
	if !plan.None() {
		p.logf("conn %d: plan %s", idx, plan)
	}

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); c.pipe(true, client, up, plan.Up) }()
	go func() { defer wg.Done(); c.pipe(false, up, client, plan.Down) }()
	wg.Wait()
	_ = client.Close()
	_ = up.Close()
}

// abort resets both sides (SO_LINGER 0, so the peers see RST, not FIN) and wakes any sleep.
func (c *pconn) abort() {
	c.once.Do(func() {
		c.mu.Lock()
		c.cancel()
		up := c.upstream
		c.mu.Unlock()
		reset(c.client)
		if up != nil {
			reset(up)
		}
	})
}

// reset closes conn with SO_LINGER 0: the peer gets RST.
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// fin cuts the server's direction the polite way: FIN to the client, the upstream closed, and
// whatever the client still sends discarded until it closes.
func (c *pconn) fin() {
	c.finned.Store(true)
	if tc, ok := c.client.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	} else {
		_ = c.client.Close()
	}
	_ = c.upstream.Close()
}

func closeWrite(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	_ = conn.Close()
}

// dirState walks one direction's plan as its bytes go by.
type dirState struct {
	up        bool
	plan      DirPlan
	pos       int64 // bytes forwarded so far
	first     bool  // the first byte has not gone yet
	stallDone bool
	dripping  bool
	dripRNG   *rng
}

func (c *pconn) kind(up bool, upKind, downKind string) string {
	if up {
		return upKind
	}
	return downKind
}

// pipe copies src → dst through the direction's plan until EOF, an error or a cut.
func (c *pconn) pipe(up bool, src, dst net.Conn, plan DirPlan) {
	st := &dirState{up: up, plan: plan, first: true}
	if plan.Drip != nil {
		st.dripRNG = newRNG(plan.Drip.Seed)
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !c.forward(st, dst, buf[:n]) {
				if up && c.finned.Load() {
					_, _ = io.Copy(io.Discard, src) // the server is gone: let the client finish
				}
				return
			}
		}
		if err != nil {
			switch {
			case errors.Is(err, io.EOF):
				if up && c.finned.Load() {
					return
				}
				closeWrite(dst) // pass the half-close on
			case up && c.finned.Load():
				// the client gave up after the FIN
			default:
				if c.ctx.Err() == nil && !c.finned.Load() {
					c.abort() // a reset or an error on one side resets the other
				}
			}
			return
		}
	}
}

// forward writes b to dst, striking the plan's faults at their offsets; false when the
// direction is over (a cut, an abort, a write error).
func (c *pconn) forward(st *dirState, dst net.Conn, b []byte) bool {
	p := c.p
	pl := st.plan
	if st.first {
		st.first = false
		if pl.Delay > 0 {
			p.count(c.kind(st.up, KindDelayUp, KindDelayDown))
			p.logf("conn %d: %s %s before the first byte", c.idx, c.kind(st.up, KindDelayUp, KindDelayDown), pl.Delay)
			if p.cfg.Sleep(c.ctx, pl.Delay) != nil {
				return false
			}
		}
	}
	for len(b) > 0 {
		if pl.Cut != nil && st.pos >= pl.Cut.At {
			switch {
			case pl.Cut.Reset:
				p.count(c.kind(st.up, KindResetUp, KindResetDown))
				p.logf("conn %d: %s after %d bytes", c.idx, c.kind(st.up, KindResetUp, KindResetDown), st.pos)
				c.abort()
			default:
				p.count(KindFinDown)
				p.logf("conn %d: %s after %d bytes", c.idx, KindFinDown, st.pos)
				c.fin()
			}
			return false
		}
		if pl.Stall != nil && !st.stallDone && st.pos >= pl.Stall.At {
			st.stallDone = true
			k := c.kind(st.up, KindStallUp, KindStallDown)
			p.count(k)
			then := "then go on"
			if pl.Stall.ThenReset {
				then = "then reset"
			}
			p.logf("conn %d: %s at byte %d for %s, %s", c.idx, k, st.pos, pl.Stall.For, then)
			if p.cfg.Sleep(c.ctx, pl.Stall.For) != nil {
				return false
			}
			if pl.Stall.ThenReset {
				p.count(KindStallReset)
				c.abort()
				return false
			}
		}
		n := int64(len(b))
		dripping := pl.Drip != nil && st.pos >= pl.Drip.At && st.pos < pl.Drip.At+pl.Drip.Len
		var pause time.Duration
		if dripping {
			if !st.dripping {
				st.dripping = true
				k := c.kind(st.up, KindDripUp, KindDripDown)
				p.count(k)
				p.logf("conn %d: %s from byte %d for %d bytes", c.idx, k, st.pos, pl.Drip.Len)
			}
			n = min(n, st.dripRNG.intIn(dripChunkMin, dripChunkMax), pl.Drip.At+pl.Drip.Len-st.pos)
			pause = st.dripRNG.durIn(pl.Drip.pause)
		} else {
			// up to the next offset where something happens
			for _, at := range []int64{cutAt(pl), stallAt(pl, st), dripAt(pl)} {
				if at > st.pos {
					n = min(n, at-st.pos)
				}
			}
		}
		if _, err := dst.Write(b[:n]); err != nil {
			if c.ctx.Err() == nil && !c.finned.Load() {
				c.abort()
			}
			return false
		}
		if st.up {
			p.bytesUp.Add(n)
		} else {
			p.bytesDown.Add(n)
		}
		st.pos += n
		b = b[n:]
		if pause > 0 && p.cfg.Sleep(c.ctx, pause) != nil {
			return false
		}
	}
	return true
}

func cutAt(pl DirPlan) int64 {
	if pl.Cut == nil {
		return -1
	}
	return pl.Cut.At
}

func stallAt(pl DirPlan, st *dirState) int64 {
	if pl.Stall == nil || st.stallDone {
		return -1
	}
	return pl.Stall.At
}

func dripAt(pl DirPlan) int64 {
	if pl.Drip == nil {
		return -1
	}
	return pl.Drip.At
}
