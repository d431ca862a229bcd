package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccMendixSnapshotsDataSource_V3BackupsNewestCompletedFirst(t *testing.T) {
	env := startMendixSandbox(t)
	const addr = "data.appmigrate_mendix_snapshots.v3"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + `
data "appmigrate_mendix_snapshots" "v3" {
  app_id      = "calc"
  environment = "Production"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("snapshots"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("newest_completed_id"), knownvalue.StringExact("5deda9e2-f882-4925-830c-45e73c573602")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("snapshots").AtSliceIndex(0).AtMapKey("state"), knownvalue.StringExact("Completed")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("snapshots").AtSliceIndex(0).AtMapKey("snapshot_id"), knownvalue.StringExact("5deda9e2-f882-4925-830c-45e73c573602")),
				},
			},
		},
	})
}

func TestAccMendixSnapshotsDataSource_V4APIOnAV3EnvironmentSaysUseV1(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + fmt.Sprintf(`
data "appmigrate_mendix_snapshots" "v3" {
  project_id     = %q
  environment_id = %q
}
`, mxCalcProject, mxV3ProdEnv),
				ExpectError: regexp.MustCompile(`(?s)Backups API v2 does not serve Cloud v3.*NOT_SUPPORTED.*app_id and environment`),
			},
		},
	})
}

func TestAccMendixSnapshotsDataSource_OneWayOfAddressingOnly(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + fmt.Sprintf(`
data "appmigrate_mendix_snapshots" "both" {
  app_id         = "calc"
  environment    = "Production"
  project_id     = %q
  environment_id = %q
}
`, mxCalcProject, mxV3ProdEnv),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
		},
	})
}
