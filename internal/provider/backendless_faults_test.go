package provider

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// Every create POST and read of the Backendless runbook, through the faults a real network
// makes: an answer cut after the headers (the vendor acted), a 502 after the vendor acted, an
// answer dropped, a POST delivered twice, a request body cut before the handler ran. Each test
// asserts the first apply succeeds, exactly one object of its kind exists on the sandbox side,
// the verification holds, and the next plan is empty.

// netFault is one way a request fails on the way, as the sandbox injects it.
type netFault struct {
	name  string
	fault sandbox.Fault
}

// createFaults are the faults aimed at a create POST.
var createFaults = []netFault{
	{"answer_cut_after_headers", sandbox.FaultResetResponse},
	{"body_cut_before_handler", sandbox.FaultResetRequest},
	{"503_before_handler", sandbox.Fault503},
	{"429", sandbox.Fault429},
	{"502_after_handler", sandbox.Fault502After},
	{"answer_dropped", sandbox.FaultDropAnswer},
	{"delivered_twice", sandbox.FaultDuplicate},
}

// aim scripts f at the next POST whose sandbox path starts with prefix (a path from the
// sandbox root, e.g. "/backendless/console/console/applications").
func (f netFault) aim(sb *sandbox.Sandbox, prefix string) {
	sb.ScriptFault("POST", prefix, f.fault, 1)
}

