package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// The archive checks the plan makes when source_path is known run again at apply, before anything
// is sent: in the runbook's single apply, source_path comes from the migration archive resource
// and is unknown at plan. Through Terraform, the plan Terraform makes of each resource during
// apply (once the path is known) already runs ModifyPlan's check, so the acceptance tests below
// hold with or without Create's own check; the direct Create tests (TestBackendless*_Create…)
// prove Create's check, which guards what that plan does not see (a file replaced in between,
// a client that skips it).

// addEscapingEntry adds the entry "../x" to a 3.x archive through the sandbox's control endpoint,
// as a test of the contract would: POST /_sandbox/backendless3/apps/{appId}/versions/v1/corrupt/{path}?how=escape-entry.
func addEscapingEntry(t *testing.T, sb *sandbox.Sandbox, app legacyApp, p string) {
	t.Helper()
	controlPOST(t, fmt.Sprintf("%s/_sandbox/backendless3/apps/%s/versions/v1/corrupt%s?how=%s", sb.URL(), app.id, p, sandbox.CorruptEscapeEntry), "application/json", nil)
}

// sameApplyConfig is the runbook with source paths unknown at plan. The archive resource
// (documented_only, typing the archive names the e-mail gives) knows its paths at plan, so they
// reach the upload and the import through terraform_data (built into Terraform), whose output is
// unknown until apply, as the paths of an archive made in api or manual mode are.
func sameApplyConfig(sb *sandbox.Sandbox, app legacyApp, target, dataName, filesName, rest string) string {
	return legacyProviderBlock(sb, app) + fmt.Sprintf(`
resource "appmigrate_backendless_migration_archive" "source" {
  app_id             = %q
  version            = "v1"
  mode               = "manual"
  documented_only    = true
  data_archive_name  = %q
  files_archive_name = %q
}

resource "terraform_data" "paths" {
  input = {
    data  = appmigrate_backendless_migration_archive.source.data_archive_path
    files = appmigrate_backendless_migration_archive.source.files_archive_path
  }
}

resource "appmigrate_backendless_app" "target" {
  name                = %q
  deletion_protection = false
}

resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = terraform_data.paths.output.files
}
%s`, app.id, dataName, filesName, target, rest)
}

// targetAppID is the id of the sandbox's 5.0 app named name ("" when there is none).
func targetAppID(sb *sandbox.Sandbox, name string) string {
	for _, a := range sb.BackendlessApps() {
		if a.Name == name {
			return a.ID
		}
	}
	return ""
}

// TestAccBackendlessFileUpload_EscapingEntryUnknownAtPlanRefusedAtApplyNothingUploaded: the files
// archive has an entry "../x" and its path is unknown at plan (the archive resource reports it in
// the same apply); the upload's Create refuses it with the plan's message and uploads nothing.
func TestAccBackendlessFileUpload_EscapingEntryUnknownAtPlanRefusedAtApplyNothingUploaded(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	data, files := pressArchive(t, sb, crm)
	addEscapingEntry(t, sb, crm, files)
	_, dataName := filepath.Split(data)
	_, filesName := filepath.Split(files)
	const target = "crm-v5-escape-upload"
	refused := expectText("The 3.x archive is refused before anything is sent", files, "escape the archive's folder", `"../x"`, "Nothing was sent to the 5.0 app.")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sameApplyConfig(sb, crm, target, dataName, filesName, ""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(uploadAddr, tfjsonpath.New("source_path"))},
			},
			ExpectError: refused,
		}, {
			// What the failed apply left: the target app, and no upload call, no file.
			PreConfig: func() {
				if n := sb.Requests("POST", "/backendless/api/"); n != 0 {
					t.Fatalf("an archive with an escaping entry must stop before the upload; the sandbox saw %d upload calls", n)
				}
				appID := targetAppID(sb, target)
				if appID == "" {
					t.Fatal("the target app was not created: the apply did not reach the upload's create")
				}
				if _, _, ok := sb.BackendlessFile(appID, "/"+filesName); ok {
					t.Fatalf("/%s was uploaded into app %s", filesName, appID)
				}
			},
			// Now source_path is known at plan: the same message, at plan.
			Config:      sameApplyConfig(sb, crm, target, dataName, filesName, ""),
			PlanOnly:    true,
			ExpectError: refused,
		}},
	})
}

