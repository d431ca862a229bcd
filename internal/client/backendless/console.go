package backendless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Login signs in to the console unless the client already holds a session token
// (backendless-console-api.md §3.1: POST /console/home/login, token in response header auth-key).
func (cl *Client) Login(ctx context.Context) error {
	_, err := cl.session(ctx)
	return err
}

// session returns the current auth-key, logging in first when there is none.
func (cl *Client) session(ctx context.Context) (string, error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.authKey != "" {
		return cl.authKey, nil
	}
	var profile struct {
		Email      string `json:"email"`
		OTPCreated bool   `json:"otpCreated"`
	}
	resp, err := cl.do(ctx, call{
		name:   "backendless: console login",
		method: http.MethodPost,
		url:    cl.cfg.ConsoleURL + "/console/home/login",
		in:     map[string]string{"login": cl.cfg.Login, "password": cl.cfg.Password},
		out:    &profile,
		// A login creates only a session (a second one is as good as the first), so a login
		// whose answer was lost is simply sent again.
		idempotent: true,
	})
	if err != nil {
		var e *Error
		// A refusal is a 401/403, or a 400 carrying Backendless' own {code, message}; a 400 whose
		// body is not one (an HTML page, a proxy's answer, megabytes of anything) is not a verdict
		// on the password and is reported as what it is.
		if errors.As(err, &e) && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || (e.Status == http.StatusBadRequest && e.Code != 0)) {
			return "", &LoginError{Login: cl.cfg.Login, Cause: err}
		}
		if errors.As(err, &e) && e.Code == 0 {
			return "", fmt.Errorf("%w: the answer is not a Backendless error, so the password was not judged; check that backendless.console_url is the console API (%s)", err, DefaultConsoleURL)
		}
		return "", err
	}
	// §3.1 (2023+): with two-factor login the body says otpCreated and no token is issued.
	if profile.OTPCreated {
		return "", &LoginError{Login: cl.cfg.Login, Cause: errors.New("the account has two-factor login enabled and Backendless e-mailed a one-time password, which cannot be entered unattended; set backendless.auth_key to a session token from a browser login instead")}
	}
	key := resp.Header.Get("auth-key")
	if key == "" {
		return "", &LoginError{Login: cl.cfg.Login, Cause: errors.New("the answer carried no auth-key header")}
	}
	cl.http.AddSecret(key)
	cl.authKey = key
	return key, nil
}

// dropSession forgets a refused token so the next call logs in again.
func (cl *Client) dropSession(refused string) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.authKey == refused {
		cl.authKey = ""
	}
}

// console sends an authenticated console call. §3.1 says token lifetime is unknown and to
// treat 401/403 as "re-login", so a refused session is renewed once.
func (cl *Client) console(ctx context.Context, c call) error {
	for attempt := 0; ; attempt++ {
		key, err := cl.session(ctx)
		if err != nil {
			return err
		}
		sent := c
		sent.header = http.Header{"auth-key": []string{key}}
		sent.url = cl.cfg.ConsoleURL + c.url
		_, err = cl.do(ctx, sent)
		var e *Error
		if errors.As(err, &e) && (e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden) {
			if cl.cfg.Login == "" || cl.cfg.Password == "" {
				return &AuthKeyError{Cause: err}
			}
			if attempt == 0 {
				cl.dropSession(key)
				continue
			}
		}
		return err
	}
}

// App is a Backendless 5.x application as the console lists it.
type App struct {
	ID      string
	Name    string
	Zone    string
	Created time.Time
	// LostAnswer is set by CreateApp when the create's answer was lost and this is the app of
	// that name a lookup found afterwards.
	LostAnswer bool
}

// rawApp tolerates both casings seen in the SDK history (§Step 3): appId/appName (2016–2019)
// and id/name (2025).
type rawApp struct {
	AppID   string          `json:"appId"`
	ID      string          `json:"id"`
	AppName string          `json:"appName"`
	Name    string          `json:"name"`
	Zone    string          `json:"zone"`
	ZoneID  json.RawMessage `json:"zoneId"`
	Created json.Number     `json:"created"`
}

func (r rawApp) app() App {
	a := App{ID: r.AppID, Name: r.AppName, Zone: r.Zone}
	if a.ID == "" {
		a.ID = r.ID
	}
	if a.Name == "" {
		a.Name = r.Name
	}
	if ms, err := r.Created.Int64(); err == nil && ms > 0 {
		a.Created = time.UnixMilli(ms).UTC()
	}
	return a
}

