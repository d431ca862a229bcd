package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Runbook steps 7–8 (Backendless 5.0): "Click the Manage icon, then click Import. Click the
// Browse button located next to "Backendless app" and browse to the "data" archive", then follow
// "the migration log available in the Files section of your app" until the migration is complete.
// The import is what loses data if it goes wrong, so it is started at most once per archive: an
// earlier import of the same archive (found through the first line of its log) is adopted, and
// a completed import is checked table by table against the archive's manifest.
//
// Resume, never repeat: an import is identified by the archive's file name and size in the first
// line of its migration log. Create adopts a running or completed import of the same archive. A
// start whose answer is lost is resolved from the logs too (a log of this archive that was not
// there before the call is its own), so the archive is streamed again only when no import began.
// A duplicate delivery starts a second import that the importer refuses once the first has loaded
// (the target is no longer blank): the provider follows the one that loaded and names the other.
// Ctrl-C while following the log saves the import untainted with a resume point; Update resumes.

var (
	_ resource.Resource                = &dataImportResource{}
	_ resource.ResourceWithConfigure   = &dataImportResource{}
	_ resource.ResourceWithImportState = &dataImportResource{}
	_ resource.ResourceWithModifyPlan  = &dataImportResource{}
)

const dataImportType = "appmigrate_backendless_data_import"

// importTypeRe is one URL path segment.
var importTypeRe = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// logTailLines is how much of a migration log an error quotes.
const logTailLines = 20

// NewBackendlessDataImportResource returns the appmigrate_backendless_data_import resource.
// dataImportTimeouts are the step's timeouts and their defaults.
var dataImportTimeouts = stepTimeouts{Create: 60 * time.Minute, Read: 5 * time.Minute, Delete: 5 * time.Minute}

func NewBackendlessDataImportResource() resource.Resource { return &dataImportResource{} }

type dataImportResource struct{ configured }

type dataImportModel struct {
	ID                  types.String   `tfsdk:"id"`
	AppID               types.String   `tfsdk:"app_id"`
	SourceAppID         types.String   `tfsdk:"source_app_id"`
	SourceVersion       types.String   `tfsdk:"source_version"`
	SourcePath          types.String   `tfsdk:"source_path"`
	FilesUploadID       types.String   `tfsdk:"files_upload_id"`
	Mode                types.String   `tfsdk:"mode"`
	AllowNonEmptyTarget types.Bool     `tfsdk:"allow_non_empty_target"`
	ImportType          types.String   `tfsdk:"import_type"`
	Status              types.String   `tfsdk:"status"`
	LogPath             types.String   `tfsdk:"log_path"`
	Tables              types.Map      `tfsdk:"tables"`
	ArchiveSHA256       types.String   `tfsdk:"archive_sha256"`
	ArchiveBytes        types.Int64    `tfsdk:"archive_bytes"`
	SourceSHA256        types.String   `tfsdk:"source_sha256"`
	SourceBytes         types.Int64    `tfsdk:"source_bytes"`
	DocumentedOnly      types.Bool     `tfsdk:"documented_only"`
	ImportConfirmed     types.Bool     `tfsdk:"import_confirmed"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *dataImportResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_data_import"
}

func (r *dataImportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Imports the *data* migration archive of a Backendless 3.x app into the 5.0 app (runbook step 7, Manage → Import → \"Backendless app\"), " +
			"follows the migration log to its final line (step 8), then compares every table's row count in the 5.0 app with the archive's manifest. " +
			"An import of the same archive is never started twice: an earlier one found in the migration log is adopted.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The import id (from the import call, or from the first line of the migration log).",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Id of the 5.0 target app, usually `appmigrate_backendless_app.<name>.id`. Changing it imports into the new app.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_app_id": schema.StringAttribute{
				MarkdownDescription: "Application id of the 3.x source app; its secret key must be in the provider's `backendless.legacy_secret_keys`.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceUnlessImported()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_version": schema.StringAttribute{
				MarkdownDescription: "The 3.x app version the archive belongs to.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceUnlessImported()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_path": schema.StringAttribute{
				MarkdownDescription: "Path of the data archive in the 3.x File storage, usually `appmigrate_backendless_migration_archive.<name>.data_archive_path`.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceUnlessImported()},
				Validators:          []validator.String{stringvalidator.RegexMatches(storagePathRe, "must be an absolute path such as /migration-to-4/crm_v1_data_20261122100000.zip")},
			},
			"files_upload_id": schema.StringAttribute{
				MarkdownDescription: "The id of the `appmigrate_backendless_file_upload` of the files archive into the same app: `appmigrate_backendless_file_upload.<name>.id`. " +
					"The runbook uploads the files archive (step 6) before importing the data (step 7); requiring the upload's id makes Terraform run them in that order, " +
					"and an upload into another app is refused at plan.",
				Required:   true,
				Validators: []validator.String{filesUploadIDValidator{}},
			},
			"mode": modeAttribute("`POST /{appId}/console/import/{import_type}` on the 5.x console API"),
			"allow_non_empty_target": schema.BoolAttribute{
				MarkdownDescription: "Import into an app that already has tables. Default `false`: the runbook recommends \"a blank/new app to avoid any conflicts during the import\", so a non-empty target stops the apply before anything is imported.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"import_type": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The `{type}` of the import route for the \"Backendless app\" importer (modeled: the real value is not published; record it from the console's network tab). Default `%s`.", backendless.DefaultImportType),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(backendless.DefaultImportType),
				Validators:          []validator.String{stringvalidator.RegexMatches(importTypeRe, "must be a single path segment such as backendless-app")},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Final status from the migration log: `COMPLETED` (or `FAILED`/`IN_PROGRESS` in a tainted resource).",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"log_path": schema.StringAttribute{
				MarkdownDescription: "Path of the migration log in the 5.0 app's Files, such as `/migration/import-<id>.log`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"tables": schema.MapAttribute{
				MarkdownDescription: "Row count of every table of the archive, as counted in the 5.0 app after the import (equal to the manifest's counts).",
				ElementType:         types.Int64Type,
				Computed:            true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"archive_sha256": schema.StringAttribute{
				MarkdownDescription: "SHA-256 (hex) of the imported archive, computed while streaming it and confirmed by the migration log.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"archive_bytes": schema.Int64Attribute{
				MarkdownDescription: "Size of the imported archive in bytes, as the migration log reports it (null with `documented_only`: no documented read shows it).",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"source_sha256": schema.StringAttribute{
				MarkdownDescription: "SHA-256 (hex) of the data archive on the 3.x side, computed while streaming it from the 3.x download URL (into the import in api mode; " +
					"on its own in manual mode). Checked against `archive_sha256`, what the importer received, when the migration log reports it.",
				Computed:      true,
				PlanModifiers: keep,
			},
			"source_bytes": schema.Int64Attribute{
				MarkdownDescription: "Size in bytes of the data archive streamed from the 3.x side.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"documented_only": schema.BoolAttribute{
				MarkdownDescription: "Use only calls Backendless documents (or its SDK uses): requires `mode = \"manual\"`. The import has no documented read of its progress " +
					"(the migration log's location and format are not published), so a person runs the import in the 5.0 console and then sets `import_confirmed = true`; " +
					"apply then checks the archive (documented download URL with `Range`), hashes it (documented download) and compares every table's row count in the 5.0 app " +
					"(documented REST object count) with the archive's manifest. Default `false`. See the guide \"Backendless on documented APIs only\".",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"import_confirmed": schema.BoolAttribute{
				MarkdownDescription: "With `documented_only`: set it to `true` after you ran the import in the 5.0 console and its migration log says it completed. " +
					"Until then apply stops at this resource with the console steps (nothing is recorded), and the other resources apply. Default `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"timeouts": dataImportTimeouts.attribute(ctx),
		},
	}
}

