package backendless

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

func consoleURL(srvURL, path string) string { return srvURL + mountBackendlessConsole + path }

func TestConsoleLogin_ReturnsAuthKeyHeaderAndProfile(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	resp, body := call(t, "POST", consoleURL(srv.URL, "/console/home/login"), "", map[string]string{"login": devLogin, "password": devPassword})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, body %s", resp.StatusCode, body)
	}
	if key := resp.Header.Get("auth-key"); !regexp.MustCompile(`^[0-9a-f]{32,}$`).MatchString(key) {
		t.Errorf("auth-key header = %q, want 32+ hex chars", key)
	}
	p := decode[map[string]any](t, body)
	if p["name"] != "Sandbox Developer" || p["email"] != devLogin {
		t.Errorf("profile = %v", p)
	}
}

func TestConsoleLogin_LoginIgnoresCase(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	login(t, srv, "DEV@Example.com")
}

func TestConsoleLogin_WrongPasswordIs401Code3003(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	for _, in := range []map[string]string{
		{"login": devLogin, "password": "nope"},
		{"login": "nobody@example.com", "password": devPassword},
		{"login": devLogin, "password": ""},
	} {
		resp, body := call(t, "POST", consoleURL(srv.URL, "/console/home/login"), "", in)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%v: status %d, want 401", in, resp.StatusCode)
		}
		e := decode[bkErrorBody](t, body)
		if e.Code != 3003 || e.Message != "Invalid login or password." {
			t.Errorf("%v: body %s", in, body)
		}
		if resp.Header.Get("auth-key") != "" {
			t.Errorf("%v: refused login still carried an auth-key", in)
		}
	}
}

func TestConsoleLogin_MalformedJSONIs400(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	resp, body := call(t, "POST", consoleURL(srv.URL, "/console/home/login"), "", "{not json")
	if resp.StatusCode != http.StatusBadRequest || decode[bkErrorBody](t, body).Code != bkCodeMalformedRequest {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
}

func TestConsoleLogin_TwoFactorAnswersOTPCreatedWithoutToken(t *testing.T) {
	fx := `{"backendless":{"developers":[{"login":"otp@example.com","password":"pw","name":"OTP","two_factor":true}]}}`
	_, srv := newTestSandbox(t, Options{Fixture: []byte(fx)})
	resp, body := call(t, "POST", consoleURL(srv.URL, "/console/home/login"), "", map[string]string{"login": "otp@example.com", "password": "pw"})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("auth-key") != "" {
		t.Fatalf("status %d, auth-key %q", resp.StatusCode, resp.Header.Get("auth-key"))
	}
	if p := decode[map[string]any](t, body); p["otpCreated"] != true {
		t.Errorf("body %s, want otpCreated true", body)
	}
}

func TestConsole_MissingOrUnknownAuthKeyIs401Code3064(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	for _, key := range []string{"", "0123456789abcdef0123456789abcdef"} {
		for _, r := range [][2]string{{"GET", "/console/applications"}, {"GET", "/console/home/myaccount"}, {"GET", "/ANY-APP/console/appsettings"}} {
			resp, body := call(t, r[0], consoleURL(srv.URL, r[1]), key, nil)
			if resp.StatusCode != http.StatusUnauthorized || decode[bkErrorBody](t, body).Code != 3064 {
				t.Errorf("%s %s with key %q: status %d body %s", r[0], r[1], key, resp.StatusCode, body)
			}
		}
	}
}

func TestConsole_MyAccountThenLogoutEndsSession(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	resp, body := call(t, "GET", consoleURL(srv.URL, "/console/home/myaccount"), key, nil)
	if resp.StatusCode != http.StatusOK || decode[bkProfile](t, body).Email != devLogin {
		t.Fatalf("myaccount: status %d body %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, "DELETE", consoleURL(srv.URL, "/console/home/logout"), key, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("logout: status %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/home/myaccount"), key, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after logout: status %d, want 401", resp.StatusCode)
	}
}

func TestConsole_ExpiredSessionsAreRefused(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	if err := s.ExpireBackendlessSessions(); err != nil {
		t.Fatal(err)
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.StatusCode)
	}
}

