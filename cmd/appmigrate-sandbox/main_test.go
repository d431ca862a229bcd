package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// syncBuffer is a bytes.Buffer safe to write from run's goroutine and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFlags_RefusalsExitWithUsageErrorAndSayWhy(t *testing.T) {
	dir := t.TempDir()
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"non-loopback listen":    {[]string{"--listen", "0.0.0.0:8080", "--ephemeral"}, "loopback"},
		"all-interfaces listen":  {[]string{"--listen", ":8080", "--ephemeral"}, "loopback"},
		"no data dir":            {[]string{}, "--data-dir is required"},
		"data dir and ephemeral": {[]string{"--data-dir", dir, "--ephemeral"}, "exclude each other"},
		"rate above one":         {[]string{"--ephemeral", "--fault-5xx", "1.5"}, "Rate5xx"},
		"rates adding above one": {[]string{"--ephemeral", "--fault-5xx", "0.7", "--fault-reset", "0.7"}, "must not exceed 1"},
		"missing fixture":        {[]string{"--ephemeral", "--fixture", filepath.Join(dir, "nope.json")}, "--fixture"},
		"positional argument":    {[]string{"--ephemeral", "extra"}, "unexpected argument"},
		"unknown flag":           {[]string{"--ephemeral", "--nope"}, "flag provided but not defined"},
		"zero slow delay":        {[]string{"--ephemeral", "--slow-delay", "0"}, "must be positive"},
		"zero trickle interval":  {[]string{"--ephemeral", "--trickle-interval", "0"}, "must be positive"},
		"unknown profile":        {[]string{"--ephemeral", "--fault-profile", "apocalypse"}, "moderate"},
		"profile plus too much":  {[]string{"--ephemeral", "--fault-profile", "double", "--fault-stall", "0.6"}, "must not exceed 1"},
		"teapot status":          {[]string{"--ephemeral", "--fault-5xx-statuses", "418"}, "Statuses5xx"},
		"unparsable status":      {[]string{"--ephemeral", "--fault-5xx-statuses", "5o2"}, "not a status"},
		"public url, no scheme":  {[]string{"--ephemeral", "--public-url", "127.0.0.1:8081"}, "--public-url"},
		"public url with a path": {[]string{"--ephemeral", "--public-url", "http://127.0.0.1:8081/x"}, "--public-url"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr syncBuffer
			if code := run(t.Context(), c.args, &stdout, &stderr); code != exitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.want) {
				t.Fatalf("stderr %q lacks %q", stderr.String(), c.want)
			}
			if stdout.String() != "" {
				t.Fatalf("stdout %q: nothing should start", stdout.String())
			}
		})
	}
}

