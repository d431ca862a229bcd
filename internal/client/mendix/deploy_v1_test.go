package mendix

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func TestApps_PathAuthAndPascalCase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requireAPIKey(t, r)
		if r.URL.Path != "/deploy/api/1/apps/calc" {
			t.Errorf("path %q: Deploy v1 is /api/1 (no v)", r.URL.Path)
		}
		writeJSON(w, 200, map[string]string{"AppId": "calc", "Name": "Calc", "ProjectId": "p-1", "Url": "https://calc.mendixcloud.com"})
	}))
	defer srv.Close()
	app, err := newTestClient(t, srv).App(context.Background(), "calc")
	if err != nil {
		t.Fatal(err)
	}
	if *app != (App{AppID: "calc", Name: "Calc", ProjectID: "p-1", URL: "https://calc.mendixcloud.com"}) {
		t.Fatalf("got %+v", app)
	}
}

func TestEnvironment_NotFoundKeepsVendorCode(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deployError(w, 404, "ENVIRONMENT_NOT_FOUND", "Environment not found")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).Environment(context.Background(), "calc", "Nope")
	if !IsNotFound(err) || !HasCode(err, "ENVIRONMENT_NOT_FOUND") {
		t.Fatalf("got %v", err)
	}
}

func TestDeployedPackage_URLAndEpochMilliseconds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/deploy/api/1/apps/calc/environments/Production/package" || r.URL.Query().Get("url") != "true" {
			t.Errorf("got %s?%s", r.URL.Path, r.URL.RawQuery)
		}
		writeJSON(w, 200, map[string]any{"PackageId": "pk", "Name": "Main line-2.5.4.63.mda", "Version": "2.5.4.63",
			"CreationDate": 1404990271835, "Status": "Succeeded", "Size": 3000000, "Url": map[string]any{"Location": "https://s3/x", "TTL": 900}})
	}))
	defer srv.Close()
	p, err := newTestClient(t, srv).DeployedPackage(context.Background(), "calc", "Production", true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Created != time.UnixMilli(1404990271835).UTC() || p.DownloadURL != "https://s3/x" || p.URLTTL != 900*time.Second || p.Size != 3000000 {
		t.Fatalf("got %+v", p)
	}
}

func TestStart_AlreadyStartedIsSuccess(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in["AutoSyncDb"] != true || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("body %v, content type %q", in, r.Header.Get("Content-Type"))
		}
		// §5.3: an error code carried by a 200.
		deployError(w, 200, "ALREADY_STARTED", "Cannot start app. App is already running.")
	}))
	defer srv.Close()
	res, err := newTestClient(t, srv).Start(context.Background(), "calc", "Production", true)
	if err != nil || !res.AlreadyStarted || res.JobID != "" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestStart_ReturnsJob(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"JobId": "j-1"})
	}))
	defer srv.Close()
	res, err := newTestClient(t, srv).Start(context.Background(), "calc", "Production", false)
	if err != nil || res.AlreadyStarted || res.JobID != "j-1" {
		t.Fatalf("got %+v, %v", res, err)
	}
}

func TestStartStatus_DocumentedFailureIsAnErrorWithTheCodeAndNotAskedAgain(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if r.URL.Path != "/deploy/api/1/apps/calc/environments/Production/start/j-1" {
			t.Errorf("path %q", r.URL.Path)
		}
		deployError(w, 500, "MISSING_CONSTANT", "Cannot start app. Missing one or more constant values.")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).StartStatus(context.Background(), "calc", "Production", "j-1")
	var e *Error
	if !errors.As(err, &e) || e.Code != "MISSING_CONSTANT" || e.API != "Deploy API v1" {
		t.Fatalf("got %v", err)
	}
	if calls != 1 || transport.IsTransient(err) {
		t.Fatalf("a documented start failure is final: %d calls, transient %v", calls, transport.IsTransient(err))
	}
}

func TestStartStatus_Outage500IsRetriedAndTransient(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		deployError(w, 500, "INTERNAL_SERVER_ERROR", "upstream down")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).StartStatus(context.Background(), "calc", "Production", "j-1")
	if calls != 3 || !transport.IsTransient(err) {
		t.Fatalf("an outage is retried (2 retries) and stays transient for a poll: %d calls, %v", calls, err)
	}
}

