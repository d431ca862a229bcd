package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// defaultJobDuration is how long a job takes when Options.JobDuration is zero: long enough that
// a client must really poll, short enough for a demo.
const defaultJobDuration = 2 * time.Second

// JobState is where a job is in its life: queued → running → completed | failed.
type JobState string

// Job states. Vendors name theirs differently; each surface maps these to its own words.
const (
	JobQueued    JobState = "queued"
	JobRunning   JobState = "running"
	JobCompleted JobState = "completed"
	JobFailed    JobState = "failed"
)

// Job is one asynchronous operation (archive creation, import, backup, package build, start…).
type Job struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	State    JobState        `json:"state"`
	Message  string          `json:"message,omitempty"`
	Progress int             `json:"progress"`         // percent, 0–100
	Params   json.RawMessage `json:"params,omitempty"` // the work's input, kept so a restart can resume it
	Result   json.RawMessage `json:"result,omitempty"` // what the work produced, for the surface to report
	Created  time.Time       `json:"created"`
	Updated  time.Time       `json:"updated"`
	Due      time.Time       `json:"due"`               // when the work is scheduled to run
	Resumed  int             `json:"resumed,omitempty"` // how many sandbox restarts it survived
}

// Done reports whether the job reached a final state.
func (j Job) Done() bool { return j.State == JobCompleted || j.State == JobFailed }

// JobFunc does a job's work once its duration has passed. It may run again after a restart if
// the sandbox stopped while it ran, so it must be idempotent (check before create, overwrite
// rather than append). A returned error fails the job with the error's text as message; an
// error caused by ctx ending during shutdown leaves the job to resume instead.
type JobFunc func(ctx context.Context, run *JobRun) error

// RegisterJobKind adds a kind of job; vendors call it from Attach, so the kinds exist before New
// resumes the jobs a previous run left unfinished.
func (s *Core) RegisterJobKind(kind string, fn JobFunc) {
	if _, dup := s.jobKinds[kind]; dup {
		panic("sandbox: job kind registered twice: " + kind)
	}
	s.jobKinds[kind] = fn
}

// JobRun is what a work function sees of its job.
type JobRun struct {
	r  *jobRunner
	id string
	// params is the job's input as submitted.
	params json.RawMessage
}

// ID is the job's id.
func (run *JobRun) ID() string { return run.id }

// DecodeParams decodes the job's input into v.
func (run *JobRun) DecodeParams(v any) error {
	if len(run.params) == 0 {
		return nil
	}
	return json.Unmarshal(run.params, v)
}

// Progress records how far the work is and what it says about itself.
func (run *JobRun) Progress(pct int, msg string) error {
	return run.r.mutate(run.id, func(j *Job) {
		j.Progress = min(max(pct, 0), 100)
		if msg != "" {
			j.Message = msg
		}
	})
}

// SetResult records what the work produced.
func (run *JobRun) SetResult(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return run.r.mutate(run.id, func(j *Job) { j.Result = raw })
}

// jobRunner runs jobs in goroutines and keeps their records in the store.
type jobRunner struct {
	s        *Core
	duration time.Duration

	ctx    context.Context // ends at Close: waiting jobs stop and stay resumable
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	active  int
	idle    chan struct{} // closed while active == 0
	stopped bool
}

func newJobRunner(s *Core, d time.Duration) *jobRunner {
	ctx, cancel := context.WithCancel(context.Background())
	idle := make(chan struct{})
	close(idle)
	return &jobRunner{s: s, duration: d, ctx: ctx, cancel: cancel, idle: idle}
}

// errClosing refuses new work once Close has begun.
var errClosing = errors.New("sandbox: closing")

// SubmitJob records a new queued job of kind with params (JSON-encoded) and starts it.
func (s *Core) SubmitJob(kind string, params any) (Job, error) { return s.jobs.submit(kind, params) }

func (r *jobRunner) submit(kind string, params any) (Job, error) {
	if _, ok := r.s.jobKinds[kind]; !ok {
		return Job{}, fmt.Errorf("sandbox: unknown job kind %q", kind)
	}
	var raw json.RawMessage
	if params != nil {
		b, err := json.Marshal(params)
		if err != nil {
			return Job{}, fmt.Errorf("sandbox: job params: %w", err)
		}
		raw = b
	}
	if !r.begin() {
		return Job{}, errClosing
	}
	now := time.Now().UTC()
	j := &Job{
		ID: NewUUID(), Kind: kind, State: JobQueued, Params: raw,
		Created: now, Updated: now, Due: now.Add(r.duration),
	}
	if err := r.s.store.update(func(tx *Tx) error { tx.putJob(j); return nil }); err != nil {
		r.end()
		return Job{}, err
	}
	snapshot := *j
	go r.run(snapshot.ID, now, snapshot.Due)
	return snapshot, nil
}