func TestConsoleApps_CreateListRenameDelete(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)

	resp, body := call(t, "POST", consoleURL(srv.URL, "/console/applications?zone=EU"), key, map[string]string{"appName": "target-app"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create: status %d body %s", resp.StatusCode, body)
	}
	created := decode[map[string]any](t, body)
	id, _ := created["appId"].(string)
	if id == "" || created["appName"] != "target-app" || created["zone"] != "EU" {
		t.Fatalf("create answered %s", body)
	}
	if ms, ok := created["created"].(float64); !ok || ms <= 0 {
		t.Errorf("created = %v, want epoch milliseconds", created["created"])
	}

	resp, body = call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil)
	list := decode[[]bkAppView](t, body)
	if resp.StatusCode != http.StatusOK || len(list) != 1 || list[0].AppID != id {
		t.Fatalf("list: status %d body %s", resp.StatusCode, body)
	}

	resp, body = call(t, "PUT", consoleURL(srv.URL, "/"+id+"/console/application"), key, map[string]string{"appName": "renamed"})
	if resp.StatusCode != http.StatusOK || decode[bkAppView](t, body).AppName != "renamed" {
		t.Fatalf("rename: status %d body %s", resp.StatusCode, body)
	}
	if apps := s.BackendlessApps(); len(apps) != 1 || apps[0].Name != "renamed" || apps[0].Owner != devLogin {
		t.Fatalf("after rename: %+v", apps)
	}

	resp, body = call(t, "DELETE", consoleURL(srv.URL, "/"+id+"/console/application"), key, nil)
	if resp.StatusCode != http.StatusOK || string(body) != "{}" {
		t.Fatalf("delete: status %d body %q", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil)
	if resp.StatusCode != http.StatusOK || string(body) != "[]" {
		t.Fatalf("list after delete: status %d body %s", resp.StatusCode, body)
	}
}

func TestConsoleApps_ListOnlyCallersAppsAndFiltersByZone(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	mustCreate(t, s, devLogin, "us-app", "US")
	mustCreate(t, s, devLogin, "eu-app", "EU")
	mustCreate(t, s, "other@example.com", "not-mine", "US")
	key := login(t, srv, devLogin)

	names := func(q string) string {
		_, body := call(t, "GET", consoleURL(srv.URL, "/console/applications"+q), key, nil)
		var out []string
		for _, a := range decode[[]bkAppView](t, body) {
			out = append(out, a.AppName)
		}
		return strings.Join(out, ",")
	}
	if got := names(""); got != "us-app,eu-app" {
		t.Errorf("all = %q", got)
	}
	if got := names("?zone=EU"); got != "eu-app" {
		t.Errorf("zone EU = %q", got)
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications?zone=MARS"), key, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown zone: status %d, want 400", resp.StatusCode)
	}
}

func mustCreate(t *testing.T, s *Backendless, owner, name, zone string) BackendlessApp {
	t.Helper()
	a, err := s.CreateBackendlessAppInZone(owner, name, zone)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return a
}