func (r *dataImportResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// importFollowStep is the resume point of an import whose id and log are recorded.
const importFollowStep = "following the migration log of the import"

// importResults are the attributes an unfinished import does not know yet.
var importResults = map[string]attr.Value{
	"status": types.StringUnknown(), "tables": types.MapUnknown(types.Int64Type),
	"archive_sha256": types.StringUnknown(), "archive_bytes": types.Int64Unknown(),
	"source_sha256": types.StringUnknown(), "source_bytes": types.Int64Unknown(),
}

// importGate is the manual step, in the runbook's words (steps 4, 6 and 7). appID and
// sourcePath are empty while unknown (at plan, before the app or the archive exists).
func importGate(appID, sourcePath string) manualGate {
	archive := "the \"data\" archive"
	if sourcePath != "" {
		_, name := backendless.SplitPath(sourcePath)
		archive = fmt.Sprintf("the \"data\" archive (%s, in /migration-to-4 of the 3.x app's File storage)", name)
	}
	target, selectApp := "the new 5.0 app", "Open Backendless Console for 5.0 and select the app where you will import the data/files (the app this configuration creates)."
	if appID != "" {
		target = "the 5.0 app " + appID
		selectApp = fmt.Sprintf("Open Backendless Console for 5.0 and select the app where you will import the data/files (id %s).", appID)
	}
	return manualGate{
		Console: "the Backendless 5.0 console",
		Step:    "import " + archive + " into " + target,
		Clicks: []string{
			"Download " + archive + " from the Files section of the 3.x app.",
			selectApp,
			"Click the Manage icon, then click Import.",
			"Click the Browse button located next to \"Backendless app\" and browse to the \"data\" archive downloaded from Backendless Cloud.",
			"Once the file is selected, click the IMPORT button at the bottom of the screen to initiate the import process.",
		},
		DoneWhen: "the migration log in the Files section of the 5.0 app (" + backendless.ImportLogDir + ") shows the import of that archive finished",
	}
}

// ModifyPlan checks the 3.x key at plan time and, in manual mode, tells the operator what to click.
func (r *dataImportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	client := r.backendlessClient(dataImportType, &resp.Diagnostics)
	if client == nil {
		return
	}
	var plan dataImportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkLegacyKey(client, path.Root("source_app_id"), plan.SourceAppID, &resp.Diagnostics)
	planResume(ctx, req, resp, importResults)
	planCheckUploadBeforeImport(plan.FilesUploadID, plan.AppID, &resp.Diagnostics)
	if req.State.Raw.IsNull() {
		// Creating: what is readable now is checked now, before anything is imported.
		planCheckTargetApp(ctx, client, path.Root("app_id"), plan.AppID, &resp.Diagnostics)
		planCheckLegacySource(ctx, client, legacySourceFileAttrs, plan.SourceAppID, plan.SourceVersion, plan.SourcePath, func(ctx context.Context, app, ver, file string) error {
			_, err := client.LegacyArchiveManifest(ctx, app, ver, file)
			return err
		}, &resp.Diagnostics)
	}
	if plan.DocumentedOnly.ValueBool() && !plan.Mode.IsUnknown() && plan.Mode.ValueString() != modeManual {
		resp.Diagnostics.AddAttributeError(path.Root("mode"), "documented_only needs mode = \"manual\"",
			"Backendless documents no API for Manage → Import → \"Backendless app\" (the call api mode makes is MODELED). Set mode = \"manual\" and run the import in the 5.0 console, or remove documented_only.")
	}
	if !plan.DocumentedOnly.IsUnknown() && !plan.DocumentedOnly.ValueBool() && plan.ImportConfirmed.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("import_confirmed"), "import_confirmed is used only with documented_only",
			"import_confirmed = true confirms a console import in documented-only mode; without documented_only the provider follows the migration log itself. "+
				"Remove import_confirmed, or set documented_only = true and mode = \"manual\".")
	}
	if plan.Mode.ValueString() != modeManual || !plan.ID.IsUnknown() {
		return // api mode, or nothing is (re)created
	}
	timeout, diags := plan.Timeouts.Create(ctx, dataImportTimeouts.Create)
	resp.Diagnostics.Append(diags...)
	appID := ""
	if !plan.AppID.IsUnknown() {
		appID = plan.AppID.ValueString()
	}
	src := ""
	if !plan.SourcePath.IsUnknown() {
		src = plan.SourcePath.ValueString()
	}
	gate := importGate(appID, src)
	if plan.DocumentedOnly.ValueBool() && !plan.ImportConfirmed.ValueBool() {
		resp.Diagnostics.Append(diag.NewAttributeWarningDiagnostic(path.Root("import_confirmed"), "Manual step: "+gate.Step,
			fmt.Sprintf("documented_only = true: the import has no documented read, so apply stops at this resource (recording nothing) until you confirm it. In %s:\n\n%s\n"+
				"When the migration log in the Files section says the migration completed, set import_confirmed = true and apply again: the provider then compares every table's row count with the archive.",
				gate.Console, gate.instructions())))
		return
	}
	resp.Diagnostics.Append(gate.planWarning(timeout))
}

