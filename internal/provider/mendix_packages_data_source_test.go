package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMendixPackagesDataSource_ListsTheRepository(t *testing.T) {
	env := startMendixSandbox(t)
	const addr = "data.appmigrate_mendix_packages.v3"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + `
data "appmigrate_mendix_packages" "v3" {
  app_id = "calc"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("newest_succeeded_id"), knownvalue.StringExact("b3d14e53-2654-4534-b374-9179a69ef3cf")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("packages").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("Main line-2.5.4.63.mda")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("packages").AtSliceIndex(0).AtMapKey("status"), knownvalue.StringExact("Succeeded")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("packages").AtSliceIndex(0).AtMapKey("version"), knownvalue.StringExact(mxV3ModelVer)),
				},
			},
		},
	})
}
