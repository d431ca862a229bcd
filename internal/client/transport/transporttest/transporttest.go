// Package transporttest holds test doubles for package transport, so client and provider tests can
// run pollers without sleeping and assert on what would have been logged.
package transporttest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// FakeClock is a transport.Clock whose waits return at once, advancing its time by the wait.
type FakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

var _ transport.Clock = (*FakeClock)(nil)

// NewFakeClock starts the fake time at start, so tests can assert on durations computed from it.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start}
}

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After records d, advances the fake time by d and returns an already-fired channel, so pollers run without sleeping.
func (c *FakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

// Advance moves the fake time without recording a wait, to simulate time spent elsewhere.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Waits returns every wait requested so far, in order, for asserting backoff growth and caps.
func (c *FakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// Line is one captured log line.
type Line struct {
	Level  transport.Level
	Msg    string
	Fields map[string]any
}

// String renders the line with sorted fields, so dumps are stable and easy to grep.
func (l Line) String() string {
	keys := make([]string, 0, len(l.Fields))
	for k := range l.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", l.Level, l.Msg)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, l.Fields[k])
	}
	return b.String()
}

// CaptureLogger is a transport.Logger that records lines; safe for concurrent use because net/http
// and pollers may log from several goroutines.
type CaptureLogger struct {
	mu    sync.Mutex
	lines []Line
}

var _ transport.Logger = (*CaptureLogger)(nil)

// Log records the line; fields are copied so later changes by the caller do not rewrite history.
func (l *CaptureLogger) Log(_ context.Context, level transport.Level, msg string, fields map[string]any) {
	cp := make(map[string]any, len(fields))
	for k, v := range fields {
		cp[k] = v
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, Line{Level: level, Msg: msg, Fields: cp})
}

// Lines returns the recorded lines in order.
func (l *CaptureLogger) Lines() []Line {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Line(nil), l.lines...)
}

// String dumps every line, one per row, for substring assertions and failure messages.
func (l *CaptureLogger) String() string {
	var b strings.Builder
	for _, line := range l.Lines() {
		b.WriteString(line.String())
		b.WriteByte('\n')
	}
	return b.String()
}
