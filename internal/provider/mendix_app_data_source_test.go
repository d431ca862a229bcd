package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMendixAppDataSource_AppIDToProjectID(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + `
data "appmigrate_mendix_app" "calc" {
  app_id = "calc"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.appmigrate_mendix_app.calc", tfjsonpath.New("project_id"), knownvalue.StringExact(mxCalcProject)),
					statecheck.ExpectKnownValue("data.appmigrate_mendix_app.calc", tfjsonpath.New("name"), knownvalue.StringExact("Calc")),
					statecheck.ExpectKnownValue("data.appmigrate_mendix_app.calc", tfjsonpath.New("url"), knownvalue.StringExact("https://calc.mendixcloud.com")),
				},
			},
		},
	})
}

func TestAccMendixAppDataSource_UnlinkedNodeIsNotFound(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + `
data "appmigrate_mendix_app" "v4" {
  app_id = "calc-v4"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Mendix app not found.*APP_NOT_FOUND.*subdomain of a node with an app linked`),
			},
		},
	})
}

func TestAccMendix_MissingPlatformBlockFailsAtPlan(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "appmigrate" {}

resource "appmigrate_mendix_temporary_app" "temp" {
  name = "no-credentials"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)needs the provider's\s+` + "`mendix`" + `\s+block.*APPMIGRATE_MENDIX_USERNAME`),
			},
		},
	})
}
