package faultproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"reflect"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"
)

// payload is n recognisable bytes.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// upstream is a one-purpose TCP server: each connection runs handle.
func upstream(t *testing.T, handle func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); defer c.Close(); handle(c) }()
		}
	}()
	return ln.Addr().String()
}

// start serves cfg on loopback for the test.
func start(t *testing.T, cfg Config) *Proxy {
	t.Helper()
	p, err := Listen("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// answer is an upstream that sends data once the client has sent a byte, then reads until the
// client is gone. (A server that wrote at once could have the connection reset before the
// client's connect returned, which Go reports as a failed dial.)
func answer(data []byte) func(c net.Conn) {
	return func(c net.Conn) {
		if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
			return
		}
		_, _ = c.Write(data)
		_, _ = io.Copy(io.Discard, c)
	}
}

// ask dials the proxy and sends the byte answer waits for.
func ask(t *testing.T, p *Proxy) *net.TCPConn {
	t.Helper()
	c := dial(t, p)
	if _, err := c.Write([]byte("?")); err != nil {
		t.Fatal(err)
	}
	return c
}

func dial(t *testing.T, p *Proxy) *net.TCPConn {
	t.Helper()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	tc, ok := c.(*net.TCPConn)
	if !ok {
		t.Fatalf("dial gave a %T", c)
	}
	return tc
}

// noSleep records every wait and returns at once.
type noSleep struct {
	mu  sync.Mutex
	all []time.Duration
}

func (s *noSleep) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.all = append(s.all, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *noSleep) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.all...)
}

// only is a profile with one fault certain and the others off.
func only(mut func(p *Profile)) Profile {
	p := Profile{Name: "test", MaxOffset: 40000, MaxDripOff: 1,
		StallTime: [2]Dur{Dur(2 * time.Second), Dur(20 * time.Second)},
		DripBytes: [2]int64{200, 600}, DripPause: [2]Dur{Dur(time.Millisecond), Dur(10 * time.Millisecond)},
		DelayTime: [2]Dur{Dur(time.Second), Dur(3 * time.Second)},
	}
	mut(&p)
	return p
}

const big = 64 << 10 // more than any offset the test profiles draw

func TestNoneForwardsBothWaysUntouched(t *testing.T) {
	want := payload(big)
	addr := upstream(t, func(c net.Conn) {
		got, _ := io.ReadAll(c) // until the client's half-close
		if !bytes.Equal(got, want) {
			t.Errorf("upstream got %d bytes, want the %d sent", len(got), len(want))
		}
		_, _ = c.Write(want)
	})
	prof, err := ProfileNamed("none")
	if err != nil {
		t.Fatal(err)
	}
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: 1})
	c := dial(t, p)
	if _, err := c.Write(want); err != nil {
		t.Fatal(err)
	}
	_ = c.CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("client got %d bytes (%v), want %d", len(got), err, len(want))
	}
	s := p.Stats()
	if s.Connections != 1 || s.BytesUp != big || s.BytesDown != big || s.Total() != 0 {
		t.Fatalf("stats = %+v", s)
	}
}

func TestResetDownAfterKBytes(t *testing.T) {
	prof := only(func(p *Profile) { p.ResetDown = 1 })
	const seed = 7
	k := prof.Plan(seed, 0).Down.Cut.At
	addr := upstream(t, answer(payload(big)))
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: (&noSleep{}).sleep})
	c := ask(t, p)
	got, err := io.ReadAll(c)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read error = %v, want a connection reset", err)
	}
	if int64(len(got)) != k || !bytes.Equal(got, payload(big)[:k]) {
		t.Fatalf("client got %d bytes before the reset, want the first %d", len(got), k)
	}
	if n := p.Stats().Faults[KindResetDown]; n != 1 {
		t.Fatalf("reset_down counted %d times, want 1", n)
	}
}

func TestResetUpAfterKBytes(t *testing.T) {
	prof := only(func(p *Profile) { p.ResetUp = 1 })
	const seed = 3
	k := prof.Plan(seed, 0).Up.Cut.At
	type read struct {
		n   int
		err error
	}
	server := make(chan read, 1)
	addr := upstream(t, func(c net.Conn) {
		got, err := io.ReadAll(c)
		server <- read{len(got), err}
	})
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: (&noSleep{}).sleep})
	c := dial(t, p)
	_, _ = c.Write(payload(big)) // may or may not see the reset itself
	r := <-server
	if int64(r.n) != k || !errors.Is(r.err, syscall.ECONNRESET) {
		t.Fatalf("server read %d bytes then %v, want %d then a reset", r.n, r.err, k)
	}
	if _, err := io.ReadAll(c); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
		t.Fatalf("client read after the reset: %v, want a reset", err)
	}
}

