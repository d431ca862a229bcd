package transport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Clock abstracts time so pollers can be tested without sleeping.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Status is one observation of a job.
type Status struct {
	State   string
	Message string
	Done    bool
	Failed  bool
	// Hint is the vendor's own suggestion of when to look again (a Retry-After on the status
	// answer, an ETA in the job), honoured within [Initial, Max]; 0 = none.
	Hint time.Duration
}

// PollOptions configures Poll.
//
// The wait before each look grows with the job's age: Fraction of the time since Since (default
// 10%), never shorter than Initial nor longer than Max, shortened by up to 10% at random so many resources do not
// poll in step. A job is thus seen finished within about Initial while it is young, and within
// Fraction of its duration when it runs longer, at a cost of about ln 10 / ln(1+Fraction) looks
// (24 at a tenth) per tenfold of its duration, then one per Max.
type PollOptions struct {
	Job      string        // what is awaited, named in errors: "Backendless migration archive for app X v1"
	Initial  time.Duration // shortest wait, default 1s
	Max      time.Duration // longest wait, default 30s
	Fraction float64       // share of the job's age waited before the next look, default 0.1
	Since    time.Time     // when the job started, if known earlier than the first look; default: now
	Clock    Clock         // default SystemClock
	// TransientBudget is how long checks may keep failing with transient errors (IsTransient: a
	// network failure that outlasted the request's own retries, a 5xx) before the wait gives up;
	// default 5 minutes. A job that runs for hours should not fail because the network blinked.
	TransientBudget time.Duration
}

// DefaultTransientBudget rides out a vendor outage of a few minutes during a long wait.
const DefaultTransientBudget = 5 * time.Minute

const (
	// DefaultPollInitial gives a quick second look, because most small jobs finish in seconds.
	DefaultPollInitial = time.Second
	// DefaultPollMax keeps long jobs from being asked about more than twice a minute.
	DefaultPollMax = 30 * time.Second
	// DefaultPollFraction makes the lag between a job finishing and the provider seeing it at
	// most a tenth of the job's duration once it outlives Initial.
	DefaultPollFraction = 0.1
)

// Poll calls check until it reports Done or Failed, waiting between looks as PollOptions says.
// check is called once immediately. A check error is returned at once (wrapped with the job name).
// Failed → *JobFailedError. ctx ending → *DeadlineError (wrapping ctx.Err()).
func Poll(ctx context.Context, opts PollOptions, check func(ctx context.Context) (Status, error)) (Status, error) {
	if opts.Initial <= 0 {
		opts.Initial = DefaultPollInitial
	}
	if opts.Max <= 0 {
		opts.Max = DefaultPollMax
	}
	if opts.Max < opts.Initial {
		opts.Max = opts.Initial
	}
	clock := opts.Clock
	if clock == nil {
		clock = SystemClock
	}
	if opts.TransientBudget <= 0 {
		opts.TransientBudget = DefaultTransientBudget
	}
	if opts.Fraction <= 0 || opts.Fraction > 1 {
		opts.Fraction = DefaultPollFraction
	}
	start := clock.Now()
	since := opts.Since
	if since.IsZero() || since.After(start) {
		since = start
	}
	// next is the wait before the next look: a share of the job's age, within [Initial, Max],
	// or the vendor's hint within the same bounds.
	next := func(hint time.Duration) time.Duration {
		d := time.Duration(float64(clock.Now().Sub(since)) * opts.Fraction)
		if hint > 0 {
			d = hint
		}
		return jitter(min(max(d, opts.Initial), opts.Max), opts.Initial, opts.Max)
	}
	var (
		last        Status
		lastErr     error
		failingFrom time.Time // when the current run of transient failures began
		answered    bool      // a check got through to the vendor at least once
	)
	deadline := func() (Status, error) {
		return last, &DeadlineError{Job: opts.Job, LastState: last.State, LastMessage: last.Message,
			Waited: clock.Now().Sub(start), Err: ctx.Err(), LastError: lastErr}
	}
	for {
		// Checked before every look: a fake clock's channel is always ready, so select alone could keep polling.
		if ctx.Err() != nil {
			return deadline()
		}
		st, err := check(ctx)
		switch {
		case err != nil && ctx.Err() != nil:
			return deadline()
		case err != nil && !answered && IsUnreachable(err):
			// Nothing listens there, or the name does not resolve, and nothing ever answered this
			// wait: a wrong URL or a stopped service, not weather. Riding it out would only make
			// the person wait minutes for the same advice.
			return last, fmt.Errorf("waiting for %s: %w (nothing has answered there during this wait: check the URL in the provider configuration and that the service is running; re-run apply to resume)", opts.Job, err)
		case err != nil && IsTransient(err):
			now := clock.Now()
			if failingFrom.IsZero() {
				failingFrom = now
			}
			lastErr = err
			if now.Sub(failingFrom) >= opts.TransientBudget {
				return last, fmt.Errorf("waiting for %s: status checks kept failing for %s: %w", opts.Job, roundWait(now.Sub(failingFrom)), err)
			}
		case err != nil:
			return last, fmt.Errorf("waiting for %s: %w", opts.Job, err)
		default:
			failingFrom, lastErr, answered = time.Time{}, nil, true
		}
		if err != nil && !IsUnreachable(err) {
			answered = true // a 503 or a reset connection still proves something is there
		}
		if err != nil {
			select {
			case <-ctx.Done():
				return deadline()
			case <-clock.After(next(0)):
			}
			continue
		}
		last = st
		if st.Failed {
			return st, &JobFailedError{Job: opts.Job, State: st.State, Message: st.Message}
		}
		if st.Done {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return deadline()
		case <-clock.After(next(st.Hint)):
		}
	}
}

