package core

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// routeVendor serves one host, /vendor, with a route of every tag; each answers its own name.
type routeVendor struct{}

func (routeVendor) Attach(c *Core) error {
	m := c.Mount(MountSpec{
		Vendor: "acme", Reference: "acme-api.md", Prefix: "/vendor",
		ErrorBody: func(status int, msg string) any { return map[string]any{"status": status, "problem": msg} },
	})
	answer := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { WriteJSON(w, http.StatusOK, name+" "+r.PathValue("id")) }
	}
	m.Route(Documented, "§1", "GET /things/{id}", answer("get"))
	m.Route(SDK, "§2", "GET /things/{id}?view=count", answer("count"))
	m.Route(Inferred, "§3", "DELETE /things/{id}", answer("delete"))
	m.Route(Modeled, "§4", "POST /things/{id}/magic", answer("magic"))
	c.AddSection(Section{Name: "acme", State: &struct{}{}})
	return nil
}

// acmeCall sends method path to srv and returns the status and the decoded body.
func acmeCall(t *testing.T, srv *httptest.Server, method, path string) (int, any) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s %s: %s", method, path, raw)
		}
	}
	return resp.StatusCode, v
}

func newRouteSandbox(t *testing.T, opts Options) (*Core, *httptest.Server) {
	t.Helper()
	opts.DataDir = t.TempDir()
	s, err := New(opts, routeVendor{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = s.Close()
	})
	return s, srv
}

func TestRoutes_ListEveryCallWithItsTagAndAHEADForEachGET(t *testing.T) {
	s, srv := newRouteSandbox(t, Options{})
	got := map[string]Tag{}
	for _, rt := range s.Routes() {
		if rt.Vendor != "acme" || rt.Host != "/vendor" || !strings.HasPrefix(rt.Reference, "acme-api.md §") {
			t.Errorf("route %+v", rt)
		}
		got[rt.Call()] = rt.Tag
	}
	want := map[string]Tag{
		"GET /vendor/things/{id}":             Documented,
		"HEAD /vendor/things/{id}":            Inferred, // no reference documents HEAD
		"GET /vendor/things/{id}?view=count":  SDK,
		"HEAD /vendor/things/{id}?view=count": Inferred,
		"DELETE /vendor/things/{id}":          Inferred,
		"POST /vendor/things/{id}/magic":      Modeled,
	}
	if len(got) != len(want) {
		t.Fatalf("routes %v", got)
	}
	for call, tag := range want {
		if got[call] != tag {
			t.Errorf("%s: tag %q, want %q", call, got[call], tag)
		}
	}
	status, body := acmeCall(t, srv, "GET", "/_sandbox/routes?tag=inferred")
	if rows, _ := body.([]any); status != http.StatusOK || len(rows) != 3 {
		t.Fatalf("GET /_sandbox/routes?tag=inferred: %d %v", status, body)
	}
}

func TestRoutes_EveryCallIsServedWhenNotDocumentedOnly(t *testing.T) {
	s, srv := newRouteSandbox(t, Options{})
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/vendor/things/1", "get 1"},
		{"GET", "/vendor/things/1?view=count", "count 1"},
		{"GET", "/vendor/things/1?view=other", "get 1"},
		{"DELETE", "/vendor/things/1", "delete 1"},
		{"POST", "/vendor/things/1/magic", "magic 1"},
	} {
		if status, body := acmeCall(t, srv, c.method, c.path); status != http.StatusOK || body != c.want {
			t.Errorf("%s %s: %d %v, want %q", c.method, c.path, status, body, c.want)
		}
	}
	if status, _ := acmeCall(t, srv, "HEAD", "/vendor/things/1"); status != http.StatusOK {
		t.Errorf("HEAD: %d", status)
	}
	if n := s.Refused("", ""); n != 0 {
		t.Errorf("%d refused", n)
	}
}

