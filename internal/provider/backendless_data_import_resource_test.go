package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const importAddr = "appmigrate_backendless_data_import.data"

// importConfig is the archive (with archiveExtra), a blank target app and the data import (with importExtra).
func importConfig(sb *sandbox.Sandbox, app legacyApp, target, archiveExtra, importExtra string) string {
	return archiveConfig(sb, app, archiveExtra) + targetAndImport(target, "appmigrate_backendless_migration_archive.source.data_archive_path", importExtra)
}

func targetAndImport(target, sourcePath, importExtra string) string {
	return fmt.Sprintf(`
resource "appmigrate_backendless_app" "target" {
  name                = %q
  deletion_protection = false
}

resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
}

resource "appmigrate_backendless_data_import" "data" {
  app_id          = appmigrate_backendless_app.target.id
  source_app_id   = appmigrate_backendless_migration_archive.source.app_id
  source_version  = appmigrate_backendless_migration_archive.source.version
  source_path     = %s
  files_upload_id = appmigrate_backendless_file_upload.files.id
%s
}
`, target, sourcePath, importExtra)
}

// importPOSTs counts import calls the provider made (the sandbox's own "human" route is not counted).
func importPOSTs(sb *sandbox.Sandbox) int {
	return sb.Requests("POST", "/backendless/console/") - sb.Requests("POST", "/backendless/console/console/")
}

// checkTablesMatchSource asserts that the target's tables hold exactly the rows of the data
// archive's manifest, as the archive resource read it, in state and in the sandbox.
func checkTablesMatchSource(sb *sandbox.Sandbox) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		want := stateMap(s, archiveAddr, "tables")
		got := stateMap(s, importAddr, "tables")
		appID, err := stateAttr(s, appAddr, "id")
		if err != nil {
			return err
		}
		inSandbox := sb.BackendlessTableCounts(appID)
		if len(want) == 0 {
			return fmt.Errorf("the archive recorded no tables")
		}
		for table, rows := range want {
			if got[table] != rows || inSandbox[table] != rows {
				return fmt.Errorf("table %s: source %d rows, state %d, sandbox %d", table, rows, got[table], inSandbox[table])
			}
		}
		if len(got) != len(want) || len(inSandbox) != len(want) {
			return fmt.Errorf("tables: source %v, state %v, sandbox %v", want, got, inSandbox)
		}
		return nil
	}
}

// stateMap reads a map(number) attribute from flatmap state.
func stateMap(s *terraform.State, addr, attr string) map[string]int {
	out := map[string]int{}
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return out
	}
	for k, v := range rs.Primary.Attributes {
		if key, ok := strings.CutPrefix(k, attr+"."); ok && key != "%" {
			n, _ := strconv.Atoi(v)
			out[key] = n
		}
	}
	return out
}

// pressArchive is a person creating the migration archive in the 3.x console, out of band; it
// returns the two paths once the job has finished.
func pressArchive(t *testing.T, sb *sandbox.Sandbox, app legacyApp) (dataPath, filesPath string) {
	t.Helper()
	jobID, err := sb.PressCreateMigrationArchive(app.id, "v1")
	if err != nil {
		t.Fatalf("press: %v", err)
	}
	if err := sb.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	job, ok := sb.MigrationArchiveJob(jobID)
	if !ok || job.Status != "COMPLETED" {
		t.Fatalf("archive job %s: %+v", jobID, job)
	}
	return job.DataArchive, job.FilesArchive
}

// legacyBytes downloads a 3.x file, as a person does before importing it by hand.
func legacyBytes(t *testing.T, sb *sandbox.Sandbox, app legacyApp, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, sb.Endpoints().BackendlessLegacyURL+"/"+app.id+"/v1/files"+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("download %s: %s %v", path, resp.Status, err)
	}
	return b
}

// importByHand is a person importing an archive in the 5.0 console (Manage → Import), with the
// file name the browser sends.
func importByHand(sb *sandbox.Sandbox, appID, name string, archive []byte) error {
	if _, err := sb.ImportBackendlessArchiveWith(appID, bytes.NewReader(archive), sandbox.ImportOptions{FileName: name}); err != nil {
		return err
	}
	return sb.WaitIdle(context.Background())
}

