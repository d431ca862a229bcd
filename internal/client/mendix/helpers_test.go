package mendix

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Test credentials; the server checks them like the vendor does.
const (
	testUser   = "dev@example.com"
	testAPIKey = "test-api-key-0123456789"
	testPAT    = "test-pat-abcdefghijklmnop"
)

// newTestClient points every API of a client at srv, with quick retries.
func newTestClient(t *testing.T, srv *httptest.Server, mutate ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		DeployURL: srv.URL + "/deploy", CloudURL: srv.URL + "/cloud/api/v4", ProjectsURL: srv.URL + "/projects/v2",
		Username: testUser, APIKey: testAPIKey, PAT: testPAT,
		HTTP: transport.New(transport.Options{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxRetryAfter: 5 * time.Millisecond}),
		// No rounds unless a test asks: the tests count the transport's own attempts.
		Rounds: -1,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// requireAPIKey fails the request unless it carries the Deploy API headers (§3.1) and no PAT.
func requireAPIKey(t *testing.T, r *http.Request) {
	t.Helper()
	if r.Header.Get("Mendix-Username") != testUser || r.Header.Get("Mendix-ApiKey") != testAPIKey {
		t.Errorf("%s %s: want Mendix-Username/Mendix-ApiKey headers, got %v", r.Method, r.URL.Path, r.Header)
	}
	if r.Header.Get("Authorization") != "" {
		t.Errorf("%s %s: a Deploy API call must not carry Authorization", r.Method, r.URL.Path)
	}
}

// requirePAT fails the request unless it carries Authorization: MxToken (§3.2) and no API key.
func requirePAT(t *testing.T, r *http.Request) {
	t.Helper()
	if r.Header.Get("Authorization") != "MxToken "+testPAT {
		t.Errorf("%s %s: want Authorization: MxToken <pat>, got %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
	}
	if r.Header.Get("Mendix-ApiKey") != "" {
		t.Errorf("%s %s: a PAT call must not carry Mendix-ApiKey", r.Method, r.URL.Path)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// deployError writes the sandbox contract's Deploy error body (field names undocumented, §6).
func deployError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"errorCode": code, "errorMessage": msg})
}
