package backendless

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

const (
	devLogin    = "dev@example.com"
	devPassword = "sandbox-password"
)

// Options configures a test sandbox: a core with the Backendless vendor only.
type Options = core.Options

// newSandbox attaches a fresh Backendless vendor to a new core.
func newSandbox(opts Options) (*Backendless, error) {
	s := New()
	if _, err := core.New(opts, s); err != nil {
		return nil, err
	}
	return s, nil
}

// newTestSandbox starts a sandbox on a fresh data dir behind an httptest server; both are
// closed when the test ends.
func newTestSandbox(t *testing.T, opts Options) (*Backendless, *httptest.Server) {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if opts.JobDuration == 0 {
		opts.JobDuration = -1
	}
	s, err := newSandbox(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, srv
}

// call sends one request and returns the response with its body read.
func call(t *testing.T, method, url, authKey string, body any) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authKey != "" {
		req.Header.Set("auth-key", authKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, raw
}

// login signs in to the console under srv with the default fixture's password and returns the
// auth-key.
func login(t *testing.T, srv *httptest.Server, user string) string {
	t.Helper()
	resp, body := call(t, "POST", srv.URL+"/backendless/console/console/home/login", "", map[string]string{"login": user, "password": devPassword})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: status %d, body %s", user, resp.StatusCode, body)
	}
	key := resp.Header.Get("auth-key")
	if key == "" {
		t.Fatalf("login %s: no auth-key header", user)
	}
	return key
}

func decode[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func waitIdle(t *testing.T, s *Backendless) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("jobs still active: %v (%+v)", err, s.Jobs())
	}
}
