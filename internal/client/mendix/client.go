// Package mendix is a typed client for the Mendix platform APIs used by the Cloud v3 → v4
// runbook (Deploy API v1/v2/v4, Backups API v1/v2, Projects API v2), as described in
// ../shared/reference/mendix-cloud-api.md. This package never imports Terraform packages.
package mendix

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Default hosts, from mendix-cloud-api.md §2.
const (
	// DefaultDeployURL serves Deploy API v1 (`/api/1`), v2 (`/api/v2`) and Backups v1/v2.
	DefaultDeployURL = "https://deploy.mendix.com"
	// DefaultCloudURL is Deploy API v4.
	DefaultCloudURL = "https://cloud.home.mendix.com/api/v4"
	// DefaultProjectsURL is Projects API v2 (beta).
	DefaultProjectsURL = "https://projects-api.home.mendix.com/v2"
)

// Config is what the client needs to reach the Mendix platform. §3: Deploy/Backups take
// username + API key, Deploy v4 and Projects take a personal access token; both are needed.
type Config struct {
	DeployURL   string
	CloudURL    string
	ProjectsURL string
	Username    string
	APIKey      string
	PAT         string
	HTTP        *transport.Client
}

// Client talks to the Mendix platform APIs for one user.
type Client struct {
	cfg  Config
	http *transport.Client
	// accounts caches where the caller's company lists its apps (Projects API, FindProjects).
	accounts accountListing
	// lists caches listings that grow with the account (listCache).
	lists listCache
}

// listCacheTTL is how long a cached listing is reused: long enough for one plan or apply of a
// fleet, short enough that a person's portal change shows up in the next run.
const listCacheTTL = 30 * time.Second

// listCache keeps listings read once per provider process, for listCacheTTL; this client's own
// writes clear it (invalidate).
type listCache struct {
	mu      sync.Mutex
	entries map[string]listEntry
}

type listEntry struct {
	at  time.Time
	val any
}

func (l *listCache) get(key string) (any, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	if !ok || time.Since(e.at) > listCacheTTL {
		return nil, false
	}
	return e.val, true
}

func (l *listCache) put(key string, val any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.entries == nil {
		l.entries = map[string]listEntry{}
	}
	l.entries[key] = listEntry{at: time.Now(), val: val}
}

// invalidate forgets every cached listing: called after a write that changes one.
func (l *listCache) invalidate() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// New checks the configuration and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.HTTP == nil {
		return nil, errors.New("mendix: no HTTP transport configured")
	}
	for name, u := range map[string]string{"deploy_url": cfg.DeployURL, "cloud_url": cfg.CloudURL, "projects_url": cfg.ProjectsURL} {
		if err := transport.CheckBaseURL(u); err != nil {
			return nil, fmt.Errorf("mendix %s: %w", name, err)
		}
	}
	cfg.DeployURL = strings.TrimRight(cfg.DeployURL, "/")
	cfg.CloudURL = strings.TrimRight(cfg.CloudURL, "/")
	cfg.ProjectsURL = strings.TrimRight(cfg.ProjectsURL, "/")
	cfg.HTTP.AddSecret(cfg.APIKey)
	cfg.HTTP.AddSecret(cfg.PAT)
	return &Client{cfg: cfg, http: cfg.HTTP}, nil
}

// HasAPIKey reports whether Deploy/Backups API calls can be made.
func (c *Client) HasAPIKey() bool { return c.cfg.Username != "" && c.cfg.APIKey != "" }

// HasPAT reports whether Deploy v4 and Projects API calls can be made.
func (c *Client) HasPAT() bool { return c.cfg.PAT != "" }

// AddSecret registers a secret value the caller knows (a secret constant, a write-only value) with
// the transport's redactor, so no log line, error or warning shows it. It sends nothing.
func (c *Client) AddSecret(s string) { c.http.AddSecret(s) }
