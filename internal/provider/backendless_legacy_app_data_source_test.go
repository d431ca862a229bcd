package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const legacyAppData = "data.appmigrate_backendless_legacy_app.crm"

func TestAccBackendlessLegacyAppDataSource_VersionsAndArchives(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	data, files := pressArchive(t, sb, crm)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: legacyProviderBlock(sb, crm) + fmt.Sprintf(`
data "appmigrate_backendless_legacy_app" "crm" {
  app_id             = %q
  candidate_versions = ["v1", "v2", "v7"]
}
`, crm.id),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(legacyAppData, tfjsonpath.New("versions"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("v1"), knownvalue.StringExact("v2"),
					})),
					statecheck.ExpectKnownValue(legacyAppData, tfjsonpath.New("archives"), knownvalue.SetPartial([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"version": knownvalue.StringExact("v1"), "kind": knownvalue.StringExact("data"), "path": knownvalue.StringExact(data)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"version": knownvalue.StringExact("v1"), "kind": knownvalue.StringExact("files"), "path": knownvalue.StringExact(files)}),
					})),
				},
			},
		},
	})
}

func TestAccBackendlessLegacyAppDataSource_NoVersionAnswersNamesTheKey(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	crm.secret = "wrong-secret"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: legacyProviderBlock(sb, crm) + fmt.Sprintf(`
data "appmigrate_backendless_legacy_app" "crm" {
  app_id = %q
}
`, crm.id),
				ExpectError: expectText("No version of the Backendless 3.x app answered", "v1:", "code 2002", "backendless.legacy_secret_keys"),
			},
		},
	})
}