// sourceArchive is the data archive as the 3.x listing shows it, with its manifest.
type sourceArchive struct {
	info     *backendless.FileInfo
	manifest *backendless.Manifest
}

func (r *dataImportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan dataImportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.backendlessClient(dataImportType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, dataImportTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID, srcPath := plan.AppID.ValueString(), plan.SourcePath.ValueString()
	what := fmt.Sprintf("Importing %s into Backendless app %s", srcPath, appID)

	if plan.DocumentedOnly.ValueBool() && !plan.ImportConfirmed.ValueBool() {
		gate := importGate(appID, srcPath)
		resp.Diagnostics.AddAttributeError(path.Root("import_confirmed"), "Manual step not confirmed: "+gate.Step,
			fmt.Sprintf("documented_only = true, and Backendless documents no read of an import's progress, so this step waits for your word. Nothing was recorded. In %s:\n\n%s\n"+
				"When the migration log in the Files section says the migration completed, set import_confirmed = true and run apply again.",
				gate.Console, gate.instructions()))
		return
	}
	// The plan's check of the archive's entries, again before anything is started: the plan
	// skips it when source_path is unknown then (the archive resource creates it in the same
	// apply), and an archive with entries that escape its folder must never be imported.
	if !applyCheckLegacySource(ctx, client, r.data.poll, legacySourceFileAttrs, plan.SourceAppID, plan.SourceVersion, plan.SourcePath,
		client.CheckLegacyArchive, &resp.Diagnostics) {
		return
	}
	// What the import must produce, read from the archive before anything is started.
	src, ok := r.readSource(ctx, client, &plan, what, &resp.Diagnostics)
	if !ok {
		return
	}
	if plan.DocumentedOnly.ValueBool() {
		r.verifyConfirmed(ctx, client, &plan, src, what, resp)
		return
	}
	type found struct {
		earlier *backendless.MigrationLog
		before  map[string]bool
	}
	f0, err := rideOut(ctx, r.data.poll, "reading the migration logs of app "+appID, func(ctx context.Context) (found, error) {
		earlier, before, err := findEarlierImport(ctx, client, appID, src.info)
		return found{earlier, before}, err
	})
	earlier, before := f0.earlier, f0.before
	if err != nil {
		addError(&resp.Diagnostics, what+": looking for an earlier import of this archive", err)
		return
	}
	f := importFollow{plan: &plan, src: src, before: before, diags: &resp.Diagnostics, state: &resp.State, private: resp.Private}
	switch {
	case earlier != nil:
		resp.Diagnostics.AddWarning("Adopted an earlier import of the same archive",
			fmt.Sprintf("The migration log %s shows an import (%s) of %s (%d bytes) into app %s with status %s. It is adopted rather than importing the archive a second time.",
				earlier.Path, earlier.ImportID, src.info.Name, src.info.Size, appID, earlier.Status))
		f.start(ctx, earlier.ImportID, earlier.Path, nil)
		r.follow(ctx, client, f)
	case plan.Mode.ValueString() == modeManual:
		log, err := r.waitForManualImport(ctx, client, appID, src, before)
		if err != nil {
			addGateError(&resp.Diagnostics, what, err)
			return
		}
		plan.recordStart(log.ImportID, log.Path)
		r.finish(ctx, client, f, log)
	default:
		if !r.checkTargetEmpty(ctx, client, &plan, what, &resp.Diagnostics) {
			return
		}
		match := backendless.ImportMatch{Archive: src.info.Name, Bytes: src.info.Size, Known: before}
		// A start that failed for a while (5xx, connections) is tried again, each time after
		// reading the logs, so the archive is never streamed again once an import of it began.
		var digest transport.Digest
		attempt := 0
		job, startErr := rideOut(ctx, r.data.poll, what+": starting the import", func(ctx context.Context) (*backendless.ImportJob, error) {
			if attempt++; attempt > 1 {
				logs, _, err := client.FindImports(ctx, appID, src.info.Name, src.info.Size)
				if err != nil {
					return nil, err
				}
				for i := len(logs) - 1; i >= 0; i-- {
					if !before[logs[i].Path] {
						return &backendless.ImportJob{ID: logs[i].ImportID, Status: logs[i].Status, LogPath: logs[i].Path, LostAnswer: true}, nil
					}
				}
			}
			job, d, err := client.StartImport(ctx, appID, plan.ImportType.ValueString(), plan.AllowNonEmptyTarget.ValueBool(), match,
				client.LegacyDownload(plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), srcPath))
			digest = d
			return job, err
		})
		if startErr != nil {
			job = r.startedAnyway(ctx, client, appID, src, before, startErr)
			if job == nil {
				addLegacyError(&resp.Diagnostics, path.Root("source_app_id"), what+": starting the import", startErr)
				return
			}
		}
		// The import runs now: record it before waiting, so an interruption leaves a resource
		// that names it (resumed by the next apply) instead of a second import next time.
		var sent *transport.Digest
		if !job.LostAnswer && digest.SHA256 != "" {
			sent = &digest
		}
		f.start(ctx, job.ID, job.LogPath, sent)
		r.follow(ctx, client, f)
	}
}

