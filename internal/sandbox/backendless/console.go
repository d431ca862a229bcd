package backendless

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// Console error codes. Backendless publishes no console error table (backendless-console-api.md
// §6), only the client REST body shape {code, message} and the 300x login family; every code
// below except 3003 is modeled, not vendor-documented.
const (
	// bkCodeInvalidLogin follows the documented 300x user-login family (backendless-console-api.md
	// §6); the 401 status that carries it is inferred.
	bkCodeInvalidLogin = 3003
	// modeled: bkCodeSessionExpired answers a missing or unknown auth-key.
	bkCodeSessionExpired = 3064
	// modeled: bkCodeMalformedRequest answers a body that is not JSON.
	bkCodeMalformedRequest = 8002
	// modeled: bkCodeInvalidArgument answers an empty or unusable app name or an unknown zone.
	bkCodeInvalidArgument = 8003
	// modeled: bkCodeAppExists answers a create or rename to a name the developer already uses.
	bkCodeAppExists = 8009
	// modeled: bkCodeNotServed answers routes of Backendless hosts the sandbox does not serve yet.
	bkCodeNotServed = 6000
)

// bkMaxSessionsPerDeveloper bounds stored logins; a CI loop that logs in on every run must not
// grow the state file forever. The oldest session is dropped first.
const bkMaxSessionsPerDeveloper = 50

// bkMaxAppName is a modeled limit: Backendless documents none, but a sandbox that accepts any
// length would hide a client that sends garbage.
const bkMaxAppName = 100

// bkDeviceTypes are the API key types generated per app (backendless-console-api.md §3.2: system
// types include ANDROID, IOS, JS, REST); REST comes first because it is the one the runbook uses.
var bkDeviceTypes = []string{"REST", "JS", "ANDROID", "IOS"}

// bkError is a console failure: HTTP status plus the Backendless {code, message} body, and the
// package sentinel it corresponds to for in-process callers.
type bkError struct {
	status  int
	code    int
	message string
	kind    error
}

// Error is the vendor message.
func (e *bkError) Error() string { return e.message }

// Unwrap gives the package sentinel (core.ErrNotFound, core.ErrConflict, core.ErrInvalid).
func (e *bkError) Unwrap() error { return e.kind }

// write answers the console call with this error; 404 goes out with an empty body because
// backendless-console-api.md §6 says console 404 answers were treated as an empty (null) body.
func (e *bkError) write(w http.ResponseWriter) {
	if e.status == http.StatusNotFound {
		core.WriteEmpty(w, http.StatusNotFound)
		return
	}
	writeBkError(w, e.status, e.code, e.message)
}

// bkErrorBody is the Backendless error shape (backendless-console-api.md §6: {"code": <int>,
// "message": <str>}).
type bkErrorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeBkError(w http.ResponseWriter, status, code int, msg string) {
	core.WriteJSON(w, status, bkErrorBody{Code: code, Message: msg})
}

func errBkAppNotFound(id string) *bkError {
	return &bkError{status: http.StatusNotFound, message: fmt.Sprintf("application %s not found", id), kind: core.ErrNotFound}
}

// checkAppName applies the modeled name rules: not blank, at most bkMaxAppName characters, no
// control characters.
func checkAppName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return &bkError{status: http.StatusBadRequest, code: bkCodeInvalidArgument, message: "Application name must not be empty", kind: core.ErrInvalid}
	case utf8.RuneCountInString(name) > bkMaxAppName:
		return &bkError{status: http.StatusBadRequest, code: bkCodeInvalidArgument, message: fmt.Sprintf("Application name must not be longer than %d characters", bkMaxAppName), kind: core.ErrInvalid}
	case strings.ContainsFunc(name, unicode.IsControl):
		return &bkError{status: http.StatusBadRequest, code: bkCodeInvalidArgument, message: "Application name must not contain control characters", kind: core.ErrInvalid}
	}
	return nil
}

// normalizeZone maps the zone query (backendless-console-api.md §Step 3: US/EU, 2020+) to its
// canonical spelling; empty means US, the console's default cluster (backendless-console-api.md
// §2).
func normalizeZone(z string) (string, error) {
	switch strings.ToUpper(strings.TrimSpace(z)) {
	case "", "US":
		return "US", nil
	case "EU":
		return "EU", nil
	}
	return "", &bkError{status: http.StatusBadRequest, code: bkCodeInvalidArgument, message: fmt.Sprintf("Unknown zone '%s': use US or EU", z), kind: core.ErrInvalid}
}

