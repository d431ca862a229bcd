package sandbox

import (
	"fmt"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/mendix"
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
	// DocumentedOnly refuses every vendor call whose route is not tagged DOCUMENTED or SDK
	// (403 in the host's error style, "not a documented call (tag X): refused in
	// documented-only mode", counted by Refused); /_sandbox/ routes are never refused. A run
	// that completes this way needs nothing but the vendors' documented APIs.
	DocumentedOnly bool
	// PublicURL, when set, is the base of the links the sandbox hands out (Mendix package and
	// backup download URLs) instead of its listening URL: for a proxy in front of it.
	PublicURL string
}

// Sandbox is a running emulator: the core with both vendors attached. The methods of the core
// (Start, Close, faults, holds, jobs, blobs) and of each vendor (what a person does in the
// Backendless consoles or the Mendix Portal) are promoted, so a test calls them on the Sandbox.
type Sandbox struct {
	*core.Core
	*backendless.Backendless
	*mendix.Mendix
}

// New loads (or seeds) state from opts.DataDir and returns a sandbox that is not yet listening.
// Jobs a previous sandbox left unfinished on the same DataDir resume at once.
func New(opts Options) (*Sandbox, error) {
	bk, mx := backendless.New(), mendix.New()
	c, err := core.New(core.Options{
		DataDir: opts.DataDir, Fixture: opts.Fixture, JobDuration: opts.JobDuration,
		Faults: opts.Faults, Logf: opts.Logf, DocumentedOnly: opts.DocumentedOnly, PublicURL: opts.PublicURL,
		Endpoints: func(base string) any { return EndpointsAt(base) },
	}, bk, mx)
	if err != nil {
		return nil, err
	}
	return &Sandbox{Core: c, Backendless: bk, Mendix: mx}, nil
}

// DefaultFixture returns the embedded fixture JSON, both vendors' default sections (a copy:
// callers may edit it).
func DefaultFixture() []byte {
	return core.AssembleFixture(
		core.FixturePart{Name: "backendless", Body: backendless.DefaultFixture()},
		core.FixturePart{Name: "mendix", Body: mendix.DefaultFixture()},
	)
}

// Inventory counts what exists on each platform, per kind of object a runbook creates, with
// the rows and bytes that landed, so a chaos run or a test can say "exactly one app, one
// uploaded archive, one completed import, nothing lost" without knowing the sandbox's state
// layout. Everything is counted as it is now: deleted objects are gone from it, jobs stay.
type Inventory struct {
	Backendless BackendlessInventory `json:"backendless"`
	Mendix      MendixInventory      `json:"mendix"`
	// Jobs counts every asynchronous job by kind and state.
	Jobs map[string]map[JobState]int `json:"jobs"`
}

// Inventory counts the objects of both platforms now (GET /_sandbox/inventory), in one read.
func (s *Sandbox) Inventory() Inventory {
	var inv Inventory
	s.Read(func(tx *core.Tx) {
		inv = Inventory{
			Backendless: s.Backendless.InventoryIn(tx),
			Mendix:      s.Mendix.InventoryIn(tx),
			Jobs:        core.JobsByKind(tx),
		}
	})
	return inv
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
		BackendlessConsoleURL: base + backendless.ConsoleMount,
		BackendlessAPIURL:     base + backendless.APIMount,
		BackendlessLegacyURL:  base + backendless.LegacyMount,
		MendixDeployURL:       base + mendix.DeployMount,
		MendixCloudURL:        base + mendix.CloudMount + "/api/v4",
		MendixProjectsURL:     base + mendix.ProjectsMount + "/v2",
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

// CheckLoopback refuses listen addresses that are not on loopback: the sandbox serves
// unauthenticated control routes and fake credentials, so it must never face a network.
func CheckLoopback(addr string) error { return core.CheckLoopback(addr) }