// verifyConfirmed finishes a documented-only step the person confirmed: it hashes the data
// archive through the documented 3.x download, then waits (documented REST object counts) until
// every table of the manifest holds its rows in the 5.0 app. A count that stays different is a
// timeout naming the tables, never a silent one.
func (r *dataImportResource) verifyConfirmed(ctx context.Context, client *backendless.Client, plan *dataImportModel, src *sourceArchive, what string, resp *resource.CreateResponse) {
	appID := plan.AppID.ValueString()
	d, err := rideOut(ctx, r.data.poll, "hashing "+src.info.Name+" on the 3.x side", func(ctx context.Context) (transport.Digest, error) {
		return client.HashLegacyFile(ctx, plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString())
	})
	if err != nil {
		addLegacyError(&resp.Diagnostics, path.Root("source_app_id"), what+": hashing the data archive on the 3.x side", err)
		return
	}
	gate := importGate(appID, plan.SourcePath.ValueString())
	gate.DoneWhen = "every table of the archive's manifest holds its rows in the 5.0 app (documented REST object count)"
	var counts map[string]int64
	err = gate.wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		got, missing, err := countTables(ctx, client, appID, src.manifest.Tables)
		if err != nil {
			return manualProgress{}, err
		}
		counts = got
		if report, differ := compareCounts(src.manifest.Tables, got, missing); differ {
			return manualProgress{Missing: "the imported rows; the 5.0 app does not hold what the archive's manifest lists yet:\n" + report}, nil
		}
		return manualProgress{Done: true}, nil
	})
	if err != nil {
		addGateError(&resp.Diagnostics, what, err)
		return
	}
	tables, diags := types.MapValueFrom(ctx, types.Int64Type, counts)
	resp.Diagnostics.Append(diags...)
	plan.ID = types.StringValue("confirmed-" + d.SHA256[:12])
	plan.Status, plan.LogPath, plan.Tables = types.StringValue(backendless.LogCompleted), types.StringNull(), tables
	plan.ArchiveSHA256, plan.ArchiveBytes = types.StringNull(), types.Int64Null()
	plan.SourceSHA256, plan.SourceBytes = types.StringValue(d.SHA256), types.Int64Value(d.Bytes)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// startedAnyway looks, after a start that failed without the vendor's answer (Ctrl-C, the step's
// timeout, a connection that broke after the retries), for the import it may have started
// anyway: a log of this archive that was not among before. nil when there is none.
func (r *dataImportResource) startedAnyway(ctx context.Context, client *backendless.Client, appID string, src *sourceArchive, before map[string]bool, err error) *backendless.ImportJob {
	if vendorRefused(err) {
		return nil
	}
	settle, cancel := settleContext(ctx)
	defer cancel()
	logs, _, lookupErr := client.FindImports(settle, appID, src.info.Name, src.info.Size)
	if lookupErr != nil {
		return nil
	}
	for i := len(logs) - 1; i >= 0; i-- {
		if !before[logs[i].Path] {
			return &backendless.ImportJob{ID: logs[i].ImportID, Status: logs[i].Status, LogPath: logs[i].Path, LostAnswer: true}
		}
	}
	return nil
}

// importFollow is one import being followed to its end, with where its outcome goes.
type importFollow struct {
	plan   *dataImportModel
	src    *sourceArchive
	sent   *transport.Digest // what this apply streamed, when it streamed the archive itself
	before map[string]bool   // the logs there were before this apply started an import; nil on resume
	// diags, state and private are the Create's or the resuming Update's.
	diags   *diag.Diagnostics
	state   *tfsdk.State
	private privateSetter
}

