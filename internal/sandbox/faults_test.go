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

func TestScriptedFault_503ThenSuccess(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	s.ScriptFault("POST", "/console/home/login", Fault503, 1)

	resp, body := call(t, "POST", consoleURL(srv.URL, "/console/home/login"), "", map[string]string{"login": devLogin, "password": devPassword})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("auth-key") != "" {
		t.Fatalf("first login: status %d", resp.StatusCode)
	}
	if e := decode[bkErrorBody](t, body); e.Code != 503 || e.Message == "" {
		t.Errorf("fault body %s, want Backendless {code, message}", body)
	}
	login(t, srv) // the second attempt goes through

	if n := s.Requests("POST", "/console/home/login"); n != 2 {
		t.Errorf("Requests = %d, want 2", n)
	}
	if n := s.Faulted("POST", "/console/home/login"); n != 1 {
		t.Errorf("Faulted = %d, want 1", n)
	}
	if n := s.Requests("POST", "/backendless/console/console/home"); n != 2 {
		t.Errorf("Requests by full path = %d, want 2", n)
	}
	if n := s.Requests("GET", "/console/home/login"); n != 0 {
		t.Errorf("Requests for another method = %d, want 0", n)
	}
}

func TestScriptedFault_MatchesMethodAndPrefixOnly(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("POST", "/console/applications", Fault500, 2)

	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET hit a POST rule: %d", resp.StatusCode)
	}
	for i := range 2 {
		if resp, _ := call(t, "POST", consoleURL(srv.URL, "/console/applications"), key, map[string]string{"appName": "a"}); resp.StatusCode != http.StatusInternalServerError {
			t.Fatalf("POST %d: status %d, want 500", i, resp.StatusCode)
		}
	}
	if resp, _ := call(t, "POST", consoleURL(srv.URL, "/console/applications"), key, map[string]string{"appName": "a"}); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the script ran out: %d", resp.StatusCode)
	}
	if apps := s.BackendlessApps(); len(apps) != 1 {
		t.Fatalf("faulted creates created apps: %+v", apps)
	}
}

func TestScriptedFault_429CarriesRetryAfterInWholeSeconds(t *testing.T) {
	for _, c := range []struct {
		retryAfter time.Duration
		want       string
	}{{0, "1"}, {3 * time.Second, "3"}, {1500 * time.Millisecond, "2"}} {
		s, srv := newTestSandbox(t, Options{Faults: FaultOptions{RetryAfter: c.retryAfter}})
		s.ScriptFault("", "/console/", Fault429, 1)
		resp, body := call(t, "GET", consoleURL(srv.URL, "/console/applications"), "", nil)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != c.want {
			t.Errorf("RetryAfter %v: status %d, Retry-After %q, want %q", c.retryAfter, resp.StatusCode, resp.Header.Get("Retry-After"), c.want)
		}
		if decode[bkErrorBody](t, body).Code != 429 {
			t.Errorf("body %s", body)
		}
	}
}

// outcomeRequests is how many requests a reproducibility run sends.
const outcomeRequests = 40

