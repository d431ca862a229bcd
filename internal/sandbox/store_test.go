package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestState_AppsAndSessionsSurviveRestartOnTheSameDataDir(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir, JobDuration: -1})
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
	raw, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(key)) {
		t.Fatal("state.json holds a live auth-key")
	}
}

func TestState_FixtureSeedsOnlyAnEmptyDataDir(t *testing.T) {
	dir := t.TempDir()
	fx := `{"backendless":{"developers":[{"login":"a@example.com","password":"pw","name":"A"}],
	        "apps":[{"owner":"a@example.com","name":"seeded","zone":"eu","id":"FIXED-ID","rest_api_key":"FIXED-KEY"}]}}`
	s1, err := New(Options{DataDir: dir, Fixture: []byte(fx)})
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

	s2, err := New(Options{DataDir: dir, Fixture: []byte(fx)})
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
			_, err := New(Options{DataDir: t.TempDir(), Fixture: []byte(c.fixture)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want mention of %q", err, c.want)
			}
		})
	}
}

func TestFixture_ReservedSectionsAreAccepted(t *testing.T) {
	fx := `{"backendless":{"developers":[],"legacy_apps":[]},"mendix":{"apps":[]}}`
	s, err := New(Options{DataDir: t.TempDir(), Fixture: []byte(fx)})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
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
	// DefaultFixture hands out a copy.
	fx := DefaultFixture()
	fx[0] = 'X'
	if DefaultFixture()[0] != '{' {
		t.Fatal("DefaultFixture returned the embedded bytes themselves")
	}
}

func TestState_NewRequiresDataDirAndRejectsCorruptState(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without DataDir succeeded")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, stateFile), []byte("{garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{DataDir: dir}); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("err %v", err)
	}
}

func TestStore_FailedUpdateLeavesNoHalfChange(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	boom := errors.New("boom")
	err := s.store.update(func(st *state) error {
		st.Backendless.Apps = append(st.Backendless.Apps, newBkApp(devLogin, "half", "US", time.Now()))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if apps := s.BackendlessApps(); len(apps) != 0 {
		t.Fatalf("rolled-back update left %+v", apps)
	}
}

func TestBlobs_StreamInHashAndReadBack(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	data := bytes.Repeat([]byte("archive-bytes-"), 100_000)
	id, size, sum, err := s.PutBlob(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.Sum256(data)
	if size != int64(len(data)) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("size %d sha %s", size, sum)
	}
	rc, n, err := s.OpenBlob(id)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if n != size || !bytes.Equal(got, data) {
		t.Fatal("blob read back differs")
	}
	if err := s.DeleteBlob(id); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBlob(id); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, _, err := s.OpenBlob(id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("open deleted blob: %v", err)
	}
	if _, _, err := s.OpenBlob("../state.json"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("path-like id: %v", err)
	}
}

func TestBlobs_FailedReadLeavesNothingBehind(t *testing.T) {
	dir := t.TempDir()
	s, _ := newTestSandbox(t, Options{DataDir: dir})
	before, _ := os.ReadDir(filepath.Join(dir, blobDir)) // the default fixture's 3.x files and rows
	_, _, _, err := s.PutBlob(io.MultiReader(strings.NewReader("part"), errReader{}))
	if err == nil {
		t.Fatal("PutBlob of a failing reader succeeded")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, blobDir))
	if len(entries) != len(before) {
		t.Fatalf("left %d new files in blobs/", len(entries)-len(before))
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("source went away") }
