package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMendixEnvironmentDataSource_ModeToEnvironmentID(t *testing.T) {
	env := startMendixSandbox(t)
	const addr = "data.appmigrate_mendix_environment.v3"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// Mode in another case: Deploy v1 compares it without regard to case.
				Config: mendixProviderBlock(env) + `
data "appmigrate_mendix_environment" "v3" {
  app_id      = "calc"
  environment = "production"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("environment_id"), knownvalue.StringExact(mxV3ProdEnv)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("project_id"), knownvalue.StringExact(mxCalcProject)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("status"), knownvalue.StringExact("Running")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("model_version"), knownvalue.StringExact(mxV3ModelVer)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("mendix_version"), knownvalue.StringExact("9.24.0")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("production"), knownvalue.Bool(true)),
				},
			},
		},
	})
}