// ListApps returns the developer's apps (§Step 3: GET /console/applications). It always asks the
// console, and keeps the answer for GetApp.
func (cl *Client) ListApps(ctx context.Context) ([]App, error) {
	var raw []rawApp
	if err := cl.console(ctx, call{name: "backendless: list apps", method: http.MethodGet, url: "/console/applications", out: &raw}); err != nil {
		return nil, err
	}
	apps := make([]App, 0, len(raw))
	for _, r := range raw {
		apps = append(apps, r.app())
	}
	cl.appsMu.Lock()
	cl.apps, cl.appsAt = slices.Clone(apps), time.Now()
	cl.appsMu.Unlock()
	return apps, nil
}

// cachedApps returns the app list read by this client less than appsTTL ago, reading it once
// when there is none: concurrent callers wait for the one read instead of each listing.
func (cl *Client) cachedApps(ctx context.Context) ([]App, error) {
	cl.appsMu.Lock()
	if cl.apps != nil && time.Since(cl.appsAt) < appsTTL {
		apps := cl.apps
		cl.appsMu.Unlock()
		return apps, nil
	}
	cl.appsMu.Unlock()
	cl.appsFetch.Lock()
	defer cl.appsFetch.Unlock()
	cl.appsMu.Lock()
	if cl.apps != nil && time.Since(cl.appsAt) < appsTTL {
		apps := cl.apps
		cl.appsMu.Unlock()
		return apps, nil // another caller read it while this one waited
	}
	cl.appsMu.Unlock()
	return cl.ListApps(ctx)
}

// forgetApps drops the cached app list: called after every create, rename and delete this client
// sends, whatever their outcome, so no read trusts a list from before its own write.
func (cl *Client) forgetApps() {
	cl.appsMu.Lock()
	cl.apps = nil
	cl.appsMu.Unlock()
}

// GetApp finds one app by id. The console has no single-app read in the SDK, so it looks the id
// up in the app list, read once per provider process (cachedApps) rather than once per app: a
// refresh of N apps costs one list, not N. A missing app is an *Error with status 404 like the
// vendor's own answers.
func (cl *Client) GetApp(ctx context.Context, id string) (*App, error) {
	apps, err := cl.cachedApps(ctx)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		if apps[i].ID == id {
			a := apps[i]
			return &a, nil
		}
	}
	return nil, &Error{Op: "backendless: read app " + id, Status: http.StatusNotFound, Message: "no app with this id in the account", Proven: true}
}

// FindAppByName returns the app called name, or nil when there is none. Names compare exactly.
func (cl *Client) FindAppByName(ctx context.Context, name string) (*App, error) {
	apps, err := cl.ListApps(ctx)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		if apps[i].Name == name {
			return &apps[i], nil
		}
	}
	return nil, nil
}

// PlanAppByName is FindAppByName for a plan: it looks the name up in the app list this provider
// process shares (read once, dropped by our own writes), so planning N new apps lists the apps
// once, not N times. A create never relies on it: CreateApp and the provider's create look again.
func (cl *Client) PlanAppByName(ctx context.Context, name string) (*App, error) {
	apps, err := cl.cachedApps(ctx)
	if err != nil {
		return nil, err
	}
	for i := range apps {
		if apps[i].Name == name {
			a := apps[i]
			return &a, nil
		}
	}
	return nil, nil
}

// CreateApp creates a 5.x app (§Step 3: POST /console/applications {appName}, query zone).
// Idempotency is unknown (§Step 3), so the POST is sent again only when a lookup by name proves
// the first attempt created nothing. When the lookup finds the app instead (the answer was lost
// after the console created it), that app is returned with LostAnswer set: the caller, which
// knows whether the name was free before, decides whether it is its own.
func (cl *Client) CreateApp(ctx context.Context, name, zone string) (*App, error) {
	defer cl.forgetApps()
	u := "/console/applications"
	if zone != "" {
		u += "?zone=" + url.QueryEscape(zone)
	}
	var (
		raw   rawApp
		found *App
	)
	err := cl.console(ctx, call{
		name: "backendless: create app", method: http.MethodPost, url: u,
		in: map[string]string{"appName": name}, out: &raw,
		notDone: func(ctx context.Context) (bool, error) {
			a, err := cl.FindAppByName(ctx, name)
			if a != nil {
				found = a
			}
			return a == nil, err
		},
	})
	if transport.IsTookEffect(err) && found != nil {
		a := *found
		a.LostAnswer = true
		return &a, nil
	}
	if err != nil {
		return nil, err
	}
	a := raw.app()
	if a.ID == "" {
		return nil, fmt.Errorf("backendless: create app %q: the answer carried no app id", name)
	}
	return &a, nil
}

