package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures a Core.
type Options struct {
	DataDir string // required: state lives here; a restart with the same dir keeps every record
	// Fixture seeds an empty DataDir (the top-level shape is in the package comment); nil seeds
	// every vendor from its own default section.
	Fixture []byte
	// JobDuration is how long async jobs take: zero means the default 2s, negative means
	// instant (tests that do not care about waiting).
	JobDuration time.Duration
	Faults      FaultOptions
	Logf        func(format string, args ...any) // optional request log (never prints secrets)
	// DocumentedOnly refuses every vendor call whose route is not tagged DOCUMENTED or SDK
	// (403 in the host's error style, counted by Refused), so a run proves it needs nothing
	// but the vendors' documented APIs. /_sandbox/ routes are never refused.
	DocumentedOnly bool
	// Endpoints, when set, answers GET /_sandbox/endpoints for a sandbox served at base.
	Endpoints func(base string) any
	// PublicURL, when set, is what BaseURL answers: the sandbox as its clients reach it through
	// a proxy in front of it.
	PublicURL string
}

// Errors the in-process helpers wrap, so tests and the control surface can tell cases apart
// with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	ErrInvalid  = errors.New("invalid")
)

// Vendor is one emulated platform. New calls Attach once, before the data directory is
// opened; Attach registers everything the vendor serves and keeps: its mounts and routes,
// job kinds, control routes and its Section (state, fixture, inventory).
type Vendor interface {
	Attach(c *Core) error
}

// Core is the running emulator without any vendor of its own: the server, the vendor mounts
// and their routes, the store, jobs, faults, holds, blobs, fixture dispatch and the /_sandbox/
// control surface. Vendor packages attach to it; their handlers use its exported methods.
type Core struct {
	opts     Options
	store    *store
	jobs     *jobRunner
	jobKinds map[string]JobFunc
	faults   *faultInjector
	holds    *holdSet
	refused  refusals
	mounts   []*Mount
	control  *http.ServeMux
	sections []*Section
	handler  http.Handler
	// statusReads is what the vendors' status routes told clients about each job (poll lag).
	statusReads *statusReads

	// reqCtx is the base context of served requests; Close cancels it so slow faults and
	// other waits end instead of holding Shutdown up.
	reqCtx    context.Context
	reqCancel context.CancelFunc

	mu     sync.Mutex
	srv    *http.Server
	ln     net.Listener
	url    string
	served chan struct{} // closed when Serve returns
	closed bool
}

// New attaches vendors, loads (or seeds) state from opts.DataDir and returns a core that is
// not yet listening. Jobs a previous sandbox left unfinished on the same DataDir resume at once.
func New(opts Options, vendors ...Vendor) (*Core, error) {
	if opts.DataDir == "" {
		return nil, errors.New("sandbox: Options.DataDir is required (state lives there)")
	}
	switch {
	case opts.JobDuration == 0:
		opts.JobDuration = defaultJobDuration
	case opts.JobDuration < 0:
		opts.JobDuration = 0
	}
	if err := validateFaultOptions(&opts.Faults); err != nil {
		return nil, err
	}
	s := &Core{
		opts: opts, faults: newFaultInjector(opts.Faults), holds: newHoldSet(),
		jobKinds: map[string]JobFunc{}, control: http.NewServeMux(), statusReads: newStatusReads(),
	}
	s.reqCtx, s.reqCancel = context.WithCancel(context.Background())
	s.routeControl()
	for _, v := range vendors {
		if err := v.Attach(s); err != nil {
			return nil, err
		}
	}
	// Check the fixture even when the directory already has state, so a broken fixture file
	// fails loudly instead of being silently ignored until the day the directory is wiped.
	seeds, err := s.checkFixture(opts.Fixture)
	if err != nil {
		return nil, err
	}
	seeded := false
	s.store, err = openStore(opts.DataDir, s.sections, func(tx *Tx) error {
		seeded = true
		return seeds(tx)
	}, s.Logf)
	if err != nil {
		return nil, err
	}
	if !seeded && opts.Fixture != nil {
		s.Logf("sandbox: data dir %s already holds state; the fixture was checked but not applied", opts.DataDir)
	}
	s.jobs = newJobRunner(s, opts.JobDuration)
	s.handler = s.buildHandler()
	if err := s.jobs.resumeAll(); err != nil {
		s.jobs.stop()
		return nil, err
	}
	return s, nil
}

// Handler serves every vendor mount and the /_sandbox/ control routes. Use it with your own
// server (httptest.NewServer) instead of Start.
func (s *Core) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. Only loopback
// addresses are accepted: /_sandbox/ has no authentication.
func (s *Core) Start(addr string) error {
	if err := CheckLoopback(addr); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosing
	}
	if s.srv != nil {
		return errors.New("sandbox: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 30 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return s.reqCtx },
	}
	s.served = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logf("sandbox: serve: %v", err)
		}
	}(s.srv, s.served)
	return nil
}

// URL is the listener's base URL, e.g. http://127.0.0.1:41234 (after Start; "" before).
func (s *Core) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// BaseURL is the sandbox's own URL as the client of r reached it, for links in answers:
// Options.PublicURL when set, else the listener's URL after Start, else the scheme and Host of
// the request (behind Handler).
func (s *Core) BaseURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return strings.TrimRight(s.opts.PublicURL, "/")
	}
	if u := s.URL(); u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Close stops the listener, waits for jobs to checkpoint, and closes the store. Unfinished jobs
// stay recorded and resume in the next sandbox on the same DataDir. Close is idempotent.
func (s *Core) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	srv, served := s.srv, s.served
	s.mu.Unlock()

	var errs []error
	// Cancel request contexts first: a request held by a slow fault, a stall or a hold would
	// otherwise keep Shutdown waiting.
	s.reqCancel()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		cancel()
		<-served
	}
	s.jobs.stop()
	if err := s.store.close(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// CheckLoopback refuses listen addresses that are not on loopback: the sandbox serves
// unauthenticated control routes and fake credentials, so it must never face a network.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen address %q: %v (want host:port, e.g. 127.0.0.1:0)", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		host = "all interfaces"
	}
	return fmt.Errorf("sandbox: refusing to listen on %q (%s): the sandbox has no authentication on its control routes and must listen on loopback only, e.g. 127.0.0.1:0", addr, host)
}

// DataDir is the directory holding the state and the blobs.
func (s *Core) DataDir() string { return s.opts.DataDir }

// JobDuration is how long a job takes (0: instant).
func (s *Core) JobDuration() time.Duration { return s.opts.JobDuration }

// Logf writes one line to the request log, if there is one (never pass it secrets).
func (s *Core) Logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
