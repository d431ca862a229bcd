package sandbox

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// result is what a background client saw.
type result struct {
	status int
	body   []byte
	err    error
}

// createAppAsync creates an app in the background and reports what the client saw.
func createAppAsync(ctx context.Context, srvURL, key, name string) <-chan result {
	out := make(chan result, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", consoleURL(srvURL, "/console/applications"), strings.NewReader(`{"appName":"`+name+`"}`))
		req.Header.Set("auth-key", key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		out <- result{status: resp.StatusCode, body: body, err: err}
	}()
	return out
}

func waitHeld(t *testing.T, s *Sandbox, n int) []HeldRequest {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	held, err := s.WaitHeld(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	return held
}

func receive(t *testing.T, c <-chan result) result {
	t.Helper()
	select {
	case r := <-c:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("the client never heard back")
	}
	return result{}
}

func TestHoldBefore_NothingHappensUntilReleased(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	if err := s.Hold(HoldRule{Method: "post", PathPrefix: "/console/applications", When: HoldBefore}); err != nil {
		t.Fatal(err)
	}
	got := createAppAsync(t.Context(), srv.URL, key, "held")

	held := waitHeld(t, s, 1)
	if len(held) != 1 || held[0].Method != "POST" || held[0].Path != "/backendless/console/console/applications" || held[0].When != HoldBefore || held[0].Since.IsZero() {
		t.Fatalf("held %+v", held)
	}
	if n := appsNamed(s, "held"); n != 0 {
		t.Fatalf("%d apps while held before the handler", n)
	}
	s.ReleaseHolds()
	if r := receive(t, got); r.err != nil || r.status != http.StatusOK {
		t.Fatalf("after release: %d %s %v", r.status, r.body, r.err)
	}
	if n := appsNamed(s, "held"); n != 1 {
		t.Fatalf("%d apps after release", n)
	}
	if len(s.Held()) != 0 {
		t.Fatalf("still held: %+v", s.Held())
	}
}

func TestHoldAfter_TheCreateHappensAndTheAnswerWaits(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	if err := s.Hold(HoldRule{Method: "POST", PathPrefix: "/console/applications", When: HoldAfter}); err != nil {
		t.Fatal(err)
	}
	got := createAppAsync(t.Context(), srv.URL, key, "answered-late")

	waitHeld(t, s, 1)
	if n := appsNamed(s, "answered-late"); n != 1 {
		t.Fatalf("%d apps while the answer is held: the handler should have run", n)
	}
	select {
	case r := <-got:
		t.Fatalf("the client heard back while held: %+v", r)
	default:
	}
	s.ReleaseHolds()
	if r := receive(t, got); r.err != nil || r.status != http.StatusOK || !strings.Contains(string(r.body), "answered-late") {
		t.Fatalf("after release: %d %s %v", r.status, r.body, r.err)
	}
}

func TestHoldBefore_AClientHangingUpEndsTheHoldAndNothingHappens(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	if err := s.Hold(HoldRule{PathPrefix: "/console/applications", When: HoldBefore}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	got := createAppAsync(ctx, srv.URL, key, "abandoned")
	waitHeld(t, s, 1)
	cancel() // the provider is killed
	if r := receive(t, got); r.err == nil {
		t.Fatalf("the client heard %d", r.status)
	}
	waitFor(t, func() bool { return len(s.Held()) == 0 })
	if n := appsNamed(s, "abandoned"); n != 0 {
		t.Fatalf("%d apps: a request whose client left while held must not be served", n)
	}
}

func TestHoldAfter_AClientHangingUpLeavesTheSideEffect(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	if err := s.Hold(HoldRule{PathPrefix: "/console/applications", When: HoldAfter}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	got := createAppAsync(ctx, srv.URL, key, "orphan")
	waitHeld(t, s, 1)
	cancel()
	receive(t, got)
	waitFor(t, func() bool { return len(s.Held()) == 0 })
	if n := appsNamed(s, "orphan"); n != 1 {
		t.Fatalf("%d apps", n)
	}
}

func TestHold_CatchesCountMatchingRequestsAndReleaseDropsPendingRules(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	if err := s.Hold(HoldRule{Method: "POST", PathPrefix: "/console/applications", Count: 2}); err != nil {
		t.Fatal(err)
	}
	// Another method passes.
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	a := createAppAsync(t.Context(), srv.URL, key, "one")
	b := createAppAsync(t.Context(), srv.URL, key, "two")
	if held := waitHeld(t, s, 2); held[0].ID == held[1].ID {
		t.Fatalf("held %+v", held)
	}
	if rules := s.PendingHolds(); len(rules) != 0 {
		t.Fatalf("rules left after catching 2: %+v", rules)
	}
	s.ReleaseHolds()
	receive(t, a)
	receive(t, b)

	// ReleaseHolds also drops rules that have not fired: a re-run is not held.
	if err := s.Hold(HoldRule{PathPrefix: "/console/", Count: 5}); err != nil {
		t.Fatal(err)
	}
	s.ReleaseHolds()
	if r := receive(t, createAppAsync(t.Context(), srv.URL, key, "three")); r.status != http.StatusOK {
		t.Fatalf("after release: %+v", r)
	}
}

func TestHoldBefore_AnUploadIsReadWholeAndServedAfterRelease(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, "target")
	if err := s.Hold(HoldRule{Method: "POST", PathPrefix: "/" + app.ID + "/"}); err != nil {
		t.Fatal(err)
	}
	content := bytes.Repeat([]byte("upload"), 500_000) // 3 MB: spooled to a file
	got := make(chan result, 1)
	go func() {
		body, ctype := multipartBody("file", "a.zip", bytes.NewReader(content))
		req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/a.zip"), body)
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		resp.Body.Close()
		got <- result{status: resp.StatusCode}
	}()
	waitHeld(t, s, 1)
	if _, _, ok := s.BackendlessFile(app.ID, "a.zip"); ok {
		t.Fatal("stored while held before the handler")
	}
	s.ReleaseHolds()
	if r := receive(t, got); r.err != nil || r.status != http.StatusOK {
		t.Fatalf("%+v", r)
	}
	if size, _, ok := s.BackendlessFile(app.ID, "a.zip"); !ok || size != int64(len(content)) {
		t.Fatalf("stored %v, %d bytes", ok, size)
	}
}

func TestHold_CloseReleasesEverything(t *testing.T) {
	s, err := New(Options{DataDir: t.TempDir(), JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Hold(HoldRule{PathPrefix: "/console/", Count: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.Hold(HoldRule{PathPrefix: "/api/", When: HoldAfter}); err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(s.Endpoints().BackendlessConsoleURL, "/backendless/console")
	got := make(chan error, 2)
	for _, u := range []string{s.Endpoints().BackendlessConsoleURL + "/console/applications", base + "/mendix/deploy/api/1/apps"} {
		go func() {
			resp, err := http.Get(u)
			if err == nil {
				resp.Body.Close()
			}
			got <- err
		}()
	}
	waitHeld(t, s, 2)
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close waited for the holds")
	}
	for range 2 {
		if err := <-got; err == nil {
			t.Error("a request held when the sandbox closed got an answer")
		}
	}
}

func TestHold_RefusesRulesThatCannotBeMeant(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	for _, r := range []HoldRule{{When: "during"}, {Count: -1}} {
		if err := s.Hold(r); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
}

func TestControl_HoldsOverHTTP(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	resp, body := call(t, "POST", srv.URL+"/_sandbox/holds", "", map[string]any{"method": "post", "path_prefix": "/console/applications", "when": "after"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("hold: %d %s", resp.StatusCode, body)
	}
	if rule := decode[HoldRule](t, body); rule.Method != "POST" || rule.Count != 1 || rule.When != HoldAfter {
		t.Fatalf("rule %+v", rule)
	}
	_, body = call(t, "GET", srv.URL+"/_sandbox/holds", "", nil)
	if v := decode[holdsView](t, body); len(v.Rules) != 1 || len(v.Held) != 0 {
		t.Fatalf("before: %s", body)
	}
	got := createAppAsync(t.Context(), srv.URL, key, "over-http")
	resp, body = call(t, "GET", srv.URL+"/_sandbox/holds?wait=1&timeout=20s", "", nil)
	if v := decode[holdsView](t, body); resp.StatusCode != http.StatusOK || len(v.Held) != 1 || v.Held[0].When != HoldAfter {
		t.Fatalf("wait: %d %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, "DELETE", srv.URL+"/_sandbox/holds", "", nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("release: %d", resp.StatusCode)
	}
	if r := receive(t, got); r.status != http.StatusOK {
		t.Fatalf("%+v", r)
	}
	if n := appsNamed(s, "over-http"); n != 1 {
		t.Fatalf("%d apps", n)
	}
	for _, bad := range []string{`{"when":"during"}`, `{"count":-2}`, `nope`} {
		if resp, _ := call(t, "POST", srv.URL+"/_sandbox/holds", "", bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, resp.StatusCode)
		}
	}
	if resp, _ := call(t, "GET", srv.URL+"/_sandbox/holds?wait=1&timeout=1ms", "", nil); resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("wait with nothing held: %d", resp.StatusCode)
	}
}