// AppContent is what a 5.x app holds of what a migration puts into it: user tables, files in
// its root directory (where the files archive goes) and migration logs.
type AppContent struct {
	Tables    []Table
	RootFiles []string
	Logs      []string
}

// Blank reports an app with none of it: as Backendless creates a new app.
func (c *AppContent) Blank() bool {
	return len(c.Tables) == 0 && len(c.RootFiles) == 0 && len(c.Logs) == 0
}

// String lists the content for a diagnostic.
func (c *AppContent) String() string {
	var parts []string
	for _, t := range c.Tables {
		parts = append(parts, "table "+t.Name)
	}
	for _, f := range c.RootFiles {
		parts = append(parts, "file /"+f)
	}
	for _, l := range c.Logs {
		parts = append(parts, "migration log "+l)
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// ReadAppContent reads an app's tables (SDK: GET /{appId}/console/data/tables), its root
// directory and its migration logs (SDK: console directory view), all through the console.
func (cl *Client) ReadAppContent(ctx context.Context, appID string) (*AppContent, error) {
	tables, err := cl.ListTables(ctx, appID)
	if err != nil {
		return nil, err
	}
	c := &AppContent{Tables: tables}
	root, err := cl.ConsoleListFiles(ctx, appID, "/")
	if err != nil && !IsNotFound(err) && !IsBareNotFound(err) {
		// A bare 404 here is the console's answer for an app without files: the tables listing
		// just above went to the same console URL and was answered, so the URL is not wrong.
		return nil, err
	}
	for _, f := range root {
		if !f.IsDir {
			c.RootFiles = append(c.RootFiles, f.Name)
		}
	}
	logs, err := cl.ImportLogs(ctx, appID)
	if err != nil {
		return nil, err
	}
	for _, l := range logs {
		c.Logs = append(c.Logs, CleanPath(ImportLogDir+"/"+l.Name))
	}
	return c, nil
}

// RenameApp renames an app (§Step 3: PUT /{appId}/console/application {appName}).
func (cl *Client) RenameApp(ctx context.Context, id, name string) error {
	defer cl.forgetApps()
	return cl.console(ctx, call{
		name: "backendless: rename app", method: http.MethodPut,
		url: path(id, "console", "application"), in: map[string]string{"appName": name},
	})
}

// DeleteApp deletes an app (§Step 3: DELETE /{appId}/console/application). An app that is
// already gone is not an error, but the console's 404 is empty (§6), like a wrong URL's: the app
// counts as gone only when a fresh app list, read after the 404, no longer has it.
func (cl *Client) DeleteApp(ctx context.Context, id string) error {
	defer cl.forgetApps()
	err := cl.console(ctx, call{name: "backendless: delete app", method: http.MethodDelete, url: path(id, "console", "application")})
	if !IsBareNotFound(err) {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	apps, lerr := cl.ListApps(ctx)
	if lerr != nil {
		return fmt.Errorf("%w; listing the apps to tell whether it is gone failed too: %w", err, lerr)
	}
	if slices.ContainsFunc(apps, func(a App) bool { return a.ID == id }) {
		return err // the app is still there: the 404 came from something else
	}
	return nil
}

// RESTAPIKey returns the app's REST API key (§3.2: GET /{appId}/console/appsettings,
// apiKeys[deviceType=REST]). The key is registered for redaction before it is returned.
func (cl *Client) RESTAPIKey(ctx context.Context, appID string) (string, error) {
	var settings struct {
		APIKeys []struct {
			DeviceType string `json:"deviceType"`
			APIKey     string `json:"apiKey"`
		} `json:"apiKeys"`
	}
	if err := cl.console(ctx, call{name: "backendless: read app settings", method: http.MethodGet, url: path(appID, "console", "appsettings"), out: &settings}); err != nil {
		return "", err
	}
	for _, k := range settings.APIKeys {
		cl.http.AddSecret(k.APIKey)
	}
	for _, k := range settings.APIKeys {
		if strings.EqualFold(k.DeviceType, "REST") && k.APIKey != "" {
			return k.APIKey, nil
		}
	}
	return "", fmt.Errorf("backendless: app %s has no REST API key in its settings", appID)
}