// outcomes sends outcomeRequests requests one after another and returns their statuses
// (0 = transport error). setup, when set, runs on the sandbox first.
func outcomes(t *testing.T, opts FaultOptions, setup func(*Sandbox)) []int {
	t.Helper()
	s, srv := newTestSandbox(t, Options{Faults: opts})
	if setup != nil {
		setup(s)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	var out []int
	for range outcomeRequests {
		resp, err := client.Get(consoleURL(srv.URL, "/console/home/myaccount"))
		if err != nil {
			out = append(out, 0)
			continue
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			out = append(out, 0)
			continue
		}
		out = append(out, resp.StatusCode)
	}
	return out
}

func TestRandomFaults_SameSeedGivesTheSameOutcomes(t *testing.T) {
	opts := FaultOptions{
		Seed: 42, Rate5xx: 0.2, Rate429: 0.15, RateReset: 0.1, RateSlow: 0.1, SlowDelay: time.Millisecond,
		Rate5xxAfter: 0.1, RateDrop: 0.1, RateTrickle: 0.1, TrickleInterval: time.Millisecond, RateDuplicate: 0.1,
	}
	a := outcomes(t, opts, nil)
	b := outcomes(t, opts, nil)
	if !equalInts(a, b) {
		t.Fatalf("same seed, different outcomes:\n%v\n%v", a, b)
	}
	kinds := map[int]bool{}
	for _, st := range a {
		kinds[st] = true
	}
	// 401 = not faulted (no auth-key), 0 = reset; plus 5xx and 429.
	for _, want := range []int{0, 401, 429} {
		if !kinds[want] {
			t.Errorf("no %d among %v", want, a)
		}
	}
	opts.Seed = 43
	if c := outcomes(t, opts, nil); equalInts(a, c) {
		t.Errorf("seeds 42 and 43 gave the same 40 outcomes: %v", c)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultOptions_RejectRatesThatCannotBeMeant(t *testing.T) {
	for _, f := range []FaultOptions{{Rate5xx: -0.1}, {Rate429: 1.5}, {Rate5xx: 0.6, RateReset: 0.6}} {
		if _, err := New(Options{DataDir: t.TempDir(), Faults: f}); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

func TestResetFault_BreaksTheClientsReadOfTheAnswer(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("GET", "/console/applications", FaultReset, 1)

	req, _ := http.NewRequest("GET", consoleURL(srv.URL, "/console/applications"), nil)
	req.Header.Set("auth-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Fatal("the client read a whole answer through a reset")
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("next call: %d", resp.StatusCode)
	}
}

func TestResetFault_OnACreateAnswerLeavesTheAppCreated(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("POST", "/console/applications", FaultResetResponse, 1)

	req, _ := http.NewRequest("POST", consoleURL(srv.URL, "/console/applications"), strings.NewReader(`{"appName":"lost-answer"}`))
	req.Header.Set("auth-key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Fatal("the client read a whole answer through a reset")
	}
	if apps := s.BackendlessApps(); len(apps) != 1 || apps[0].Name != "lost-answer" {
		t.Fatalf("apps %+v: the create should have happened", apps)
	}
}

func TestResetFault_OnAnUploadCutsTheRequestBody(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("", "/", FaultReset, 2)

	// An upload-sized body: the reset hits the request.
	body := bytes.Repeat([]byte("z"), 4<<20)
	req, _ := http.NewRequest("POST", srv.URL+"/backendless/api/APP/KEY/files/archive.zip", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("upload through a reset answered %d", resp.StatusCode)
	}

	// A small JSON call with FaultResetRequest never reaches the handler.
	s.ClearFaults()
	s.ScriptFault("POST", "/console/applications", FaultResetRequest, 1)
	req, _ = http.NewRequest("POST", consoleURL(srv.URL, "/console/applications"), strings.NewReader(`{"appName":"never"}`))
	req.Header.Set("auth-key", key)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("request reset answered %d", resp.StatusCode)
	}
	if apps := s.BackendlessApps(); len(apps) != 0 {
		t.Fatalf("apps %+v: the handler must not run when the request is cut", apps)
	}
}

func TestSlowFault_ServesTheAnswerLate(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{SlowDelay: 5 * time.Millisecond}})
	s.ScriptFault("POST", "/console/home/login", FaultSlow, 1)
	login(t, srv)
	if s.Faulted("POST", "/console/home/login") != 1 {
		t.Fatal("the slow fault did not fire")
	}
}

func TestSlowFault_DoesNotHoldUpClose(t *testing.T) {
	s, err := New(Options{DataDir: t.TempDir(), Faults: FaultOptions{SlowDelay: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s.ScriptFault("", "/", FaultSlow, 1)
	started := make(chan struct{})
	go func() {
		close(started)
		resp, err := http.Get(s.Endpoints().BackendlessConsoleURL + "/console/applications")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	// Wait until the server holds the request, then close: Close must cancel the hour's wait.
	deadline := time.Now().Add(20 * time.Second)
	for s.Requests("", "/") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("request never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close waited for the slow fault")
	}
}

func TestFaults_NeverTouchTheControlSurface(t *testing.T) {
	_, srv := newTestSandbox(t, Options{Faults: FaultOptions{Rate5xx: 1}})
	for range 5 {
		if resp, _ := call(t, "GET", srv.URL+"/_sandbox/health", "", nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("health under Rate5xx=1: %d", resp.StatusCode)
		}
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), "", nil); resp.StatusCode < 500 {
		t.Fatalf("vendor call under Rate5xx=1: %d", resp.StatusCode)
	}
}

func TestFaults_ClientGivingUpDuringASlowFaultIsHarmless(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{SlowDelay: time.Hour}})
	s.ScriptFault("", "/", FaultSlow, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", consoleURL(srv.URL, "/console/applications"), nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("slow fault answered within the client's deadline")
	}
	login(t, srv)
}
