package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMendixOffboardingRequestDataSource_RendersRequestAndChecklist(t *testing.T) {
	const addr = "data.appmigrate_mendix_offboarding_request.v3"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// It calls nothing, so it needs no credentials and reads the same after the migration.
				Config: `
provider "appmigrate" {}

data "appmigrate_mendix_offboarding_request" "v3" {
  source_app_id = "calc"
  project_id    = "` + mxCalcProject + `"
  app_name      = "Calc"
  environments  = ["Production"]
  target_app_id = "calc-v4"
  requested_by  = "Jane Doe"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("subject"), knownvalue.StringExact("Offboard the Mendix Cloud v3 node of app calc (migrated to Cloud v4)")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("body"), knownvalue.StringRegexp(regexp.MustCompile(
						`(?s)Please offboard the v3 node, so that the app is detached from the node.*App ID:\s+calc\n.*Project ID:\s+`+mxCalcProject+
							`.*Environment:\s+Production.*now runs on Mendix Cloud v4.*App ID:\s+calc-v4.*latest backup and deployment package.*Jane Doe`))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("checklist"), knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringRegexp(regexp.MustCompile(`HTTP Headers`)),
						1: knownvalue.StringRegexp(regexp.MustCompile(`access restrictions`)),
						2: knownvalue.StringRegexp(regexp.MustCompile(`certificates`)),
						3: knownvalue.StringRegexp(regexp.MustCompile(`Custom Domains`)),
						4: knownvalue.StringRegexp(regexp.MustCompile(`Environment Variables`)),
						5: knownvalue.StringRegexp(regexp.MustCompile(`maintenance window`)),
					})),
				},
			},
		},
	})
}
