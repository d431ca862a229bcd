package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccTimeouts_NotPositiveRejectedAtPlan(t *testing.T) {
	for _, bad := range []string{"-1h", "0s", "500ms"} {
		t.Run(bad, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					// No vendor is reachable: the value must be refused before anything is sent.
					Config: `
provider "appmigrate" {
  backendless = {
    console_url = "http://127.0.0.1:1"
    login       = "dev@example.com"
    password    = "x"
  }
}

resource "appmigrate_backendless_app" "t" {
  name = "crm-v5"
  timeouts = {
    create = "` + bad + `"
  }
}
`,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)timeouts\.create = "` + regexp.QuoteMeta(bad) + `" is shorter than the minimum 1s`),
				}},
			})
		})
	}
}