func TestFinDownTruncatesTheAnswer(t *testing.T) {
	prof := only(func(p *Profile) { p.FinDown = 1 })
	const seed = 11
	k := prof.Plan(seed, 0).Down.Cut.At
	addr := upstream(t, answer(payload(big)))
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: (&noSleep{}).sleep})
	c := ask(t, p)
	got, err := io.ReadAll(c) // a clean EOF: nil from ReadAll
	if err != nil {
		t.Fatalf("read error = %v, want a clean end of stream (FIN)", err)
	}
	if int64(len(got)) != k {
		t.Fatalf("client got %d bytes, want the first %d", len(got), k)
	}
	// The client may still write (its side is open); the proxy discards it and lets it close.
	if _, err := c.Write([]byte("more")); err != nil {
		t.Fatalf("write after the FIN: %v", err)
	}
	if n := p.Stats().Faults[KindFinDown]; n != 1 {
		t.Fatalf("fin_down counted %d times, want 1", n)
	}
}

// blockingSleep hands each wait to the test, which releases it.
type blockingSleep struct {
	waits   chan time.Duration
	release chan struct{}
}

func newBlockingSleep() *blockingSleep {
	return &blockingSleep{waits: make(chan time.Duration, 16), release: make(chan struct{})}
}

func (s *blockingSleep) sleep(ctx context.Context, d time.Duration) error {
	s.waits <- d
	select {
	case <-s.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestStallStopsThenContinues(t *testing.T) {
	prof := only(func(p *Profile) { p.Stall = 1 })
	const seed = 5
	plan := prof.Plan(seed, 0)
	if plan.Up.Stall == nil || plan.Down.Stall == nil {
		t.Fatalf("plan %s: want a stall each way", plan)
	}
	k := plan.Down.Stall.At
	want := payload(big)
	addr := upstream(t, func(c net.Conn) {
		buf := make([]byte, 1)
		if _, err := io.ReadFull(c, buf); err != nil { // the up stall is at a byte we never reach
			return
		}
		_, _ = c.Write(want)
		_, _ = io.Copy(io.Discard, c)
	})
	bs := newBlockingSleep()
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: bs.sleep})
	c := dial(t, p)
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, k)
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading the %d bytes before the stall: %v", k, err)
	}
	if d := <-bs.waits; d != plan.Down.Stall.For {
		t.Fatalf("stalled for %s, want the plan's %s", d, plan.Down.Stall.For)
	}
	// While the proxy is stalled nothing more arrives.
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read during the stall: %d bytes, %v; want nothing", n, err)
	}
	_ = c.SetReadDeadline(time.Time{})
	close(bs.release)
	rest, err := io.ReadAll(io.LimitReader(c, int64(big)-k))
	if err != nil || !bytes.Equal(slices.Concat(got, rest), want) {
		t.Fatalf("after the stall: %d bytes (%v), want the remaining %d", len(rest), err, int64(big)-k)
	}
	if n := p.Stats().Faults[KindStallDown]; n != 1 {
		t.Fatalf("stall_down counted %d, want 1", n)
	}
}

func TestStallThenReset(t *testing.T) {
	prof := only(func(p *Profile) { p.Stall, p.StallReset = 1, 1 })
	const seed = 5
	k := prof.Plan(seed, 0).Down.Stall.At
	addr := upstream(t, answer(payload(big)))
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: (&noSleep{}).sleep})
	c := ask(t, p)
	got, err := io.ReadAll(c)
	if int64(len(got)) != k || !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("got %d bytes then %v, want %d then a reset", len(got), err, k)
	}
	s := p.Stats()
	if s.Faults[KindStallDown] != 1 || s.Faults[KindStallReset] != 1 {
		t.Fatalf("faults = %v", s.Faults)
	}
}

func TestDripForwardsTinyChunksIntact(t *testing.T) {
	prof := only(func(p *Profile) { p.Drip = 1 })
	const seed = 9
	d := prof.Plan(seed, 0).Down.Drip
	want := payload(big)
	addr := upstream(t, answer(want))
	ns := &noSleep{}
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: ns.sleep})
	c := ask(t, p)
	got, err := io.ReadAll(io.LimitReader(c, big))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes (%v), want %d intact", len(got), err, big)
	}
	// One pause after each chunk of 1–7 bytes (and one after the byte that asked, which the up
	// direction's drip sent alone).
	pauses := len(ns.waits()) - 1
	if lo, hi := int((d.Len+dripChunkMax-1)/dripChunkMax), int(d.Len); pauses < lo || pauses > hi {
		t.Fatalf("%d pauses for a drip of %d bytes, want %d..%d (chunks of 1–7 bytes)", pauses, d.Len, lo, hi)
	}
	for _, w := range ns.waits() {
		if w < time.Duration(prof.DripPause[0]) || w > time.Duration(prof.DripPause[1]) {
			t.Fatalf("pause %s outside %v", w, prof.DripPause)
		}
	}
	if n := p.Stats().Faults[KindDripDown]; n != 1 {
		t.Fatalf("drip_down counted %d, want 1", n)
	}
}