func TestDocumentedOnly_ServesDocumentedAndSDKCallsAndRefusesTheOthers(t *testing.T) {
	s, srv := newRouteSandbox(t, Options{DocumentedOnly: true, Faults: FaultOptions{Seed: 1, Rate5xx: 0}})
	if status, body := acmeCall(t, srv, "GET", "/vendor/things/1"); status != http.StatusOK || body != "get 1" {
		t.Fatalf("documented call: %d %v", status, body)
	}
	if status, body := acmeCall(t, srv, "GET", "/vendor/things/1?view=count"); status != http.StatusOK || body != "count 1" {
		t.Fatalf("SDK call: %d %v", status, body)
	}
	for _, c := range []struct{ method, path, tag string }{
		{"DELETE", "/vendor/things/1", "INFERRED"},
		{"POST", "/vendor/things/1/magic", "MODELED"},
		{"HEAD", "/vendor/things/1", "INFERRED"},
	} {
		status, body := acmeCall(t, srv, c.method, c.path)
		if status != http.StatusForbidden {
			t.Errorf("%s %s: %d, want 403", c.method, c.path, status)
		}
		if c.method == "HEAD" {
			continue // no body to read
		}
		// In the host's error style, saying why.
		m, _ := body.(map[string]any)
		if msg, _ := m["problem"].(string); m["status"] != float64(403) || !strings.Contains(msg, "not a documented call (tag "+c.tag+"): refused in documented-only mode") {
			t.Errorf("%s %s: %v", c.method, c.path, body)
		}
	}
	if n := s.Refused("", ""); n != 3 {
		t.Errorf("refused %d, want 3", n)
	}
	if n := s.Refused("POST", "/things"); n != 1 {
		t.Errorf("refused POSTs %d, want 1", n)
	}
	// A refused call was received: it counts as a request, and it is never faulted.
	if n, f := s.Requests("", "/vendor/"), s.Faulted("", ""); n != 5 || f != 0 {
		t.Errorf("requests %d faulted %d", n, f)
	}
	calls := s.RefusedCalls()
	if len(calls) != 3 || calls[1].Route != "POST /vendor/things/{id}/magic" || calls[1].Tag != Modeled || calls[1].Path != "/vendor/things/1/magic" {
		t.Errorf("refused calls %+v", calls)
	}
	// The control surface is never refused.
	status, body := acmeCall(t, srv, "GET", "/_sandbox/refused")
	if m, _ := body.(map[string]any); status != http.StatusOK || m["count"] != float64(3) || m["documented_only"] != true {
		t.Errorf("GET /_sandbox/refused: %d %v", status, body)
	}
	status, body = acmeCall(t, srv, "GET", "/_sandbox/requests?method=DELETE")
	if m, _ := body.(map[string]any); status != http.StatusOK || m["refused"] != float64(1) {
		t.Errorf("GET /_sandbox/requests: %d %v", status, body)
	}
}

func TestDocumentedOnly_APathNoRouteServesIsAnsweredAsBefore(t *testing.T) {
	s, srv := newRouteSandbox(t, Options{DocumentedOnly: true})
	if status, _ := acmeCall(t, srv, "GET", "/vendor/nothing/here"); status != http.StatusNotFound {
		t.Fatalf("unserved path: %d", status)
	}
	if n := s.Refused("", ""); n != 0 {
		t.Fatalf("refused %d", n)
	}
}

func TestRoutes_RegistrationRefusesMistakes(t *testing.T) {
	for name, register := range map[string]func(m *Mount){
		"no method":   func(m *Mount) { m.Route(Documented, "§1", "/x", func(http.ResponseWriter, *http.Request) {}) },
		"unknown tag": func(m *Mount) { m.Route("GUESSED", "§1", "GET /x", func(http.ResponseWriter, *http.Request) {}) },
		"no handler":  func(m *Mount) { m.Route(Documented, "§1", "GET /x", nil) },
		"twice": func(m *Mount) {
			m.Route(Documented, "§1", "GET /x", func(http.ResponseWriter, *http.Request) {})
			m.Route(SDK, "§1", "GET /x", func(http.ResponseWriter, *http.Request) {})
		},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("registered")
				}
			}()
			register((&Core{}).Mount(MountSpec{Prefix: "/v"}))
		})
	}
}
