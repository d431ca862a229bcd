package provider

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// gatewayFront is a reverse proxy in front of the vendor at base, as a corporate proxy or the
// vendor's own gateway is. While misrouting is on, it answers every GET under prefix with its own
// HTML 404 page, the way a gateway answers a path it has no route for (during a deploy of one API,
// after a URL change): an answer that proves nothing about the objects asked for. Writes and
// other paths pass, so logins work and only some reads see the 404s: the refresh that an
// unproven 404 would empty quietly succeeds otherwise. It returns its URL and the switch.
func gatewayFront(t *testing.T, base, prefix string) (string, *atomic.Bool) {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	var misrouting atomic.Bool
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if misrouting.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, prefix) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &misrouting
}

// hostOf is scheme://host of u.
func hostOf(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Scheme + "://" + p.Host
}

// bareNotFoundSteps are the steps both runbooks take after their apply: a refresh while the
// gateway answers reads with its own 404 must fail in the refresh itself (a resource's Read,
// "Error: Reading …", not the plan after it), naming the unproven 404, and remove nothing
// (terraform refresh persists what it reads); once the gateway routes again, the plan is empty:
// every resource is still in state.
func bareNotFoundSteps(cfg string, misrouting *atomic.Bool, wantErr *regexp.Regexp) []resource.TestStep {
	return []resource.TestStep{
		{
			PreConfig:    func() { misrouting.Store(true) },
			RefreshState: true,
			ExpectError:  wantErr,
		},
		{
			PreConfig:        func() { misrouting.Store(false) },
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		},
	}
}

// A 404 that the vendor did not answer in its own shape is not proof that anything is gone:
// refresh keeps every Backendless resource in state and says which read failed and why. The
// gateway misroutes one API at a time; through the console go the app list the app and the import
// read (before, a refresh dropped both and succeeded with warnings) and the REST key.
func TestAccBackendlessRunbook_BareNotFoundOnRefreshRemovesNothing(t *testing.T) {
	for name, prefix := range map[string]string{
		"console":      "/backendless/console/",
		"5.x REST API": "/backendless/api/",
		"3.x REST API": "/backendless3/api/",
	} {
		t.Run(name, func(t *testing.T) {
			sb := startSandbox(t)
			crm := fixtureCRM(t, sb)
			direct := hostOf(t, sb.Endpoints().BackendlessConsoleURL)
			front, misrouting := gatewayFront(t, direct, prefix)
			cfg := backendlessExampleConfig(t, strings.ReplaceAll(legacyProviderBlock(sb, crm), direct, front))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: append([]resource.TestStep{{Config: cfg}},
					bareNotFoundSteps(cfg, misrouting, regexp.MustCompile(`Error: Reading [^\n]*(?s:.*)HTTP\s+404\s+with\s+no\s+Backendless\s+error\s+in\s+the\s+answer`))...),
			})
		})
	}
}

// The same for every Mendix resource of the runbook, after its first apply and after its second
// (the final link, which the post-test destroy also needs), one API family misrouted at a time.
func TestAccMendixRunbook_BareNotFoundOnRefreshRemovesNothing(t *testing.T) {
	for name, prefix := range map[string]string{
		"Deploy, Build and Backups APIs": "/mendix/deploy/",
		"Deploy API v4":                  "/mendix/cloud/",
		"Projects API v2":                "/mendix/projects/",
	} {
		t.Run(name, func(t *testing.T) {
			env := startMendixSandbox(t)
			direct := hostOf(t, env.e.MendixDeployURL)
			front, misrouting := gatewayFront(t, direct, prefix)
			cfg := strings.ReplaceAll(runbookExample(t, env), direct, front)
			wantErr := regexp.MustCompile(`Error: Reading [^\n]*(?s:.*)HTTP\s+404\s+\(not\s+in\s+a\s+Mendix\s+error\s+shape:\s+this\s+proves\s+nothing`)
			steps := append([]resource.TestStep{{Config: cfg}}, bareNotFoundSteps(cfg, misrouting, wantErr)...)
			steps = append(steps, resource.TestStep{PreConfig: offboardV3(t, env), Config: cfg, ConfigVariables: offboarded})
			for _, s := range bareNotFoundSteps(cfg, misrouting, wantErr) {
				s.ConfigVariables = offboarded
				steps = append(steps, s)
			}
			resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
		})
	}
}