// jitter shortens d by up to 10% so many resources polling the same vendor do not synchronise.
// It never lengthens a wait, so the lag between a job's end and the look that sees it stays within
// the schedule's promise (Initial while the job is young, a tenth of its age later); the floor is
// 90% of lo, the ceiling hi.
func jitter(d, lo, hi time.Duration) time.Duration {
	f := 0.9 + 0.1*rand.Float64()
	return min(max(time.Duration(float64(d)*f), time.Duration(float64(lo)*0.9)), hi)
}

// JobFailedError reports a job that reached a failed terminal state.
type JobFailedError struct {
	Job, State, Message string
}

// Error quotes the vendor's own state and message, which usually say what to fix.
func (e *JobFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed", e.Job)
	if e.State != "" {
		fmt.Fprintf(&b, " (state %q)", e.State)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// DeadlineError reports a wait that ended (timeout or cancel) before a terminal state; Error() names the job, its last state and the last server message, and how long it waited, and suggests raising the resource's timeouts.
type DeadlineError struct {
	Job, LastState, LastMessage string
	Waited                      time.Duration
	Err                         error
	LastError                   error // a transient failure of the last status checks, if any
}

// Error gives the user enough to decide between waiting longer and investigating the vendor side.
func (e *DeadlineError) Error() string {
	var b strings.Builder
	if errors.Is(e.Err, context.Canceled) {
		b.WriteString("interrupted")
	} else {
		b.WriteString("timed out")
	}
	fmt.Fprintf(&b, " after %s waiting for %s: ", roundWait(e.Waited), e.Job)
	if e.LastState == "" {
		b.WriteString("no state observed yet")
	} else {
		fmt.Fprintf(&b, "last state %q", e.LastState)
	}
	if e.LastMessage != "" {
		fmt.Fprintf(&b, ", last message from the server: %q", e.LastMessage)
	}
	if e.LastError != nil {
		fmt.Fprintf(&b, "; the last status checks failed: %v", e.LastError)
	}
	b.WriteString("; the job may still be running: if it needs longer, raise the resource's timeouts")
	return b.String()
}

// Unwrap exposes the context error so callers can tell a cancel from a timeout.
func (e *DeadlineError) Unwrap() error { return e.Err }

func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
