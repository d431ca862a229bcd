package backendless

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestState_AppsAndSessionsSurviveRestartOnTheSameDataDir(t *testing.T) {
	dir := t.TempDir()
	s1, err := newSandbox(Options{DataDir: dir, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv1 := httptest.NewServer(s1.Handler())
	key := login(t, srv1, devLogin)
	_, body := call(t, "POST", consoleURL(srv1.URL, "/console/applications"), key, map[string]string{"appName": "kept"})
	id := decode[bkAppView](t, body).AppID
	before := s1.BackendlessApps()
	srv1.Close()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2, srv2 := newTestSandbox(t, Options{DataDir: dir})
	after := s2.BackendlessApps()
	if len(after) != 1 || after[0] != before[0] || after[0].ID != id {
		t.Fatalf("after restart %+v, before %+v", after, before)
	}
	// The session token of the first run still works: a provider mid-apply keeps going.
	resp, body := call(t, "GET", consoleURL(srv2.URL, "/"+id+"/console/appsettings"), key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("appsettings after restart: status %d body %s", resp.StatusCode, body)
	}
}

func TestState_TokensAreNotStoredInClear(t *testing.T) {
	dir := t.TempDir()
	_, srv := newTestSandbox(t, Options{DataDir: dir})
	key := login(t, srv, devLogin)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(raw, []byte(key)) {
			t.Errorf("%s holds a live auth-key", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestState_FixtureSeedsOnlyAnEmptyDataDir(t *testing.T) {
	dir := t.TempDir()
	fx := `{"backendless":{"developers":[{"login":"a@example.com","password":"pw","name":"A"}],
	        "apps":[{"owner":"a@example.com","name":"seeded","zone":"eu","id":"FIXED-ID","rest_api_key":"FIXED-KEY"}]}}`
	s1, err := newSandbox(Options{DataDir: dir, Fixture: []byte(fx)})
	if err != nil {
		t.Fatal(err)
	}
	apps := s1.BackendlessApps()
	if len(apps) != 1 || apps[0].ID != "FIXED-ID" || apps[0].RESTAPIKey != "FIXED-KEY" || apps[0].Zone != "EU" {
		t.Fatalf("seeded apps %+v", apps)
	}
	if err := s1.DeleteBackendlessApp("FIXED-ID"); err != nil {
		t.Fatal(err)
	}
	_ = s1.Close()

	s2, err := newSandbox(Options{DataDir: dir, Fixture: []byte(fx)})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if apps := s2.BackendlessApps(); len(apps) != 0 {
		t.Fatalf("fixture re-applied over existing state: %+v", apps)
	}
}

func TestFixture_RejectsMistakesWithTheirLocation(t *testing.T) {
	for name, c := range map[string]struct{ fixture, want string }{
		"unknown key":     {`{"backendless":{"devs":[]}}`, "devs"},
		"no password":     {`{"backendless":{"developers":[{"login":"a@x"}]}}`, "developers[0]"},
		"duplicate login": {`{"backendless":{"developers":[{"login":"a@x","password":"p"},{"login":"A@x","password":"q"}]}}`, "appears twice"},
		"unknown owner":   {`{"backendless":{"developers":[],"apps":[{"owner":"z@x","name":"n"}]}}`, "owner"},
		"bad zone":        {`{"backendless":{"developers":[{"login":"a@x","password":"p"}],"apps":[{"owner":"a@x","name":"n","zone":"MOON"}]}}`, "zone"},
		"duplicate name":  {`{"backendless":{"developers":[{"login":"a@x","password":"p"}],"apps":[{"owner":"a@x","name":"n"},{"owner":"a@x","name":"N"}]}}`, "already exists"},
		"not json":        {`{`, "fixture"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newSandbox(Options{DataDir: t.TempDir(), Fixture: []byte(c.fixture)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want mention of %q", err, c.want)
			}
		})
	}
}

func TestDefaultFixture_HasTwoDevelopersAndNoApps(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	devs := s.BackendlessDevelopers()
	want := []BackendlessDeveloper{
		{Login: "dev@example.com", Password: "sandbox-password", Name: "Sandbox Developer"},
		{Login: "other@example.com", Password: "other-password", Name: "Other Developer"},
	}
	if len(devs) != 2 || devs[0] != want[0] || devs[1] != want[1] {
		t.Fatalf("developers %+v", devs)
	}
	if apps := s.BackendlessApps(); len(apps) != 0 {
		t.Fatalf("apps %+v", apps)
	}
}
