package mendix

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Deploy API v1 and Build API (mendix-cloud-api.md §5.1–§5.3, §5.6): base {deploy}/api/1, API key,
// PascalCase fields, epoch-millisecond timestamps. Apps are addressed by AppId (the subdomain),
// environments by Mode (the environment name).

// App is a Deploy v1 app (§5.1).
type App struct {
	AppID     string // the subdomain, e.g. "calc"
	Name      string
	ProjectID string // the UUID Deploy v4 calls appId
	URL       string
}

type v1App struct {
	AppID     string `json:"AppId"`
	Name      string `json:"Name"`
	ProjectID string `json:"ProjectId"`
	URL       string `json:"Url"`
}

// app converts the wire shape; the field sets match, only the JSON tags differ.
func (a v1App) app() App { return App(a) }

// Apps lists the apps with Mendix Cloud environments the user can see (GET /apps, DOCUMENTED).
func (c *Client) Apps(ctx context.Context) ([]App, error) {
	var raw []v1App
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: list apps", method: http.MethodGet, path: "/apps", out: &raw}); err != nil {
		return nil, err
	}
	out := make([]App, 0, len(raw))
	for _, a := range raw {
		out = append(out, a.app())
	}
	return out, nil
}

// App reads one app (GET /apps/<AppId>, DOCUMENTED; 404 APP_NOT_FOUND).
func (c *Client) App(ctx context.Context, appID string) (*App, error) {
	var raw v1App
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: read app " + appID, method: http.MethodGet, path: seg("apps", appID), out: &raw}); err != nil {
		return nil, err
	}
	a := raw.app()
	return &a, nil
}

// Environment statuses of Deploy v1 (§5.1).
const (
	EnvEmpty   = "Empty"
	EnvStopped = "Stopped"
	EnvRunning = "Running"
)

// Environment is a Deploy v1 environment (§5.1).
type Environment struct {
	EnvironmentID string
	Mode          string
	Status        string // Empty | Stopped | Running
	URL           string
	ModelVersion  string
	MendixVersion string
	Production    bool
}

type v1Environment struct {
	Status        string      `json:"Status"`
	EnvironmentID string      `json:"EnvironmentId"`
	URL           string      `json:"Url"`
	Mode          string      `json:"Mode"`
	ModelVersion  string      `json:"ModelVersion"`
	MendixVersion string      `json:"MendixVersion"`
	Production    lenientBool `json:"Production"`
}

func (e v1Environment) env() Environment {
	return Environment{EnvironmentID: e.EnvironmentID, Mode: e.Mode, Status: e.Status, URL: e.URL,
		ModelVersion: e.ModelVersion, MendixVersion: e.MendixVersion, Production: bool(e.Production)}
}

// Environments lists an app's environments (GET /apps/<AppId>/environments, DOCUMENTED).
func (c *Client) Environments(ctx context.Context, appID string) ([]Environment, error) {
	var raw []v1Environment
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: list environments of " + appID, method: http.MethodGet,
		path: seg("apps", appID, "environments"), out: &raw}); err != nil {
		return nil, err
	}
	out := make([]Environment, 0, len(raw))
	for _, e := range raw {
		out = append(out, e.env())
	}
	return out, nil
}

// Environment reads one environment by Mode (GET /apps/<AppId>/environments/<Mode>, DOCUMENTED;
// 404 ENVIRONMENT_NOT_FOUND). Mode is INFERRED case-insensitive (§4).
func (c *Client) Environment(ctx context.Context, appID, mode string) (*Environment, error) {
	var raw v1Environment
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: read environment " + appID + "/" + mode, method: http.MethodGet,
		path: seg("apps", appID, "environments", mode), out: &raw}); err != nil {
		return nil, err
	}
	e := raw.env()
	return &e, nil
}

// Package statuses of the Build API (§5.2); a package is usable only when Succeeded.
const (
	PackageSucceeded = "Succeeded"
	PackageFailed    = "Failed"
)