func TestDelayBeforeTheFirstByte(t *testing.T) {
	prof := only(func(p *Profile) { p.Delay = 1 })
	const seed = 2
	plan := prof.Plan(seed, 0)
	got := make(chan []byte, 1)
	addr := upstream(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		got <- b
	})
	bs := newBlockingSleep()
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed, Sleep: bs.sleep})
	c := dial(t, p)
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if d := <-bs.waits; d != plan.Up.Delay {
		t.Fatalf("waited %s, want the plan's %s", d, plan.Up.Delay)
	}
	select {
	case b := <-got:
		t.Fatalf("upstream got %q during the delay", b)
	default:
	}
	close(bs.release)
	_ = c.CloseWrite()
	if b := <-got; string(b) != "hello" {
		t.Fatalf("upstream got %q, want hello", b)
	}
}

func TestPlansAreDeterministicPerSeedAndIndex(t *testing.T) {
	heavy, err := ProfileNamed("heavy")
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	faults := 0
	for i := range uint64(200) {
		a, b := heavy.Plan(42, i), heavy.Plan(42, i)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("index %d: %s then %s", i, a, b)
		}
		if !a.None() {
			faults++
		}
		if !reflect.DeepEqual(a, heavy.Plan(43, i)) {
			differ = true
		}
	}
	if !differ {
		t.Fatal("seeds 42 and 43 drew the same 200 plans")
	}
	if faults == 0 || faults == 200 {
		t.Fatalf("%d of 200 heavy connections have a fault: the rates are not applied", faults)
	}
}

// TestSameSeedSameFaults runs the same sequence of connections through two proxies with the
// same seed: the same faults strike and each connection carries the same bytes.
func TestSameSeedSameFaults(t *testing.T) {
	heavy, err := ProfileNamed("heavy")
	if err != nil {
		t.Fatal(err)
	}
	heavy.MaxOffset = 16 << 10 // so most cuts and stalls fall inside what the test sends
	answer := payload(20 << 10)
	addr := upstream(t, func(c net.Conn) {
		buf := make([]byte, 4<<10)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		_, _ = c.Write(answer)
		_, _ = io.Copy(io.Discard, c)
	})
	runOnce := func() (Stats, []int) {
		p := start(t, Config{Upstream: addr, Profile: heavy, Seed: 99, Sleep: (&noSleep{}).sleep})
		var got []int
		for range 40 {
			c := dial(t, p)
			_, _ = c.Write(payload(4 << 10))
			b, _ := io.ReadAll(io.LimitReader(c, int64(len(answer))))
			got = append(got, len(b))
			_ = c.Close()
		}
		_ = p.Close()
		return p.Stats(), got
	}
	s1, got1 := runOnce()
	s2, got2 := runOnce()
	if !reflect.DeepEqual(s1.Faults, s2.Faults) || !reflect.DeepEqual(got1, got2) {
		t.Fatalf("same seed, different runs:\n%v %v\n%v %v", s1.Faults, got1, s2.Faults, got2)
	}
	if s1.Total() == 0 {
		t.Fatal("no fault struck in 40 heavy connections")
	}
	raw, err := json.Marshal(s1)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(raw, &back); err != nil || back["profile"] != "heavy" || back["faults"] == nil {
		t.Fatalf("stats JSON %s", raw)
	}
}

// TestCloseResetsOpenConnectionsEvenMidStall: Close does not wait out a stall.
func TestCloseResetsOpenConnectionsEvenMidStall(t *testing.T) {
	prof := only(func(p *Profile) { p.Stall, p.StallTime = 1, [2]Dur{Dur(time.Hour), Dur(time.Hour)} })
	const seed = 5
	k := prof.Plan(seed, 0).Down.Stall.At
	addr := upstream(t, answer(payload(big)))
	p := start(t, Config{Upstream: addr, Profile: prof, Seed: seed}) // the real timer
	c := ask(t, p)
	if _, err := io.ReadFull(c, make([]byte, k)); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(c); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read after Close: %v, want a reset", err)
	}
}
