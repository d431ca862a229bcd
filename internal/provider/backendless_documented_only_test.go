package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// startDocumentedOnlySandbox is a sandbox that refuses (403) every call not tagged DOCUMENTED or SDK.
func startDocumentedOnlySandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	return startSandboxWith(t, sandbox.Options{DocumentedOnly: true})
}

// refusedCalls reads GET /_sandbox/refused: how many calls documented-only mode refused, and the first.
func refusedCalls(t *testing.T, sb *sandbox.Sandbox) (int, string) {
	t.Helper()
	resp, err := http.Get(sb.URL() + "/_sandbox/refused")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		DocumentedOnly bool            `json:"documented_only"`
		Count          int             `json:"count"`
		Calls          json.RawMessage `json:"calls"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || !v.DocumentedOnly {
		t.Fatalf("GET /_sandbox/refused: %+v %v", v, err)
	}
	return v.Count, string(v.Calls)
}

// controlPOST sends a person's console action through a sandbox control endpoint.
func controlPOST(t *testing.T, url, contentType string, body io.Reader) []byte {
	t.Helper()
	resp, err := http.Post(url, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s %s", url, resp.Status, b)
	}
	return b
}

func documentedOnlyConfig(sb *sandbox.Sandbox, app legacyApp, dataName, filesName string, confirmed bool) string {
	return legacyProviderBlock(sb, app) + fmt.Sprintf(`
resource "appmigrate_backendless_migration_archive" "source" {
  app_id             = %[1]q
  version            = "v1"
  mode               = "manual"
  documented_only    = true
  data_archive_name  = %[2]q
  files_archive_name = %[3]q
}

resource "appmigrate_backendless_app" "target" {
  name                = "crm-v5-documented"
  deletion_protection = false
}

resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
}