// TestAccBackendlessDataImport_EscapingEntryUnknownAtPlanRefusedAtApplyNoImport: the data
// archive has an entry "../x" and its path is unknown at plan; the (sound) files archive is
// uploaded, then the import's Create refuses the data archive with the plan's message and starts
// no import.
func TestAccBackendlessDataImport_EscapingEntryUnknownAtPlanRefusedAtApplyNoImport(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	data, files := pressArchive(t, sb, crm)
	addEscapingEntry(t, sb, crm, data)
	_, dataName := filepath.Split(data)
	_, filesName := filepath.Split(files)
	const target = "crm-v5-escape-import"
	refused := expectText("The 3.x archive is refused before anything is sent", data, "escape the archive's folder", `"../x"`, "Nothing was sent to the 5.0 app.")
	config := sameApplyConfig(sb, crm, target, dataName, filesName, `
resource "appmigrate_backendless_data_import" "data" {
  app_id          = appmigrate_backendless_app.target.id
  source_app_id   = appmigrate_backendless_migration_archive.source.app_id
  source_version  = appmigrate_backendless_migration_archive.source.version
  source_path     = terraform_data.paths.output.data
  files_upload_id = appmigrate_backendless_file_upload.files.id
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue(importAddr, tfjsonpath.New("source_path"))},
			},
			ExpectError: refused,
		}, {
			// What the failed apply left: the files upload, and no import call.
			PreConfig: func() {
				if n := importPOSTs(sb); n != 0 {
					t.Fatalf("an archive with an escaping entry must stop before the import call; the sandbox saw %d", n)
				}
				appID := targetAppID(sb, target)
				if appID == "" {
					t.Fatal("the target app was not created: the apply did not reach the import's create")
				}
				if _, _, ok := sb.BackendlessFile(appID, "/"+filesName); !ok {
					t.Fatal("the sound files archive was not uploaded first: the apply did not reach the import's create")
				}
			},
			// Now source_path is known at plan: the same message, at plan.
			Config:      config,
			PlanOnly:    true,
			ExpectError: refused,
		}},
	})
}

// directCreate calls a resource's Create as Terraform calls it after a plan, without the plan's
// ModifyPlan checks having run (as for a plan made when source_path was unknown, or a file
// replaced since): what Create itself checks is all that stands before the vendor call.
func directCreate(t *testing.T, sb *sandbox.Sandbox, crm legacyApp, r fwresource.ResourceWithConfigure, model any) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	client := sandboxClient(t, sb, crm)
	var cr fwresource.ConfigureResponse
	r.Configure(ctx, fwresource.ConfigureRequest{ProviderData: &providerData{backendless: client,
		poll: pollSettings{interval: 10 * time.Millisecond, maxInterval: 50 * time.Millisecond, clock: transport.SystemClock}}}, &cr)
	if cr.Diagnostics.HasError() {
		t.Fatal(cr.Diagnostics)
	}
	var sr fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sr)
	plan := tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if d := plan.Set(ctx, model); d.HasError() {
		t.Fatal(d)
	}
	resp := fwresource.CreateResponse{State: tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}}
	r.Create(ctx, fwresource.CreateRequest{Plan: plan}, &resp)
	if !resp.State.Raw.IsNull() {
		t.Errorf("a refused create recorded state: %v", resp.State.Raw)
	}
	return resp.Diagnostics
}

// sandboxClient is a Backendless client of the sandbox with crm's 3.x secret key.
func sandboxClient(t *testing.T, sb *sandbox.Sandbox, crm legacyApp) *backendless.Client {
	t.Helper()
	e := sb.Endpoints()
	client, err := backendless.New(backendless.Config{
		ConsoleURL: e.BackendlessConsoleURL, APIURL: e.BackendlessAPIURL, LegacyURL: e.BackendlessLegacyURL,
		Login: sandboxLogin, Password: sandboxPassword, LegacySecretKeys: map[string]string{crm.id: crm.secret},
		HTTP: transport.New(transport.Options{MaxRetries: 1}),
	})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// nullTimeouts is the timeouts block left out.
func nullTimeouts(t *testing.T, r fwresource.Resource) timeouts.Value {
	t.Helper()
	var sr fwresource.SchemaResponse
	r.Schema(context.Background(), fwresource.SchemaRequest{}, &sr)
	tt, ok := sr.Schema.Attributes["timeouts"].GetType().(timeouts.Type)
	if !ok {
		t.Fatalf("timeouts is a %T", sr.Schema.Attributes["timeouts"].GetType())
	}
	return timeouts.Value{Object: types.ObjectNull(tt.AttrTypes)}
}

// wantRefusal asserts the diagnostics are exactly the plan's refusal of an archive, on source_path.
func wantRefusal(t *testing.T, diags diag.Diagnostics, archive string) {
	t.Helper()
	re := expectText("escape the archive's folder", `"../x"`, "Nothing was sent to the 5.0 app.")
	for _, d := range diags.Errors() {
		withPath, ok := d.(diag.DiagnosticWithPath)
		if d.Summary() == "The 3.x archive is refused before anything is sent" && ok && withPath.Path().Equal(path.Root("source_path")) &&
			re.MatchString(d.Detail()) && strings.Contains(d.Detail(), archive) {
			return
		}
	}
	t.Fatalf("want the plan's refusal of %s on source_path, got %v", archive, diags)
}

// TestBackendlessFileUpload_CreateRefusesEscapingArchiveBeforeUploading: Create itself reads the
// files archive's entries and refuses one with "../x" with the plan's diagnostic; the sandbox
// saw no upload and holds no file.
func TestBackendlessFileUpload_CreateRefusesEscapingArchiveBeforeUploading(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	_, files := pressArchive(t, sb, crm)
	addEscapingEntry(t, sb, crm, files)
	app, err := sb.CreateBackendlessAppInZone(sandboxLogin, "crm-v5-create-escape", "US")
	if err != nil {
		t.Fatal(err)
	}
	r := &fileUploadResource{}
	_, name := filepath.Split(files)
	diags := directCreate(t, sb, crm, r, fileUploadModel{
		ID: types.StringUnknown(), AppID: types.StringValue(app.ID), SourceAppID: types.StringValue(crm.id), SourceVersion: types.StringValue("v1"),
		SourcePath: types.StringValue(files), TargetPath: types.StringValue("/" + name), Overwrite: types.BoolValue(false),
		SourceBytes: types.Int64Unknown(), SourceSHA256: types.StringUnknown(), Bytes: types.Int64Unknown(), SHA256: types.StringUnknown(), FileURL: types.StringUnknown(),
		Timeouts: nullTimeouts(t, r),
	})
	wantRefusal(t, diags, files)
	if n := sb.Requests("POST", "/backendless/api/"); n != 0 {
		t.Fatalf("the sandbox saw %d upload calls", n)
	}
	if _, _, ok := sb.BackendlessFile(app.ID, "/"+name); ok {
		t.Fatalf("/%s was uploaded into app %s", name, app.ID)
	}
}

// TestBackendlessDataImport_CreateRefusesEscapingArchiveBeforeImporting: Create itself reads the
// data archive's entries and refuses one with "../x" with the plan's diagnostic; the sandbox saw
// no import call.
func TestBackendlessDataImport_CreateRefusesEscapingArchiveBeforeImporting(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	data, _ := pressArchive(t, sb, crm)
	addEscapingEntry(t, sb, crm, data)
	app, err := sb.CreateBackendlessAppInZone(sandboxLogin, "crm-v5-create-escape", "US")
	if err != nil {
		t.Fatal(err)
	}
	r := &dataImportResource{}
	diags := directCreate(t, sb, crm, r, dataImportModel{
		ID: types.StringUnknown(), AppID: types.StringValue(app.ID), SourceAppID: types.StringValue(crm.id), SourceVersion: types.StringValue("v1"),
		SourcePath: types.StringValue(data), FilesUploadID: types.StringValue(app.ID + ":/crm_files.zip"), Mode: types.StringValue(modeAPI),
		AllowNonEmptyTarget: types.BoolValue(false), ImportType: types.StringValue(backendless.DefaultImportType), Status: types.StringUnknown(), LogPath: types.StringUnknown(),
		Tables: types.MapUnknown(types.Int64Type), ArchiveSHA256: types.StringUnknown(), ArchiveBytes: types.Int64Unknown(),
		SourceSHA256: types.StringUnknown(), SourceBytes: types.Int64Unknown(), DocumentedOnly: types.BoolValue(false), ImportConfirmed: types.BoolValue(false),
		Timeouts: nullTimeouts(t, r),
	})
	wantRefusal(t, diags, data)
	if n := importPOSTs(sb); n != 0 {
		t.Fatalf("the sandbox saw %d import calls", n)
	}
}
