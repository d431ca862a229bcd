package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestRoutes_EveryVendorCallHasATagAndAReference(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	routes := s.Routes()
	counts := map[string]map[Tag]int{}
	for _, rt := range routes {
		if !slices.Contains([]Tag{Documented, SDK, Inferred, Modeled}, rt.Tag) {
			t.Errorf("%s: tag %q", rt.Call(), rt.Tag)
		}
		ref := map[string]string{"backendless": "backendless-console-api.md §", "mendix": "mendix-cloud-api.md §"}[rt.Vendor]
		if ref == "" || !strings.HasPrefix(rt.Reference, ref) {
			t.Errorf("%s: vendor %q, reference %q", rt.Call(), rt.Vendor, rt.Reference)
		}
		if counts[rt.Vendor] == nil {
			counts[rt.Vendor] = map[Tag]int{}
		}
		counts[rt.Vendor][rt.Tag]++
	}
	t.Logf("routes per vendor and tag: %v", counts)
	_, body := call(t, "GET", srv.URL+"/_sandbox/routes", "", nil)
	if listed := decode[[]Route](t, body); len(listed) != len(routes) {
		t.Fatalf("GET /_sandbox/routes lists %d routes, Routes %d", len(listed), len(routes))
	}
	_, body = call(t, "GET", srv.URL+"/_sandbox/routes?vendor=mendix&tag=modeled", "", nil)
	if listed := decode[[]Route](t, body); len(listed) != 4 { // upload, node link, restore list and its HEAD
		t.Fatalf("Mendix MODELED routes %s", body)
	}
}

func TestRoutes_ModeledAreExactlyTheCallsDesignedForConsoleOnlySteps(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	var modeled []string
	for _, rt := range s.Routes() {
		if rt.Tag == Modeled && rt.Method != http.MethodHead {
			modeled = append(modeled, rt.Call())
		}
	}
	slices.Sort(modeled)
	want := []string{
		"GET /backendless3/api/{version}/migration-to-4/archive",
		"GET /backendless3/api/{version}/migration-to-4/archive/{jobId}",
		"GET /mendix/deploy/api/v2/apps/{projectId}/environments/{envId}/restores",
		"POST /backendless/console/{appId}/console/import/{type}",
		"POST /backendless3/api/{version}/migration-to-4/archive",
		"POST /mendix/cloud/api/v4/apps/{appId}/node",
		"POST /mendix/deploy/api/v2/apps/{projectId}/environments/{envId}/snapshots/upload",
	}
	if !slices.Equal(modeled, want) {
		t.Fatalf("MODELED routes\n%s\nwant\n%s", strings.Join(modeled, "\n"), strings.Join(want, "\n"))
	}
}

func TestRoutes_The3xListingDeleteAndHEADAreInferred(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	tags := map[string]Tag{}
	for _, rt := range s.Routes() {
		tags[rt.Call()] = rt.Tag
	}
	for call, want := range map[string]Tag{
		"GET /backendless3/api/{version}/files/{path...}":                  Inferred,
		"DELETE /backendless3/api/{version}/files/{path...}":               Inferred,
		"GET /backendless3/api/{appId}/{version}/files/{path...}":          Documented,
		"HEAD /backendless3/api/{appId}/{version}/files/{path...}":         Inferred,
		"GET /backendless/api/{appId}/{key}/files/{path...}?action=exists": SDK,
		"GET /backendless/console/{appId}/console/data/tables":             SDK,
		"DELETE /mendix/projects/v2/projects/{projectId}":                  Documented,
		"GET /mendix/storage/{token}/{name...}":                            Documented,
	} {
		if tags[call] != want {
			t.Errorf("%s: tag %q, want %q", call, tags[call], want)
		}
	}
}

func TestDocumentedOnly_RefusesInferredAndModeledCallsInEachHostsStyle(t *testing.T) {
	s, srv := newTestSandbox(t, Options{DocumentedOnly: true})
	// SDK: the console login is served.
	key := login(t, srv)
	// DOCUMENTED: the 3.x public download of a file, with Range.
	req, _ := http.NewRequest("GET", srv.URL+"/backendless3/api/"+crmID+"/v1/files/docs/readme.txt", nil)
	req.Header.Set("Range", "bytes=0-3")
	if resp, body := do(t, req); resp.StatusCode != http.StatusPartialContent || string(body) != "hell" {
		t.Fatalf("3.x download: %d %s", resp.StatusCode, body)
	}
	// INFERRED: the 3.x listing, refused as Backendless answers errors.
	req, _ = http.NewRequest("GET", srv.URL+"/backendless3/api/v1/files/migration-to-4?pattern=*", nil)
	req.Header.Set("application-id", crmID)
	req.Header.Set("secret-key", "LEGACY-REST-SECRET-crm")
	req.Header.Set("application-type", "REST")
	resp, body := do(t, req)
	if e := decode[bkErrorBody](t, body); resp.StatusCode != http.StatusForbidden || !strings.Contains(e.Message, "not a documented call (tag INFERRED): refused in documented-only mode") {
		t.Fatalf("3.x listing: %d %s", resp.StatusCode, body)
	}
	// MODELED: the console import.
	resp, body = call(t, "POST", consoleURL(srv.URL, "/APP/console/import/backendless-app"), key, "")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "(tag MODELED)") {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	// MODELED: the Mendix node link, refused as Deploy v4 answers errors.
	req, _ = http.NewRequest("POST", srv.URL+"/mendix/cloud/api/v4/apps/x/node", strings.NewReader(`{"nodeId":"node-v4-calc"}`))
	req.Header.Set("Authorization", "MxToken SANDBOX-MX-PAT")
	resp, body = do(t, req)
	type v4Error struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	v4 := decode[v4Error](t, body)
	if resp.StatusCode != http.StatusForbidden || v4.Error.Code != http.StatusForbidden || !strings.Contains(v4.Error.Message, "(tag MODELED): refused in documented-only mode") {
		t.Fatalf("node link: %d %s", resp.StatusCode, body)
	}
	// DOCUMENTED: a Deploy API read is served.
	req, _ = http.NewRequest("GET", srv.URL+"/mendix/deploy/api/1/apps", nil)
	req.Header.Set("Mendix-Username", "dev@example.com")
	req.Header.Set("Mendix-ApiKey", "SANDBOX-MX-APIKEY")
	if resp, body := do(t, req); resp.StatusCode != http.StatusOK {
		t.Fatalf("Deploy v1 apps: %d %s", resp.StatusCode, body)
	}
	if n := s.Refused("", ""); n != 3 {
		t.Fatalf("refused %d calls, want 3: %+v", n, s.RefusedCalls())
	}
	if n := s.Refused("POST", "/mendix/"); n != 1 {
		t.Fatalf("refused %d Mendix POSTs", n)
	}
}

func TestDocumentedOnly_OffServesTheSameCalls(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	req, _ := http.NewRequest("GET", srv.URL+"/backendless3/api/v1/files/docs?pattern=*", nil)
	req.Header.Set("application-id", crmID)
	req.Header.Set("secret-key", "LEGACY-REST-SECRET-crm")
	req.Header.Set("application-type", "REST")
	if resp, body := do(t, req); resp.StatusCode != http.StatusOK {
		t.Fatalf("3.x listing: %d %s", resp.StatusCode, body)
	}
	if n := s.Refused("", ""); n != 0 {
		t.Fatalf("refused %d", n)
	}
}