// resumeAll restarts the jobs a previous sandbox left queued or running. The wait is the time
// that was left, capped by the current job duration, so a sandbox restarted with a shorter
// duration does not sit on old long waits.
func (r *jobRunner) resumeAll() error {
	now := time.Now().UTC()
	type resume struct {
		id  string
		due time.Time
	}
	var todo []resume
	err := r.s.store.update(func(tx *Tx) error {
		for j := range tx.Jobs() {
			if j.Done() {
				continue
			}
			tx.touchJob(j.ID)
			if _, ok := r.s.jobKinds[j.Kind]; !ok {
				j.State, j.Message, j.Updated = JobFailed, fmt.Sprintf("job kind %q is not served by this sandbox version", j.Kind), now
				continue
			}
			due := j.Due
			if due.Before(now) {
				due = now
			}
			if limit := now.Add(r.duration); due.After(limit) {
				due = limit
			}
			j.Due, j.Updated = due, now
			j.Resumed++
			todo = append(todo, resume{j.ID, due})
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(todo, func(a, b resume) int { return strings.Compare(a.id, b.id) })
	for _, t := range todo {
		if !r.begin() {
			return errClosing
		}
		go r.run(t.id, now, t.due)
	}
	return nil
}

// run moves one job through its states: queued for the first quarter of its wait, running with
// progress for the rest, then the work.
func (r *jobRunner) run(id string, start, due time.Time) {
	defer r.end()
	queuedUntil := start.Add(due.Sub(start) / 4)
	if !r.sleepUntil(queuedUntil) {
		return
	}
	if err := r.mutate(id, func(j *Job) { j.State = JobRunning }); err != nil {
		return
	}
	half := queuedUntil.Add(due.Sub(queuedUntil) / 2)
	if !r.sleepUntil(half) {
		return
	}
	_ = r.mutate(id, func(j *Job) { j.Progress = max(j.Progress, 50) })
	if !r.sleepUntil(due) {
		return
	}
	var kind string
	var params json.RawMessage
	r.s.store.read(func(tx *Tx) {
		if j := tx.Job(id); j != nil {
			kind, params = j.Kind, j.Params
		}
	})
	fn := r.s.jobKinds[kind]
	if fn == nil {
		return
	}
	err := r.work(fn, &JobRun{r: r, id: id, params: params})
	if r.ctx.Err() != nil && err != nil {
		return // shutting down mid-work: the record stays running and the next start resumes it
	}
	now := time.Now().UTC()
	_ = r.s.store.update(func(tx *Tx) error {
		j := tx.Job(id)
		if j == nil {
			return nil
		}
		tx.touchJob(id)
		if err != nil {
			j.State, j.Message = JobFailed, err.Error()
		} else {
			j.State, j.Progress = JobCompleted, 100
			if j.Message == "" {
				j.Message = "completed"
			}
		}
		j.Updated = now
		return nil
	})
}

// work runs fn, turning a panic into a failed job instead of a dead sandbox.
func (r *jobRunner) work(fn JobFunc, run *JobRun) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sandbox internal error: %v", p)
		}
	}()
	return fn(r.ctx, run)
}

// mutate changes one job record and stamps Updated.
func (r *jobRunner) mutate(id string, fn func(j *Job)) error {
	return r.s.store.update(func(tx *Tx) error {
		j := tx.Job(id)
		if j == nil {
			return fmt.Errorf("sandbox: job %s: %w", id, ErrNotFound)
		}
		tx.touchJob(id)
		fn(j)
		j.Updated = time.Now().UTC()
		return nil
	})
}

// sleepUntil waits until t; false means the sandbox is closing.
func (r *jobRunner) sleepUntil(t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return r.ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.ctx.Done():
		return false
	}
}

// begin counts a job as active unless the runner has stopped.
func (r *jobRunner) begin() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return false
	}
	if r.active == 0 {
		r.idle = make(chan struct{})
	}
	r.active++
	r.wg.Add(1)
	return true
}

func (r *jobRunner) end() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.active--
	if r.active == 0 {
		close(r.idle)
	}
	r.wg.Done()
}

// stop makes waiting jobs return at their next checkpoint and waits for all of them; their
// records stay queued or running, to be resumed by the next sandbox on the same data dir.
func (r *jobRunner) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

// waitIdle blocks until no job is queued or running in this process, or ctx ends.
func (r *jobRunner) waitIdle(ctx context.Context) error {
	r.mu.Lock()
	idle := r.idle
	r.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Jobs returns a snapshot of every job, oldest first.
func (s *Core) Jobs() []Job {
	var out []Job
	s.store.read(func(tx *Tx) {
		for j := range tx.Jobs() {
			out = append(out, *j)
		}
	})
	slices.SortFunc(out, func(a, b Job) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// Job returns one job by id.
func (s *Core) Job(id string) (Job, bool) {
	var j Job
	var ok bool
	s.store.read(func(tx *Tx) {
		if p := tx.Job(id); p != nil {
			j, ok = *p, true
		}
	})
	return j, ok
}

// WaitIdle blocks until no job is queued or running, or ctx ends; tests use it instead of
// sleeping.
func (s *Core) WaitIdle(ctx context.Context) error { return s.jobs.waitIdle(ctx) }