// start records the import followed, with its resume point, before anything is waited for.
func (f *importFollow) start(ctx context.Context, importID, logPath string, sent *transport.Digest) {
	f.sent = sent
	f.plan.recordStart(importID, logPath)
	if sent != nil {
		f.plan.SourceSHA256, f.plan.SourceBytes = types.StringValue(sent.SHA256), types.Int64Value(sent.Bytes)
	}
	f.diags.Append(f.state.Set(ctx, f.plan.partial())...)
	f.diags.Append(setResume(ctx, f.private, importFollowStep)...)
}

// follow waits for the recorded import's log to reach its final line, then finishes the step. A
// failed import that a duplicate delivery started is exchanged for the one that loaded.
func (r *dataImportResource) follow(ctx context.Context, client *backendless.Client, f importFollow) {
	appID, importID := f.plan.AppID.ValueString(), f.plan.ID.ValueString()
	what := fmt.Sprintf("Import %s of %s into Backendless app %s", importID, f.src.info.Name, appID)
	log, err := r.waitForLog(ctx, client, appID, f.plan.LogPath.ValueString(), importID)
	if err != nil {
		interrupted(ctx, f.diags, f.state, f.private, f.plan.partial(), importFollowStep, what, "The import "+importID, err, addError)
		return
	}
	if log.Status == backendless.LogFailed {
		other, err := r.otherImport(ctx, client, appID, f.src, importID)
		if err != nil {
			interrupted(ctx, f.diags, f.state, f.private, f.plan.partial(), importFollowStep, what, "The import "+importID, err, addError)
			return
		}
		if other != nil {
			f.diags.AddWarning("Followed the import that loaded the archive",
				fmt.Sprintf("The import %s of %s failed (its log says: %s), because another import of the same archive, %s, loaded it first: the start was delivered twice. "+
					"Import %s loaded nothing; %s is the one recorded.", importID, f.src.info.Name, strings.Join(log.Errors, "; "), other.ImportID, importID, other.ImportID))
			f.start(ctx, other.ImportID, other.Path, nil)
			r.follow(ctx, client, f)
			return
		}
	}
	r.finish(ctx, client, f, log)
}

// otherImport finds another import of the same archive than skip that did not fail: the one a
// duplicate delivery started next to it. Before this step started its own import there was none
// (Create adopts one that did not fail), so any there is now belongs to this step.
func (r *dataImportResource) otherImport(ctx context.Context, client *backendless.Client, appID string, src *sourceArchive, skip string) (*backendless.MigrationLog, error) {
	logs, _, err := client.FindImports(ctx, appID, src.info.Name, src.info.Size)
	if err != nil {
		return nil, err
	}
	for _, l := range logs {
		if l.ImportID != skip && l.Status != backendless.LogFailed {
			return l, nil
		}
	}
	return nil, nil
}

// readSource stats the data archive and reads its manifest with Range requests. A broken archive
// stops here, before anything is imported.
func (r *dataImportResource) readSource(ctx context.Context, client *backendless.Client, plan *dataImportModel, what string, diags *diag.Diagnostics) (*sourceArchive, bool) {
	srcApp, srcVersion, srcPath := plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString()
	info, err := rideOut(ctx, r.data.poll, "reading "+srcPath, func(ctx context.Context) (*backendless.FileInfo, error) {
		return client.StatLegacyDownload(ctx, srcApp, srcVersion, srcPath)
	})
	if backendless.IsFileNotFound(err) {
		diags.AddAttributeError(path.Root("source_path"), "Data archive not found",
			fmt.Sprintf("%s: %s is not in the File storage of 3.x app %s version %s. Create the migration archive again "+
				"(terraform apply -replace=%s.<name>) or correct source_path.", what, srcPath, srcApp, srcVersion, migrationArchiveType))
		return nil, false
	}
	if err != nil {
		addLegacyError(diags, path.Root("source_app_id"), what+": reading the source archive", err)
		return nil, false
	}
	manifest, err := rideOut(ctx, r.data.poll, "reading manifest.json of "+srcPath, func(ctx context.Context) (*backendless.Manifest, error) {
		return client.LegacyArchiveManifest(ctx, srcApp, srcVersion, srcPath)
	})
	var broken *backendless.ArchiveError
	if errors.As(err, &broken) {
		diags.AddAttributeError(path.Root("source_path"), "The data archive is not a usable migration archive",
			fmt.Sprintf("%s: %v. Nothing was imported.\n\nCreate the migration archive again (terraform apply -replace=%s.<name>, or in the 3.x console) and apply again.",
				what, err, migrationArchiveType))
		return nil, false
	}
	if err != nil {
		addLegacyError(diags, path.Root("source_app_id"), what+": reading manifest.json of the source archive", err)
		return nil, false
	}
	return &sourceArchive{info: info, manifest: manifest}, true
}

// findEarlierImport looks through the target's migration logs for an import of the same archive
// (same name and size in the log's first line). A completed or running one is returned to be
// adopted; failed ones are skipped, because a failed import loads nothing. seen holds every log
// present now, so a new import can be told from an old one.
func findEarlierImport(ctx context.Context, client *backendless.Client, appID string, src *backendless.FileInfo) (*backendless.MigrationLog, map[string]bool, error) {
	logs, seen, err := client.FindImports(ctx, appID, src.Name, src.Size)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range logs {
		if l.Status != backendless.LogFailed {
			return l, seen, nil
		}
	}
	return nil, seen, nil
}