func TestAccBackendlessDataImport_ImportsMatchesManifestImportEmptyPlan(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: importConfig(sb, crm, "crm-v5-data", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("log_path"), knownvalue.StringRegexp(regexp.MustCompile(`^/migration/import-.+\.log$`))),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("archive_sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("tables").AtMapKey("Person"), knownvalue.Int64Exact(250)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkTablesMatchSource(sb),
					resource.TestCheckResourceAttrPair(importAddr, "archive_bytes", archiveAddr, "data_archive_size"),
					func(*terraform.State) error {
						if n := importPOSTs(sb); n != 1 {
							return fmt.Errorf("want exactly one import call, sandbox saw %d", n)
						}
						return nil
					},
				),
			},
			{
				ResourceName: importAddr,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					appID, err := stateAttr(s, appAddr, "id")
					if err != nil {
						return "", err
					}
					id, err := stateAttr(s, importAddr, "id")
					return appID + ":" + id, err
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "source_app_id", "source_version", "source_path", "source_sha256", "source_bytes", "files_upload_id"},
			},
			{
				Config: importConfig(sb, crm, "crm-v5-data", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessDataImport_FailedImportConvergesAfterFixWithoutDuplicate(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	// The archive a person made in the 3.x console is broken: its manifest disagrees with its content.
	corrupt, _ := pressArchive(t, sb, crm)
	if err := sb.CorruptLegacyFile(crm.id, "v1", corrupt, "manifest-mismatch"); err != nil {
		t.Fatal(err)
	}
	cfg := importConfig(sb, crm, "crm-v5-retry", `  mode            = "manual"
  accept_existing = true`, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: expectText("Backendless import failed", "The migration log", "says:", "manifest disagrees with content",
					"Last 20 lines of the log:", "ERROR MIGRATION FAILED", "terraform apply -replace=appmigrate_backendless_migration_archive.<name>"),
			},
			{
				// The person deletes the broken archive and creates a good one; apply again.
				PreConfig: func() {
					if err := sb.DeleteLegacyFile(crm.id, "v1", corrupt); err != nil {
						t.Fatal(err)
					}
					pressArchive(t, sb, crm)
				},
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkTablesMatchSource(sb),
					func(*terraform.State) error {
						if n := importPOSTs(sb); n != 2 {
							return fmt.Errorf("want the failed import and exactly one more, sandbox saw %d import calls", n)
						}
						return nil
					},
				),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessDataImport_NotAZipStopsBeforeImporting(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	data, _ := pressArchive(t, sb, crm)
	if err := sb.CorruptLegacyFile(crm.id, "v1", data, "not-zip"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: legacyProviderBlock(sb, crm) + fmt.Sprintf(`
resource "appmigrate_backendless_app" "target" {
  name                = "crm-v5-notzip"
  deletion_protection = false
}

resource "appmigrate_backendless_data_import" "data" {
  app_id          = appmigrate_backendless_app.target.id
  source_app_id   = %q
  source_version  = "v1"
  source_path     = %q
  files_upload_id = "${appmigrate_backendless_app.target.id}:/crm_files.zip"
}
`, crm.id, data),
				// The archive is read at plan (Range GETs of its end): refused before anything is created.
				PlanOnly:    true,
				ExpectError: expectText("The 3.x archive is refused before anything is sent", data, "is not a zip archive", "Nothing was sent to the 5.0 app."),
			},
		},
	})
	if n := importPOSTs(sb); n != 0 {
		t.Fatalf("a broken archive must stop before the import call; the sandbox saw %d", n)
	}
}

