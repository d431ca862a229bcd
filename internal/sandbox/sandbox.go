package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configures a Sandbox.
type Options struct {
	DataDir string // required: state lives here; a restart with the same dir keeps every app
	Fixture []byte // optional fixture JSON used to seed an empty DataDir; nil = embedded default fixture
	// JobDuration is how long async jobs take: zero means the default 2s, negative means
	// instant (tests that do not care about waiting).
	JobDuration time.Duration
	Faults      FaultOptions
	Logf        func(format string, args ...any) // optional request log (never prints secrets)
}

// Errors the in-process helpers wrap, so tests and the control surface can tell cases apart
// with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	ErrInvalid  = errors.New("invalid")
)

// Sandbox is a running emulator.
type Sandbox struct {
	opts    Options
	store   *store
	jobs    *jobRunner
	faults  *faultInjector
	holds   *holdSet
	handler http.Handler

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

// New loads (or seeds) state from opts.DataDir and returns a sandbox that is not yet listening.
// Jobs a previous sandbox left unfinished on the same DataDir resume at once.
func New(opts Options) (*Sandbox, error) {
	if opts.DataDir == "" {
		return nil, errors.New("sandbox: Options.DataDir is required (state lives there)")
	}
	raw := opts.Fixture
	if raw == nil {
		raw = defaultFixture
	}
	// Parse even when the directory already has state, so a broken fixture file fails loudly
	// instead of being silently ignored until the day the directory is wiped.
	fx, err := parseFixture(raw)
	if err != nil {
		return nil, err
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
	s := &Sandbox{opts: opts, faults: newFaultInjector(opts.Faults), holds: newHoldSet()}
	seeded := false
	s.store, err = openStore(opts.DataDir, func() (*state, error) {
		seeded = true
		return seedState(fx)
	})
	if err != nil {
		return nil, err
	}
	if !seeded && opts.Fixture != nil {
		s.logf("sandbox: data dir %s already holds state; the fixture was checked but not applied", opts.DataDir)
	}
	s.reqCtx, s.reqCancel = context.WithCancel(context.Background())
	s.jobs = newJobRunner(s, opts.JobDuration)
	s.handler = s.buildHandler()
	if err := s.jobs.resumeAll(); err != nil {
		s.jobs.stop()
		return nil, err
	}
	return s, nil
}

// Handler serves every vendor surface and /_sandbox/ control routes. Use it with your own
// server (httptest.NewServer) instead of Start; EndpointsAt then gives the provider URLs.
func (s *Sandbox) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. Only loopback
// addresses are accepted: /_sandbox/ has no authentication.
func (s *Sandbox) Start(addr string) error {
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
			s.logf("sandbox: serve: %v", err)
		}
	}(s.srv, s.served)
	return nil
}

