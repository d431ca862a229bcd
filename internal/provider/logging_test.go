package provider

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// TestLogging_CredentialsNeverReachTerraformLog drives the real client through tflog at trace
// level and checks that no password, session token or REST key appears in what Terraform logs.
func TestLogging_CredentialsNeverReachTerraformLog(t *testing.T) {
	sb := startSandbox(t)
	app, err := sb.CreateBackendlessApp(sandboxLogin, "logged")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	e := sb.Endpoints()
	tokens := &tokenRecorder{next: http.DefaultTransport}

	for _, password := range []string{"wrong-password-value", sandboxPassword} {
		c, err := backendless.New(backendless.Config{
			ConsoleURL: e.BackendlessConsoleURL, APIURL: e.BackendlessAPIURL, LegacyURL: e.BackendlessLegacyURL,
			Login: sandboxLogin, Password: password,
			HTTP: transport.New(transport.Options{Logger: tflogLogger{}, Secrets: []string{password}, HTTPClient: &http.Client{Transport: tokens}}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ListApps(ctx); err != nil && password == sandboxPassword {
			t.Fatalf("list apps: %v", err)
		}
		if password == sandboxPassword {
			key, err := c.RESTAPIKey(ctx, app.ID)
			if err != nil {
				t.Fatalf("rest key: %v", err)
			}
			if key != app.RESTAPIKey {
				t.Fatalf("REST key %q, sandbox says %q", key, app.RESTAPIKey)
			}
		}
	}

	logged := buf.String()
	if !strings.Contains(logged, "/console/home/login") {
		t.Fatalf("expected the login call to be logged; log was:\n%s", logged)
	}
	if !strings.Contains(logged, "REDACTED") {
		t.Fatalf("expected redaction markers in the log; log was:\n%s", logged)
	}
	secrets := []string{"wrong-password-value", sandboxPassword, app.RESTAPIKey}
	if len(tokens.seen) == 0 {
		t.Fatal("no auth-key was issued, so the test proves nothing about session tokens")
	}
	secrets = append(secrets, tokens.seen...)
	for _, s := range secrets {
		if s != "" && strings.Contains(logged, s) {
			t.Errorf("secret %q appears in the Terraform log", s)
		}
	}
}

// tokenRecorder remembers every auth-key the server hands out, to look for it in the log.
type tokenRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (r *tokenRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		if k := resp.Header.Get("auth-key"); k != "" {
			r.mu.Lock()
			r.seen = append(r.seen, k)
			r.mu.Unlock()
		}
	}
	return resp, err
}

// TestLogging_MendixCredentialsAndPresignedLinksNeverReachTerraformLog drives the Mendix client
// through tflog at trace level: API key, PAT and the tokens of pre-signed download links must not
// appear in what Terraform logs.
func TestLogging_MendixCredentialsAndPresignedLinksNeverReachTerraformLog(t *testing.T) {
	sb := startSandbox(t)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	e := sb.Endpoints()
	c, err := mendix.New(mendix.Config{
		DeployURL: e.MendixDeployURL, CloudURL: e.MendixCloudURL, ProjectsURL: e.MendixProjectsURL,
		Username: mxUser, APIKey: mxAPIKey, PAT: mxPAT,
		HTTP: transport.New(transport.Options{Logger: tflogLogger{}, Secrets: []string{mxAPIKey, mxPAT}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := c.DeployedPackage(ctx, "calc", "Production", true)
	if err != nil {
		t.Fatalf("deployed package: %v", err)
	}
	snaps, err := c.SnapshotsV1(ctx, "calc", "Production")
	if err != nil || len(snaps) == 0 {
		t.Fatalf("snapshots: %v (%d)", err, len(snaps))
	}
	links, err := c.SnapshotURLsV1(ctx, "calc", "Production", snaps[0].SnapshotID)
	if err != nil {
		t.Fatalf("snapshot links: %v", err)
	}
	if _, err := c.AppsV4(ctx, ""); err != nil {
		t.Fatalf("v4 apps: %v", err)
	}

	logged := buf.String()
	if !strings.Contains(logged, "/api/1/apps/calc/environments/Production/package") || !strings.Contains(logged, "REDACTED") {
		t.Fatalf("expected the calls to be logged with redactions; log was:\n%s", logged)
	}
	secrets := []string{mxAPIKey, mxPAT}
	for _, link := range []string{pkg.DownloadURL, links.DatabaseAndFiles, links.DatabaseOnly, links.FilesOnly} {
		u, err := url.Parse(link)
		if err != nil || link == "" {
			t.Fatalf("bad pre-signed link %q: %v", link, err)
		}
		// The sandbox's links carry their token as the first path segment below /mendix/storage/.
		parts := strings.Split(strings.TrimPrefix(u.Path, "/mendix/storage/"), "/")
		secrets = append(secrets, parts[0])
	}
	for _, s := range secrets {
		if strings.Contains(logged, s) {
			t.Errorf("secret %q appears in the Terraform log", s)
		}
	}
}

func TestQuietUnlessLogging_TurnsLibraryLogsOffOnlyWhenNoLogVariableIsSet(t *testing.T) {
	defer logsWanted.Store(true)
	for _, name := range logEnv {
		env := map[string]string{name: "trace"}
		if QuietUnlessLogging(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil }) {
			t.Errorf("%s=trace: logs were turned off", name)
		}
		if len(env) != 1 || !logsWanted.Load() {
			t.Errorf("%s=trace: the environment or the provider's logging changed: %v", name, env)
		}
	}
	env := map[string]string{"TF_LOG_CORE": "trace"} // Terraform's own lines only
	if !QuietUnlessLogging(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil }) {
		t.Fatal("no provider log variable set: logs were not turned off")
	}
	for _, name := range quietEnv {
		if env[name] != "OFF" {
			t.Errorf("%s = %q, want OFF", name, env[name])
		}
	}
	if logsWanted.Load() {
		t.Error("the provider still builds its HTTP log lines")
	}
}

func TestTflogLogger_WritesNoLineWhenLogsAreNotWanted(t *testing.T) {
	defer logsWanted.Store(true)
	for _, wanted := range []bool{true, false} {
		var out bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &out)
		logsWanted.Store(wanted)
		tflogLogger{}.Log(ctx, transport.LevelTrace, "GET /x", map[string]any{"status": 200})
		if got := strings.Contains(out.String(), "GET /x"); got != wanted {
			t.Errorf("logs wanted %v: line written %v (%q)", wanted, got, out.String())
		}
	}
}