func TestAccBackendlessDataImport_AdoptsAnEarlierImportOfTheSameArchive(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var appID, dataPath string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, "") + `
resource "appmigrate_backendless_app" "target" {
  name                = "crm-v5-adopt"
  deletion_protection = false
}
`,
				Check: func(s *terraform.State) error {
					appID, _ = stateAttr(s, appAddr, "id")
					dataPath, _ = stateAttr(s, archiveAddr, "data_archive_path")
					return nil
				},
			},
			{
				// Someone already imported this archive (an apply whose state was lost, or by hand).
				PreConfig: func() {
					_, name := filepath.Split(dataPath)
					if err := importByHand(sb, appID, name, legacyBytes(t, sb, crm, dataPath)); err != nil {
						t.Fatal(err)
					}
				},
				Config: importConfig(sb, crm, "crm-v5-adopt", "", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkTablesMatchSource(sb),
					func(*terraform.State) error {
						if n := importPOSTs(sb); n != 0 {
							return fmt.Errorf("the earlier import must be adopted, but the provider imported again (%d calls)", n)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccBackendlessDataImport_NonEmptyTargetRefusedBeforeImporting(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	cfg := importConfig(sb, crm, "crm-v5-full", "", "") + `
resource "appmigrate_backendless_migration_archive" "v2" {
  app_id  = appmigrate_backendless_migration_archive.source.app_id
  version = "v2"
}

resource "appmigrate_backendless_data_import" "v2" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.v2.app_id
  source_version = appmigrate_backendless_migration_archive.v2.version
  source_path    = appmigrate_backendless_migration_archive.v2.data_archive_path
  files_upload_id = appmigrate_backendless_file_upload.files.id
  depends_on     = [appmigrate_backendless_data_import.data]
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: expectText("The target app is not blank", "Person", "Nothing was imported.", "set allow_non_empty_target = true"),
			},
		},
	})
	if n := importPOSTs(sb); n != 1 {
		t.Fatalf("only the first import may reach the importer; the sandbox saw %d", n)
	}
}

func TestAccBackendlessDataImport_ManualCompletesWhenImportedByHand(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var appID, dataPath string
	manual := `  mode = "manual"`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, "") + `
resource "appmigrate_backendless_app" "target" {
  name                = "crm-v5-manual"
  deletion_protection = false
}
`,
				Check: func(s *terraform.State) error {
					appID, _ = stateAttr(s, appAddr, "id")
					dataPath, _ = stateAttr(s, archiveAddr, "data_archive_path")
					return nil
				},
			},
			{
				PreConfig: func() {
					// The person downloads the data archive and imports it in the 5.0 console while apply waits.
					whenPolled(t, sb, "GET", "/backendless/console/"+appID+"/console/files/directory/view/migration", func() error {
						_, name := filepath.Split(dataPath)
						return importByHand(sb, appID, name, legacyBytes(t, sb, crm, dataPath))
					})
				},
				Config: importConfig(sb, crm, "crm-v5-manual", "", manual),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("mode"), knownvalue.StringExact("manual")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkTablesMatchSource(sb),
					func(*terraform.State) error {
						if n := importPOSTs(sb); n != 0 {
							return fmt.Errorf("manual mode must not call the import; the sandbox saw %d calls", n)
						}
						return nil
					},
				),
			},
			{
				Config: importConfig(sb, crm, "crm-v5-manual", "", manual),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessDataImport_ManualTimesOutWithClicks(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: importConfig(sb, crm, "crm-v5-nobody", "", `  mode = "manual"
  timeouts = {
    create = "1s"
  }`),
				ExpectError: expectText("manual step not done", `waiting for someone to import the "data" archive`, "Still missing: a new migration log in /migration",
					"3. Click the Manage icon, then click Import.", `4. Click the Browse button located next to "Backendless app" and browse to the "data" archive downloaded from Backendless Cloud.`,
					"5. Once the file is selected, click the IMPORT button at the bottom of the screen to initiate the import process."),
			},
		},
	})
	if n := importPOSTs(sb); n != 0 {
		t.Fatalf("manual mode must not call the import; the sandbox saw %d calls", n)
	}
}

// TestAccBackendlessRunbook_ExampleMigratesCRM applies examples/backendless-v3-to-v5 (with the
// sandbox in the provider block) and proves the result: the same rows per table and the same
// files-archive bytes and SHA-256 on both sides, then an empty second plan.
func TestAccBackendlessRunbook_ExampleMigratesCRM(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	// The example's defaults name the fixture's app; only the provider block is swapped.
	cfg := backendlessExampleConfig(t, legacyProviderBlock(sb, crm))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tables_match", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("files_archive_match", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("data_archive_match", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("tables", knownvalue.MapPartial(map[string]knownvalue.Check{
						"Person": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"source": knownvalue.Int64Exact(250), "imported": knownvalue.Int64Exact(250), "target": knownvalue.Int64Exact(250),
						}),
					})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkUploadMatchesSource(sb, crm),
					checkTablesMatchSource(sb),
					resource.TestCheckResourceAttr("data.appmigrate_backendless_migration_log.import", "status", "COMPLETED"),
				),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// backendlessExampleConfig reads examples/backendless-v3-to-v5 and points it at the test provider
// block: the terraform block (a registry source) and the empty provider block are swapped out.
func backendlessExampleConfig(t *testing.T, provider string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "examples", "backendless-v3-to-v5")
	var b strings.Builder
	for _, f := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(src)
		b.WriteByte('\n')
	}
	cfg := regexp.MustCompile(`(?s)terraform \{\n.*?\n\}\n`).ReplaceAllString(b.String(), "")
	if !strings.Contains(cfg, `provider "appmigrate" {}`) {
		t.Fatal("examples/backendless-v3-to-v5 has no empty provider block to replace")
	}
	return strings.Replace(cfg, `provider "appmigrate" {}`, provider, 1)
}

func TestAccBackendlessDataImport_FailureAfterStartTaintsAndReapplyAdoptsWithoutReimport(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var appID string
	base := archiveConfig(sb, crm, "") + `
resource "appmigrate_backendless_app" "target" {
  name                = "crm-v5-taint"
  deletion_protection = false
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: func(s *terraform.State) (err error) {
					appID, err = stateAttr(s, appAddr, "id")
					return err
				},
			},
			{
				// The import starts; then every read of its migration log fails (500, which the
				// wait rides out as transient) until the step's own timeout ends it: tainted, with
				// the import recorded.
				PreConfig: func() {
					sb.ScriptFault("GET", "/backendless/console/"+appID+"/console/files/download/migration/", sandbox.Fault500, 1_000_000)
				},
				Config:      importConfig(sb, crm, "crm-v5-taint", "", `  timeouts = { create = "5s" }`),
				ExpectError: expectText("into Backendless app "+appID, "timed out"),
			},
			{
				// The tainted import is replaced, and the replacement adopts the import that did run.
				PreConfig: sb.ClearFaults,
				Config:    importConfig(sb, crm, "crm-v5-taint", "", `  timeouts = { create = "5s" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(importAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
				},
				Check: resource.ComposeTestCheckFunc(
					checkTablesMatchSource(sb),
					func(*terraform.State) error {
						if n := importPOSTs(sb); n != 1 {
							return fmt.Errorf("the archive must be imported exactly once, sandbox saw %d import calls", n)
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccBackendlessRunbook_ExampleToleratesImports plans examples/backendless-v3-to-v5 with each
// step imported (an import block into an otherwise empty state): its outputs evaluate with the
// imported resources' null results, no "Iteration over null value".
func TestAccBackendlessRunbook_ExampleToleratesImports(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	cfg := backendlessExampleConfig(t, legacyProviderBlock(sb, crm))
	importStep := func(addr string, id func(s *terraform.State) (string, error)) resource.TestStep {
		return resource.TestStep{
			Config:             cfg,
			ResourceName:       addr,
			ImportState:        true,
			ImportStateKind:    resource.ImportBlockWithID,
			ImportStateIdFunc:  id,
			ExpectNonEmptyPlan: true, // the other steps are planned anew around the imported one
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			importStep(importAddr, func(s *terraform.State) (string, error) {
				app, err := stateAttr(s, appAddr, "id")
				if err != nil {
					return "", err
				}
				id, err := stateAttr(s, importAddr, "id")
				return app + ":" + id, err
			}),
			importStep(uploadAddr, func(s *terraform.State) (string, error) { return stateAttr(s, uploadAddr, "id") }),
			importStep(archiveAddr, func(s *terraform.State) (string, error) { return stateAttr(s, archiveAddr, "id") }),
		},
	})
}