// newBkApp makes an app with fresh ids and one key per device type.
func newBkApp(owner, name, zone string, created time.Time) *bkApp {
	a := &bkApp{ID: core.NewUUID(), Name: name, Zone: zone, Owner: owner, Created: created}
	for _, t := range bkDeviceTypes {
		a.APIKeys = append(a.APIKeys, bkAPIKey{DeviceType: t, APIKey: core.NewUUID()})
	}
	return a
}

// restKey is the app's REST API key (backendless-console-api.md §3.2: the one the Files REST calls
// put in the path).
func (a *bkApp) restKey() string {
	for _, k := range a.APIKeys {
		if k.DeviceType == "REST" {
			return k.APIKey
		}
	}
	return ""
}

// bkDeveloper finds an account by login; e-mail logins compare without regard to case.
func (st *state) bkDeveloper(login string) *bkDeveloper {
	for _, d := range st.Backendless.Developers {
		if strings.EqualFold(d.Login, login) {
			return d
		}
	}
	return nil
}

// bkApp finds an app by id.
func (st *state) bkApp(id string) *bkApp {
	for _, a := range st.Backendless.Apps {
		if a.ID == id {
			return a
		}
	}
	return nil
}

// bkCheckNameFree refuses a name any app of owner already has (in any zone), except the app
// being renamed. modeled: case-insensitive uniqueness per developer; Backendless documents none.
func (st *state) bkCheckNameFree(owner, name, exceptID string) error {
	for _, a := range st.Backendless.Apps {
		if a.ID != exceptID && strings.EqualFold(a.Owner, owner) && strings.EqualFold(a.Name, name) {
			return &bkError{status: http.StatusBadRequest, code: bkCodeAppExists, message: fmt.Sprintf("Application with name '%s' already exists", name), kind: core.ErrConflict}
		}
	}
	return nil
}

// bkCreateApp validates and adds a 5.0 app for owner; the console route and the "human at the
// web console" helper share it so both reject the same things.
func (s *Backendless) bkCreateApp(owner, name, zone string) (bkApp, error) {
	if err := checkAppName(name); err != nil {
		return bkApp{}, err
	}
	zone, err := normalizeZone(zone)
	if err != nil {
		return bkApp{}, err
	}
	var created bkApp
	err = s.store.update(func(st *state) error {
		dev := st.bkDeveloper(owner)
		if dev == nil {
			return fmt.Errorf("sandbox: no Backendless developer %q: %w", owner, core.ErrNotFound)
		}
		if err := st.bkCheckNameFree(dev.Login, name, ""); err != nil {
			return err
		}
		a := newBkApp(dev.Login, name, zone, time.Now().UTC().Truncate(time.Millisecond))
		st.Backendless.Apps = append(st.Backendless.Apps, a)
		st.touch(collApps, a.ID)
		created = *a
		return nil
	})
	return created, err
}

// bkDeleteApp removes an app; owner "" means any owner (out-of-band deletion).
// The app's files and tables go with it, blobs included.
func (s *Backendless) bkDeleteApp(owner, id string) error {
	var orphans []string
	err := s.store.update(func(st *state) error {
		i := slices.IndexFunc(st.Backendless.Apps, func(a *bkApp) bool {
			return a.ID == id && (owner == "" || strings.EqualFold(a.Owner, owner))
		})
		if i < 0 {
			return errBkAppNotFound(id)
		}
		st.Backendless.Apps = slices.Delete(st.Backendless.Apps, i, i+1)
		st.touch(collApps, id)
		orphans = st.bkDropAppData(id)
		return nil
	})
	if err == nil {
		s.deleteBlobs(orphans)
	}
	return err
}

// --- the console HTTP surface: mounted at /backendless/console, which stands for
// develop.backendless.com (backendless-console-api.md §2) ---

