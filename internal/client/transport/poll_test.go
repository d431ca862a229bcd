package transport_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport/transporttest"
)

var epoch = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// script answers check calls from a list, repeating the last entry.
func script(steps ...transport.Status) (func(context.Context) (transport.Status, error), *int) {
	calls := 0
	return func(context.Context) (transport.Status, error) {
		st := steps[min(calls, len(steps)-1)]
		calls++
		return st, nil
	}, &calls
}

func TestPoll_Completes(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, calls := script(
		transport.Status{State: "QUEUED"},
		transport.Status{State: "RUNNING", Message: "50%"},
		transport.Status{State: "DONE", Done: true},
	)
	st, err := transport.Poll(context.Background(), transport.PollOptions{Job: "archive", Clock: clock}, check)
	if err != nil {
		t.Fatal(err)
	}
	if st.State != "DONE" || *calls != 3 || len(clock.Waits()) != 2 {
		t.Fatalf("state %q after %d checks and %d waits", st.State, *calls, len(clock.Waits()))
	}
}

func TestPoll_ChecksOnceImmediately(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, calls := script(transport.Status{State: "DONE", Done: true})
	if _, err := transport.Poll(context.Background(), transport.PollOptions{Job: "j", Clock: clock}, check); err != nil {
		t.Fatal(err)
	}
	if *calls != 1 || len(clock.Waits()) != 0 {
		t.Fatalf("%d checks, %d waits; want 1 and 0", *calls, len(clock.Waits()))
	}
}

func TestPoll_Fails(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, _ := script(
		transport.Status{State: "RUNNING"},
		transport.Status{State: "FAILED", Message: "disk quota exceeded", Failed: true},
	)
	st, err := transport.Poll(context.Background(), transport.PollOptions{Job: "Backendless migration archive for app X v1", Clock: clock}, check)
	var failed *transport.JobFailedError
	if !errors.As(err, &failed) {
		t.Fatalf("err = %v, want *JobFailedError", err)
	}
	if failed.State != "FAILED" || failed.Message != "disk quota exceeded" || st.State != "FAILED" {
		t.Fatalf("got %+v, status %+v", failed, st)
	}
	for _, want := range []string{"Backendless migration archive for app X v1", "FAILED", "disk quota exceeded"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPoll_CheckErrorReturnedAtOnce(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	boom := errors.New("503 from status endpoint")
	calls := 0
	_, err := transport.Poll(context.Background(), transport.PollOptions{Job: "export of app Y", Clock: clock},
		func(context.Context) (transport.Status, error) {
			calls++
			if calls == 2 {
				return transport.Status{}, boom
			}
			return transport.Status{State: "RUNNING"}, nil
		})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "export of app Y") || calls != 2 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
}

func TestPoll_DeadlineErrorNamesJobStateAndMessage(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	calls := 0
	_, err := transport.Poll(ctx, transport.PollOptions{Job: "Mendix deployment package build for app Z", Clock: clock},
		func(context.Context) (transport.Status, error) {
			calls++
			if calls == 4 {
				cancel() // stands in for the deadline: the fake clock does not move the real one
			}
			return transport.Status{State: "Building", Message: "compiling model"}, nil
		})
	var dl *transport.DeadlineError
	if !errors.As(err, &dl) {
		t.Fatalf("err = %v, want *DeadlineError", err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("DeadlineError should wrap the context error: %v", err)
	}
	if calls != 4 {
		t.Errorf("checks = %d, want 4 (no check after the context ended)", calls)
	}
	if dl.Waited <= 0 {
		t.Errorf("Waited = %s, want the fake time spent waiting", dl.Waited)
	}
	for _, want := range []string{"Mendix deployment package build for app Z", `"Building"`, "compiling model", "timeouts", dl.Waited.Round(time.Second).String()} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPoll_DeadlineBeforeAnyState(t *testing.T) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := transport.Poll(ctx, transport.PollOptions{Job: "snapshot", Clock: transporttest.NewFakeClock(epoch)},
		func(context.Context) (transport.Status, error) {
			t.Fatal("no check after the deadline")
			return transport.Status{}, nil
		})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"timed out", "snapshot", "no state observed yet", "timeouts"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestPoll_BackoffGrowsAndIsCapped(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, _ := script(append(make([]transport.Status, 12), transport.Status{Done: true})...)
	opts := transport.PollOptions{Job: "j", Initial: time.Second, Max: 10 * time.Second, Clock: clock}
	if _, err := transport.Poll(context.Background(), opts, check); err != nil {
		t.Fatal(err)
	}
	waits := clock.Waits()
	if len(waits) != 12 {
		t.Fatalf("waits = %v, want 12", waits)
	}
	base := time.Second
	for i, w := range waits {
		lo := time.Duration(float64(base) * 0.8)
		hi := min(time.Duration(float64(base)*1.2), opts.Max)
		if w < lo || w > hi {
			t.Errorf("wait %d = %s, want within [%s, %s] (base %s)", i, w, lo, hi, base)
		}
		base = min(base*2, opts.Max)
	}
	for _, w := range waits[5:] {
		if w < 8*time.Second {
			t.Errorf("late waits should sit near the cap: %v", waits)
			break
		}
	}
	if got := clock.Now().Sub(epoch); got < 60*time.Second {
		t.Errorf("fake time advanced %s, want the sum of the waits", got)
	}
}

func TestPoll_Defaults(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, _ := script(append(make([]transport.Status, 8), transport.Status{Done: true})...)
	if _, err := transport.Poll(context.Background(), transport.PollOptions{Job: "j", Clock: clock}, check); err != nil {
		t.Fatal(err)
	}
	waits := clock.Waits()
	if waits[0] < 800*time.Millisecond || waits[0] > 1200*time.Millisecond {
		t.Errorf("first wait %s, want about 1s", waits[0])
	}
	for _, w := range waits {
		if w > 30*time.Second {
			t.Errorf("wait %s above the 30s default cap", w)
		}
	}
}
