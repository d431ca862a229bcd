package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

func TestStart_RefusesNonLoopbackAddresses(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.10:8080", "example.com:80", "no-port"} {
		if err := CheckLoopback(addr); err == nil {
			t.Errorf("%q accepted", addr)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "localhost:8080", "127.0.0.2:0"} {
		if err := CheckLoopback(addr); err != nil {
			t.Errorf("%q refused: %v", addr, err)
		}
	}
	s, err := New(Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start("0.0.0.0:0"); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("Start on all interfaces: %v", err)
	}
}

func TestStart_ServesOnLoopbackUntilClose(t *testing.T) {
	s, err := New(Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", s.URL())
	}
	if err := s.Start("127.0.0.1:0"); err == nil {
		t.Error("second Start succeeded")
	}
	e := s.Endpoints()
	if e.BackendlessConsoleURL != s.URL()+"/backendless/console" {
		t.Fatalf("endpoints %+v", e)
	}
	resp, err := http.Get(s.URL() + "/_sandbox/health")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := http.Get(s.URL() + "/_sandbox/health"); err == nil {
		t.Fatal("still serving after Close")
	}
}

func TestEndpoints_ProviderBlockUsesNestedObjects(t *testing.T) {
	got := EndpointsAt("http://127.0.0.1:4000/").ProviderBlock()
	want := `provider "appmigrate" {
  backendless = {
    console_url = "http://127.0.0.1:4000/backendless/console"
    api_url     = "http://127.0.0.1:4000/backendless/api"
    legacy_url  = "http://127.0.0.1:4000/backendless3/api"
  }
  mendix = {
    deploy_url   = "http://127.0.0.1:4000/mendix/deploy"
    cloud_url    = "http://127.0.0.1:4000/mendix/cloud/api/v4"
    projects_url = "http://127.0.0.1:4000/mendix/projects/v2"
  }
}
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFaultNames_RoundTrip(t *testing.T) {
	for f := FaultNone; f <= FaultStall; f++ {
		g, err := ParseFault(f.String())
		if err != nil || g != f {
			t.Errorf("%v: parsed %v, %v", f, g, err)
		}
	}
	if _, err := ParseFault("418"); err == nil {
		t.Error("418 parsed")
	}
}

func TestUnservedMounts_Answer404JSONInTheHostsStyle(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	e := s.Endpoints() // not started: relative URLs
	if e.BackendlessAPIURL != "/backendless/api" {
		t.Fatalf("Endpoints before Start = %+v", e)
	}
	for _, c := range []struct{ path, want string }{
		{"/backendless/api/APP/KEY/nothing/here", `"code":6000`},
		{"/backendless3/api/v1/nothing/here", `"code":6000`},
		{"/mendix/deploy/api/1/nothing/here", `"errorCode":"NOT_FOUND"`},
		{"/mendix/cloud/api/v4/nothing/here", `"error":{"code":404`},
		{"/mendix/projects/v2/nothing/here", `"error":{"code":404`},
		{"/nowhere", `"error"`},
	} {
		resp, body := call(t, "GET", srv.URL+c.path, "", nil)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), c.want) || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: status %d body %s", c.path, resp.StatusCode, body)
		}
	}
}
