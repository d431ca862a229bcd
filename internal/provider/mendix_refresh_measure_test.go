package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

// mxListing matches the calls whose answer grows with the account: app, project, package and
// backup listings.
var mxListing = regexp.MustCompile(`^/mendix/(cloud/api/v4/apps|projects/v2/projects|projects/v2/accounts/[^/]+/projects|deploy/api/1/apps/[^/]+/packages|deploy/api/v2/apps/[^/]+/environments/[^/]+/snapshots)$`)

// mxRefreshRequests counts, by call, the requests made since mark.
func mxRefreshRequests(env *mxEnv, mark int) (map[string]int, int) {
	all := env.tap.requests(func(mxRequest) bool { return true })[mark:]
	n := map[string]int{}
	for _, r := range all {
		n[r.Method+" "+r.Path]++
	}
	return n, len(all)
}

func describe(n map[string]int) string {
	var keys []string
	for k := range n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %d  %s\n", n[k], k)
	}
	return b.String()
}

func TestAccMendixRefresh_ReadsEachObjectByIDAndDoesNotGrowWithTheAccount(t *testing.T) {
	env := startMendixSandbox(t)
	cfg := runbookExample(t, env)
	var mark, first int
	markNow := func() { mark = len(env.tap.requests(func(mxRequest) bool { return true })) }
	plan := func(check func(n map[string]int, total int) error) resource.TestStep {
		return resource.TestStep{
			PreConfig: markNow,
			Config:    cfg, ConfigVariables: offboarded,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			Check: func(*terraform.State) error {
				n, total := mxRefreshRequests(env, mark)
				t.Logf("%d requests for the plan, the no-op apply and the plan after it:\n%s", total, describe(n))
				for call := range n {
					if method, p, _ := strings.Cut(call, " "); method != http.MethodGet || mxListing.MatchString(p) {
						return fmt.Errorf("a refresh of a finished migration called %s (a write or a listing that grows with the account):\n%s", call, describe(n))
					}
				}
				return check(n, total)
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{PreConfig: offboardV3(t, env), Config: cfg, ConfigVariables: offboarded},
			// The refresh after the final link records which app replaced the temporary link.
			{Config: cfg, ConfigVariables: offboarded},
			plan(func(_ map[string]int, total int) error { first = total; return nil }),
			func() resource.TestStep {
				s := plan(func(_ map[string]int, total int) error {
					if total != first {
						return fmt.Errorf("with 120 more apps in the account the refresh made %d requests, with none %d", total, first)
					}
					return nil
				})
				s.PreConfig = func() {
					c := env.client(t)
					for i := range 120 {
						if _, err := c.CreateProject(context.Background(), mendix.ProjectSpec{Name: fmt.Sprintf("other-app-%03d", i)}); err != nil {
							t.Fatal(err)
						}
					}
					markNow() // count the refresh, not the other apps' creation
				}
				return s
			}(),
		},
	})
}
