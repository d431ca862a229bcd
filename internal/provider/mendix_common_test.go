package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// Values of the sandbox's default fixture (the "mendix" section of fixture_default.json).
const (
	mxUser          = "dev@example.com"
	mxAPIKey        = "SANDBOX-MX-APIKEY"
	mxPAT           = "SANDBOX-MX-PAT"
	mxSourceApp     = "calc"                                 // the app on the v3 node
	mxMode          = "Production"                           //
	mxCalcProject   = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01" // the app being migrated
	mxSpareProject  = "b7e0d9a4-6c3f-4e21-8d5b-0f2a9c4e7d02" // "Inventory Demo", a free app tests link to the v4 node
	mxV4Node        = "node-v4-calc"                         //
	mxV4App         = "calc-v4"                              // the v4 node's subdomain (Deploy v1 AppId)
	mxV4ProdEnv     = "d436e0cd-6200-4ac5-b858-849a6ddbb501" // Production on the v4 node
	mxV3ProdEnv     = "8c2d4e6f-1a3b-4c5d-9e7f-0a1b2c3d4e01" // Production on the v3 node
	mxV3ModelVer    = "2.5.4.63"
	mxStoragePrefix = "/mendix/storage/"
)

// mxRequest is one request the sandbox answered, as the tap saw it.
type mxRequest struct {
	Method, Path, Query string
	Status              int
}

// mxTap sits in front of the sandbox: it records every request with its status and lets a test
// act at a precise point of an apply (before a request is served, or once requests happened)
// without sleeping.
type mxTap struct {
	mu      sync.Mutex
	log     []mxRequest
	before  []func(r *http.Request)
	waiters []*mxWaiter
}

type mxWaiter struct {
	match func(mxRequest) bool
	n     int
	done  chan struct{}
}

func (t *mxTap) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.mu.Lock()
		hooks := append([]func(*http.Request){}, t.before...)
		t.mu.Unlock()
		for _, h := range hooks {
			h(r)
		}
		rec := &tapWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		req := mxRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status}
		t.mu.Lock()
		t.log = append(t.log, req)
		for _, wt := range t.waiters {
			if wt.n > 0 && wt.match(req) {
				wt.n--
				if wt.n == 0 {
					close(wt.done)
				}
			}
		}
		t.mu.Unlock()
	})
}

// onRequest runs h before the sandbox serves each request.
func (t *mxTap) onRequest(h func(r *http.Request)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.before = append(t.before, h)
}

// after returns a channel closed once n more requests matching match have been answered.
func (t *mxTap) after(n int, match func(mxRequest) bool) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	wt := &mxWaiter{match: match, n: n, done: make(chan struct{})}
	t.waiters = append(t.waiters, wt)
	return wt.done
}