// Package is a deployment package as Deploy v1 and the Build API describe it (§5.2).
type Package struct {
	PackageID   string
	Name        string // file name, e.g. "Main line-2.5.4.63.mda"
	Description string
	Version     string
	Creator     string
	Created     time.Time
	Status      string
	Size        int64
	// DownloadURL and URLTTL are set when the package was read with url=true: a pre-signed
	// location to GET without Mendix headers before TTL runs out.
	DownloadURL string
	URLTTL      time.Duration
}

type v1Package struct {
	PackageID    string  `json:"PackageId"`
	Name         string  `json:"Name"`
	Description  string  `json:"Description"`
	Version      string  `json:"Version"`
	Creator      string  `json:"Creator"`
	CreationDate epochMS `json:"CreationDate"`
	Status       string  `json:"Status"`
	Size         int64   `json:"Size"`
	URL          *struct {
		Location string  `json:"Location"`
		TTL      float64 `json:"TTL"`
	} `json:"Url"`
}

func (p v1Package) pkg() Package {
	out := Package{PackageID: p.PackageID, Name: p.Name, Description: p.Description, Version: p.Version,
		Creator: p.Creator, Created: time.Time(p.CreationDate), Status: p.Status, Size: p.Size}
	if p.URL != nil {
		out.DownloadURL = p.URL.Location
		out.URLTTL = time.Duration(p.URL.TTL * float64(time.Second))
	}
	return out
}

func urlQuery(withURL bool) url.Values {
	if !withURL {
		return nil
	}
	return url.Values{"url": []string{"true"}}
}

// DeployedPackage reads the package deployed to an environment (GET /apps/<AppId>/environments/<Mode>/package,
// DOCUMENTED; with url=true the answer carries a fresh pre-signed download URL; 404 PACKAGE_NOT_FOUND).
func (c *Client) DeployedPackage(ctx context.Context, appID, mode string, withURL bool) (*Package, error) {
	var raw v1Package
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: read the package deployed to " + appID + "/" + mode, method: http.MethodGet,
		path: seg("apps", appID, "environments", mode, "package"), query: urlQuery(withURL), out: &raw}); err != nil {
		return nil, err
	}
	if withURL && (raw.URL == nil || raw.URL.Location == "") {
		return nil, fmt.Errorf("mendix: read the package deployed to %s/%s: the answer to url=true carries no Url.Location", appID, mode)
	}
	p := raw.pkg()
	return &p, nil
}

// Packages lists an app's deployment packages (Build API GET /apps/<AppId>/packages, DOCUMENTED).
func (c *Client) Packages(ctx context.Context, appID string) ([]Package, error) {
	var raw []v1Package
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: list packages of " + appID, method: http.MethodGet,
		path: seg("apps", appID, "packages"), out: &raw}); err != nil {
		return nil, err
	}
	out := make([]Package, 0, len(raw))
	for _, p := range raw {
		out = append(out, p.pkg())
	}
	return out, nil
}

// Package reads one package (Build API GET /apps/<AppId>/packages/<PackageId>[?url=true],
// DOCUMENTED; 404 PACKAGE_NOT_FOUND).
func (c *Client) Package(ctx context.Context, appID, packageID string, withURL bool) (*Package, error) {
	var raw v1Package
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: read package " + packageID + " of " + appID, method: http.MethodGet,
		path: seg("apps", appID, "packages", packageID), query: urlQuery(withURL), out: &raw}); err != nil {
		return nil, err
	}
	if withURL && (raw.URL == nil || raw.URL.Location == "") {
		return nil, fmt.Errorf("mendix: read package %s of %s: the answer to url=true carries no Url.Location", packageID, appID)
	}
	p := raw.pkg()
	return &p, nil
}

