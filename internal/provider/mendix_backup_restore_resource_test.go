package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const restoreAddr = "appmigrate_mendix_backup_restore.data"

func restoreConfig(env *mxEnv, mode, timeout string) string {
	return deploymentConfig(env) + fmt.Sprintf(`
resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = %q
  source_environment = %q
  project_id         = %q
  environment_id     = %q
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
  mode               = %q

  timeouts = {
    create = %q
  }
}
`, mxSourceApp, mxMode, mxSpareProject, mxV4ProdEnv, mode, timeout)
}

// checkRestoredLikeV3 compares the state's digests with the newest completed v3 backup and with
// what the sandbox recorded on the v4 environment when it restored.
func checkRestoredLikeV3(env *mxEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v3, err := env.sb.MendixSnapshotDigest(mxSourceApp, mxMode, "")
		if err != nil {
			return err
		}
		e, err := env.sb.MendixEnvironment(mxV4App, mxMode)
		if err != nil {
			return err
		}
		attrs := s.RootModule().Resources[restoreAddr].Primary.Attributes
		switch {
		case e.Restored == nil:
			return fmt.Errorf("the v4 environment records no restore")
		case attrs["source_snapshot_id"] != v3.SnapshotID:
			return fmt.Errorf("copied backup %s, want the newest completed %s", attrs["source_snapshot_id"], v3.SnapshotID)
		case attrs["sha256"] != v3.SHA256 || attrs["bytes"] != fmt.Sprint(v3.Bytes):
			return fmt.Errorf("source digest %s/%s, v3 archive %s/%d", attrs["sha256"], attrs["bytes"], v3.SHA256, v3.Bytes)
		case attrs["restored_sha256"] != v3.SHA256 || attrs["restored_bytes"] != fmt.Sprint(v3.Bytes):
			return fmt.Errorf("restored digest %s/%s, v3 archive %s/%d", attrs["restored_sha256"], attrs["restored_bytes"], v3.SHA256, v3.Bytes)
		case e.Restored.ArchiveSHA256 != v3.SHA256 || e.Restored.RestoreID != attrs["restore_id"]:
			return fmt.Errorf("the sandbox restored %s (restore %s), want %s (restore %s)", e.Restored.ArchiveSHA256, e.Restored.RestoreID, v3.SHA256, attrs["restore_id"])
		case e.Restored.DBRows != v3.DBRows || e.Restored.Files != v3.Files:
			return fmt.Errorf("restored %d rows / %d files, v3 has %d / %d", e.Restored.DBRows, e.Restored.Files, v3.DBRows, v3.Files)
		}
		return nil
	}
}

func TestAccMendixBackupRestore_StreamsRestoresAndVerifiesDigests(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: restoreConfig(env, "api", "10m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The v3 backup that will be copied is named in the plan.
					plancheck.ExpectKnownValue(restoreAddr, tfjsonpath.New("source_snapshot_id"), knownvalue.StringExact("5deda9e2-f882-4925-830c-45e73c573602")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(restoreAddr, tfjsonpath.New("restore_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(restoreAddr, tfjsonpath.New("uploaded_snapshot_id"), knownvalue.NotNull()),
				},
				Check: checkRestoredLikeV3(env),
			},
			{
				Config:           restoreConfig(env, "api", "10m"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccMendixBackupRestore_ExpiredDownloadURLGetsAFreshOne(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	env.expireLinksBeforeFirstDownload(t, "calc-production-")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: restoreConfig(env, "api", "10m"),
				Check: resource.ComposeTestCheckFunc(checkRestoredLikeV3(env), func(*terraform.State) error {
					if err := env.checkRefusedThenFresh("calc-production-"); err != nil {
						return err
					}
					links := env.tap.requests(mxGet("/mendix/deploy/api/1/apps/calc/environments/Production/snapshots/"))
					if len(links) < 2 {
						return fmt.Errorf("want fresh download links asked for after the refusal, saw %d", len(links))
					}
					return nil
				}),
			},
		},
	})
}

func TestAccMendixBackupRestore_ManualModeCompletesWhenTheUploadIsPlayed(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	list := "/mendix/deploy/api/v2/apps/" + mxSpareProject + "/environments/" + mxV4ProdEnv + "/snapshots"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// Apply lists the v4 backups, reads (hashes) the v3 archive, then waits. Once
					// it is waiting, a person uploads the v3 archive in the portal.
					hashed := env.tap.after(1, func(r mxRequest) bool { return mxOnStorage(r) && strings.Contains(r.Path, "calc-production-") })
					go func() {
						<-hashed
						<-env.tap.after(1, func(r mxRequest) bool { return r.Method == http.MethodGet && r.Path == list })
						archive := env.v3Backup(t)
						defer archive.Close()
						if _, err := env.sb.UploadMendixBackup(mxV4ProdEnv, archive); err != nil {
							t.Errorf("portal upload: %v", err)
						}
					}()
				},
				Config: restoreConfig(env, "manual", "5m"),
				Check: resource.ComposeTestCheckFunc(checkRestoredLikeV3(env), func(*terraform.State) error {
					if n := len(env.tap.requests(func(r mxRequest) bool { return strings.HasSuffix(r.Path, "/snapshots/upload") })); n != 0 {
						return fmt.Errorf("manual mode must not call the modeled upload (%d calls)", n)
					}
					return nil
				}),
			},
		},
	})
}

func TestAccMendixBackupRestore_ManualModeTimesOutClearly(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      restoreConfig(env, "manual", "2s"),
				ExpectError: regexp.MustCompile(`(?s)manual step not done.*Timed out after .* waiting for someone to upload the v3 backup.*Still missing: no backup uploaded.*Upload\s+Archive`),
			},
		},
	})
}