func TestStart_InFlightIsNotSentAgain(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		deployError(w, 500, "APP_ALREADY_HAS_A_STARTING_JOB", "Cannot start app. There is already a starting job id found.")
	}))
	defer srv.Close()
	res, err := newTestClient(t, srv).Start(context.Background(), "calc", "Production", true)
	if err != nil || !res.InFlight || calls != 1 {
		t.Fatalf("got %+v, %v after %d calls", res, err, calls)
	}
}

func TestStart_LostAnswerThenRunningIsAlreadyStarted(t *testing.T) {
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, map[string]any{"Status": "Running", "Mode": "Production"})
			return
		}
		posts++
		deployError(w, 502, "BAD_GATEWAY", "the start went through, the answer did not")
	}))
	defer srv.Close()
	res, err := newTestClient(t, srv).Start(context.Background(), "calc", "Production", true)
	if err != nil || !res.AlreadyStarted || posts != 1 {
		t.Fatalf("got %+v, %v after %d posts", res, err, posts)
	}
}

func TestStart_LostAnswerWhileStoppedIsSentAgain(t *testing.T) {
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, map[string]any{"Status": "Stopped", "Mode": "Production"})
			return
		}
		posts++
		if posts == 1 {
			deployError(w, 503, "SERVICE_UNAVAILABLE", "lost")
			return
		}
		deployError(w, 500, "APP_ALREADY_HAS_A_STARTING_JOB", "the first one did start")
	}))
	defer srv.Close()
	res, err := newTestClient(t, srv).Start(context.Background(), "calc", "Production", true)
	if err != nil || !res.InFlight || posts != 2 {
		t.Fatalf("got %+v, %v after %d posts", res, err, posts)
	}
}

func TestTransport_503IsRetryLater(t *testing.T) {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in["PackageId"] != "pk" {
			t.Errorf("body %v", in)
		}
		deployError(w, 503, "SERVICE UNAVAILABLE", "MDA is still being processed, retry later")
	}))
	defer srv.Close()
	err := newTestClient(t, srv).Transport(context.Background(), "calc", "Production", "pk")
	if !IsRetryLater(err) {
		t.Fatalf("got %v", err)
	}
	if calls != 3 {
		t.Fatalf("the transport layer retries a 503 (2 retries): %d calls", calls)
	}
}

func TestSettings_RoundTrip(t *testing.T) {
	var posted Settings
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requireAPIKey(t, r)
		if r.Method == http.MethodPost {
			_ = json.NewDecoder(r.Body).Decode(&posted)
			writeJSON(w, 200, posted)
			return
		}
		writeJSON(w, 200, map[string]any{
			"Constants":       []map[string]string{{"Name": "M.Url", "DataType": "String", "Value": "a", "DeployedValue": "b"}},
			"CustomSettings":  []map[string]string{},
			"ScheduledEvents": []map[string]string{{"Name": "M.Nightly", "Value": "Enabled", "DeployedValue": "Enabled"}},
		})
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	s, err := c.Settings(context.Background(), "calc", "Production")
	if err != nil {
		t.Fatal(err)
	}
	if s.Constants[0].DeployedValue != "b" || s.ScheduledEvents[0].Value != EventEnabled {
		t.Fatalf("got %+v", s)
	}
	s.Constants[0].Value = "new"
	if err := c.SetSettings(context.Background(), "calc", "Production", s); err != nil {
		t.Fatal(err)
	}
	if posted.Constants[0].Value != "new" || posted.Constants[0].DeployedValue != "" || posted.CustomSettings == nil {
		t.Fatalf("posted %+v", posted)
	}
}

func TestDeployCalls_NeedTheAPIKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("no request may be sent without credentials: %s", r.URL.Path)
	}))
	defer srv.Close()
	c := newTestClient(t, srv, func(cfg *Config) { cfg.APIKey, cfg.Username = "", "" })
	_, err := c.Apps(context.Background())
	var ce *CredentialsError
	if !errors.As(err, &ce) || ce.Needs != "username and api_key" {
		t.Fatalf("got %v", err)
	}
}

func TestDeletePackage_InUse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/deploy/api/1/apps/calc/packages/pk" {
			t.Errorf("got %s %s", r.Method, r.URL.Path)
		}
		deployError(w, 409, "PACKAGE_IN_USE", "Package is still in use.")
	}))
	defer srv.Close()
	err := newTestClient(t, srv).DeletePackage(context.Background(), "calc", "pk")
	if !HasCode(err, "PACKAGE_IN_USE") || StatusOf(err) != 409 {
		t.Fatalf("got %v", err)
	}
}