// checkTargetEmpty refuses, before importing, a target that already has tables, unless allowed.
func (r *dataImportResource) checkTargetEmpty(ctx context.Context, client *backendless.Client, plan *dataImportModel, what string, diags *diag.Diagnostics) bool {
	if plan.AllowNonEmptyTarget.ValueBool() {
		return true
	}
	tables, err := rideOut(ctx, r.data.poll, "listing the tables of app "+plan.AppID.ValueString(), func(ctx context.Context) ([]backendless.Table, error) {
		return client.ListTables(ctx, plan.AppID.ValueString())
	})
	if err != nil {
		addError(diags, what+": checking that the target app is blank", err)
		return false
	}
	if len(tables) == 0 {
		return true
	}
	names := make([]string, 0, len(tables))
	for _, t := range tables {
		names = append(names, t.Name)
	}
	diags.AddAttributeError(path.Root("allow_non_empty_target"), "The target app is not blank",
		fmt.Sprintf("%s: the app already has tables: %s. Nothing was imported.\n\nThe runbook recommends \"to start with a blank/new app to avoid any conflicts during the import\": "+
			"import into a new appmigrate_backendless_app, or set allow_non_empty_target = true to import anyway.", what, strings.Join(names, ", ")))
	return false
}

// waitForLog follows a migration log until its final line. A log not written yet counts as running.
func (r *dataImportResource) waitForLog(ctx context.Context, client *backendless.Client, appID, logPath, importID string) (*backendless.MigrationLog, error) {
	var last *backendless.MigrationLog
	_, err := transport.Poll(ctx, r.data.poll.options(fmt.Sprintf("Backendless import %s into app %s (migration log %s)", importID, appID, logPath)),
		func(ctx context.Context) (transport.Status, error) {
			l, err := client.ReadMigrationLog(ctx, appID, logPath)
			if backendless.Is404(err) { // the console's 404 is empty (§6); waiting changes nothing
				return transport.Status{State: "WAITING_FOR_LOG", Message: "the migration log has not been written yet"}, nil
			}
			if err != nil {
				return transport.Status{}, err
			}
			last = l
			msg := ""
			if len(l.Lines) > 0 {
				msg = l.Lines[len(l.Lines)-1]
			}
			return transport.Status{State: l.Status, Message: msg, Done: l.Status != backendless.LogInProgress}, nil
		})
	if err != nil {
		return nil, err
	}
	if last.ImportID == "" {
		last.ImportID = importID
	}
	return last, nil
}

// waitForManualImport waits, calling nothing that mutates, for a person to import the archive:
// a migration log that was not there at the start, for an archive of the same size, reaching
// its final line. The size is what identifies the archive: a browser upload may rename the file.
func (r *dataImportResource) waitForManualImport(ctx context.Context, client *backendless.Client, appID string, src *sourceArchive, seen map[string]bool) (*backendless.MigrationLog, error) {
	gate := importGate(appID, backendless.MigrationDir+"/"+src.info.Name)
	var found *backendless.MigrationLog
	err := gate.wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		logs, err := client.ImportLogs(ctx, appID)
		if err != nil {
			return manualProgress{}, err
		}
		var running *backendless.MigrationLog
		for _, f := range logs {
			p := backendless.CleanPath(backendless.ImportLogDir + "/" + f.Name)
			if seen[p] {
				continue
			}
			l, err := client.ReadMigrationLog(ctx, appID, p)
			if backendless.Is404(err) { // gone since the listing; waiting changes nothing
				continue
			}
			if err != nil {
				return manualProgress{}, err
			}
			if l.ImportID == "" || l.ArchiveBytes != src.info.Size {
				continue // not started far enough to tell, or another archive
			}
			if l.Status != backendless.LogInProgress {
				found = l
				return manualProgress{Done: true}, nil
			}
			running = l
		}
		if running != nil {
			return manualProgress{Missing: fmt.Sprintf("the import %s is still running (last line of %s: %q)", running.ImportID, running.Path, running.Lines[len(running.Lines)-1])}, nil
		}
		return manualProgress{Missing: fmt.Sprintf("a new migration log in %s for an archive of %d bytes (%s): the import has not been started", backendless.ImportLogDir, src.info.Size, src.info.Name)}, nil
	})
	return found, err
}

