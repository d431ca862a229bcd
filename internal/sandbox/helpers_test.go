package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/backendless"
)

const (
	devLogin    = "dev@example.com"
	devPassword = "sandbox-password"
)

// newTestSandbox starts a sandbox on a fresh data dir behind an httptest server; both are
// closed when the test ends.
func newTestSandbox(t *testing.T, opts Options) (*Sandbox, *httptest.Server) {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if opts.JobDuration == 0 {
		opts.JobDuration = -1
	}
	s, err := New(opts)
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

// login signs in to the console under srv as the default fixture's developer and returns the
// auth-key.
func login(t *testing.T, srv *httptest.Server) string {
	const user = devLogin
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

// logSink collects Logf lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logSink) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// consoleURL is a Backendless console route under a sandbox served at srvURL.
func consoleURL(srvURL, path string) string { return srvURL + backendless.ConsoleMount + path }

// apiURL is a 5.x client REST route of app under srv.
func apiURL(srv *httptest.Server, app BackendlessApp, p string) string {
	return srv.URL + backendless.APIMount + "/" + app.ID + "/" + app.RESTAPIKey + p
}

// bkErrorBody is the Backendless error shape (backendless-console-api.md §6).
type bkErrorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// bkCodeFileExists is the Files API's "file already exists" code.
const bkCodeFileExists = 6016

// The default fixture's 3.x crm app.
const crmID = "A1B2C3D4-0000-4000-8000-000000000301"

func waitIdle(t *testing.T, s *Sandbox) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("jobs still active: %v (%+v)", err, s.Jobs())
	}
}

// mustCreate creates a 5.0 app of the default developer, through the console helper.
func mustCreate(t *testing.T, s *Sandbox, name string) BackendlessApp {
	t.Helper()
	a, err := s.CreateBackendlessApp(devLogin, name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, raw
}

// multipartBody streams content as a multipart/form-data body with one part named field.
func multipartBody(field, fileName string, content io.Reader) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile(field, fileName)
		if err == nil {
			_, err = io.Copy(part, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, mw.FormDataContentType()
}

// cutReader yields n bytes, then fails: a client whose source dies part-way through an upload.
type cutReader struct{ n int }

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errors.New("source went away")
	}
	k := min(len(p), c.n)
	for i := range k {
		p[i] = 'c'
	}
	c.n -= k
	return k, nil
}

// holdsView is GET /_sandbox/holds.
type holdsView struct {
	Rules []HoldRule    `json:"rules"`
	Held  []HeldRequest `json:"held"`
}
