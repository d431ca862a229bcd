// Package mendix is a typed client for the Mendix platform APIs used by the Cloud v3 → v4
// runbook (Deploy API v1/v2/v4, Backups API v1/v2, Projects API v2), as described in
// ../shared/reference/mendix-cloud-api.md. This package never imports Terraform packages.
package mendix

import (
	"errors"
	"fmt"
	"strings"
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
	// Rounds is how many more times a request that may be repeated (a read, a PUT or DELETE, a
	// POST that creates nothing) is sent again as a whole after every attempt of the transport
	// failed on an outage (429, a 5xx that is not a documented refusal, a broken connection):
	// a step must not fail because one call met a bad minute. 0 means DefaultRounds; negative, none.
	Rounds int
	// RoundPause is the first wait between two rounds; it doubles, up to 30 s. 0 means 2 s.
	RoundPause time.Duration
}

// DefaultRounds rides out a few bad minutes on a call that may be repeated: with the transport's
// own five attempts, twenty in all.
const DefaultRounds = 3

// Client talks to the Mendix platform APIs for one user.
type Client struct {
	cfg  Config
	http *transport.Client
	// accounts caches where the caller's company lists its apps (Projects API, FindProjects).
	accounts accountListing
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
	switch {
	case cfg.Rounds == 0:
		cfg.Rounds = DefaultRounds
	case cfg.Rounds < 0:
		cfg.Rounds = 0
	}
	if cfg.RoundPause <= 0 {
		cfg.RoundPause = 2 * time.Second
	}
	cfg.HTTP.AddSecret(cfg.APIKey)
	cfg.HTTP.AddSecret(cfg.PAT)
	return &Client{cfg: cfg, http: cfg.HTTP}, nil
}

// HasAPIKey reports whether Deploy/Backups API calls can be made.
func (c *Client) HasAPIKey() bool { return c.cfg.Username != "" && c.cfg.APIKey != "" }

// HasPAT reports whether Deploy v4 and Projects API calls can be made.
func (c *Client) HasPAT() bool { return c.cfg.PAT != "" }