// finish turns a final log into state: a failure quotes the log; a completion is verified
// against the manifest table by table. The step is finished either way (no resume point): a
// failed import loaded nothing and the replacement starts a new one.
func (r *dataImportResource) finish(ctx context.Context, client *backendless.Client, f importFollow, log *backendless.MigrationLog) {
	plan, src := f.plan, f.src
	appID := plan.AppID.ValueString()
	what := fmt.Sprintf("Import %s of %s into Backendless app %s", log.ImportID, src.info.Name, appID)
	plan.recordStart(log.ImportID, log.Path)
	plan.Status = types.StringValue(log.Status)
	if log.ArchiveSHA256 != "" {
		plan.ArchiveSHA256, plan.ArchiveBytes = types.StringValue(log.ArchiveSHA256), types.Int64Value(log.ArchiveBytes)
	}
	if plan.SourceSHA256.IsNull() || plan.SourceSHA256.IsUnknown() {
		// Not streamed by this apply (an adopted or a manual import): hash the 3.x side now.
		d, err := rideOut(ctx, r.data.poll, "hashing "+src.info.Name+" on the 3.x side", func(ctx context.Context) (transport.Digest, error) {
			return client.HashLegacyFile(ctx, plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString())
		})
		if err != nil {
			interrupted(ctx, f.diags, f.state, f.private, plan.partial(), importFollowStep, what+": hashing the data archive on the 3.x side", "The import "+log.ImportID, err, addError)
			return
		}
		plan.SourceSHA256, plan.SourceBytes = types.StringValue(d.SHA256), types.Int64Value(d.Bytes)
	}
	done := func() {
		f.diags.Append(f.state.Set(ctx, plan.partial())...)
		f.diags.Append(setResume(ctx, f.private, "")...)
	}
	if log.Status == backendless.LogFailed {
		done()
		f.diags.AddError("Backendless import failed",
			fmt.Sprintf("%s failed. The migration log %s says:\n\n%s\n\nLast %d lines of the log:\n\n%s\n\n"+
				"Fix the cause (for a broken archive, create the migration archive again: terraform apply -replace=%s.<name>) and run apply again. "+
				"A failed import loads nothing; the next apply starts a new one, and never repeats a completed import of the same archive.",
				what, log.Path, indent(log.Errors), logTailLines, indent(log.Tail(logTailLines)), migrationArchiveType))
		return
	}
	sent := transport.Digest{SHA256: plan.SourceSHA256.ValueString(), Bytes: plan.SourceBytes.ValueInt64()}
	if log.ArchiveSHA256 != "" && (sent.SHA256 != log.ArchiveSHA256 || sent.Bytes != log.ArchiveBytes) {
		done()
		f.diags.AddError("The importer received different bytes",
			fmt.Sprintf("%s: the data archive on the 3.x side is %d bytes with SHA-256 %s, but the migration log %s reports %d bytes with SHA-256 %s. "+
				"The import is recorded as tainted; run apply again to import afresh into a new app.", what, sent.Bytes, sent.SHA256, log.Path, log.ArchiveBytes, log.ArchiveSHA256))
		return
	}

	type tableCounts struct {
		counts  map[string]int64
		missing map[string]bool
	}
	tc, err := rideOut(ctx, r.data.poll, "counting the imported rows in app "+appID, func(ctx context.Context) (tableCounts, error) {
		counts, missing, err := countTables(ctx, client, appID, src.manifest.Tables)
		return tableCounts{counts, missing}, err
	})
	counts, missing := tc.counts, tc.missing
	if err != nil {
		// The import completed; only the count is missing, and the next apply counts again.
		interrupted(ctx, f.diags, f.state, f.private, plan.partial(), importFollowStep, what+": counting the imported rows", "The import "+log.ImportID, err, addError)
		return
	}
	tables, diags := types.MapValueFrom(ctx, types.Int64Type, counts)
	f.diags.Append(diags...)
	plan.Tables = tables
	done()
	if report, differ := compareCounts(src.manifest.Tables, counts, missing); differ {
		f.diags.AddError("Imported row counts differ from the archive",
			fmt.Sprintf("%s: the migration log says %q, but the 5.0 app does not hold what the archive's manifest lists:\n\n%s\n"+
				"Last %d lines of the migration log %s:\n\n%s\n\nThe import is recorded as tainted. Investigate in the 5.0 console before re-running apply into a new app.",
				what, "MIGRATION COMPLETED", report, logTailLines, log.Path, indent(log.Tail(logTailLines))))
		return
	}
	r.reportDuplicates(ctx, client, f, log.ImportID)
}

// reportDuplicates names the other imports of the same archive a duplicate delivery started
// during this apply (logs that were not there before it), so the target's history is explained:
// a failed one loaded nothing, a completed one (allow_non_empty_target) loaded the archive again.
func (r *dataImportResource) reportDuplicates(ctx context.Context, client *backendless.Client, f importFollow, own string) {
	if f.before == nil {
		return
	}
	logs, _, err := client.FindImports(ctx, f.plan.AppID.ValueString(), f.src.info.Name, f.src.info.Size)
	if err != nil {
		return // only a report; the import itself is verified
	}
	var extra []string
	for _, l := range logs {
		if l.ImportID != own && !f.before[l.Path] {
			extra = append(extra, fmt.Sprintf("%s (%s, %s)", l.ImportID, l.Status, l.Path))
		}
	}
	if len(extra) > 0 {
		f.diags.AddWarning("The import was started more than once",
			fmt.Sprintf("Besides import %s, the importer ran %s for the same archive: the start was delivered twice on the way. "+
				"A FAILED one loaded nothing; a COMPLETED one imported the archive again over the same tables.", own, strings.Join(extra, ", ")))
	}
}

