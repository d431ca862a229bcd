package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// badProviderInput is one wrong provider setting: the provider block's body, the resource the
// plan needs (so terraform configures the provider) and the message the user must see. Every
// URL points at a closed loopback port, so a value that slipped through would fail differently.
type badProviderInput struct {
	name, block, use, want string
}

const (
	useBackendless = `resource "appmigrate_backendless_app" "t" { name = "crm-v5" }`
	useMendix      = `resource "appmigrate_mendix_temporary_app" "t" { name = "crm-temp" }`
	bkOK           = `console_url = "http://127.0.0.1:1"
    api_url = "http://127.0.0.1:1"
    legacy_url = "http://127.0.0.1:1"`
	mxOK = `deploy_url = "http://127.0.0.1:1"
    cloud_url = "http://127.0.0.1:1"
    projects_url = "http://127.0.0.1:1"`
)

// badProviderInputs is the provider part of the bad-inputs guide (templates/guides/bad-inputs.md.tmpl).
var badProviderInputs = []badProviderInput{
	{"console_url plain http to a remote host", `backendless = { console_url = "http://api.backendless.com", login = "a@b.c", password = "x" }`, useBackendless, `backendless\.console_url: "http://api\.backendless\.com" uses plain http to api\.backendless\.com`},
	{"api_url without scheme", `backendless = { api_url = "api.backendless.com", login = "a@b.c", password = "x" }`, useBackendless, `backendless\.api_url: "api\.backendless\.com" must start with https://`},
	{"legacy_url with credentials", `backendless = { legacy_url = "https://u:p@api.backendless.com", login = "a@b.c", password = "x" }`, useBackendless, `must not carry credentials, a query or a fragment`},
	{"console_url with a query", `backendless = { console_url = "https://develop.backendless.com?x=1", login = "a@b.c", password = "x" }`, useBackendless, `must not carry credentials, a query or a fragment`},
	{"console_url ftp scheme", `backendless = { console_url = "ftp://develop.backendless.com", login = "a@b.c", password = "x" }`, useBackendless, `must start with https://`},
	{"console_url without host", `backendless = { console_url = "https://", login = "a@b.c", password = "x" }`, useBackendless, `has no host`},
	{"login without password", `backendless = { ` + bkOK + `, login = "a@b.c" }`, useBackendless, `A Backendless login is configured but no password\. Set backendless\.password`},
	{"password without login", `backendless = { ` + bkOK + `, password = "x" }`, useBackendless, `A Backendless password is configured but no login\. Set backendless\.login`},
	{"legacy secret key empty", `backendless = { ` + bkOK + `, login = "a@b.c", password = "x", legacy_secret_keys = { "APP-1" = "" } }`, useBackendless, `backendless\.legacy_secret_keys\["APP-1"\] is empty`},
	{"legacy_application_type empty", `backendless = { ` + bkOK + `, login = "a@b.c", password = "x", legacy_application_type = "" }`, useBackendless, `Invalid Attribute Value Length(?s:.*)legacy_application_type`},
	{"no backendless block at all", `mendix = { ` + mxOK + `, pat = "p" }`, useBackendless, `no Backendless credentials are configured\. Add a .backendless. block`},
	{"deploy_url plain http to a remote host", `mendix = { deploy_url = "http://deploy.mendix.com", username = "u", api_key = "k", pat = "p" }`, useMendix, `mendix\.deploy_url: "http://deploy\.mendix\.com" uses plain http`},
	{"cloud_url with a fragment", `mendix = { cloud_url = "https://cloud.home.mendix.com#x", username = "u", api_key = "k", pat = "p" }`, useMendix, `must not carry credentials, a query or a fragment`},
	{"projects_url not a URL", `mendix = { projects_url = "::", username = "u", api_key = "k", pat = "p" }`, useMendix, `mendix\.projects_url: "::" is not a URL`},
	{"username without api_key", `mendix = { ` + mxOK + `, username = "u", pat = "p" }`, useMendix, `Mendix credential missing(?s:.*)mendix\.api_key`},
	{"no mendix block at all", `backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useMendix, `Mendix is not configured`},
	{"max_retries negative", `max_retries = -1
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `max_retries(?s:.*)between 0 and 20`},
	{"max_retries too high", `max_retries = 1000
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `max_retries(?s:.*)between 0 and 20`},
	{"retry_max_wait not a duration", `retry_max_wait = "thirty"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `retry_max_wait = "thirty" is not a duration`},
	{"retry_max_wait below 1s", `retry_max_wait = "10ms"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `retry_max_wait = "10ms" is shorter than the minimum 1s`},
	{"poll_interval negative", `poll_interval = "-5s"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `poll_interval = "-5s" is shorter than the minimum`},
	{"poll_interval zero", `poll_interval = "0s"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `poll_interval = "0s" is shorter than the minimum`},
	{"poll_max_interval below poll_interval", `poll_interval = "30s"
  poll_max_interval = "5s"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `poll_max_interval \(5s\) must be at least poll_interval \(30s\)`},
	{"idle_timeout zero", `idle_timeout = "0"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `idle_timeout = "0" is shorter than the minimum`},
	{"idle_timeout without unit", `idle_timeout = "60"
  backendless = { ` + bkOK + `, login = "a@b.c", password = "x" }`, useBackendless, `idle_timeout = "60" is not a duration`},
}

func TestAccProvider_BadInputsAreRejectedAtPlanNamingTheAttribute(t *testing.T) {
	for _, c := range badProviderInputs {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"appmigrate\" {\n  " + c.block + "\n}\n\n" + c.use + "\n",
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + strings.ReplaceAll(c.want, " ", `\s+`)),
				}},
			})
		})
	}
}

// TestBadInputsGuide_SummaryMatchesTheTestedCases keeps the guide's summary table and provider
// table equal to what the tests try: every provider case is a row, and each runbook's count of
// cases refused at plan and at apply is its page's.
func TestBadInputsGuide_SummaryMatchesTheTestedCases(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	guide := read("bad-inputs.md.tmpl")
	for _, c := range badProviderInputs {
		if !strings.Contains(guide, "| "+c.name+" |") {
			t.Errorf("the guide has no row for the provider case %q", c.name)
		}
	}
	count := func(page string) (all, plan int) {
		for _, line := range strings.Split(page, "\n") {
			cells := strings.Split(strings.ReplaceAll(line, `\|`, "¦"), "|")
			if len(cells) < 5 || !strings.HasPrefix(line, "| `") {
				continue
			}
			all++
			if strings.TrimSpace(cells[3]) == "plan" {
				plan++
			}
		}
		return all, plan
	}
	var sumAll, sumPlan int
	for _, v := range []struct{ label, page string }{{"Backendless runbook", "bad-inputs-backendless.md.tmpl"}, {"Mendix runbook", "bad-inputs-mendix.md.tmpl"}} {
		all, plan := count(read(v.page))
		sumAll, sumPlan = sumAll+all, sumPlan+plan
		want := fmt.Sprintf("| %s | %d | %d | %d |", v.label, all, plan, all-plan)
		if !strings.Contains(guide, want) {
			t.Errorf("the summary should say %q (counted in %s)", want, v.page)
		}
	}
	provider := len(badProviderInputs) + 3 // the timeouts row covers three values
	sumAll, sumPlan = sumAll+provider, sumPlan+provider
	if want := fmt.Sprintf("| provider settings | %d | %d | 0 |", provider, provider); !strings.Contains(guide, want) {
		t.Errorf("the summary should say %q", want)
	}
	if want := fmt.Sprintf("| all | %d | %d (%d %%) | %d |", sumAll, sumPlan, sumPlan*100/sumAll, sumAll-sumPlan); !strings.Contains(guide, want) {
		t.Errorf("the summary should say %q", want)
	}
}