// routeBackendlessConsole registers the console routes. Route shapes follow
// backendless-console-api.md §2: developer-level /console/..., app-level /{appId}/console/....
func (s *Backendless) routeBackendlessConsole(mux *core.Mount) {
	mux.Route(core.SDK, "§3.1", "POST /console/home/login", s.bkLogin)
	mux.Route(core.SDK, "§3.1", "GET /console/home/myaccount", s.bkAuth(s.bkMyAccount))
	mux.Route(core.SDK, "§3.1", "DELETE /console/home/logout", s.bkAuth(s.bkLogout))
	mux.Route(core.SDK, "§4 Step 3", "GET /console/applications", s.bkAuth(s.bkListApps))
	mux.Route(core.SDK, "§4 Step 3", "POST /console/applications", s.bkAuth(s.bkPostApp))
	mux.Route(core.SDK, "§4 Step 3", "PUT /{appId}/console/application", s.bkAuth(s.bkRenameApp))
	mux.Route(core.SDK, "§4 Step 3", "DELETE /{appId}/console/application", s.bkAuth(s.bkDeleteAppRoute))
	mux.Route(core.SDK, "§3.2", "GET /{appId}/console/appsettings", s.bkAuth(s.bkAppSettings))
	// backendless-console-api.md §6: console 404 answers carry no body.
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) { core.WriteEmpty(w, http.StatusNotFound) })
}

// bkProfile is the developer profile body (backendless-console-api.md §3.1: the 2016 SDK read name
// and email).
type bkProfile struct {
	Name       string `json:"name"`
	Email      string `json:"email"`
	OTPCreated bool   `json:"otpCreated,omitempty"`
	AuthKey    string `json:"authKey,omitempty"` // backendless-console-api.md §3.1: the HEAD SDK reads authKey from myaccount
}

// bkAppView is an app as the 5.0-era console sends it: raw appId/appName casing
// (backendless-console-api.md §Step 3) and created as epoch milliseconds.
type bkAppView struct {
	AppID   string `json:"appId"`
	AppName string `json:"appName"`
	Zone    string `json:"zone"`
	Created int64  `json:"created"`
}

func (a *bkApp) view() bkAppView {
	return bkAppView{AppID: a.ID, AppName: a.Name, Zone: a.Zone, Created: a.Created.UnixMilli()}
}

func tokenHash(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// bkLogin is backendless-console-api.md §3.1: POST /console/home/login {login, password}; the token
// comes back in the response header auth-key and the body is the developer profile.
func (s *Backendless) bkLogin(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := core.DecodeJSON(w, r, &in); err != nil {
		// modeled: status and code for a body that is not JSON.
		writeBkError(w, http.StatusBadRequest, bkCodeMalformedRequest, "Could not parse request: "+err.Error())
		return
	}
	var dev bkDeveloper
	var found bool
	s.store.read(func(st *state) {
		if d := st.bkDeveloper(in.Login); d != nil {
			dev, found = *d, true
		}
	})
	// Compare in constant time so the sandbox does not teach a habit real servers punish.
	if !found || in.Password == "" || subtle.ConstantTimeCompare([]byte(in.Password), []byte(dev.Password)) != 1 {
		// 3003 follows the documented 300x login family (backendless-console-api.md §6); 401 is
		// inferred.
		writeBkError(w, http.StatusUnauthorized, bkCodeInvalidLogin, "Invalid login or password.")
		return
	}
	if dev.TwoFactor {
		// backendless-console-api.md §3.1 (2023+): with two-factor login the body says otpCreated
		// and no token is issued.
		core.WriteJSON(w, http.StatusOK, bkProfile{Name: dev.Name, Email: dev.Login, OTPCreated: true})
		return
	}
	tok := core.RandomHex(20)
	err := s.store.update(func(st *state) error {
		st.Backendless.Sessions = append(st.Backendless.Sessions, &bkSession{TokenSHA256: tokenHash(tok), Login: dev.Login, Created: time.Now().UTC()})
		st.touch(collSessions, tokenHash(tok))
		pruneSessions(st, dev.Login)
		return nil
	})
	if err != nil {
		writeBkError(w, http.StatusInternalServerError, 0, "sandbox: cannot store session")
		return
	}
	// backendless-console-api.md §3.1: the token comes back in response header auth-key. Set with
	// the vendor's lower-case spelling (not canonicalized) so the wire looks like the real
	// console's.
	w.Header()["auth-key"] = []string{tok}
	core.WriteJSON(w, http.StatusOK, bkProfile{Name: dev.Name, Email: dev.Login})
}

// pruneSessions keeps the newest bkMaxSessionsPerDeveloper sessions of login.
func pruneSessions(st *state, login string) {
	n := 0
	for _, ss := range st.Backendless.Sessions {
		if ss.Login == login {
			n++
		}
	}
	if n <= bkMaxSessionsPerDeveloper {
		return
	}
	drop := n - bkMaxSessionsPerDeveloper
	st.Backendless.Sessions = slices.DeleteFunc(st.Backendless.Sessions, func(ss *bkSession) bool {
		if drop > 0 && ss.Login == login {
			drop--
			st.touch(collSessions, ss.TokenSHA256)
			return true
		}
		return false
	})
}

type bkCallerKey struct{}

// bkCaller is the authenticated developer of a console call.
type bkCaller struct {
	login, name, token string
}

// bkAuth requires backendless-console-api.md §3.1's auth-key header of a live session on every
// console call but login.
func (s *Backendless) bkAuth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("auth-key")
		var c bkCaller
		if tok != "" {
			h := tokenHash(tok)
			s.store.read(func(st *state) {
				for _, ss := range st.Backendless.Sessions {
					if subtle.ConstantTimeCompare([]byte(ss.TokenSHA256), []byte(h)) == 1 {
						if d := st.bkDeveloper(ss.Login); d != nil {
							c = bkCaller{login: d.Login, name: d.Name, token: tok}
						}
						break
					}
				}
			})
		}
		if c.login == "" {
			// modeled: code and message; backendless-console-api.md §3.1 only says unauthenticated
			// calls are refused and to treat 401/403 as "re-login".
			writeBkError(w, http.StatusUnauthorized, bkCodeSessionExpired, "Not existing user token or user session has expired")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), bkCallerKey{}, c)))
	}
}