// countTables counts every table of the manifest in the target (Data API, REST key).
func countTables(ctx context.Context, client *backendless.Client, appID string, want map[string]int64) (map[string]int64, map[string]bool, error) {
	counts := map[string]int64{}
	missing := map[string]bool{}
	for _, name := range sortedKeys(want) {
		n, err := client.CountRows(ctx, appID, name)
		if backendless.IsNotFound(err) {
			missing[name] = true
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		counts[name] = n
	}
	return counts, missing, nil
}

// compareCounts renders the per-table comparison and says whether anything differs.
func compareCounts(want, got map[string]int64, missing map[string]bool) (string, bool) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  table\tmanifest\ttarget\t")
	differ := false
	for _, name := range sortedKeys(want) {
		target, mark := fmt.Sprint(got[name]), ""
		if missing[name] {
			target = "missing"
		}
		if missing[name] || got[name] != want[name] {
			mark, differ = "<- differs", true
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", name, want[name], target, mark)
	}
	_ = tw.Flush()
	return b.String(), differ
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func indent(lines []string) string {
	if len(lines) == 0 {
		return "  (no lines)"
	}
	return "  " + strings.Join(lines, "\n  ")
}

func (r *dataImportResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state dataImportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(dataImportType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, dataImportTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID := state.AppID.ValueString()
	if _, err := client.GetApp(ctx, appID); backendless.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Import target app no longer exists",
			fmt.Sprintf("The Backendless app %s that import %s loaded data into was deleted outside Terraform, and the imported data with it. "+
				"The import is removed from state; the next apply imports again.", appID, state.ID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	} else if err != nil {
		addError(&resp.Diagnostics, "Reading Backendless app "+appID, err)
		return
	}
	if !state.Status.IsNull() {
		// The recorded outcome stands: an import is not undone by a vanished log file.
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	// Just imported by <app_id>:<import_id>: rebuild the outcome from the migration log.
	logPath := backendless.ImportLogPath(state.ID.ValueString())
	l, err := client.ReadMigrationLog(ctx, appID, logPath)
	if err != nil {
		addError(&resp.Diagnostics, fmt.Sprintf("Reading the migration log %s of import %s", logPath, state.ID.ValueString()), err)
		return
	}
	counts, _, err := countTables(ctx, client, appID, l.Tables)
	if err != nil {
		addError(&resp.Diagnostics, "Counting the rows of the imported tables in app "+appID, err)
		return
	}
	tables, diags := types.MapValueFrom(ctx, types.Int64Type, counts)
	resp.Diagnostics.Append(diags...)
	state.Status, state.LogPath, state.Tables = types.StringValue(l.Status), types.StringValue(logPath), tables
	state.ArchiveSHA256, state.ArchiveBytes = types.StringValue(l.ArchiveSHA256), types.Int64Value(l.ArchiveBytes)
	state.SourceSHA256, state.SourceBytes = types.StringNull(), types.Int64Null() // a refresh does not stream the 3.x archive
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update records changed settings (mode, allow_non_empty_target, import_type, timeouts, sources
// right after import): an import that happened is not redone.
func (r *dataImportResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state dataImportModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rp, diags := resumeOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	plan.ID, plan.LogPath = state.ID, state.LogPath
	if rp == nil || state.ID.IsNull() || state.LogPath.IsNull() {
		plan.Status, plan.Tables = state.Status, state.Tables
		plan.ArchiveSHA256, plan.ArchiveBytes = state.ArchiveSHA256, state.ArchiveBytes
		plan.SourceSHA256, plan.SourceBytes = state.SourceSHA256, state.SourceBytes
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	// An interrupted create: follow its import to the end and verify it, as Create would have.
	client := r.backendlessClient(dataImportType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, dataImportTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	what := fmt.Sprintf("Resuming import %s into Backendless app %s", state.ID.ValueString(), plan.AppID.ValueString())
	src, ok := r.readSource(ctx, client, &plan, what, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.Status = state.Status
	plan.SourceSHA256, plan.SourceBytes = state.SourceSHA256, state.SourceBytes
	f := importFollow{plan: &plan, src: src, diags: &resp.Diagnostics, state: &resp.State, private: resp.Private}
	if !state.SourceSHA256.IsNull() && !state.SourceBytes.IsNull() {
		f.sent = &transport.Digest{SHA256: state.SourceSHA256.ValueString(), Bytes: state.SourceBytes.ValueInt64()}
	}
	r.follow(ctx, client, f)
}

// Delete has nothing to undo: Backendless has no "un-import". It says so.
func (r *dataImportResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state dataImportModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddWarning("Import not undone",
		fmt.Sprintf("Removing import %s from state undoes nothing: Backendless has no way to un-import data. "+
			"The 5.0 app %s holds the imported data until the app itself is deleted (appmigrate_backendless_app with deletion_protection = false).",
			state.ID.ValueString(), state.AppID.ValueString()))
}

// ImportState takes `<app_id>:<import_id>`; Read rebuilds the outcome from the migration log.
func (r *dataImportResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	appID, importID, ok := strings.Cut(req.ID, ":")
	if !ok || appID == "" || importID == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a data import by `<app_id>:<import_id>` (the 5.0 application id and the id in the migration log's name, /migration/import-<import_id>.log), got %q.", req.ID))
		return
	}
	for name, v := range map[string]attr.Value{
		"id": types.StringValue(importID), "app_id": types.StringValue(appID), "mode": types.StringValue(modeAPI),
		"allow_non_empty_target": types.BoolValue(false), "import_type": types.StringValue(backendless.DefaultImportType),
		"documented_only": types.BoolValue(false), "import_confirmed": types.BoolValue(false),
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}

// recordStart notes which import this resource follows.
func (m *dataImportModel) recordStart(importID, logPath string) {
	m.ID, m.LogPath = types.StringValue(importID), types.StringValue(backendless.CleanPath(logPath))
	if m.Status.IsUnknown() || m.Status.IsNull() {
		m.Status = types.StringValue(backendless.LogInProgress)
	}
}

// partial is the model with every value not known yet set to null, for saving state mid-create.
func (m dataImportModel) partial() dataImportModel {
	nullUnknownStrings(&m.ID, &m.Status, &m.LogPath, &m.ArchiveSHA256, &m.SourceSHA256)
	nullUnknownInts(&m.ArchiveBytes, &m.SourceBytes)
	if m.Tables.IsUnknown() {
		m.Tables = types.MapNull(types.Int64Type)
	}
	return m
}