// URL is the listener's base URL, e.g. http://127.0.0.1:41234 (after Start; "" before).
func (s *Sandbox) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// Close stops the listener, waits for jobs to checkpoint, and flushes state. Unfinished jobs
// stay recorded and resume in the next sandbox on the same DataDir. Close is idempotent.
func (s *Sandbox) Close() error {
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
	if err := s.store.flush(); err != nil {
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

// Endpoints are the base URLs to put in the provider block.
type Endpoints struct {
	BackendlessConsoleURL string `json:"backendless_console_url"` // {URL}/backendless/console   (stands for https://develop.backendless.com)
	BackendlessAPIURL     string `json:"backendless_api_url"`     // {URL}/backendless/api       (stands for https://api.backendless.com, the 5.x client REST host)
	BackendlessLegacyURL  string `json:"backendless_legacy_url"`  // {URL}/backendless3/api      (stands for the 3.x api.backendless.com)
	MendixDeployURL       string `json:"mendix_deploy_url"`       // {URL}/mendix/deploy          (stands for https://deploy.mendix.com; /api/1 and /api/v2 below it)
	MendixCloudURL        string `json:"mendix_cloud_url"`        // {URL}/mendix/cloud/api/v4   (stands for https://cloud.home.mendix.com/api/v4)
	MendixProjectsURL     string `json:"mendix_projects_url"`     // {URL}/mendix/projects/v2    (stands for https://projects-api.home.mendix.com/v2)
}

// Endpoints returns the provider URLs of the started sandbox (all relative paths before Start).
func (s *Sandbox) Endpoints() Endpoints { return EndpointsAt(s.URL()) }

// EndpointsAt returns the provider URLs for a sandbox served at base (e.g. an
// httptest.Server's URL around Handler).
func EndpointsAt(base string) Endpoints {
	base = strings.TrimRight(base, "/")
	return Endpoints{
		BackendlessConsoleURL: base + mountBackendlessConsole,
		BackendlessAPIURL:     base + mountBackendlessAPI,
		BackendlessLegacyURL:  base + mountBackendlessLegacy,
		MendixDeployURL:       base + mountMendixDeploy,
		MendixCloudURL:        base + mountMendixCloud + "/api/v4",
		MendixProjectsURL:     base + mountMendixProjects + "/v2",
	}
}

// ProviderBlock renders e as the provider "appmigrate" block a user pastes into a configuration.
func (e Endpoints) ProviderBlock() string {
	return fmt.Sprintf(`provider "appmigrate" {
  backendless = {
    console_url = %q
    api_url     = %q
    legacy_url  = %q
  }
  mendix = {
    deploy_url   = %q
    cloud_url    = %q
    projects_url = %q
  }
}
`, e.BackendlessConsoleURL, e.BackendlessAPIURL, e.BackendlessLegacyURL, e.MendixDeployURL, e.MendixCloudURL, e.MendixProjectsURL)
}

func (s *Sandbox) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// --- "a human at the web console": in-process helpers, mirrored under /_sandbox/ ---

// BackendlessDeveloper is a console account.
type BackendlessDeveloper struct {
	Login, Password, Name string
}

// BackendlessApp is a 5.0 app as the console shows it.
type BackendlessApp struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Zone       string    `json:"zone"`
	RESTAPIKey string    `json:"rest_api_key"`
	Created    time.Time `json:"created"`
	Owner      string    `json:"owner"` // login of the developer who owns it
}

func (a *bkApp) public() BackendlessApp {
	return BackendlessApp{ID: a.ID, Name: a.Name, Zone: a.Zone, RESTAPIKey: a.restKey(), Created: a.Created, Owner: a.Owner}
}

// BackendlessApps returns every 5.0 app of every developer, oldest first.
func (s *Sandbox) BackendlessApps() []BackendlessApp {
	var out []BackendlessApp
	s.store.read(func(st *state) {
		for _, a := range st.Backendless.Apps {
			out = append(out, a.public())
		}
	})
	slices.SortStableFunc(out, func(a, b BackendlessApp) int { return a.Created.Compare(b.Created) })
	return out
}

// BackendlessDevelopers returns the console accounts (with passwords: they are fixture values).
func (s *Sandbox) BackendlessDevelopers() []BackendlessDeveloper {
	var out []BackendlessDeveloper
	s.store.read(func(st *state) {
		for _, d := range st.Backendless.Developers {
			out = append(out, BackendlessDeveloper{Login: d.Login, Password: d.Password, Name: d.Name})
		}
	})
	return out
}

// CreateBackendlessApp creates a 5.0 app in zone US as if done in the web console by developer
// owner (login). It applies the console's rules: ErrInvalid for a bad name, ErrConflict for a
// name the developer already uses, ErrNotFound for an unknown owner.
func (s *Sandbox) CreateBackendlessApp(owner, name string) (BackendlessApp, error) {
	return s.CreateBackendlessAppInZone(owner, name, "US")
}

// CreateBackendlessAppInZone is CreateBackendlessApp in zone US or EU.
func (s *Sandbox) CreateBackendlessAppInZone(owner, name, zone string) (BackendlessApp, error) {
	a, err := s.bkCreateApp(owner, name, zone)
	if err != nil {
		return BackendlessApp{}, err
	}
	return a.public(), nil
}

// DeleteBackendlessApp deletes an app out of band (drift); ErrNotFound when there is none.
func (s *Sandbox) DeleteBackendlessApp(id string) error { return s.bkDeleteApp("", id) }

// ExpireBackendlessSessions ends every console session, as a token expiring does
// (backendless-console-api.md §3.1: lifetime unknown), so tests can check that a client logs in
// again.
func (s *Sandbox) ExpireBackendlessSessions() error {
	return s.store.update(func(st *state) error {
		st.Backendless.Sessions = []*bkSession{}
		return nil
	})
}