func TestAccMendixBackupRestore_V3TargetRejectedAtPlan(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + fmt.Sprintf(`
resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = "calc"
  source_environment = "Production"
  project_id         = %q
  environment_id     = %q
  deployment_id      = "calc/Production/x"
}
`, mxCalcProject, mxV3ProdEnv),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Not a Cloud v4 environment.*NOT_SUPPORTED.*environment_id`),
			},
		},
	})
}

func TestAccMendixBackupRestore_FailureAfterTheRestoreIsTaintedAndReapplyAdoptsUploadAndRestore(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	// The restore runs, then storage refuses every link to the v4 archive the verification
	// downloads: the step fails after the upload and the restore. The next apply must adopt both
	// (by the marker and the journal on the uploaded backup), not upload or restore again.
	var refuse atomic.Bool
	env.tap.onRequest(func(r *http.Request) {
		if refuse.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, mxStoragePrefix) {
			if err := env.sb.ExpireMendixDownloadURLs(); err != nil {
				t.Errorf("expire: %v", err)
			}
		}
	})
	restored := env.tap.after(1, func(r mxRequest) bool { return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/restores") })
	go func() { <-restored; refuse.Store(true) }()
	cfg := restoreConfig(env, "api", "10m")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Restoring the v3 backup.*downloading the uploaded backup back from v4.*storage refused`),
			},
			{
				PreConfig: func() { refuse.Store(false) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(restoreAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeTestCheckFunc(checkRestoredLikeV3(env),
					checkCounts(env, mxCounts{packages: 1, uploadedBackups: 1, restores: 1, startJobs: -1})),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccMendixBackupRestore_ManualModeLostRestoreAnswerIsAskedAgainWithTheSameData(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	base := "/mendix/deploy/api/v2/apps/" + mxSpareProject + "/environments/" + mxV4ProdEnv
	// Mode "manual" uses documented calls only, and Backups v2 cannot list restores: the restore
	// happens, its answer is lost, the request is sent again (ENVIRONMENT_BUSY while the first
	// runs). Documented outcome: at most a second restore of the same backup into the same,
	// still stopped environment — the same data.
	env.sb.ScriptFault(http.MethodPost, base+"/restores", sandbox.FaultResetResponse, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					uploading := env.tap.after(1, func(r mxRequest) bool { return mxOnStorage(r) && strings.Contains(r.Path, "calc-production-") })
					go func() {
						<-uploading
						<-env.tap.after(1, func(r mxRequest) bool { return r.Method == http.MethodGet && r.Path == base+"/snapshots" })
						archive := env.v3Backup(t)
						defer archive.Close()
						if _, err := env.sb.UploadMendixBackup(mxV4ProdEnv, archive); err != nil {
							t.Errorf("portal upload: %v", err)
						}
					}()
				},
				Config: restoreConfig(env, "manual", "5m"),
				Check: resource.ComposeTestCheckFunc(checkRestoredLikeV3(env), func(*terraform.State) error {
					if n := len(env.tap.requests(func(r mxRequest) bool { return r.Method == http.MethodGet && r.Path == base+"/restores" })); n != 0 {
						return fmt.Errorf("manual mode must not use the modeled restore listing (%d calls)", n)
					}
					_, e := mxInventory(env)
					if e.Restores.Requested < 1 || e.Restores.Requested > 2 || e.Restores.Failed != 0 {
						return fmt.Errorf("restores %+v: want the lost one and at most one more, none failed", e.Restores)
					}
					t.Logf("restores after a lost answer in manual mode: %+v", e.Restores)
					return nil
				}),
			},
		},
	})
}

func TestAccMendixBackupRestore_ManualWrongUploadIsRejectedBeforeAnyRestore(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	list := "/mendix/deploy/api/v2/apps/" + mxSpareProject + "/environments/" + mxV4ProdEnv + "/snapshots"
	const older = "5deda9e2-f882-4925-830c-45e73c573601" // not the newest v3 backup the step restores
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// A person uploads the wrong backup (an older nightly) once apply waits.
					hashed := env.tap.after(1, func(r mxRequest) bool { return mxOnStorage(r) && strings.Contains(r.Path, "calc-production-") })
					go func() {
						<-hashed
						<-env.tap.after(1, func(r mxRequest) bool { return r.Method == http.MethodGet && r.Path == list })
						c, ctx := env.client(t), context.Background()
						links, err := c.SnapshotURLsV1(ctx, mxSourceApp, mxMode, older)
						if err != nil {
							t.Errorf("links: %v", err)
							return
						}
						body, _, err := c.NewDownload("test", links.DatabaseAndFiles, func(context.Context) (string, error) { return "", fmt.Errorf("refused") }).Open(ctx)
						if err != nil {
							t.Errorf("download: %v", err)
							return
						}
						defer body.Close()
						if _, err := env.sb.UploadMendixBackup(mxV4ProdEnv, body); err != nil {
							t.Errorf("portal upload: %v", err)
						}
					}()
				},
				Config:      restoreConfig(env, "manual", "5m"),
				ExpectError: regexp.MustCompile(`(?s)The uploaded backup is not the v3 backup.*Nothing was\s+restored:\s+v4's\s+data\s+is\s+untouched`),
				Check:       func(*terraform.State) error { return nil },
			},
		},
		CheckDestroy: func(*terraform.State) error {
			inv := env.sb.Inventory().Mendix
			e := inv.Nodes[mxV4App].Environments[mxMode]
			if e.Restores.Requested != 0 {
				return fmt.Errorf("a restore was requested over v4's data: %+v", e.Restores)
			}
			if env, err := env.sb.MendixEnvironment(mxV4App, mxMode); err != nil || env.Restored != nil {
				return fmt.Errorf("v4 was restored: %+v (%v)", env.Restored, err)
			}
			return nil
		},
	})
}