func TestConsoleApps_DuplicateNameIs400Code8009(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	mustCreate(t, s, devLogin, "taken", "EU")
	other := mustCreate(t, s, devLogin, "other", "US")
	key := login(t, srv, devLogin)

	resp, body := call(t, "POST", consoleURL(srv.URL, "/console/applications"), key, map[string]string{"appName": "taken"})
	e := decode[bkErrorBody](t, body)
	if resp.StatusCode != http.StatusBadRequest || e.Code != 8009 || e.Message != "Application with name 'taken' already exists" {
		t.Fatalf("create duplicate (other zone): status %d body %s", resp.StatusCode, body)
	}
	resp, body = call(t, "PUT", consoleURL(srv.URL, "/"+other.ID+"/console/application"), key, map[string]string{"appName": "taken"})
	if resp.StatusCode != http.StatusBadRequest || decode[bkErrorBody](t, body).Code != 8009 {
		t.Fatalf("rename onto a used name: status %d body %s", resp.StatusCode, body)
	}
	// Another developer may use the same name.
	if _, err := s.CreateBackendlessApp("other@example.com", "taken"); err != nil {
		t.Fatalf("other developer, same name: %v", err)
	}
	if _, err := s.CreateBackendlessApp(devLogin, "taken"); !errors.Is(err, core.ErrConflict) {
		t.Fatalf("helper duplicate: err %v, want core.ErrConflict", err)
	}
	if n := len(s.BackendlessApps()); n != 3 {
		t.Fatalf("%d apps, want 3", n)
	}
}

func TestConsoleApps_InvalidNameOrZoneIs400(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	for _, c := range []struct {
		query string
		body  any
	}{
		{"", map[string]string{"appName": ""}},
		{"", map[string]string{"appName": "   "}},
		{"", map[string]string{}},
		{"", map[string]string{"appName": strings.Repeat("x", 101)}},
		{"?zone=ASIA", map[string]string{"appName": "ok"}},
	} {
		resp, body := call(t, "POST", consoleURL(srv.URL, "/console/applications"+c.query), key, c.body)
		if resp.StatusCode != http.StatusBadRequest || decode[bkErrorBody](t, body).Code != bkCodeInvalidArgument {
			t.Errorf("%v %s: status %d body %s", c.body, c.query, resp.StatusCode, body)
		}
	}
}

func TestConsoleApps_UnknownOrForeignAppIs404WithEmptyBody(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	foreign := mustCreate(t, s, "other@example.com", "theirs", "US")
	key := login(t, srv, devLogin)
	for _, id := range []string{"NO-SUCH-APP", foreign.ID} {
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"PUT", "/console/application", map[string]string{"appName": "x"}},
			{"DELETE", "/console/application", nil},
			{"GET", "/console/appsettings", nil},
		} {
			resp, body := call(t, r.method, consoleURL(srv.URL, "/"+id+r.path), key, r.body)
			if resp.StatusCode != http.StatusNotFound || len(body) != 0 {
				t.Errorf("%s %s on %s: status %d body %q, want 404 with empty body", r.method, r.path, id, resp.StatusCode, body)
			}
		}
	}
	if apps := s.BackendlessApps(); len(apps) != 1 || apps[0].Name != "theirs" {
		t.Fatalf("the foreign app changed: %+v", apps)
	}
	if resp, body := call(t, "GET", consoleURL(srv.URL, "/console/no-such-route"), key, nil); resp.StatusCode != http.StatusNotFound || len(body) != 0 {
		t.Errorf("unknown route: status %d body %q", resp.StatusCode, body)
	}
}

func TestConsoleAppSettings_ListsOneKeyPerDeviceTypeWithTheRESTKey(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "with-keys", "US")
	key := login(t, srv, devLogin)
	resp, body := call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/appsettings"), key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
	v := decode[bkAppSettingsView](t, body)
	if v.AppID != app.ID || v.AppName != "with-keys" {
		t.Errorf("settings = %+v", v)
	}
	keys := map[string]string{}
	for _, k := range v.APIKeys {
		keys[k.DeviceType] = k.APIKey
	}
	for _, dt := range []string{"REST", "JS", "ANDROID", "IOS"} {
		if keys[dt] == "" {
			t.Errorf("no %s key in %s", dt, body)
		}
	}
	if keys["REST"] != app.RESTAPIKey {
		t.Errorf("REST key %q, helper says %q", keys["REST"], app.RESTAPIKey)
	}
	if keys["REST"] == keys["JS"] {
		t.Error("REST and JS keys are the same")
	}
}
