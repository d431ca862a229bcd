package mendix

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Default-fixture identities the Mendix tests use.
const (
	mxTestUser     = "dev@example.com"
	mxAPIKey       = "SANDBOX-MX-APIKEY"
	mxPAT          = "SANDBOX-MX-PAT"
	mxCalcProject  = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"
	mxOtherProject = "b7e0d9a4-6c3f-4e21-8d5b-0f2a9c4e7d02"
	mxCalcEnv      = "8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e01"
	mxCalcPackage  = "b3d14e53-2654-4534-b374-9179a69ef3cf"
	mxOldSnapshot  = "5deda9e2-f882-4925-830c-45e73c573601"
	mxNewSnapshot  = "5deda9e2-f882-4925-830c-45e73c573602"
	mxV4Node       = "node-v4-calc"
	mxV3Node       = "node-v3-calc"
	mxV4ProdEnv    = "d436e0cd-6200-4ac5-b858-849a6ddbb501"
	mxV4AccpEnv    = "d436e0cd-6200-4ac5-b858-849a6ddbb502"
)

// mxSandbox is a sandbox on a data directory the test can reopen.
type mxSandbox struct {
	t   *testing.T
	dir string
	s   *Mendix
	srv *httptest.Server
}

// newMx starts a default-fixture sandbox with instant jobs unless d says otherwise.
func newMx(t *testing.T, d time.Duration) *mxSandbox {
	t.Helper()
	m := &mxSandbox{t: t, dir: t.TempDir()}
	m.open(d)
	t.Cleanup(m.close)
	return m
}

func (m *mxSandbox) open(d time.Duration) {
	m.t.Helper()
	if d == 0 {
		d = -1
	}
	s, err := newSandbox(Options{DataDir: m.dir, JobDuration: d})
	if err != nil {
		m.t.Fatalf("New: %v", err)
	}
	m.s, m.srv = s, httptest.NewServer(s.Handler())
}

func (m *mxSandbox) close() {
	if m.s == nil {
		return
	}
	m.srv.Close()
	if err := m.s.Close(); err != nil {
		m.t.Errorf("Close: %v", err)
	}
	m.s, m.srv = nil, nil
}

// restart closes the sandbox and opens the same data directory with job duration d.
func (m *mxSandbox) restart(d time.Duration) {
	m.t.Helper()
	m.close()
	m.open(d)
}

// do sends a request with headers h; body is JSON unless it is an io.Reader.
func (m *mxSandbox) do(method, path string, h http.Header, body any) (*http.Response, []byte) {
	m.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case io.Reader:
		rd = b
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			m.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	url := path
	if strings.HasPrefix(path, "/") {
		url = m.srv.URL + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return resp, raw
}

func apiKeyHeaders() http.Header {
	return http.Header{"Mendix-Username": {mxTestUser}, "Mendix-Apikey": {mxAPIKey}}
}

func patHeaders() http.Header { return http.Header{"Authorization": {"MxToken " + mxPAT}} }

// deploy calls deploy.mendix.com (path below /mendix/deploy).
func (m *mxSandbox) deploy(method, path string, body any) (*http.Response, []byte) {
	m.t.Helper()
	return m.do(method, "/mendix/deploy"+path, apiKeyHeaders(), body)
}

// cloud calls the Deploy v4 host (path below /mendix/cloud/api/v4).
func (m *mxSandbox) cloud(method, path string, body any) (*http.Response, []byte) {
	m.t.Helper()
	return m.do(method, "/mendix/cloud/api/v4"+path, patHeaders(), body)
}

// projects calls the Projects v2 host (path below /mendix/projects/v2).
func (m *mxSandbox) projects(method, path string, body any) (*http.Response, []byte) {
	m.t.Helper()
	return m.do(method, "/mendix/projects/v2"+path, patHeaders(), body)
}

// want fails unless resp has status; it returns body for chaining.
func want(t *testing.T, what string, resp *http.Response, body []byte, status int) []byte {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d; body %s", what, resp.StatusCode, status, body)
	}
	return body
}

// wantCode fails unless the Deploy-style error body carries code.
func wantCode(t *testing.T, what string, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	want(t, what, resp, body, status)
	var e struct {
		ErrorCode    string `json:"errorCode"`
		ErrorMessage string `json:"errorMessage"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.ErrorCode != code || e.ErrorMessage == "" {
		t.Fatalf("%s: body %s, want errorCode %s", what, body, code)
	}
}

// mxMultipart builds a multipart/form-data body with one file part.
func mxMultipart(t *testing.T, field, name string, content []byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

// upload posts content as multipart field "file" to a deploy.mendix.com path.
func (m *mxSandbox) upload(path string, content []byte) (*http.Response, []byte) {
	m.t.Helper()
	body, ct := mxMultipart(m.t, "file", "upload.bin", content)
	h := apiKeyHeaders()
	h.Set("Content-Type", ct)
	return m.do("POST", "/mendix/deploy"+path, h, body)
}

// get downloads url (absolute) without any Mendix header.
func (m *mxSandbox) get(url string, h http.Header) (*http.Response, []byte) {
	m.t.Helper()
	return m.do("GET", url, h, nil)
}

// waitJobs waits until no job is queued or running.
func (m *mxSandbox) waitJobs() {
	m.t.Helper()
	waitIdle(m.t, m.s)
}

// keysOf decodes a JSON object and returns its keys.
func keysOf(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	return obj
}

// wantKeys fails unless obj has exactly the keys in names.
func wantKeys(t *testing.T, what string, obj map[string]json.RawMessage, names ...string) {
	t.Helper()
	if len(obj) != len(names) {
		t.Errorf("%s: keys %v, want %v", what, sortedKeys(obj), names)
		return
	}
	for _, n := range names {
		if _, ok := obj[n]; !ok {
			t.Errorf("%s: keys %v, want %v", what, sortedKeys(obj), names)
			return
		}
	}
}

func sortedKeys(obj map[string]json.RawMessage) []string {
	var out []string
	for k := range obj {
		out = append(out, k)
	}
	return out
}

// createTempApp creates the temporary project "Calc temporary" through Projects v2, waits for the job and returns its id.
func (m *mxSandbox) createTempApp() string {
	m.t.Helper()
	body := m.expect("create project", http.StatusAccepted)(m.projects("POST", "/projects", map[string]string{"name": "Calc temporary"}))
	var job struct {
		JobID string `json:"jobId"`
	}
	_ = json.Unmarshal(body, &job)
	m.waitJobs()
	body = m.expect("project job", http.StatusOK)(m.projects("GET", "/projects/jobs/"+job.JobID, nil))
	var st struct {
		Status    string  `json:"status"`
		ProjectID *string `json:"projectId"`
	}
	if err := json.Unmarshal(body, &st); err != nil || st.Status != "completed" || st.ProjectID == nil {
		m.t.Fatalf("project job: %s", body)
	}
	return *st.ProjectID
}

// expect returns a checker for a call's (response, body): it fails unless the status is
// status and returns the body.
func (m *mxSandbox) expect(what string, status int) func(*http.Response, []byte) []byte {
	return func(resp *http.Response, body []byte) []byte {
		m.t.Helper()
		return want(m.t, what, resp, body, status)
	}
}

// expectCode is expect for a Deploy-style error with a vendor code.
func (m *mxSandbox) expectCode(what string, status int, code string) func(*http.Response, []byte) {
	return func(resp *http.Response, body []byte) {
		m.t.Helper()
		wantCode(m.t, what, resp, body, status, code)
	}
}

// decodeAs decodes raw into a T.
func decodeAs[T any](t *testing.T, raw []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}
