package core

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

type echoParams struct {
	Fail    bool   `json:"fail"`
	Message string `json:"message"`
}

// blockRuns counts runs of test.block; blockRelease lets it finish instead of waiting for
// shutdown. Tests that use them must not run in parallel.
var (
	blockRuns    atomic.Int32
	blockRelease atomic.Bool
	blockStarted = make(chan struct{}, 10)
)

// registerTestJobKinds adds test.echo and test.block.
func registerTestJobKinds(c *Core) {
	c.RegisterJobKind("test.echo", func(ctx context.Context, run *JobRun) error {
		var p echoParams
		if err := run.DecodeParams(&p); err != nil {
			return err
		}
		if p.Fail {
			return errors.New(p.Message)
		}
		if err := run.Progress(90, "almost"); err != nil {
			return err
		}
		return run.SetResult(map[string]string{"echo": p.Message})
	})
	c.RegisterJobKind("test.block", func(ctx context.Context, run *JobRun) error {
		blockRuns.Add(1)
		if blockRelease.Load() {
			return nil
		}
		blockStarted <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
}

func waitIdle(t *testing.T, s *Core) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("jobs still active: %v (%+v)", err, s.Jobs())
	}
}

func TestJobs_CompleteWithResultAfterTheirDuration(t *testing.T) {
	s := newTestSandbox(t, Options{JobDuration: 20 * time.Millisecond})
	j, err := s.jobs.submit("test.echo", echoParams{Message: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if j.State != JobQueued || j.Done() {
		t.Fatalf("just submitted: %+v", j)
	}
	waitIdle(t, s)
	got, ok := s.Job(j.ID)
	if !ok || got.State != JobCompleted || got.Progress != 100 || got.Message != "almost" {
		t.Fatalf("finished job %+v", got)
	}
	var res map[string]string
	if err := json.Unmarshal(got.Result, &res); err != nil || res["echo"] != "hello" {
		t.Fatalf("result %s", got.Result)
	}
	if !got.Updated.After(got.Created) && !got.Updated.Equal(got.Created) {
		t.Errorf("updated %v before created %v", got.Updated, got.Created)
	}
}

func TestJobs_FailedWorkRecordsItsMessage(t *testing.T) {
	s := newTestSandbox(t, Options{})
	j, err := s.jobs.submit("test.echo", echoParams{Fail: true, Message: "the archive is corrupt"})
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	if got, _ := s.Job(j.ID); got.State != JobFailed || got.Message != "the archive is corrupt" {
		t.Fatalf("job %+v", got)
	}
}

func TestJobs_UnknownKindIsRefused(t *testing.T) {
	s := newTestSandbox(t, Options{})
	if _, err := s.jobs.submit("no.such.kind", nil); err == nil {
		t.Fatal("submit of an unknown kind succeeded")
	}
}

func TestJobs_QueuedJobResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := newCore(Options{DataDir: dir, JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	j, err := s1.jobs.submit("test.echo", echoParams{Message: "survivor"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := s1.Job(j.ID); got.Done() {
		t.Fatalf("job finished before its hour: %+v", got)
	}

	// The new sandbox's shorter duration caps the wait that was left.
	s2 := newTestSandbox(t, Options{DataDir: dir, JobDuration: 10 * time.Millisecond})
	waitIdle(t, s2)
	got, _ := s2.Job(j.ID)
	if got.State != JobCompleted || got.Resumed != 1 || string(got.Result) != `{"echo":"survivor"}` {
		t.Fatalf("resumed job %+v", got)
	}
}

func TestJobs_RunningWorkResumesAfterRestart(t *testing.T) {
	blockRelease.Store(false)
	blockRuns.Store(0)
	dir := t.TempDir()
	s1, err := newCore(Options{DataDir: dir, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	j, err := s1.jobs.submit("test.block", nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-blockStarted:
	case <-time.After(20 * time.Second):
		t.Fatal("work never started")
	}
	if err := s1.Close(); err != nil { // cancels the work mid-run
		t.Fatal(err)
	}
	if got, _ := s1.Job(j.ID); got.State != JobRunning {
		t.Fatalf("job after shutdown mid-work: %+v, want still running", got)
	}

	blockRelease.Store(true)
	s2 := newTestSandbox(t, Options{DataDir: dir, JobDuration: -1})
	waitIdle(t, s2)
	if got, _ := s2.Job(j.ID); got.State != JobCompleted || got.Resumed != 1 {
		t.Fatalf("job %+v", got)
	}
	if n := blockRuns.Load(); n != 2 {
		t.Fatalf("work ran %d times, want 2 (interrupted, then resumed)", n)
	}
}

func TestJobs_OfAKindThisVersionDoesNotServeFailOnResume(t *testing.T) {
	dir := t.TempDir()
	s1, err := newCore(Options{DataDir: dir, JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := s1.jobs.submit("test.echo", nil)
	_ = s1.store.update(func(tx *Tx) error { tx.Job(j.ID).Kind = "from.the.future"; tx.touchJob(j.ID); return nil })
	_ = s1.Close()

	s2 := newTestSandbox(t, Options{DataDir: dir})
	if got, _ := s2.Job(j.ID); got.State != JobFailed || got.Message == "" {
		t.Fatalf("job %+v", got)
	}
}

func TestJobs_SubmitAfterCloseIsRefused(t *testing.T) {
	s, err := newCore(Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if _, err := s.jobs.submit("test.echo", nil); !errors.Is(err, errClosing) {
		t.Fatalf("err %v", err)
	}
}

func TestJobs_StatesOnlyMoveForward(t *testing.T) {
	s := newTestSandbox(t, Options{JobDuration: 100 * time.Millisecond})
	j, err := s.jobs.submit("test.echo", echoParams{Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	rank := map[JobState]int{JobQueued: 0, JobRunning: 1, JobCompleted: 2, JobFailed: 2}
	last, lastProgress := JobQueued, 0
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, _ := s.Job(j.ID)
		if rank[got.State] < rank[last] || got.Progress < lastProgress {
			t.Fatalf("went back from %s/%d to %s/%d", last, lastProgress, got.State, got.Progress)
		}
		last, lastProgress = got.State, got.Progress
		if got.Done() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job never finished: %+v", got)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if last != JobCompleted {
		t.Fatalf("ended %s", last)
	}
}