func caller(r *http.Request) bkCaller {
	c, _ := r.Context().Value(bkCallerKey{}).(bkCaller)
	return c
}

// bkMyAccount is backendless-console-api.md §3.1: GET /console/home/myaccount validates a session
// and returns the profile.
func (s *Backendless) bkMyAccount(w http.ResponseWriter, r *http.Request) {
	c := caller(r)
	core.WriteJSON(w, http.StatusOK, bkProfile{Name: c.name, Email: c.login, AuthKey: c.token})
}

// bkLogout is backendless-console-api.md §3.1: DELETE /console/home/logout ends the session.
// modeled: 200 with {}.
func (s *Backendless) bkLogout(w http.ResponseWriter, r *http.Request) {
	h := tokenHash(caller(r).token)
	_ = s.store.update(func(st *state) error {
		st.Backendless.Sessions = slices.DeleteFunc(st.Backendless.Sessions, func(ss *bkSession) bool { return ss.TokenSHA256 == h })
		st.touch(collSessions, h)
		return nil
	})
	core.WriteJSON(w, http.StatusOK, struct{}{})
}

// bkListApps is backendless-console-api.md §Step 3: GET /console/applications (?zone=) lists the
// caller's apps.
func (s *Backendless) bkListApps(w http.ResponseWriter, r *http.Request) {
	zone := ""
	if q := r.URL.Query().Get("zone"); q != "" {
		z, err := normalizeZone(q)
		if err != nil {
			writeBkErr(w, err)
			return
		}
		zone = z
	}
	login := caller(r).login
	out := []bkAppView{}
	s.store.read(func(st *state) {
		for _, a := range st.bkAppsOf(login) {
			if zone == "" || a.Zone == zone {
				out = append(out, a.view())
			}
		}
	})
	core.WriteJSON(w, http.StatusOK, out)
}

// bkAppsOf returns login's apps, oldest first (the order the console shows them in).
func (st *state) bkAppsOf(login string) []*bkApp {
	var out []*bkApp
	for _, a := range st.Backendless.Apps {
		if strings.EqualFold(a.Owner, login) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b *bkApp) int { return a.Created.Compare(b.Created) })
	return out
}

// bkAppNameIn reads the app name of a create or rename body. backendless-console-api.md §Step 3:
// the 5.0-era SDK sent appName; later SDKs pass a whole app object through, so name is accepted as
// a fallback.
type bkAppNameIn struct {
	AppName *string `json:"appName"`
	Name    *string `json:"name"`
	RefCode string  `json:"refCode"`
}

func (in bkAppNameIn) name() string {
	switch {
	case in.AppName != nil:
		return *in.AppName
	case in.Name != nil:
		return *in.Name
	}
	return ""
}

