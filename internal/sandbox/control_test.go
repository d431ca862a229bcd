package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestControl_HealthIsOK(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	resp, body := call(t, "GET", srv.URL+"/_sandbox/health", "", nil)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"ok":true}` {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
}

func TestControl_EndpointsNameEveryMountUnderTheReachedAddress(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	_, body := call(t, "GET", srv.URL+"/_sandbox/endpoints", "", nil)
	got := decode[Endpoints](t, body)
	if got != EndpointsAt(srv.URL) {
		t.Fatalf("endpoints %+v", got)
	}
	if got.MendixCloudURL != srv.URL+"/mendix/cloud/api/v4" || got.MendixProjectsURL != srv.URL+"/mendix/projects/v2" || got.BackendlessLegacyURL != srv.URL+"/backendless3/api" {
		t.Fatalf("endpoints %+v", got)
	}
}

func TestControl_BackendlessAppsMirrorTheHelpers(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	resp, body := call(t, "POST", srv.URL+"/_sandbox/backendless/apps", "", map[string]string{"owner": devLogin, "name": "by-hand", "zone": "EU"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	created := decode[BackendlessApp](t, body)
	if created.Zone != "EU" || created.RESTAPIKey == "" || created.Owner != devLogin {
		t.Fatalf("created %+v", created)
	}
	if resp, _ := call(t, "POST", srv.URL+"/_sandbox/backendless/apps", "", map[string]string{"owner": devLogin, "name": "by-hand"}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("duplicate: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "POST", srv.URL+"/_sandbox/backendless/apps", "", map[string]string{"owner": "ghost@example.com", "name": "x"}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown owner: %d", resp.StatusCode)
	}
	_, body = call(t, "GET", srv.URL+"/_sandbox/backendless/apps", "", nil)
	if list := decode[[]BackendlessApp](t, body); len(list) != 1 || list[0].ID != created.ID || !list[0].Created.Equal(created.Created) {
		t.Fatalf("list %s", body)
	}

	// The developer sees the app created "in the web console".
	key := login(t, srv)
	_, body = call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil)
	if !strings.Contains(string(body), created.ID) {
		t.Fatalf("console list %s", body)
	}

	if resp, _ := call(t, "DELETE", srv.URL+"/_sandbox/backendless/apps/"+created.ID, "", nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "DELETE", srv.URL+"/_sandbox/backendless/apps/"+created.ID, "", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("second delete: %d", resp.StatusCode)
	}
	if len(s.BackendlessApps()) != 0 {
		t.Fatal("app still there")
	}
}

func TestControl_ScriptedFaultsAndRequestCountsOverHTTP(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	resp, body := call(t, "POST", srv.URL+"/_sandbox/faults", "", map[string]any{"method": "get", "path_prefix": "/console/applications", "fault": "502", "count": 1})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("script: %d %s", resp.StatusCode, body)
	}
	_, body = call(t, "GET", srv.URL+"/_sandbox/faults", "", nil)
	if rules := decode[[]FaultRule](t, body); len(rules) != 1 || rules[0].Fault != Fault502 || rules[0].Method != "GET" {
		t.Fatalf("pending %s", body)
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), "", nil); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("scripted call: %d", resp.StatusCode)
	}
	_, body = call(t, "GET", srv.URL+"/_sandbox/requests?method=GET&path_prefix=/console/applications", "", nil)
	if c := decode[map[string]int](t, body); c["count"] != 1 || c["faulted"] != 1 {
		t.Fatalf("counts %s", body)
	}
	for _, bad := range []string{`{"fault":"teapot","count":1}`, `{"fault":"503","count":0}`, `nope`} {
		if resp, _ := call(t, "POST", srv.URL+"/_sandbox/faults", "", bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
	call(t, "POST", srv.URL+"/_sandbox/faults", "", `{"fault":"500","count":3}`)
	if resp, _ := call(t, "DELETE", srv.URL+"/_sandbox/faults", "", nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("clear: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after clear: %d", resp.StatusCode)
	}
}

func TestControl_JobsAndSessions(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	id, err := s.PressCreateMigrationArchive(crmID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	_, body := call(t, "GET", srv.URL+"/_sandbox/jobs", "", nil)
	if jobs := decode[[]Job](t, body); len(jobs) != 1 || jobs[0].ID != id || jobs[0].State != JobCompleted {
		t.Fatalf("jobs %s", body)
	}
	if resp, _ := call(t, "GET", srv.URL+"/_sandbox/jobs/"+id, "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("job: %d", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", srv.URL+"/_sandbox/jobs/nope", "", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("missing job: %d", resp.StatusCode)
	}
	key := login(t, srv)
	call(t, "DELETE", srv.URL+"/_sandbox/backendless/sessions", "", nil)
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after expiring sessions: %d", resp.StatusCode)
	}
}

func TestLog_OneLinePerRequestWithoutSecrets(t *testing.T) {
	var logs logSink
	s, srv := newTestSandbox(t, Options{Logf: logs.logf, Faults: FaultOptions{SlowDelay: time.Millisecond}})
	key := login(t, srv)
	app := mustCreate(t, s, "logged")
	call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/appsettings"), key, nil)
	call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/"+key+"/files/download/x.log"), key, nil)
	call(t, "GET", srv.URL+"/backendless/api/"+app.ID+"/"+app.RESTAPIKey+"/files/a.zip?action=exists&user-token="+key, "", nil)
	s.ScriptFault("", "/console/home/myaccount", Fault503, 1)
	call(t, "GET", consoleURL(srv.URL, "/console/home/myaccount"), key, nil)

	out := logs.all()
	for _, secret := range []string{devPassword, key, app.RESTAPIKey} {
		if strings.Contains(out, secret) {
			t.Fatalf("log shows a secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"POST /backendless/console/console/home/login -> 200",
		"GET /backendless/console/" + app.ID + "/console/appsettings -> 200",
		"GET /backendless/api/" + app.ID + "/***/files/a.zip?action=exists&user-token=*** -> 200",
		"GET /backendless/console/console/home/myaccount -> 503 [fault 503]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n") + 1; n != 5 {
		t.Errorf("%d log lines for 5 requests:\n%s", n, out)
	}
}