// DeletePackage deletes a package (Build API DELETE /apps/<AppId>/packages/<PackageId>, DOCUMENTED;
// 409 PACKAGE_IN_USE while deployed). A 404 is returned as is: the caller decides it means "gone".
func (c *Client) DeletePackage(ctx context.Context, appID, packageID string) error {
	_, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: delete package " + packageID + " of " + appID, method: http.MethodDelete,
		path: seg("apps", appID, "packages", packageID)})
	return err
}

// Transport deploys a package to a stopped environment (POST .../environments/<Mode>/transport
// {"PackageId"}, DOCUMENTED §5.3). 403 APP_IS_RUNNING when running; 503 while the package is still
// being processed after an upload: IsRetryLater reports it, the caller waits and calls again.
// Idempotent: transporting the same package to the same stopped environment again leaves it as it
// was; a transport is no object and no job (§5.3 documents no job for it).
func (c *Client) Transport(ctx context.Context, appID, mode, packageID string) error {
	_, _, err := c.do(ctx, call{api: apiDeployV1, op: fmt.Sprintf("mendix: transport package %s to %s/%s", packageID, appID, mode),
		method: http.MethodPost, path: seg("apps", appID, "environments", mode, "transport"), idempotent: true,
		in: struct {
			PackageID string `json:"PackageId"`
		}{packageID}})
	return err
}

// Stop stops an environment (POST .../environments/<Mode>/stop, DOCUMENTED; no body; 500 STOP_FAILED).
// Idempotent: stopping a stopped environment leaves it stopped and starts no job.
func (c *Client) Stop(ctx context.Context, appID, mode string) error {
	_, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: stop " + appID + "/" + mode, method: http.MethodPost,
		path: seg("apps", appID, "environments", mode, "stop"), idempotent: true})
	return err
}

// StartResult is the answer to a start request.
type StartResult struct {
	JobID string
	// AlreadyStarted is §5.3's 200 ALREADY_STARTED, which counts as success, or a start whose
	// answer was lost and after which Deploy v1 shows the environment Running.
	AlreadyStarted bool
	// InFlight is §5.3's 500 APP_ALREADY_HAS_A_STARTING_JOB: a start job runs already (typically
	// the one a lost answer hid). Its id is not known: wait for the environment to run.
	InFlight bool
}

// Start starts an environment (POST .../environments/<Mode>/start {"AutoSyncDb"} → {"JobId"},
// DOCUMENTED). A 200 whose body says ALREADY_STARTED is a success without a job (§5.3, §6), and a
// 500 APP_ALREADY_HAS_A_STARTING_JOB says a start is in flight (InFlight).
//
// A start creates a job, so it is not simply sent again after a lost answer: the lookup reads the
// environment (Deploy v1 GET, DOCUMENTED), and a Running environment means the start took effect
// (AlreadyStarted). Otherwise sending it again is safe, because the vendor does not start twice:
// it answers APP_ALREADY_HAS_A_STARTING_JOB while the first start runs and ALREADY_STARTED once it
// has finished (§5.3).
func (c *Client) Start(ctx context.Context, appID, mode string, autoSyncDB bool) (*StartResult, error) {
	var out struct {
		JobID string `json:"JobId"`
	}
	op := "mendix: start " + appID + "/" + mode
	status, raw, err := c.do(ctx, call{api: apiDeployV1, op: op, method: http.MethodPost,
		path: seg("apps", appID, "environments", mode, "start"),
		in: struct {
			AutoSyncDB bool `json:"AutoSyncDb"`
		}{autoSyncDB}, out: &out,
		notDone: func(ctx context.Context) (bool, error) {
			env, err := c.Environment(ctx, appID, mode)
			if err != nil {
				return false, err
			}
			return env.Status != EnvRunning, nil
		}})
	already := status == http.StatusOK && strings.Contains(string(raw), "ALREADY_STARTED")
	switch {
	case already, transport.IsTookEffect(err):
		return &StartResult{AlreadyStarted: true}, nil
	case HasCode(err, "APP_ALREADY_HAS_A_STARTING_JOB"):
		return &StartResult{InFlight: true}, nil
	case err != nil:
		return nil, err
	case out.JobID == "":
		return nil, fmt.Errorf("%s: %w: %s", op, errNoID, truncate(string(raw), 200))
	}
	return &StartResult{JobID: out.JobID}, nil
}

