package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

func appsConfig(sb *sandbox.Sandbox, prefix string, n int) string {
	return providerBlock(sb, sandboxPassword) + fmt.Sprintf(`
resource "appmigrate_backendless_app" "fleet" {
  count               = %d
  name                = "%s-${count.index}"
  deletion_protection = false
}
`, n, prefix)
}

// refreshRequests applies cfg, then refreshes it once (terraform refresh: one provider process)
// and returns the requests the sandbox saw during that refresh, by method and path prefix.
func refreshRequests(t *testing.T, sb *sandbox.Sandbox, cfg string, prefixes map[string][2]string) map[string]int {
	t.Helper()
	before := map[string]int{}
	got := map[string]int{}
	count := func(into map[string]int) {
		for name, mp := range prefixes {
			into[name] = sb.Requests(mp[0], mp[1])
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:    func() { count(before) },
				RefreshState: true,
			},
			{
				PreConfig: func() {
					count(got)
					for k := range got {
						got[k] -= before[k]
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	return got
}

// TestAccBackendlessRefresh_AppRefreshDoesNotGrowWithTheFleet: refreshing N apps lists the apps
// once per provider process, whatever N; nothing else is sent per app.
func TestAccBackendlessRefresh_AppRefreshDoesNotGrowWithTheFleet(t *testing.T) {
	prefixes := map[string][2]string{
		"all":       {"", "/backendless/"},
		"list apps": {"GET", "/backendless/console/console/applications"},
		"login":     {"POST", "/backendless/console/console/home/login"},
	}
	counts := map[int]map[string]int{}
	for _, n := range []int{2, 10} {
		sb := startSandbox(t)
		counts[n] = refreshRequests(t, sb, appsConfig(sb, fmt.Sprintf("refresh-%d", n), n), prefixes)
		t.Logf("refresh of %d apps: %v", n, counts[n])
	}
	small, big := counts[2], counts[10]
	if big["list apps"] != small["list apps"] || big["all"] != small["all"] {
		t.Fatalf("requests of a refresh grow with the fleet: 2 apps %v, 10 apps %v", small, big)
	}
	// The refresh step runs terraform twice (refresh, then the plan that checks it): each provider
	// process logs in once and lists the apps once, for 2 apps as for 10.
	if p := big["login"]; p == 0 || big["list apps"] != p || big["all"] != 2*p {
		t.Fatalf("want one login and one app list per provider process for any number of apps, got %v", big)
	}
}

// TestAccBackendlessRefresh_RunbookRequestsPerResource measures what one refresh of the whole
// runbook (archive, app, files upload, data import) sends, by call, and holds it: one read per
// resource besides the session and the app's REST key, nothing that lists the fleet per resource.
func TestAccBackendlessRefresh_RunbookRequestsPerResource(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	prefixes := map[string][2]string{
		"all":               {"", "/backendless"},
		"login":             {"POST", "/backendless/console/console/home/login"},
		"list apps":         {"GET", "/backendless/console/console/applications"},
		"app settings":      {"GET", "/backendless/console/"},
		"3.x listing":       {"GET", "/backendless3/api/v1/files/"},
		"3.x download":      {"GET", "/backendless3/api/" + crm.id + "/"},
		"5.x files listing": {"GET", "/backendless/api/"},
	}
	got := refreshRequests(t, sb, importConfig(sb, crm, "refresh-cost", "", ""), prefixes)
	got["app settings"] -= got["list apps"] // the console prefix includes the app list
	var b strings.Builder
	for _, k := range []string{"all", "login", "list apps", "app settings", "3.x listing", "3.x download", "5.x files listing"} {
		fmt.Fprintf(&b, "%s=%d ", k, got[k])
	}
	t.Logf("one refresh of the runbook (4 resources): %s", b.String())
	// archive: one 3.x listing; app and data import: the shared app list; upload: the REST key
	// and one 5.x listing of its directory; plus the login.
	// Per provider process (the step runs two: refresh, then the plan that checks it).
	p := got["login"]
	if p == 0 || got["3.x listing"] != p || got["list apps"] != p || got["5.x files listing"] != p || got["app settings"] != p || got["3.x download"] != 0 || got["all"] != 5*p {
		t.Fatalf("more than one read per resource: %s", b.String())
	}
}

// TestAccBackendlessPlan_NewAppsListTheAppsOnce: planning N new apps looks their names up in one
// app list per provider process, not one per app.
func TestAccBackendlessPlan_NewAppsListTheAppsOnce(t *testing.T) {
	sb := startSandbox(t)
	var before int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig:          func() { before = sb.Requests("GET", "/backendless/console/console/applications") },
			Config:             appsConfig(sb, "plan-once", 12),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	lists := sb.Requests("GET", "/backendless/console/console/applications") - before
	logins := sb.Requests("POST", "/backendless/console/console/home/login")
	if lists == 0 || lists != logins {
		t.Fatalf("planning 12 new apps listed the apps %d times in %d provider processes, want one per process", lists, logins)
	}
}