func TestFlags_BadFixtureContentFailsBeforeListening(t *testing.T) {
	fx := filepath.Join(t.TempDir(), "fx.json")
	if err := os.WriteFile(fx, []byte(`{"backendless":{"devs":[]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr syncBuffer
	if code := run(t.Context(), []string{"--ephemeral", "--fixture", fx}, &stdout, &stderr); code != exitRunning {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "devs") {
		t.Fatalf("stderr %q does not name the bad key", stderr.String())
	}
}

func TestRun_ServesPrintsTheProviderBlockAndStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	urls := filepath.Join(t.TempDir(), "urls.json")
	envFile := filepath.Join(t.TempDir(), "sandbox.env")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--data-dir", dir, "--urls-file", urls, "--env-file", envFile, "--job-duration", "0", "--fault-seed", "3"}, &stdout, &stderr)
	}()

	var eps sandbox.Endpoints
	deadline := time.Now().Add(20 * time.Second)
	for {
		raw, err := os.ReadFile(urls)
		if err == nil && json.Unmarshal(raw, &eps) == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no urls file; stderr %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	base := strings.TrimSuffix(eps.BackendlessConsoleURL, "/backendless/console")
	resp, err := http.Get(base + "/_sandbox/health")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Post(eps.BackendlessConsoleURL+"/console/home/login", "application/json", strings.NewReader(`{"login":"dev@example.com","password":"sandbox-password"}`))
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("auth-key") == "" {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d; stderr %s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop after cancel")
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatalf("env file: %v", err)
	}
	if want := "export APPMIGRATE_BACKENDLESS_CONSOLE_URL='" + eps.BackendlessConsoleURL + "'\n"; !strings.Contains(string(env), want) {
		t.Fatalf("env file lacks %q:\n%s", want, env)
	}
	out := stdout.String()
	for _, want := range []string{
		"appmigrate-sandbox listening on " + base + " (data: " + dir + ")\n",
		"provider \"appmigrate\" {\n  backendless = {\n    console_url = \"" + eps.BackendlessConsoleURL + "\"",
		"    projects_url = \"" + eps.MendixProjectsURL + "\"\n  }\n}\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(stderr.String(), "sandbox-password") || strings.Contains(stderr.String(), resp.Header.Get("auth-key")) {
		t.Error("the request log shows a secret")
	}
	if !strings.Contains(stderr.String(), "POST /backendless/console/console/home/login -> 200") {
		t.Errorf("request log missing: %s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "state.db")); err != nil {
		t.Errorf("no state in the data dir: %v", err)
	}
}

func TestRun_EphemeralRemovesItsDataDir(t *testing.T) {
	urls := filepath.Join(t.TempDir(), "urls.json")
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--ephemeral", "--quiet", "--urls-file", urls}, &stdout, &stderr) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), "}\n}\n") {
		if time.Now().After(deadline) {
			t.Fatalf("never ready; stderr %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	line := strings.SplitN(stdout.String(), "\n", 2)[0]
	dir := strings.TrimSuffix(line[strings.Index(line, "(data: ")+len("(data: "):], ")")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("ephemeral dir %q: %v", dir, err)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("ephemeral dir %q still there: %v", dir, err)
	}
}

func TestRun_PrintDefaultFixture(t *testing.T) {
	var stdout, stderr syncBuffer
	if code := run(t.Context(), []string{"--print-default-fixture"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
	if stdout.String() != string(sandbox.DefaultFixture()) {
		t.Fatalf("printed fixture differs from the embedded one")
	}
}

func TestFlags_ProfileFillsTheRatesAndExplicitFlagsOverrideIt(t *testing.T) {
	var stderr syncBuffer
	c, err := parseFlags([]string{"--ephemeral", "--fault-profile", "moderate", "--fault-5xx", "0", "--trickle-interval", "5ms", "--fault-drop", "0.01"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sandbox.FaultProfile("moderate")
	got := c.faults
	if got.Rate5xx != 0 || got.RateDrop != 0.01 || got.TrickleInterval != 5*time.Millisecond {
		t.Fatalf("explicit flags lost: %+v", got)
	}
	if got.Rate429 != want.Rate429 || got.RateReset != want.RateReset || got.RateTrickle != want.RateTrickle ||
		got.RateDuplicate != want.RateDuplicate || got.TrickleBytes != want.TrickleBytes || len(got.Statuses5xx) != 2 {
		t.Fatalf("profile values lost: %+v, want %+v", got, want)
	}
}

func TestFlags_NewFaultFlagsReachTheOptions(t *testing.T) {
	var stderr syncBuffer
	c, err := parseFlags([]string{"--ephemeral", "--fault-duplicate", "0.1", "--fault-5xx-after", "0.2", "--fault-drop", "0.05",
		"--fault-trickle", "0.03", "--fault-stall", "0.01", "--trickle-interval", "250ms", "--trickle-bytes", "64", "--fault-5xx-statuses", "502, 503"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	f := c.faults
	if f.RateDuplicate != 0.1 || f.Rate5xxAfter != 0.2 || f.RateDrop != 0.05 || f.RateTrickle != 0.03 || f.RateStall != 0.01 ||
		f.TrickleInterval != 250*time.Millisecond || f.TrickleBytes != 64 || len(f.Statuses5xx) != 2 || f.Statuses5xx[0] != 502 {
		t.Fatalf("%+v", f)
	}
}

func TestHelp_ListsEveryFaultFlagAndTheProfiles(t *testing.T) {
	var stdout, stderr syncBuffer
	if code := run(t.Context(), []string{"--help"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-fault-duplicate", "-fault-5xx-after", "-fault-drop", "-fault-trickle", "-fault-stall",
		"-trickle-interval", "-trickle-bytes", "-fault-profile", "-fault-5xx-statuses", "moderate  10% 502/503", "double"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}

func TestRun_DocumentedOnlyRefusesAModeledCallAndServesADocumentedOne(t *testing.T) {
	urls := filepath.Join(t.TempDir(), "urls.json")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--ephemeral", "--documented-only", "--quiet", "--urls-file", urls}, &stdout, &stderr)
	}()
	var eps sandbox.Endpoints
	deadline := time.Now().Add(20 * time.Second)
	for {
		raw, err := os.ReadFile(urls)
		if err == nil && json.Unmarshal(raw, &eps) == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no urls file; stderr %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The console login is SDK: served.
	resp, err := http.Post(eps.BackendlessConsoleURL+"/console/home/login", "application/json", strings.NewReader(`{"login":"dev@example.com","password":"sandbox-password"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %v %v", resp, err)
	}
	resp.Body.Close()
	// The 3.x archive request is MODELED: refused in the host's error style.
	req, _ := http.NewRequest("POST", eps.BackendlessLegacyURL+"/v1/migration-to-4/archive", nil)
	req.Header.Set("application-id", "A1B2C3D4-0000-4000-8000-000000000301")
	req.Header.Set("secret-key", "LEGACY-REST-SECRET-crm")
	req.Header.Set("application-type", "REST")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body.Message, "not a documented call (tag MODELED): refused in documented-only mode") {
		t.Fatalf("archive request: %d %+v", resp.StatusCode, body)
	}
	base := strings.TrimSuffix(eps.BackendlessConsoleURL, "/backendless/console")
	resp, err = http.Get(base + "/_sandbox/refused")
	if err != nil {
		t.Fatal(err)
	}
	var refused struct {
		DocumentedOnly bool `json:"documented_only"`
		Count          int  `json:"count"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&refused)
	resp.Body.Close()
	if !refused.DocumentedOnly || refused.Count != 1 {
		t.Fatalf("refused %+v", refused)
	}
	if !strings.Contains(stdout.String(), "documented-only: INFERRED and MODELED vendor calls are refused") {
		t.Errorf("stdout does not say the mode:\n%s", stdout.String())
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, stderr.String())
	}
}