// bkPostApp is backendless-console-api.md §Step 3: POST /console/applications {appName, refCode?}
// with query zone (US|EU); the answer is the created app.
func (s *Backendless) bkPostApp(w http.ResponseWriter, r *http.Request) {
	var in bkAppNameIn
	if err := core.DecodeJSON(w, r, &in); err != nil {
		writeBkError(w, http.StatusBadRequest, bkCodeMalformedRequest, "Could not parse request: "+err.Error())
		return
	}
	a, err := s.bkCreateApp(caller(r).login, in.name(), r.URL.Query().Get("zone"))
	if err != nil {
		writeBkErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, a.view())
}

// bkRenameApp is backendless-console-api.md §Step 3: PUT /{appId}/console/application {appName};
// the answer is the app. modeled: the rename answer's shape (the SDK shows none); we send the app
// like create does.
func (s *Backendless) bkRenameApp(w http.ResponseWriter, r *http.Request) {
	id, login := r.PathValue("appId"), caller(r).login
	if !s.bkOwns(login, id) {
		errBkAppNotFound(id).write(w)
		return
	}
	var in bkAppNameIn
	if err := core.DecodeJSON(w, r, &in); err != nil {
		writeBkError(w, http.StatusBadRequest, bkCodeMalformedRequest, "Could not parse request: "+err.Error())
		return
	}
	name := in.name()
	if err := checkAppName(name); err != nil {
		writeBkErr(w, err)
		return
	}
	var out bkAppView
	err := s.store.update(func(st *state) error {
		a := st.bkApp(id)
		if a == nil || !strings.EqualFold(a.Owner, login) {
			return errBkAppNotFound(id)
		}
		if err := st.bkCheckNameFree(a.Owner, name, a.ID); err != nil {
			return err
		}
		st.touch(collApps, a.ID)
		a.Name = name
		out = a.view()
		return nil
	})
	if err != nil {
		writeBkErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// bkDeleteAppRoute is backendless-console-api.md §Step 3: DELETE /{appId}/console/application.
// modeled: 200 with {}.
func (s *Backendless) bkDeleteAppRoute(w http.ResponseWriter, r *http.Request) {
	if err := s.bkDeleteApp(caller(r).login, r.PathValue("appId")); err != nil {
		writeBkErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, struct{}{})
}

// bkAPIKeyView is one entry of appsettings.apiKeys (backendless-console-api.md §3.2).
type bkAPIKeyView struct {
	DeviceType string `json:"deviceType"`
	APIKey     string `json:"apiKey"`
}

// bkAppSettingsView is backendless-console-api.md §3.2's GET /{appId}/console/appsettings body.
// Only apiKeys is SDK-attested; the other fields are modeled from the app object.
type bkAppSettingsView struct {
	AppID   string         `json:"appId"`
	AppName string         `json:"appName"`
	Zone    string         `json:"zone"`
	Created int64          `json:"created"`
	APIKeys []bkAPIKeyView `json:"apiKeys"`
}

// bkAppSettings is backendless-console-api.md §3.2: the app's settings with one API key per device
// type.
func (s *Backendless) bkAppSettings(w http.ResponseWriter, r *http.Request) {
	id, login := r.PathValue("appId"), caller(r).login
	var out *bkAppSettingsView
	s.store.read(func(st *state) {
		a := st.bkApp(id)
		if a == nil || !strings.EqualFold(a.Owner, login) {
			return
		}
		v := bkAppSettingsView{AppID: a.ID, AppName: a.Name, Zone: a.Zone, Created: a.Created.UnixMilli()}
		for _, k := range a.APIKeys {
			v.APIKeys = append(v.APIKeys, bkAPIKeyView(k))
		}
		out = &v
	})
	if out == nil {
		errBkAppNotFound(id).write(w)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// bkOwns reports whether app id exists and belongs to login.
func (s *Backendless) bkOwns(login, id string) bool {
	ok := false
	s.store.read(func(st *state) {
		a := st.bkApp(id)
		ok = a != nil && strings.EqualFold(a.Owner, login)
	})
	return ok
}

// writeBkErr answers a console call with err: its own status and code when it is a bkError, a
// 500 otherwise (a sandbox bug or a disk error, never the client's fault).
func writeBkErr(w http.ResponseWriter, err error) {
	var be *bkError
	if errors.As(err, &be) {
		be.write(w)
		return
	}
	writeBkError(w, http.StatusInternalServerError, 0, "sandbox: "+err.Error())
}