func TestAccBackendlessApp_CreateThroughFaultsMakesOneApp(t *testing.T) {
	for _, f := range createFaults {
		t.Run(f.name, func(t *testing.T) {
			sb := startSandbox(t)
			crm := fixtureCRM(t, sb)
			f.aim(sb, "/backendless/console/console/applications")
			name := "faulty-" + strings.ReplaceAll(f.name, "_", "-")
			cfg := legacyProviderBlock(sb, crm) + fmt.Sprintf(`
resource "appmigrate_backendless_app" "target" {
  name                = %q
  deletion_protection = false
}
`, name)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: resource.ComposeTestCheckFunc(
							checkAppInSandbox(sb, name),
							func(*terraform.State) error {
								if n := appsNamed(sb, name); n != 1 {
									return fmt.Errorf("want exactly 1 app, sandbox has %d", n)
								}
								if sb.Faulted("POST", "/backendless/console/console/applications") == 0 {
									return fmt.Errorf("the fault was never injected")
								}
								return nil
							},
						),
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

func TestAccBackendlessMigrationArchive_RequestThroughFaultsMakesOneJob(t *testing.T) {
	for _, f := range createFaults {
		t.Run(f.name, func(t *testing.T) {
			sb := startSandbox(t)
			crm := fixtureCRM(t, sb)
			f.aim(sb, "/backendless3/api/v1/migration-to-4/archive")
			// And every read of the wait: one status read and one listing answer cut.
			sb.ScriptFault("GET", "/backendless3/api/v1/migration-to-4/archive/", sandbox.FaultResetResponse, 1)
			sb.ScriptFault("GET", legacyListingPath, sandbox.Fault502, 1)
			cfg := archiveConfig(sb, crm, "")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("data_archive_path"), knownvalue.NotNull()),
							statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("tables"), knownvalue.MapPartial(map[string]knownvalue.Check{"Person": knownvalue.Int64Exact(250)})),
						},
						Check: func(s *terraform.State) error {
							jobs := sb.MigrationArchiveJobs(crm.id, "v1")
							if len(jobs) != 1 {
								return fmt.Errorf("want exactly 1 archive job, sandbox has %d", len(jobs))
							}
							if id, _ := stateAttr(s, archiveAddr, "job_id"); id != jobs[0].JobID {
								return fmt.Errorf("state follows job %s, the sandbox ran %s", id, jobs[0].JobID)
							}
							if files := sb.LegacyFiles(crm.id, "v1", "migration-to-4"); len(files) != 2 {
								return fmt.Errorf("want the two archives, /migration-to-4 holds %v", files)
							}
							return nil
						},
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

func TestAccBackendlessFileUpload_UploadThroughFaultsEndsWithOneVerifiedFile(t *testing.T) {
	for _, overwrite := range []bool{false, true} {
		for _, f := range createFaults {
			t.Run(fmt.Sprintf("%s/overwrite=%t", f.name, overwrite), func(t *testing.T) {
				sb := startSandbox(t)
				crm := fixtureCRM(t, sb)
				cfg := uploadConfig(sb, crm, "files-faulty", fmt.Sprintf("  overwrite = %t", overwrite))
				var appID string
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					Steps: []resource.TestStep{
						{
							// The faults are aimed once the app (and so the upload URL) exists.
							Config: archiveConfig(sb, crm, "") + `
resource "appmigrate_backendless_app" "target" {
  name                = "files-faulty"
  deletion_protection = false
}
`,
							Check: func(s *terraform.State) (err error) {
								appID, err = stateAttr(s, appAddr, "id")
								return err
							},
						},
						{
							PreConfig: func() {
								f.aim(sb, "/backendless/api/"+appID+"/")
								// And the read-back: its answer is cut once after the headers.
								sb.ScriptFault("GET", "/backendless/api/"+appID+"/", sandbox.FaultResetResponse, 1)
							},
							Config: cfg,
							Check: resource.ComposeTestCheckFunc(
								checkUploadMatchesSource(sb, crm),
								func(s *terraform.State) error {
									var zips []string
									for _, p := range sb.BackendlessFiles(appID, "") {
										if !strings.Contains(p, "/") {
											zips = append(zips, p)
										}
									}
									if len(zips) != 1 {
										return fmt.Errorf("want exactly 1 file in the app's root, found %v", zips)
									}
									return nil
								},
							),
						},
						{
							Config:           cfg,
							ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						},
					},
				})
			})
		}
	}
}

// completedImports reads the target's migration logs and counts the imports that loaded data.
func completedImports(t *testing.T, sb *sandbox.Sandbox, appID string) (completed, failed int) {
	t.Helper()
	for _, p := range sb.BackendlessFiles(appID, "migration") {
		rc, err := sb.OpenBackendlessFile(appID, p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		_ = rc.Close()
		switch backendless.ParseMigrationLog(string(b)).Status {
		case backendless.LogCompleted:
			completed++
		case backendless.LogFailed:
			failed++
		}
	}
	return completed, failed
}

func TestAccBackendlessDataImport_StartThroughFaultsImportsOnce(t *testing.T) {
	for _, f := range createFaults {
		t.Run(f.name, func(t *testing.T) {
			sb := startSandbox(t)
			crm := fixtureCRM(t, sb)
			var appID string
			base := archiveConfig(sb, crm, "") + `
resource "appmigrate_backendless_app" "target" {
  name                = "import-faulty"
  deletion_protection = false
}
`
			cfg := importConfig(sb, crm, "import-faulty", "", "")
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
						PreConfig: func() {
							f.aim(sb, "/backendless/console/"+appID+"/console/import/")
							// And the reads: one log read cut after the headers, one listing 502.
							sb.ScriptFault("GET", "/backendless/console/"+appID+"/console/files/download/migration/", sandbox.FaultResetResponse, 1)
							sb.ScriptFault("GET", "/backendless/console/"+appID+"/console/files/directory/view/migration", sandbox.Fault502, 1)
						},
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
						},
						Check: resource.ComposeTestCheckFunc(
							checkTablesMatchSource(sb),
							func(s *terraform.State) error {
								completed, failed := completedImports(t, sb, appID)
								if completed != 1 {
									return fmt.Errorf("want exactly 1 import that loaded the archive, the target's logs show %d", completed)
								}
								// A second delivery starts a second import, which the importer refuses (the
								// target is no longer blank): it loads nothing.
								if want := map[bool]int{true: 1, false: 0}[f.fault == sandbox.FaultDuplicate]; failed != want {
									return fmt.Errorf("want %d failed (refused) imports, the target's logs show %d", want, failed)
								}
								id, _ := stateAttr(s, importAddr, "id")
								logPath, _ := stateAttr(s, importAddr, "log_path")
								if logPath != backendless.ImportLogPath(id) {
									return fmt.Errorf("state follows import %s with log %s", id, logPath)
								}
								return nil
							},
						),
					},
					{
						Config:           cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}

// A refresh whose reads fail five times in a row (every attempt of one round) rides it out with
// the transport's outage rounds; an outage that outlasts them fails the refresh and keeps every
// resource; the next plan, with the vendor back, is empty.
func TestAccBackendless_RefreshRidesOutFiveServerErrorsAndALastingOutageKeepsState(t *testing.T) {
	config := func(sb *sandbox.Sandbox, crm legacyApp) string {
		return importConfig(sb, crm, "refresh-v5", "", "") // the archive, app, files upload and data import
	}
	emptyPlan := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	for _, read := range []struct{ name, method, prefix string }{
		{"apps", "GET", "/backendless/console/console/applications"},
		{"legacy listing", "GET", legacyListingPath},
		{"files listing", "GET", "/backendless/api/"},
	} {
		t.Run(read.name, func(t *testing.T) {
			sb := startSandbox(t) // one each: the subtests run in parallel and script faults
			cfg := config(sb, fixtureCRM(t, sb))
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: cfg},
					{
						// Five 500s in a row outlast one round of attempts, not the outage rounds.
						PreConfig:        func() { sb.ScriptFault(read.method, read.prefix, sandbox.Fault500, 5) },
						Config:           cfg,
						ConfigPlanChecks: emptyPlan,
					},
					{
						// An outage that outlasts every round fails the refresh; the state stays.
						PreConfig:    func() { sb.ClearFaults(); sb.ScriptFault(read.method, read.prefix, sandbox.Fault500, 1000) },
						RefreshState: true,
						ExpectError:  expectText("HTTP 500"),
					},
					{
						PreConfig:        sb.ClearFaults,
						Config:           cfg,
						ConfigPlanChecks: emptyPlan,
					},
				},
			})
		})
	}
}
