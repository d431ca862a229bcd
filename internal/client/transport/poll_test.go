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

func TestPoll_WaitsGrowWithTheJobsAgeWithinBounds(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, _ := script(append(make([]transport.Status, 60), transport.Status{Done: true})...)
	opts := transport.PollOptions{Job: "j", Initial: time.Second, Max: 10 * time.Second, Clock: clock}
	if _, err := transport.Poll(context.Background(), opts, check); err != nil {
		t.Fatal(err)
	}
	waits := clock.Waits()
	if len(waits) != 60 {
		t.Fatalf("%d waits, want 60", len(waits))
	}
	age := time.Duration(0)
	for i, w := range waits {
		base := min(max(age/10, opts.Initial), opts.Max)
		lo := time.Duration(float64(base) * 0.9) // jitter only ever shortens a wait
		hi := base
		if w < lo || w > hi {
			t.Fatalf("wait %d at age %s = %s, want within [%s, %s]", i, age, w, lo, hi)
		}
		age += w
	}
	if waits[0] > time.Second || waits[len(waits)-1] < 9*time.Second {
		t.Fatalf("waits should start at Initial and reach the cap: %v", waits)
	}
}

func TestPoll_LagIsATenthOfALongJob(t *testing.T) {
	// A job that finishes after d is seen within max(Initial, d/10), for any d: jitter never lengthens a wait.
	for _, d := range []time.Duration{5 * time.Second, 90 * time.Second, 10 * time.Minute, 2 * time.Hour} {
		clock := transporttest.NewFakeClock(epoch)
		looks := 0
		opts := transport.PollOptions{Job: "j", Initial: time.Second, Max: 30 * time.Minute, Clock: clock}
		_, err := transport.Poll(context.Background(), opts, func(context.Context) (transport.Status, error) {
			looks++
			return transport.Status{Done: clock.Now().Sub(epoch) >= d}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		lag := clock.Now().Sub(epoch) - d
		if limit := max(d/10, time.Second); lag > limit {
			t.Errorf("job of %s seen %s late, want at most %s", d, lag, limit)
		}
		t.Logf("job of %s: seen %s late after %d looks", d, lag, looks)
	}
}

func TestPoll_SinceCountsTheJobsAgeFromItsStart(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, _ := script(transport.Status{}, transport.Status{Done: true})
	opts := transport.PollOptions{Job: "j", Initial: time.Second, Max: time.Hour, Since: epoch.Add(-100 * time.Second), Clock: clock}
	if _, err := transport.Poll(context.Background(), opts, check); err != nil {
		t.Fatal(err)
	}
	if w := clock.Waits()[0]; w < 9*time.Second || w > 11*time.Second {
		t.Fatalf("a job started 100s ago is next looked at in about 10s, got %s", w)
	}
}

func TestPoll_VendorHintIsHonouredWithinBounds(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	check, _ := script(transport.Status{Hint: 7 * time.Second}, transport.Status{Hint: time.Hour}, transport.Status{Done: true})
	opts := transport.PollOptions{Job: "j", Initial: time.Second, Max: 20 * time.Second, Clock: clock}
	if _, err := transport.Poll(context.Background(), opts, check); err != nil {
		t.Fatal(err)
	}
	w := clock.Waits()
	if w[0] < 6300*time.Millisecond || w[0] > 7700*time.Millisecond || w[1] < 18*time.Second || w[1] > 20*time.Second {
		t.Fatalf("waits %v: want about the 7s hint, then the 1h hint capped at 20s", w)
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