// Start-job statuses (§5.3). Failures come back as HTTP errors with a code, not as a status.
const (
	StartStarting = "Starting"
	StartStarted  = "Started"
)

// StartStatus reads a start job (GET .../environments/<Mode>/start/<JobId>, DOCUMENTED): Starting or
// Started, or an *Error whose Code names the failure (MISSING_CONSTANT, START_FAILED, …).
func (c *Client) StartStatus(ctx context.Context, appID, mode, jobID string) (string, error) {
	var out struct {
		Status string `json:"Status"`
	}
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: fmt.Sprintf("mendix: start job %s of %s/%s", jobID, appID, mode), method: http.MethodGet,
		path: seg("apps", appID, "environments", mode, "start", jobID), out: &out}); err != nil {
		return "", err
	}
	return out.Status, nil
}

// Settings is the document of GET/POST .../environments/<Mode>/settings (§5.6). All values are strings.
type Settings struct {
	Constants       []Constant       `json:"Constants"`
	CustomSettings  []CustomSetting  `json:"CustomSettings"`
	ScheduledEvents []ScheduledEvent `json:"ScheduledEvents"`
}

// Constant is one model constant. Value applies at the next start; DeployedValue is what runs now.
type Constant struct {
	Name          string `json:"Name"`
	DataType      string `json:"DataType,omitempty"`
	Value         string `json:"Value"`
	DeployedValue string `json:"DeployedValue,omitempty"`
}

// ScheduledEvent is one scheduled event; Value is "Enabled" or "Disabled".
type ScheduledEvent struct {
	Name          string `json:"Name"`
	Value         string `json:"Value"`
	DeployedValue string `json:"DeployedValue,omitempty"`
}

// CustomSetting is one custom runtime setting (item shape INFERRED Name/Value, §5.6).
type CustomSetting struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// Scheduled-event values (§5.6).
const (
	EventEnabled  = "Enabled"
	EventDisabled = "Disabled"
)

// Settings reads an environment's constants, scheduled events and custom settings (GET .../settings, DOCUMENTED).
func (c *Client) Settings(ctx context.Context, appID, mode string) (*Settings, error) {
	var out Settings
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: read settings of " + appID + "/" + mode, method: http.MethodGet, opaque: true,
		path: seg("apps", appID, "environments", mode, "settings"), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetSettings writes the document back (POST .../settings, DOCUMENTED; 400 CONSTANT_NOT_FOUND,
// 500 INVALID_SCHEDULED_EVENT_PARAMETER, a permanent refusal). Changes take effect at the next
// start. Idempotent: the whole document is written, so writing it twice leaves the same values
// and creates nothing.
func (c *Client) SetSettings(ctx context.Context, appID, mode string, s *Settings) error {
	doc := Settings{Constants: []Constant{}, CustomSettings: []CustomSetting{}, ScheduledEvents: []ScheduledEvent{}}
	for _, k := range s.Constants {
		doc.Constants = append(doc.Constants, Constant{Name: k.Name, DataType: k.DataType, Value: k.Value})
	}
	for _, e := range s.ScheduledEvents {
		doc.ScheduledEvents = append(doc.ScheduledEvents, ScheduledEvent{Name: e.Name, Value: e.Value})
	}
	doc.CustomSettings = append(doc.CustomSettings, s.CustomSettings...)
	_, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: write settings of " + appID + "/" + mode, method: http.MethodPost, opaque: true,
		path: seg("apps", appID, "environments", mode, "settings"), in: doc, idempotent: true})
	return err
}
