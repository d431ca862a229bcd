package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const uploadAddr = "appmigrate_backendless_file_upload.files"

// uploadConfig is the archive, a target app and the upload of the files archive into its root.
func uploadConfig(sb *sandbox.Sandbox, app legacyApp, target string, extra string) string {
	return archiveConfig(sb, app, "") + fmt.Sprintf(`
resource "appmigrate_backendless_app" "target" {
  name                = %q
  deletion_protection = false
}

resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
%s
}
`, target, extra)
}

// checkUploadMatchesSource asserts both sides hold the same bytes: the 3.x files archive, the
// file in the 5.0 app (as the sandbox stores it) and what state records.
func checkUploadMatchesSource(sb *sandbox.Sandbox, app legacyApp) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		src, err := stateAttr(s, archiveAddr, "files_archive_path")
		if err != nil {
			return err
		}
		srcBytes, srcSHA, ok := sb.LegacyFileDigest(app.id, "v1", src)
		if !ok {
			return fmt.Errorf("%s is not in the 3.x app", src)
		}
		appID, _ := stateAttr(s, appAddr, "id")
		target, _ := stateAttr(s, uploadAddr, "target_path")
		size, sha, ok := sb.BackendlessFile(appID, target)
		if !ok {
			return fmt.Errorf("%s is not in app %s", target, appID)
		}
		gotBytes, _ := stateAttr(s, uploadAddr, "bytes")
		gotSHA, _ := stateAttr(s, uploadAddr, "sha256")
		if size != srcBytes || sha != srcSHA || gotBytes != fmt.Sprint(srcBytes) || gotSHA != srcSHA {
			return fmt.Errorf("source %d bytes %s; target %d bytes %s; state %s bytes %s", srcBytes, srcSHA, size, sha, gotBytes, gotSHA)
		}
		// source_* is what streamed out of 3.x; after an adoption it was hashed separately.
		streamedBytes, _ := stateAttr(s, uploadAddr, "source_bytes")
		streamedSHA, _ := stateAttr(s, uploadAddr, "source_sha256")
		if streamedBytes != gotBytes || streamedSHA != gotSHA {
			return fmt.Errorf("state: source %s bytes %s, target %s bytes %s", streamedBytes, streamedSHA, gotBytes, gotSHA)
		}
		return nil
	}
}

func TestAccBackendlessFileUpload_CopiesWithEqualDigestsImportEmptyPlan(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var appID, target string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, _, ok := sb.BackendlessFile(appID, target); ok {
				return fmt.Errorf("destroy left %s in app %s", target, appID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: uploadConfig(sb, crm, "crm-v5-files", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(uploadAddr, tfjsonpath.New("target_path"), knownvalue.StringRegexp(regexp.MustCompile(`^/crm_v1_files_\d{14}\.zip$`))),
					statecheck.ExpectKnownValue(uploadAddr, tfjsonpath.New("sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					statecheck.ExpectKnownValue(uploadAddr, tfjsonpath.New("file_url"), knownvalue.StringRegexp(regexp.MustCompile(`\{rest-api-key\}`))),
					statecheck.ExpectKnownValue(uploadAddr, tfjsonpath.New("overwrite"), knownvalue.Bool(false)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkUploadMatchesSource(sb, crm),
					func(s *terraform.State) error {
						appID, _ = stateAttr(s, appAddr, "id")
						target, _ = stateAttr(s, uploadAddr, "target_path")
						for _, a := range sb.BackendlessApps() {
							if a.ID == appID && regexp.MustCompile(regexp.QuoteMeta(a.RESTAPIKey)).MatchString(s.String()) {
								return fmt.Errorf("the REST API key of app %s is in state", appID)
							}
						}
						return nil
					},
				),
			},
			{
				ResourceName: uploadAddr,
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return stateAttr(s, uploadAddr, "id")
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "source_app_id", "source_version", "source_path", "source_bytes", "source_sha256"},
			},
			{
				Config: uploadConfig(sb, crm, "crm-v5-files", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessFileUpload_RecreatedAfterOutOfBandDelete(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var appID, target string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: uploadConfig(sb, crm, "crm-v5-redo", ""),
				Check: func(s *terraform.State) error {
					appID, _ = stateAttr(s, appAddr, "id")
					target, _ = stateAttr(s, uploadAddr, "target_path")
					return nil
				},
			},
			{
				// Someone deletes the uploaded archive in the 5.0 console; the plan uploads it again.
				PreConfig: func() {
					if err := sb.DeleteBackendlessFile(appID, target); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: uploadConfig(sb, crm, "crm-v5-redo", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(uploadAddr, plancheck.ResourceActionCreate)},
				},
				Check: checkUploadMatchesSource(sb, crm),
			},
		},
	})
}

func TestAccBackendlessFileUpload_ExistingSameFileIsAdoptedDifferentRefused(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// A different file already sits at the target path: refused without overwrite.
				Config: uploadConfig(sb, crm, "crm-v5-taken", `  target_path = "/readme.zip"`) + `
resource "appmigrate_backendless_file_upload" "other" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.data_archive_path
  target_path    = "/readme.zip"
  depends_on     = [appmigrate_backendless_file_upload.files]
}
`,
				ExpectError: expectText("A different file already exists in the target app", "/readme.zip already exists in the 5.0 app", "Set overwrite = true to replace it"),
			},
			{
				// The same bytes at the target path (a lost earlier upload) are adopted.
				Config: uploadConfig(sb, crm, "crm-v5-taken", `  target_path = "/readme.zip"`) + `
resource "appmigrate_backendless_file_upload" "again" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
  target_path    = "/readme.zip"
  depends_on     = [appmigrate_backendless_file_upload.files]
}
`,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("appmigrate_backendless_file_upload.again", "sha256", uploadAddr, "sha256"),
					func(*terraform.State) error {
						if n := sb.Requests("POST", "/backendless/api/"); n != 1 {
							return fmt.Errorf("want exactly one upload (the adoption uploads nothing), sandbox saw %d", n)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccBackendlessFileUpload_MissingSecretKeyFailsAtPlan(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: legacyProviderBlock(sb) + fmt.Sprintf(`
resource "appmigrate_backendless_file_upload" "files" {
  app_id         = "any-5x-app"
  source_app_id  = %q
  source_version = "v1"
  source_path    = "/migration-to-4/crm_v1_files_20261122100000.zip"
}
`, crm.id),
				PlanOnly:    true,
				ExpectError: expectText("No Backendless 3.x secret key for this app", "source_app_id", "APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS"),
			},
		},
	})
}

func TestAccBackendlessFileUpload_SourceResetMidStreamResumesWithoutSecondUpload(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	// The first download of the files archive is cut part-way through its body.
	download := "/backendless3/api/" + crm.id + "/v1/files/migration-to-4/crm_v1_files_"
	sb.ScriptFault("GET", download, sandbox.FaultReset, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: uploadConfig(sb, crm, "crm-v5-reset", ""),
				Check: resource.ComposeTestCheckFunc(
					checkUploadMatchesSource(sb, crm),
					func(*terraform.State) error {
						if n := sb.Faulted("GET", download); n != 1 {
							return fmt.Errorf("the reset was not injected (%d)", n)
						}
						if n := sb.Requests("POST", "/backendless/api/"); n != 1 {
							return fmt.Errorf("the download should resume under one upload, sandbox saw %d uploads", n)
						}
						return nil
					},
				),
			},
		},
	})
}