// requests returns the answered requests matching match, in order.
func (t *mxTap) requests(match func(mxRequest) bool) []mxRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []mxRequest
	for _, r := range t.log {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

func mxGet(pathPrefix string) func(mxRequest) bool {
	return func(r mxRequest) bool { return r.Method == http.MethodGet && strings.HasPrefix(r.Path, pathPrefix) }
}

func mxOnStorage(r mxRequest) bool { return strings.HasPrefix(r.Path, mxStoragePrefix) }

type tapWriter struct {
	http.ResponseWriter
	status int
}

func (w *tapWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *tapWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *tapWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *tapWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// mxEnv is a sandbox for one Mendix test, served behind a tap.
type mxEnv struct {
	sb  *sandbox.Sandbox
	e   sandbox.Endpoints
	tap *mxTap
}

// startMendixSandbox runs a fresh sandbox (instant jobs, no random faults) behind a tap.
func startMendixSandbox(t *testing.T) *mxEnv {
	t.Helper()
	return startMendixSandboxWith(t, sandbox.Options{JobDuration: -1})
}

// startMendixSandboxWith runs a fresh sandbox with opts (a fresh data directory) behind a tap.
func startMendixSandboxWith(t *testing.T, opts sandbox.Options) *mxEnv {
	t.Helper()
	opts.DataDir = t.TempDir()
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	tap := &mxTap{}
	srv := httptest.NewServer(tap.wrap(sb.Handler()))
	t.Cleanup(func() {
		srv.Close()
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	return &mxEnv{sb: sb, e: sandbox.EndpointsAt(srv.URL), tap: tap}
}

// mendixProviderBlock is a provider configuration pointing at the sandbox with the fixture's
// Mendix credentials and tiny poll settings.
func mendixProviderBlock(env *mxEnv) string {
	return fmt.Sprintf(`
provider "appmigrate" {
  poll_interval     = "10ms"
  poll_max_interval = "50ms"
  retry_max_wait    = "1s"
  mendix = {
    deploy_url   = %q
    cloud_url    = %q
    projects_url = %q
    username     = %q
    api_key      = %q
    pat          = %q
  }
}
`, env.e.MendixDeployURL, env.e.MendixCloudURL, env.e.MendixProjectsURL, mxUser, mxAPIKey, mxPAT)
}

// client is a Mendix client for out-of-band changes and checks, as another user of the
// platform would make them.
func (env *mxEnv) client(t *testing.T) *mendix.Client {
	t.Helper()
	c, err := mendix.New(mendix.Config{
		DeployURL: env.e.MendixDeployURL, CloudURL: env.e.MendixCloudURL, ProjectsURL: env.e.MendixProjectsURL,
		Username: mxUser, APIKey: mxAPIKey, PAT: mxPAT,
		HTTP: transport.New(transport.Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// linkSpareApp links the fixture's free "Inventory Demo" app to the v4 node, so the node has an
// app (Deploy v1 answers for calc-v4) without running the temporary-app steps.
func (env *mxEnv) linkSpareApp(t *testing.T) {
	t.Helper()
	if err := env.sb.LinkMendixNode(mxV4Node, mxSpareProject); err != nil {
		t.Fatalf("link: %v", err)
	}
}

// expireLinksBeforeFirstDownload expires every pre-signed URL handed out so far (the sandbox
// helper) right before the first storage GET whose path contains fileHint is served, so that GET
// meets an expired link.
func (env *mxEnv) expireLinksBeforeFirstDownload(t *testing.T, fileHint string) {
	var once sync.Once
	env.tap.onRequest(func(r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, mxStoragePrefix) || !strings.Contains(r.URL.Path, fileHint) {
			return
		}
		once.Do(func() {
			if err := env.sb.ExpireMendixDownloadURLs(); err != nil {
				t.Errorf("expire: %v", err)
			}
		})
	})
}

// checkRefusedThenFresh asserts that storage answered 403 to the first download whose path contains
// fileHint and 200 to a later one on another (fresh) link.
func (env *mxEnv) checkRefusedThenFresh(fileHint string) error {
	reqs := env.tap.requests(func(r mxRequest) bool { return mxOnStorage(r) && strings.Contains(r.Path, fileHint) })
	if len(reqs) < 2 {
		return fmt.Errorf("want a refused and a fresh download of %q, storage saw %+v", fileHint, reqs)
	}
	if reqs[0].Status != http.StatusForbidden {
		return fmt.Errorf("the first download should meet the expired link (403), got %d", reqs[0].Status)
	}
	for _, r := range reqs[1:] {
		if r.Status == http.StatusOK && r.Path != reqs[0].Path {
			return nil
		}
	}
	return fmt.Errorf("no successful download on a fresh link after the 403: %+v", reqs)
}

// v3Backup opens the newest completed v3 backup archive as a person downloading it would.
func (env *mxEnv) v3Backup(t *testing.T) io.ReadCloser {
	t.Helper()
	c := env.client(t)
	ctx := context.Background()
	snaps, err := c.SnapshotsV1(ctx, mxSourceApp, mxMode)
	if err != nil {
		t.Fatal(err)
	}
	newest := mendix.NewestCompletedV1(snaps)
	links, err := c.SnapshotURLsV1(ctx, mxSourceApp, mxMode, newest.SnapshotID)
	if err != nil {
		t.Fatal(err)
	}
	body, _, err := c.NewDownload("test", links.DatabaseAndFiles, func(context.Context) (string, error) {
		return "", fmt.Errorf("the v3 backup link was refused")
	}).Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// mxStateAttr reads one attribute of a resource from the test state.
func mxStateAttr(s *terraform.State, addr, name string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.Attributes[name], nil
}

// releaseNodeStep links the spare app to the v4 node, so a temporary app the test linked is no
// longer licensed and the post-test destroy can delete it (the Projects API refuses otherwise).
func releaseNodeStep(t *testing.T, env *mxEnv, config string) resource.TestStep {
	return resource.TestStep{PreConfig: func() { env.linkSpareApp(t) }, Config: config}
}

// After the offboarding the settings step works from its private record, where v3's own values
// are gone: a clear override of a secret constant in constant_overrides must still reach the
// redactor (public ones need not).
func TestMaskSecretOverrides_RegistersTheClearValuesOfSecretConstantsOnly(t *testing.T) {
	red := transport.NewRedactor()
	c, err := mendix.New(mendix.Config{
		DeployURL: "http://127.0.0.1:1/deploy", CloudURL: "http://127.0.0.1:1/cloud", ProjectsURL: "http://127.0.0.1:1/projects",
		Username: "u@example.com", APIKey: "api-key-unit", PAT: "pat-unit",
		HTTP: transport.New(transport.Options{Redactor: red}),
	})
	if err != nil {
		t.Fatal(err)
	}
	const secret, public = "override-secret-9d1e", "https://public.example.com"
	o := settingsOverrides{constants: map[string]string{"M.ApiKey": secret, "M.Url": public}}
	view := settingsView{Constants: map[string]string{"M.ApiKey": fingerprint("calc/Production", "M.ApiKey", secret), "M.Url": public}}
	maskSecretOverrides(c, o, view)
	if got := red.Redact("key=" + secret + " url=" + public); got != "key="+transport.Redacted+" url="+public {
		t.Fatalf("redacted %q: want the secret override masked and the public one kept", got)
	}
}