resource "appmigrate_backendless_data_import" "data" {
  app_id           = appmigrate_backendless_app.target.id
  source_app_id    = appmigrate_backendless_migration_archive.source.app_id
  source_version   = appmigrate_backendless_migration_archive.source.version
  source_path      = appmigrate_backendless_migration_archive.source.data_archive_path
  mode             = "manual"
  documented_only  = true
  import_confirmed = %[4]t
  files_upload_id  = appmigrate_backendless_file_upload.files.id
}
`, app.id, dataName, filesName, confirmed)
}

// TestAccBackendlessRunbook_DocumentedOnlyCompletesWithNoRefusedCall runs the whole Backendless
// runbook against a sandbox that refuses every call not tagged DOCUMENTED or SDK, in manual mode,
// the person's steps (the 3.x archive button, the 5.0 console import) played through the
// sandbox's control endpoints: the migration is verified and not one call was refused.
func TestAccBackendlessRunbook_DocumentedOnlyCompletesWithNoRefusedCall(t *testing.T) {
	sb := startDocumentedOnlySandbox(t)
	crm := fixtureCRM(t, sb)
	ctl := sb.URL() + "/_sandbox"

	// Runbook steps 1–3 by hand: "Create migration archive for 4.0" in the 3.x console; the
	// person reads the two archive names in the e-mail.
	var job struct {
		JobID string `json:"jobId"`
	}
	if err := json.Unmarshal(controlPOST(t, ctl+"/backendless3/apps/"+crm.id+"/versions/v1/migration-archive", "application/json", nil), &job); err != nil {
		t.Fatal(err)
	}
	if err := sb.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	done, ok := sb.MigrationArchiveJob(job.JobID)
	if !ok || done.Status != "COMPLETED" {
		t.Fatalf("archive job: %+v", done)
	}
	_, dataName := filepath.Split(done.DataArchive)
	_, filesName := filepath.Split(done.FilesArchive)

	var appID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The import is not confirmed yet: everything else applies, the import stops with the clicks.
				Config:      documentedOnlyConfig(sb, crm, dataName, filesName, false),
				ExpectError: expectText("Manual step not confirmed", "Click the Manage icon, then click Import.", "set import_confirmed = true"),
			},
			{
				PreConfig: func() {
					for _, a := range sb.BackendlessApps() {
						if a.Name == "crm-v5-documented" {
							appID = a.ID
						}
					}
					if appID == "" {
						t.Fatal("the target app was not created by the first apply")
					}
					// Runbook step 7 by hand: download the data archive, Manage → Import → "Backendless app".
					archive := legacyBytes(t, sb, crm, done.DataArchive)
					var body bytes.Buffer
					mw := multipart.NewWriter(&body)
					fw, _ := mw.CreateFormFile("file", dataName)
					_, _ = fw.Write(archive)
					_ = mw.Close()
					controlPOST(t, ctl+"/backendless/apps/"+appID+"/import", mw.FormDataContentType(), &body)
					if err := sb.WaitIdle(context.Background()); err != nil {
						t.Fatal(err)
					}
				},
				Config: documentedOnlyConfig(sb, crm, dataName, filesName, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("status"), knownvalue.StringExact("COMPLETED")),
					statecheck.ExpectKnownValue(importAddr, tfjsonpath.New("source_sha256"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("data_archive_path"), knownvalue.StringExact(done.DataArchive)),
				},
				Check: resource.ComposeTestCheckFunc(
					checkTablesMatchSource(sb),
					checkUploadMatchesSource(sb, crm),
					func(*terraform.State) error {
						if n, first := refusedCalls(t, sb); n != 0 {
							return fmt.Errorf("documented-only mode refused %d calls: %s", n, first)
						}
						if n := importPOSTs(sb); n != 0 {
							return fmt.Errorf("the provider called the (MODELED) import %d times", n)
						}
						return nil
					},
				),
			},
			{
				Config: documentedOnlyConfig(sb, crm, dataName, filesName, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
	if n, first := refusedCalls(t, sb); n != 0 {
		t.Fatalf("documented-only mode refused %d calls (refresh and destroy included): %s", n, first)
	}
	if !legacyFileExists(sb, crm, done.DataArchive) || !legacyFileExists(sb, crm, done.FilesArchive) {
		t.Fatal("destroy in documented-only mode must not delete the 3.x archives (the DELETE is INFERRED)")
	}
}

// TestAccBackendlessDocumentedOnly_GuideExamplePlans plans the configuration the guide "Backendless
// on documented APIs only" shows (examples/guides/backendless-documented-only.tf), with the
// archive names the sandbox's e-mail would give, against the documented-only sandbox: it plans
// without error and without a refused call.
func TestAccBackendlessDocumentedOnly_GuideExamplePlans(t *testing.T) {
	sb := startDocumentedOnlySandbox(t)
	crm := fixtureCRM(t, sb)
	var job struct {
		JobID string `json:"jobId"`
	}
	if err := json.Unmarshal(controlPOST(t, sb.URL()+"/_sandbox/backendless3/apps/"+crm.id+"/versions/v1/migration-archive", "application/json", nil), &job); err != nil {
		t.Fatal(err)
	}
	if err := sb.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	done, ok := sb.MigrationArchiveJob(job.JobID)
	if !ok || done.Status != "COMPLETED" {
		t.Fatalf("archive job: %+v", done)
	}
	_, dataName := filepath.Split(done.DataArchive)
	_, filesName := filepath.Split(done.FilesArchive)
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "guides", "backendless-documented-only.tf"))
	if err != nil {
		t.Fatal(err)
	}
	example := string(src)
	for typed, pressed := range map[string]string{"crm_v1_data_20261122100000.zip": dataName, "crm_v1_files_20261122100000.zip": filesName} {
		if !strings.Contains(example, `"`+typed+`"`) {
			t.Fatalf("the example no longer types %s", typed)
		}
		example = strings.Replace(example, `"`+typed+`"`, `"`+pressed+`"`, 1)
	}
	example = strings.Replace(example, `type        = string`, fmt.Sprintf("type        = string\n  default     = %q", crm.id), 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:             legacyProviderBlock(sb, crm) + example,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
	if n, first := refusedCalls(t, sb); n != 0 {
		t.Fatalf("documented-only mode refused %d calls planning the guide's example: %s", n, first)
	}
}

// TestAccBackendlessRunbook_ExampleDocumentedOnlyProofSaysNotReadable applies
// examples/backendless-v3-to-v5 with documented_only on the archive and the import (manual mode,
// the person's steps played through the sandbox): the proof shows the data archive's target side
// as not readable in documented-only mode, never NO, and data_archive_match is null, not false.
func TestAccBackendlessRunbook_ExampleDocumentedOnlyProofSaysNotReadable(t *testing.T) {
	sb := startDocumentedOnlySandbox(t)
	crm := fixtureCRM(t, sb)
	ctl := sb.URL() + "/_sandbox"
	var job struct {
		JobID string `json:"jobId"`
	}
	if err := json.Unmarshal(controlPOST(t, ctl+"/backendless3/apps/"+crm.id+"/versions/v1/migration-archive", "application/json", nil), &job); err != nil {
		t.Fatal(err)
	}
	if err := sb.WaitIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
	done, ok := sb.MigrationArchiveJob(job.JobID)
	if !ok || done.Status != "COMPLETED" {
		t.Fatalf("archive job: %+v", done)
	}
	_, dataName := filepath.Split(done.DataArchive)
	_, filesName := filepath.Split(done.FilesArchive)
	base := backendlessExampleConfig(t, legacyProviderBlock(sb, crm))
	config := func(confirmed bool) string {
		cfg := base
		for old, repl := range map[string]string{
			"  mode    = var.archive_mode\n":                       fmt.Sprintf("  mode               = \"manual\"\n  documented_only    = true\n  data_archive_name  = %q\n  files_archive_name = %q\n", dataName, filesName),
			"  mode           = var.import_mode\n":                 fmt.Sprintf("  mode             = \"manual\"\n  documented_only  = true\n  import_confirmed = %t\n", confirmed),
			"deletion_protection = var.target_deletion_protection": "deletion_protection = false",
		} {
			if !strings.Contains(cfg, old) {
				t.Fatalf("the example no longer has %q", old)
			}
			cfg = strings.Replace(cfg, old, repl, 1)
		}
		return cfg
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(false),
				ExpectError: expectText("Manual step not confirmed"),
			},
			{
				PreConfig: func() {
					appID := ""
					for _, a := range sb.BackendlessApps() {
						if a.Name == "crm-v5" {
							appID = a.ID
						}
					}
					if appID == "" {
						t.Fatal("the target app was not created by the first apply")
					}
					archive := legacyBytes(t, sb, crm, done.DataArchive)
					var body bytes.Buffer
					mw := multipart.NewWriter(&body)
					fw, _ := mw.CreateFormFile("file", dataName)
					_, _ = fw.Write(archive)
					_ = mw.Close()
					controlPOST(t, ctl+"/backendless/apps/"+appID+"/import", mw.FormDataContentType(), &body)
					if err := sb.WaitIdle(context.Background()); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("tables_match", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("files_archive_match", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("proof", knownvalue.StringRegexp(regexp.MustCompile(
						`(?s)bytes of the data archive +\d+ +- +\(not readable in documented-only mode\)\n.*SHA-256 of the data archive +source +[0-9a-f]{64}\n +target +\(not readable in documented-only mode\)`))),
				},
				Check: func(s *terraform.State) error {
					// A null output is not written to state: absent (or null) is "not readable", not false.
					if o, ok := s.RootModule().Outputs["data_archive_match"]; ok && o.Value != nil {
						return fmt.Errorf("data_archive_match = %v, want null in documented-only mode", o.Value)
					}
					proof, ok := s.RootModule().Outputs["proof"]
					if !ok {
						return fmt.Errorf("no proof output")
					}
					if text := fmt.Sprint(proof.Value); regexp.MustCompile(`\bNO\b`).MatchString(text) {
						return fmt.Errorf("the proof says NO after a verified documented-only run:\n%s", text)
					}
					return nil
				},
			},
		},
	})
}
