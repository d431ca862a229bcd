package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccBackendlessMigrationLogDataSource_NewestLogByDefault(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	const newest, byPath = "data.appmigrate_backendless_migration_log.newest", "data.appmigrate_backendless_migration_log.by_path"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: importConfig(sb, crm, "crm-v5-log", "", "") + `
data "appmigrate_backendless_migration_log" "newest" {
  app_id     = appmigrate_backendless_data_import.data.app_id
  tail_lines = 1
}

data "appmigrate_backendless_migration_log" "by_path" {
  app_id = appmigrate_backendless_data_import.data.app_id
  path   = appmigrate_backendless_data_import.data.log_path
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(newest, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue(newest, tfjsonpath.New("tail"), knownvalue.StringRegexp(regexp.MustCompile(`^\S+ INFO\s+MIGRATION COMPLETED$`))),
					statecheck.ExpectKnownValue(newest, tfjsonpath.New("tables").AtMapKey("Person"), knownvalue.Int64Exact(250)),
					statecheck.ExpectKnownValue(newest, tfjsonpath.New("errors"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(byPath, tfjsonpath.New("archive_name"), knownvalue.StringRegexp(regexp.MustCompile(`^crm_v1_data_\d{14}\.zip$`))),
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair(newest, "path", importAddr, "log_path"),
					resource.TestCheckResourceAttrPair(byPath, "import_id", importAddr, "id"),
					resource.TestCheckResourceAttrPair(byPath, "archive_sha256", importAddr, "archive_sha256"),
				),
			},
		},
	})
}

func TestAccBackendlessMigrationLogDataSource_NoImportYet(t *testing.T) {
	sb := startSandbox(t)
	app, err := sb.CreateBackendlessApp(sandboxLogin, "never-imported")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(sb, sandboxPassword) + `
data "appmigrate_backendless_migration_log" "x" {
  app_id = "` + app.ID + `"
}
`,
				ExpectError: expectText("No migration log", "no import has been started in it"),
			},
		},
	})
}
