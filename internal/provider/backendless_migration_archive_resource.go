package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
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

// Runbook steps 1–4 (Backendless 3.x): "Click the Migrate to Backendless 4.0 button", select a
// version, click "Create migration archive for 4.0"; Backendless builds a data and a files archive
// asynchronously and places them "into the /migration-to-4 directory in the File storage of your
// app". The vendor has no API for the button, so api mode calls a modeled one and manual mode
// waits for a person to click while it watches the (inferred) 3.x directory listing.
//
// Resume, never repeat: an archive job is identified by its app and version. Before requesting
// one, Create lists the version's jobs (the MODELED job list) and adopts a running job, or one
// finished less than archiveAdoptWindow ago whose two archives are still there (what an apply
// killed before it could record its job leaves). A request whose answer is lost is resolved by
// the same list: a job that was not there before the request is its own. Ctrl-C while waiting
// saves the job untainted with a resume point; the next apply's Update waits for it.

var (
	_ resource.Resource                = &migrationArchiveResource{}
	_ resource.ResourceWithConfigure   = &migrationArchiveResource{}
	_ resource.ResourceWithImportState = &migrationArchiveResource{}
	_ resource.ResourceWithModifyPlan  = &migrationArchiveResource{}
)

const migrationArchiveType = "appmigrate_backendless_migration_archive"

// Default archive name patterns: the runbook's patterns did not survive in any copy
// (backendless-console-api.md §Step 1), so these match the sandbox's modeled names
// `<App>_<version>_data_<yyyyMMddHHmmss>.zip` and can be overridden.
const (
	defaultDataArchivePattern  = `_data_[^/]*\.zip$`
	defaultFilesArchivePattern = `_files_[^/]*\.zip$`
)

// NewBackendlessMigrationArchiveResource returns the appmigrate_backendless_migration_archive resource.
// archiveTimeouts are the step's timeouts and their defaults.
var archiveTimeouts = stepTimeouts{Create: 60 * time.Minute, Read: 5 * time.Minute, Delete: 10 * time.Minute}

func NewBackendlessMigrationArchiveResource() resource.Resource { return &migrationArchiveResource{} }

type migrationArchiveResource struct{ configured }

type migrationArchiveModel struct {
	ID                  types.String   `tfsdk:"id"`
	AppID               types.String   `tfsdk:"app_id"`
	Version             types.String   `tfsdk:"version"`
	Mode                types.String   `tfsdk:"mode"`
	AcceptExisting      types.Bool     `tfsdk:"accept_existing"`
	RetainOnDestroy     types.Bool     `tfsdk:"retain_on_destroy"`
	DocumentedOnly      types.Bool     `tfsdk:"documented_only"`
	DataArchivePattern  types.String   `tfsdk:"data_archive_pattern"`
	FilesArchivePattern types.String   `tfsdk:"files_archive_pattern"`
	JobID               types.String   `tfsdk:"job_id"`
	DataArchiveName     types.String   `tfsdk:"data_archive_name"`
	DataArchivePath     types.String   `tfsdk:"data_archive_path"`
	DataArchiveSize     types.Int64    `tfsdk:"data_archive_size"`
	FilesArchiveName    types.String   `tfsdk:"files_archive_name"`
	FilesArchivePath    types.String   `tfsdk:"files_archive_path"`
	FilesArchiveSize    types.Int64    `tfsdk:"files_archive_size"`
	CreatedAt           types.String   `tfsdk:"created_at"`
	Tables              types.Map      `tfsdk:"tables"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *migrationArchiveResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_migration_archive"
}

func (r *migrationArchiveResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	keepInt := []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The two migration archives (data and files) of one Backendless 3.x app version, in `/migration-to-4` of the app's File storage " +
			"(runbook steps 1–4: \"Migrate to Backendless 4.0\" → select the version → \"Create migration archive for 4.0\"). " +
			"Needs the app's secret key in the provider's `backendless.legacy_secret_keys`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<app_id>/<version>`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Application id of the 3.x app (3.x console: Manage → App Settings). Changing it creates new archives.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"version": schema.StringAttribute{
				MarkdownDescription: "The 3.x app version to archive, such as `v1` (runbook: \"make sure to select the version for which Backendless will prepare a migration archive\"). Changing it creates new archives.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.RegexMatches(regexp.MustCompile(`^[^/\s]+$`), "must be a version name such as v1, without slashes or spaces")},
			},
			"mode": modeAttribute("`POST /{version}/migration-to-4/archive` on the 3.x REST API"),
			"accept_existing": schema.BoolAttribute{
				MarkdownDescription: "Manual mode only: accept the newest data and files archives already in `/migration-to-4`, however old, instead of waiting for new ones. Default `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"retain_on_destroy": schema.BoolAttribute{
				MarkdownDescription: "When true, `terraform destroy` leaves both archive files in the 3.x File storage. Default `false` (destroy deletes them).",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"data_archive_pattern": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Regular expression (Go syntax) that identifies the data archive by file name. Default `%s`.", defaultDataArchivePattern),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultDataArchivePattern),
				Validators:          []validator.String{regexValidator{}},
			},
			"files_archive_pattern": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Regular expression (Go syntax) that identifies the files archive by file name. Default `%s`.", defaultFilesArchivePattern),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(defaultFilesArchivePattern),
				Validators:          []validator.String{regexValidator{}},
			},
			"documented_only": schema.BoolAttribute{
				MarkdownDescription: "Use only calls Backendless documents (or its SDK uses): requires `mode = \"manual\"` and the two archive names typed in " +
					"`data_archive_name` and `files_archive_name` (as the 3.x console's Files section or Backendless' e-mail shows them). Apply then checks that both exist, " +
					"and their sizes, with the documented download URL (`GET` with `Range: bytes=0-0`), waiting within `timeouts.create` until they do; it never lists " +
					"`/migration-to-4` (INFERRED) and never sends HEAD. Refresh checks them the same way; destroy deletes nothing (deleting a 3.x file is INFERRED) and says so. Default `false`. " +
					"See the guide \"Backendless on documented APIs only\".",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"job_id": schema.StringAttribute{MarkdownDescription: "Id of the archive job (api mode only; modeled).", Computed: true, PlanModifiers: keep},
			"data_archive_name": schema.StringAttribute{
				MarkdownDescription: "File name of the data archive. Found by `data_archive_pattern` when not set; with `documented_only` it is required: type the name the 3.x console or the e-mail shows. " +
					"Changing a typed name replaces the resource.",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
				Validators:    []validator.String{archiveNameValidator{}},
			},
			"data_archive_path": schema.StringAttribute{MarkdownDescription: "Path of the data archive in the 3.x File storage, such as `/migration-to-4/crm_v1_data_20261122100000.zip`: the `source_path` of `appmigrate_backendless_data_import`.", Computed: true, PlanModifiers: keep},
			"data_archive_size": schema.Int64Attribute{MarkdownDescription: "Size of the data archive in bytes.", Computed: true, PlanModifiers: keepInt},
			"files_archive_name": schema.StringAttribute{
				MarkdownDescription: "File name of the files archive. Found by `files_archive_pattern` when not set; with `documented_only` it is required, as `data_archive_name`.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
				Validators:          []validator.String{archiveNameValidator{}},
			},
			"files_archive_path": schema.StringAttribute{MarkdownDescription: "Path of the files archive in the 3.x File storage: the `source_path` of `appmigrate_backendless_file_upload`.", Computed: true, PlanModifiers: keep},
			"files_archive_size": schema.Int64Attribute{MarkdownDescription: "Size of the files archive in bytes.", Computed: true, PlanModifiers: keepInt},
			"created_at":         schema.StringAttribute{MarkdownDescription: "When the data archive was written (RFC 3339), as the 3.x listing reports it.", Computed: true, PlanModifiers: keep},
			"tables": schema.MapAttribute{
				MarkdownDescription: "Rows per table of the 3.x version, from the data archive's `manifest.json` (read with HTTP Range requests, without downloading the archive): " +
					"the source side of the row-count comparison. Null, with a warning, when the archive has no readable manifest.",
				ElementType:   types.Int64Type,
				Computed:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"timeouts": archiveTimeouts.attribute(ctx),
		},
	}
}

func (r *migrationArchiveResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// archiveGate is the manual step, in the runbook's words (steps 1–3).
func archiveGate(appID, version string) manualGate {
	return manualGate{
		Console: "the Backendless 3.x (Cloud) console (app id " + appID + ")",
		Step:    fmt.Sprintf("create the migration archive of app %s version %s", appID, version),
		Clicks: []string{
			"Select the app. You will see the \"Migrate to Backendless 4.0\" button.",
			"Click the Migrate to Backendless 4.0 button.",
			fmt.Sprintf("Select the version %q and click \"Create migration archive for 4.0\".", version),
		},
		DoneWhen: fmt.Sprintf("a data and a files archive of version %s appear in /migration-to-4 of the app's File storage", version),
	}
}

// archiveAdoptWindow is how recently a finished job of the same version must have been started
// for Create to take its archives instead of requesting new ones: the job of an earlier apply
// that was killed before recording it. An older archive is a snapshot of older data and is not
// taken (a new one is requested).
const archiveAdoptWindow = time.Hour

// archiveResults are the attributes an unfinished archive step does not know yet.
var archiveResults = map[string]attr.Value{
	"data_archive_name": types.StringUnknown(), "data_archive_path": types.StringUnknown(), "data_archive_size": types.Int64Unknown(),
	"files_archive_name": types.StringUnknown(), "files_archive_path": types.StringUnknown(), "files_archive_size": types.Int64Unknown(),
	"created_at": types.StringUnknown(), "tables": types.MapUnknown(types.Int64Type),
}

// archiveWaitStep is the resume point of an archive step whose job is recorded.
const archiveWaitStep = "waiting for the migration archive job"

// ModifyPlan fails at plan time what would fail at apply (no 3.x secret key for the app) and,
// in manual mode, tells the operator what to click.
func (r *migrationArchiveResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	client := r.backendlessClient(migrationArchiveType, &resp.Diagnostics)
	if client == nil {
		return
	}
	var plan migrationArchiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkLegacyKey(client, path.Root("app_id"), plan.AppID, &resp.Diagnostics)
	var cfg migrationArchiveModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	checkDocumentedOnlyArchive(&cfg, &resp.Diagnostics)
	if req.State.Raw.IsNull() && !resp.Diagnostics.HasError() {
		planCheckLegacyVersion(ctx, client, &plan, &resp.Diagnostics)
	}
	results := maps.Clone(archiveResults)
	if !cfg.DataArchiveName.IsNull() {
		delete(results, "data_archive_name")
	}
	if !cfg.FilesArchiveName.IsNull() {
		delete(results, "files_archive_name")
	}
	planResume(ctx, req, resp, results)
	var state *migrationArchiveModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	creating := state == nil || !state.AppID.Equal(plan.AppID) || !state.Version.Equal(plan.Version)
	if creating && plan.Mode.ValueString() == modeManual && !plan.AppID.IsUnknown() && !plan.Version.IsUnknown() {
		timeout, diags := plan.Timeouts.Create(ctx, archiveTimeouts.Create)
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.Append(archiveGate(plan.AppID.ValueString(), plan.Version.ValueString()).planWarning(timeout))
	}
}

func (r *migrationArchiveResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan migrationArchiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.backendlessClient(migrationArchiveType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, archiveTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID, version := plan.AppID.ValueString(), plan.Version.ValueString()
	plan.ID = types.StringValue(appID + "/" + version)
	dataRe, filesRe, err := plan.patterns()
	if err != nil {
		resp.Diagnostics.AddError("Invalid archive pattern", err.Error())
		return
	}
	what := fmt.Sprintf("Creating the migration archive of Backendless 3.x app %s version %s", appID, version)

	if plan.DocumentedOnly.ValueBool() {
		plan.JobID = types.StringNull()
		data, files, err := r.waitForTypedArchives(ctx, client, &plan)
		if err != nil {
			addLegacyError(&resp.Diagnostics, path.Root("app_id"), what, err)
			return
		}
		plan.fill(data, files)
		resp.Diagnostics.Append(readSourceTables(ctx, client, r.data.poll, &plan)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	if plan.Mode.ValueString() == modeManual {
		plan.JobID = types.StringNull()
		data, files, err := r.waitForManualArchive(ctx, client, &plan, dataRe, filesRe)
		if err != nil {
			addLegacyError(&resp.Diagnostics, path.Root("app_id"), what, err)
			return
		}
		plan.fill(data, files)
		resp.Diagnostics.Append(readSourceTables(ctx, client, r.data.poll, &plan)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}

	job, ok := r.startOrAdopt(ctx, client, &plan, what, resp)
	if !ok {
		return
	}
	// The job exists now: record it before waiting, so an interruption leaves a resource that
	// names the job (resumed by the next apply) instead of an orphaned job.
	plan.JobID = types.StringValue(job.ID)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan.partial())...)
	resp.Diagnostics.Append(setResume(ctx, resp.Private, archiveWaitStep)...)
	r.finishJob(ctx, client, &plan, job, &resp.Diagnostics, &resp.State, resp.Private)
}

// startOrAdopt returns the job this create follows: a running job of the version, or one that
// finished less than archiveAdoptWindow ago with both archives still there, or else a new one.
// ok is false when diagnostics say why there is none.
func (r *migrationArchiveResource) startOrAdopt(ctx context.Context, client *backendless.Client, plan *migrationArchiveModel, what string,
	resp *resource.CreateResponse) (*backendless.ArchiveJob, bool) {
	appID, version := plan.AppID.ValueString(), plan.Version.ValueString()
	jobs, err := rideOut(ctx, r.data.poll, "listing the archive jobs of version "+version, func(ctx context.Context) ([]backendless.ArchiveJob, error) {
		return client.ListMigrationArchiveJobs(ctx, appID, version)
	})
	if err != nil {
		addLegacyError(&resp.Diagnostics, path.Root("app_id"), what+": looking for a job already started for this version", err)
		return nil, false
	}
	if j, err := rideOut(ctx, r.data.poll, "listing "+backendless.MigrationDir, func(ctx context.Context) (*backendless.ArchiveJob, error) {
		return r.adoptable(ctx, client, appID, version, jobs)
	}); err != nil {
		addLegacyError(&resp.Diagnostics, path.Root("app_id"), what+": looking for a job already started for this version", err)
		return nil, false
	} else if j != nil {
		resp.Diagnostics.AddWarning("Adopted a migration-archive job already started",
			fmt.Sprintf("A migration archive of app %s version %s was already %s (job %s, started %s), most likely by an earlier apply that was interrupted. "+
				"This apply takes that job instead of requesting another.", appID, version, map[bool]string{true: "being created", false: "created"}[j.Status == backendless.ArchiveInProgress],
				j.ID, j.Created.Format(time.RFC3339)))
		return j, true
	}
	known := make([]string, 0, len(jobs))
	for _, j := range jobs {
		known = append(known, j.ID)
	}
	// A request that failed for a while (5xx, connections) is tried again, each time after
	// listing the version's jobs, so it is never sent again once a job of its own exists.
	attempt := 0
	job, err := rideOut(ctx, r.data.poll, what, func(ctx context.Context) (*backendless.ArchiveJob, error) {
		if attempt++; attempt > 1 {
			jobs, err := client.ListMigrationArchiveJobs(ctx, appID, version)
			if err != nil {
				return nil, err
			}
			for i := len(jobs) - 1; i >= 0; i-- {
				if !slices.Contains(known, jobs[i].ID) {
					j := jobs[i]
					j.LostAnswer = true
					return &j, nil
				}
			}
		}
		return client.CreateMigrationArchive(ctx, appID, version, known)
	})
	if err == nil {
		if job.Adopted {
			resp.Diagnostics.AddWarning("Adopted a running migration-archive job",
				fmt.Sprintf("A migration archive of app %s version %s was already being created (job %s); this apply waits for that job instead of starting another.", appID, version, job.ID))
		}
		reportExtraJobs(ctx, client, appID, version, known, job.ID, &resp.Diagnostics)
		return job, true
	}
	if !vendorRefused(err) {
		// Interrupted or cut off: a job that appeared since the list above is this request's.
		settle, cancel := settleContext(ctx)
		defer cancel()
		if after, lookupErr := client.ListMigrationArchiveJobs(settle, appID, version); lookupErr == nil {
			for i := len(after) - 1; i >= 0; i-- {
				if !slices.Contains(known, after[i].ID) {
					j := after[i]
					return &j, true // finishJob sees the ended context and records the job
				}
			}
		}
	}
	addLegacyError(&resp.Diagnostics, path.Root("app_id"), what, err)
	return nil, false
}

// reportExtraJobs names the jobs besides own that appeared since known was listed: the request
// reached the vendor more than once on the way (a proxy that re-sends, a 429 answered to a
// delivered duplicate). A job cannot be cancelled, so they are reported, not removed; their
// archives, when they finish, sit in /migration-to-4 beside the ones this resource records.
func reportExtraJobs(ctx context.Context, client *backendless.Client, appID, version string, known []string, own string, diags *diag.Diagnostics) {
	jobs, err := client.ListMigrationArchiveJobs(ctx, appID, version)
	if err != nil {
		return // only a report
	}
	var extra []string
	for _, j := range jobs {
		if j.ID != own && !slices.Contains(known, j.ID) {
			extra = append(extra, fmt.Sprintf("%s (%s)", j.ID, j.Status))
		}
	}
	if len(extra) > 0 {
		diags.AddWarning("The archive was requested more than once",
			fmt.Sprintf("Besides job %s, the 3.x app %s version %s ran %s: the request was delivered more than once on the way. "+
				"This resource records the archives of job %s; the vendor has no way to cancel the others.", own, appID, version, strings.Join(extra, ", "), own))
	}
}

// adoptable picks, from the version's jobs (newest first), one this step may take over: a running
// job, or a finished one started less than archiveAdoptWindow ago whose archives are both still
// in /migration-to-4.
func (r *migrationArchiveResource) adoptable(ctx context.Context, client *backendless.Client, appID, version string, jobs []backendless.ArchiveJob) (*backendless.ArchiveJob, error) {
	for i := range jobs {
		if jobs[i].Status == backendless.ArchiveInProgress {
			return &jobs[i], nil
		}
	}
	now := r.data.poll.clock.Now()
	var listing []backendless.FileInfo
	for i := range jobs {
		j := &jobs[i]
		if j.Status != backendless.ArchiveCompleted || j.Created.IsZero() || now.Sub(j.Created) > archiveAdoptWindow || j.DataArchive == "" || j.FilesArchive == "" {
			continue
		}
		if listing == nil {
			var err error
			if listing, err = client.ListMigrationArchives(ctx, appID, version); err != nil {
				return nil, err
			}
		}
		if findArchive(listing, j.DataArchive, nil, time.Time{}) != nil && findArchive(listing, j.FilesArchive, nil, time.Time{}) != nil {
			return j, nil
		}
	}
	return nil, nil
}

// finishJob waits for the recorded job, finds its archives, reads the manifest and saves the
// finished step; an interruption or failure saves the step as it stands (see interrupted). It
// is the rest of Create and the whole of a resuming Update.
func (r *migrationArchiveResource) finishJob(ctx context.Context, client *backendless.Client, plan *migrationArchiveModel, job *backendless.ArchiveJob,
	diags *diag.Diagnostics, state *tfsdk.State, private privateSetter) {
	appID, version := plan.AppID.ValueString(), plan.Version.ValueString()
	what := fmt.Sprintf("Creating the migration archive of Backendless 3.x app %s version %s (job %s)", appID, version, job.ID)
	dataRe, filesRe, err := plan.patterns()
	if err != nil {
		diags.AddError("Invalid archive pattern", err.Error())
		return
	}
	report := func(d *diag.Diagnostics, summary string, err error) {
		addLegacyError(d, path.Root("app_id"), summary, err)
	}
	data, files, err := r.waitForJob(ctx, client, appID, version, job, dataRe, filesRe)
	var failed *transport.JobFailedError
	switch {
	case errors.As(err, &failed):
		// A failed job is final: nothing to resume. The tainted resource is replaced by a new request.
		diags.Append(state.Set(ctx, plan.partial())...)
		diags.Append(setResume(ctx, private, "")...)
		report(diags, what, err)
		return
	case err != nil:
		interrupted(ctx, diags, state, private, plan.partial(), archiveWaitStep, what, "The archive job "+job.ID, err, report)
		return
	}
	plan.fill(data, files)
	tables := readSourceTables(ctx, client, r.data.poll, plan)
	if tables.HasError() && ctx.Err() != nil {
		interrupted(ctx, diags, state, private, plan.partial(), archiveWaitStep, what, "The archive job "+job.ID, ctx.Err(), report)
		return
	}
	diags.Append(tables...)
	diags.Append(state.Set(ctx, plan)...)
	if !tables.HasError() {
		diags.Append(setResume(ctx, private, "")...)
	}
}

// readSourceTables records the data archive's manifest counts. An archive without a readable
// manifest is reported, not fatal here: appmigrate_backendless_data_import, which needs the
// manifest, stops on it before importing anything.
func readSourceTables(ctx context.Context, client *backendless.Client, poll pollSettings, m *migrationArchiveModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Tables = types.MapNull(types.Int64Type)
	manifest, err := rideOut(ctx, poll, "reading manifest.json of "+m.DataArchivePath.ValueString(), func(ctx context.Context) (*backendless.Manifest, error) {
		return client.LegacyArchiveManifest(ctx, m.AppID.ValueString(), m.Version.ValueString(), m.DataArchivePath.ValueString())
	})
	var broken *backendless.ArchiveError
	if errors.As(err, &broken) {
		diags.AddAttributeWarning(path.Root("tables"), "Data archive has no readable manifest",
			fmt.Sprintf("%v. The source row counts are unknown; appmigrate_backendless_data_import will refuse this archive. Create the migration archive again.", err))
		return diags
	}
	if err != nil {
		addLegacyError(&diags, path.Root("app_id"), "Reading manifest.json of the data archive "+m.DataArchivePath.ValueString(), err)
		return diags
	}
	tables, d := types.MapValueFrom(ctx, types.Int64Type, manifest.Tables)
	diags.Append(d...)
	m.Tables = tables
	return diags
}

// waitForJob polls the modeled job to a terminal state, then finds both archives in the listing:
// the job's word is not enough, the files must be there to be migrated.
func (r *migrationArchiveResource) waitForJob(ctx context.Context, client *backendless.Client, appID, version string, job *backendless.ArchiveJob,
	dataRe, filesRe *regexp.Regexp) (*backendless.FileInfo, *backendless.FileInfo, error) {
	final := job
	_, err := transport.Poll(ctx, r.data.poll.options(fmt.Sprintf("Backendless migration archive job %s of app %s version %s", job.ID, appID, version)),
		func(ctx context.Context) (transport.Status, error) {
			j, err := client.MigrationArchiveStatus(ctx, appID, version, job.ID)
			if err != nil {
				return transport.Status{}, err
			}
			final = j
			return transport.Status{State: j.Status, Message: j.Message,
				Done: j.Status == backendless.ArchiveCompleted, Failed: j.Status == backendless.ArchiveFailed}, nil
		})
	if err != nil {
		return nil, nil, err
	}
	listing, err := rideOut(ctx, r.data.poll, "listing "+backendless.MigrationDir, func(ctx context.Context) ([]backendless.FileInfo, error) {
		return client.ListMigrationArchives(ctx, appID, version)
	})
	if err != nil {
		return nil, nil, err
	}
	data := findArchive(listing, final.DataArchive, dataRe, final.Created)
	files := findArchive(listing, final.FilesArchive, filesRe, final.Created)
	if data == nil || files == nil {
		return nil, nil, fmt.Errorf("the job %s reports COMPLETED, but %s missing from %s; create the archive again (terraform apply -replace=%s.<name>)",
			job.ID, missingArchives(data, files), backendless.MigrationDir, migrationArchiveType)
	}
	return data, files, nil
}

// findArchive picks the archive the job named, or else the newest one matching re written no
// earlier than since (a job that does not name its files).
func findArchive(listing []backendless.FileInfo, named string, re *regexp.Regexp, since time.Time) *backendless.FileInfo {
	if named != "" {
		_, name := backendless.SplitPath(named)
		for i := range listing {
			if listing[i].Name == name {
				return &listing[i]
			}
		}
		return nil
	}
	if re == nil {
		return nil
	}
	return newestMatching(listing, re, since.Truncate(time.Second))
}

// newestMatching returns the newest file whose name matches re and that was written at or after
// since (zero since = any age). The listing is newest first.
func newestMatching(listing []backendless.FileInfo, re *regexp.Regexp, since time.Time) *backendless.FileInfo {
	for i := range listing {
		if re.MatchString(listing[i].Name) && !listing[i].Created.Before(since) {
			return &listing[i]
		}
	}
	return nil
}

func missingArchives(data, files *backendless.FileInfo) string {
	switch {
	case data == nil && files == nil:
		return "the data archive and the files archive are"
	case data == nil:
		return "the data archive is"
	default:
		return "the files archive is"
	}
}

// waitForManualArchive waits, calling nothing that mutates, until a person has created the
// archives: a data and a files archive newer than the start of this apply (or any pair, with
// accept_existing) in /migration-to-4.
func (r *migrationArchiveResource) waitForManualArchive(ctx context.Context, client *backendless.Client, plan *migrationArchiveModel,
	dataRe, filesRe *regexp.Regexp) (*backendless.FileInfo, *backendless.FileInfo, error) {
	appID, version := plan.AppID.ValueString(), plan.Version.ValueString()
	since := r.data.poll.clock.Now().Truncate(time.Second) // listing times have millisecond precision at best
	if plan.AcceptExisting.ValueBool() {
		since = time.Time{}
	}
	gate := archiveGate(appID, version)
	var data, files *backendless.FileInfo
	err := gate.wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		listing, err := client.ListMigrationArchives(ctx, appID, version)
		if err != nil {
			return manualProgress{}, err
		}
		data, files = newestMatching(listing, dataRe, since), newestMatching(listing, filesRe, since)
		if data != nil && files != nil {
			return manualProgress{Done: true}, nil
		}
		newer := ""
		if !since.IsZero() {
			newer = " written after " + since.Format(time.RFC3339)
		}
		var missing []string
		if data == nil {
			missing = append(missing, fmt.Sprintf("a data archive (name matching `%s`)%s", dataRe, newer))
		}
		if files == nil {
			missing = append(missing, fmt.Sprintf("a files archive (name matching `%s`)%s", filesRe, newer))
		}
		return manualProgress{Missing: strings.Join(missing, " and ") + " in " + backendless.MigrationDir + " of version " + version}, nil
	})
	return data, files, err
}

func (r *migrationArchiveResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state migrationArchiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(migrationArchiveType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, archiveTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID, version := state.AppID.ValueString(), state.Version.ValueString()
	rp, diags := resumeOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if rp != nil || (state.DataArchiveName.IsNull() && !state.JobID.IsNull()) {
		return // an unfinished step (its job recorded, the archives not yet): kept as it is for the next apply
	}
	if state.DocumentedOnly.ValueBool() && !state.DataArchiveName.IsNull() && !state.FilesArchiveName.IsNull() {
		r.readTyped(ctx, client, &state, resp)
		return
	}
	listing, err := client.ListMigrationArchives(ctx, appID, version)
	if err != nil {
		addLegacyError(&resp.Diagnostics, path.Root("app_id"), fmt.Sprintf("Reading the migration archives of Backendless 3.x app %s version %s", appID, version), err)
		return
	}
	if state.DataArchiveName.IsNull() {
		// Just imported by <app_id>/<version>: adopt the newest pair.
		dataRe, filesRe, err := state.patterns()
		if err != nil {
			resp.Diagnostics.AddError("Invalid archive pattern", err.Error())
			return
		}
		data, files := newestMatching(listing, dataRe, time.Time{}), newestMatching(listing, filesRe, time.Time{})
		if data == nil || files == nil {
			resp.Diagnostics.AddError("No migration archive to import",
				fmt.Sprintf("In %s of Backendless 3.x app %s version %s, %s missing. Create the archive first (in the 3.x console or with this resource), then import.",
					backendless.MigrationDir, appID, version, missingArchives(data, files)))
			return
		}
		state.fill(data, files)
		resp.Diagnostics.Append(readSourceTables(ctx, client, r.data.poll, &state)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	var gone []string
	for _, a := range []struct {
		kind string
		name types.String
		size types.Int64
	}{{"data", state.DataArchiveName, state.DataArchiveSize}, {"files", state.FilesArchiveName, state.FilesArchiveSize}} {
		f := findByName(listing, a.name.ValueString())
		switch {
		case f == nil:
			gone = append(gone, fmt.Sprintf("the %s archive %s is no longer in %s", a.kind, a.name.ValueString(), backendless.MigrationDir))
		case f.Size != a.size.ValueInt64():
			gone = append(gone, fmt.Sprintf("the %s archive %s is now %d bytes, not the %d recorded", a.kind, a.name.ValueString(), f.Size, a.size.ValueInt64()))
		}
	}
	if len(gone) > 0 {
		resp.Diagnostics.AddWarning("Migration archive changed outside Terraform",
			fmt.Sprintf("For Backendless 3.x app %s version %s, %s. The archive is removed from state and the next apply creates it again.", appID, version, strings.Join(gone, "; ")))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// planCheckLegacyVersion fails the plan of a new archive whose 3.x app id, key or version the
// vendor refuses (code 2002). Outside documented_only it lists the version's root (the INFERRED
// listing this mode uses anyway); with documented_only it asks for the typed archives through the
// documented download URL, and only warns when they are not there yet (apply waits for them).
func planCheckLegacyVersion(ctx context.Context, client *backendless.Client, plan *migrationArchiveModel, diags *diag.Diagnostics) {
	if !known(plan.AppID, plan.Version) || !client.HasLegacySecretKey(plan.AppID.ValueString()) || plan.DocumentedOnly.IsUnknown() {
		return
	}
	app, ver := plan.AppID.ValueString(), plan.Version.ValueString()
	refused := func(err error) {
		diags.AddAttributeError(path.Root("version"), "Backendless 3.x refused this application id and version",
			fmt.Sprintf("app_id = %q, version = %q: %v.\n\nCheck that the version exists and is enabled in the 3.x console (its name as the console shows it, such as v1), "+
				"that app_id is the 3.x application id, and that backendless.legacy_secret_keys holds that app's secret key (3.x console: Manage → App Settings).", app, ver, err))
	}
	// A 404 without a Backendless error body is not a refusal of the app or version: nothing
	// Backendless answered, so the provider's legacy_url is the likely fault (a provider
	// attribute, which a resource's diagnostic cannot point at: the message names it).
	nothingAnswers := func(err error) {
		diags.AddError("Nothing answers at backendless.legacy_url",
			fmt.Sprintf("app_id = %q, version = %q: %v.\n\nThe 3.x API answered 404 without a Backendless error, so the request did not reach Backendless 3.x: "+
				"check backendless.legacy_url in the provider block (the 3.x REST API base URL, without the application id or version), or the %s environment variable.", app, ver, err, envBackendlessLegacyURL))
	}
	if !plan.DocumentedOnly.ValueBool() {
		ok, err := client.LegacyVersionExists(ctx, app, ver)
		switch {
		case ok:
		case backendless.IsBareNotFound(err):
			nothingAnswers(err)
		case err != nil && (backendless.IsLegacyRefusal(err) || backendless.IsNotFound(err)):
			refused(err)
		case err != nil:
			addLegacyError(diags, path.Root("app_id"), "Checking 3.x app "+app+" version "+ver, err)
		}
		return
	}
	for _, typed := range []struct {
		attr string
		name types.String
	}{{"data_archive_name", plan.DataArchiveName}, {"files_archive_name", plan.FilesArchiveName}} {
		n := typed.name
		if !known(n) {
			continue
		}
		_, err := client.StatLegacyDownload(ctx, app, ver, backendless.MigrationDir+"/"+n.ValueString())
		switch {
		case err == nil:
		case backendless.IsFileNotFound(err):
			diags.AddAttributeWarning(path.Root(typed.attr), "Typed archive not there yet",
				fmt.Sprintf("%s is not in %s of 3.x app %s version %s yet. Apply waits for it (within timeouts.create); check the name against the e-mail or the 3.x console if it never comes.",
					n.ValueString(), backendless.MigrationDir, app, ver))
		case backendless.IsLegacyRefusal(err):
			refused(err)
			return
		case backendless.IsBareNotFound(err):
			nothingAnswers(err)
			return
		default:
			addLegacyError(diags, path.Root("app_id"), "Checking "+n.ValueString()+" of 3.x app "+app, err)
			return
		}
	}
}

// checkDocumentedOnlyArchive fails the plan when documented_only is set without what it needs:
// manual mode (the button has no API) and both archive names (no documented read lists them).
func checkDocumentedOnlyArchive(cfg *migrationArchiveModel, diags *diag.Diagnostics) {
	if !cfg.DocumentedOnly.IsUnknown() && !cfg.DocumentedOnly.ValueBool() {
		for name, v := range map[string]types.String{"data_archive_name": cfg.DataArchiveName, "files_archive_name": cfg.FilesArchiveName} {
			if !v.IsNull() {
				diags.AddAttributeError(path.Root(name), "Archive names are typed only with documented_only",
					fmt.Sprintf("%s is set, but documented_only is not: without it the provider finds the archives itself (by data_archive_pattern and files_archive_pattern). "+
						"Remove %s, or set documented_only = true and mode = \"manual\" to check the typed names with documented calls only.", name, name))
			}
		}
		return
	}
	if !cfg.DocumentedOnly.ValueBool() {
		return
	}
	if !cfg.Mode.IsUnknown() && cfg.Mode.ValueString() != modeManual {
		diags.AddAttributeError(path.Root("mode"), "documented_only needs mode = \"manual\"",
			"Backendless documents no API for \"Create migration archive for 4.0\" (the call api mode makes is MODELED). Set mode = \"manual\" and click the button in the 3.x console, or remove documented_only.")
	}
	for _, a := range []struct {
		name string
		v    types.String
	}{{"data_archive_name", cfg.DataArchiveName}, {"files_archive_name", cfg.FilesArchiveName}} {
		if a.v.IsNull() {
			diags.AddAttributeError(path.Root(a.name), "documented_only needs the archive names",
				fmt.Sprintf("No documented call lists %s (the 3.x directory listing is INFERRED), so with documented_only = true the archive names are typed in. "+
					"In the 3.x console, click \"Migrate to Backendless 4.0\", select the version and click \"Create migration archive for 4.0\"; when Backendless e-mails you, "+
					"or the Files section shows them in %s, set data_archive_name and files_archive_name to the two file names, for example:\n\n"+
					"  data_archive_name  = \"crm_v1_data_20261122100000.zip\"\n  files_archive_name = \"crm_v1_files_20261122100000.zip\"", backendless.MigrationDir, backendless.MigrationDir))
		}
	}
}

// archiveNameValidator accepts a plain file name: no directory, nothing that escapes
// /migration-to-4, no control characters.
type archiveNameValidator struct{}

func (archiveNameValidator) Description(context.Context) string {
	return "must be a file name in /migration-to-4, such as crm_v1_data_20261122100000.zip"
}

func (v archiveNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (archiveNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if reason := badFileName(req.ConfigValue.ValueString()); reason != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid archive name",
			fmt.Sprintf("%s = %q %s. Type the file name alone, as the 3.x console lists it in %s, such as \"crm_v1_data_20261122100000.zip\".",
				req.Path, req.ConfigValue.ValueString(), reason, backendless.MigrationDir))
	}
}

// badFileName says what is wrong with a bare file name, "" when nothing is.
func badFileName(n string) string {
	switch {
	case strings.TrimSpace(n) == "":
		return "is empty"
	case strings.ContainsAny(n, "/\\"):
		return "contains a directory separator (/ or \\)"
	case n == "." || n == "..":
		return "is a directory reference"
	case strings.IndexFunc(n, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return "contains a control character"
	case n != strings.TrimSpace(n):
		return "starts or ends with a space"
	}
	return ""
}

// waitForTypedArchives waits, with documented reads only, until both typed archives exist: a
// `Range: bytes=0-0` GET on each one's documented download URL gives existence and size.
func (r *migrationArchiveResource) waitForTypedArchives(ctx context.Context, client *backendless.Client, plan *migrationArchiveModel) (*backendless.FileInfo, *backendless.FileInfo, error) {
	appID, version := plan.AppID.ValueString(), plan.Version.ValueString()
	gate := archiveGate(appID, version)
	gate.DoneWhen = fmt.Sprintf("both typed archives (%s and %s) can be read at their documented download URLs in %s of version %s",
		plan.DataArchiveName.ValueString(), plan.FilesArchiveName.ValueString(), backendless.MigrationDir, version)
	var data, files *backendless.FileInfo
	err := gate.wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		var missing []string
		var err error
		if data, err = statTyped(ctx, client, appID, version, plan.DataArchiveName.ValueString()); err != nil {
			return manualProgress{}, err
		} else if data == nil {
			missing = append(missing, "the data archive "+plan.DataArchiveName.ValueString())
		}
		if files, err = statTyped(ctx, client, appID, version, plan.FilesArchiveName.ValueString()); err != nil {
			return manualProgress{}, err
		} else if files == nil {
			missing = append(missing, "the files archive "+plan.FilesArchiveName.ValueString())
		}
		if len(missing) == 0 {
			return manualProgress{Done: true}, nil
		}
		return manualProgress{Missing: strings.Join(missing, " and ") + " in " + backendless.MigrationDir + " of version " + version +
			" (check the names against the e-mail or the 3.x console's Files section)"}, nil
	})
	return data, files, err
}

// statTyped is a typed archive's size through the documented download URL; nil when the Files
// API says it does not exist (404 code 6007).
func statTyped(ctx context.Context, client *backendless.Client, appID, version, name string) (*backendless.FileInfo, error) {
	f, err := client.StatLegacyDownload(ctx, appID, version, backendless.MigrationDir+"/"+name)
	if backendless.IsFileNotFound(err) {
		return nil, nil
	}
	return f, err
}

// readTyped is a documented-only refresh: each recorded archive is checked at its download URL.
func (r *migrationArchiveResource) readTyped(ctx context.Context, client *backendless.Client, state *migrationArchiveModel, resp *resource.ReadResponse) {
	appID, version := state.AppID.ValueString(), state.Version.ValueString()
	var gone []string
	for _, a := range []struct {
		kind string
		name types.String
		size types.Int64
	}{{"data", state.DataArchiveName, state.DataArchiveSize}, {"files", state.FilesArchiveName, state.FilesArchiveSize}} {
		f, err := statTyped(ctx, client, appID, version, a.name.ValueString())
		switch {
		case err != nil:
			addLegacyError(&resp.Diagnostics, path.Root("app_id"), fmt.Sprintf("Reading the %s archive %s of Backendless 3.x app %s version %s", a.kind, a.name.ValueString(), appID, version), err)
			return
		case f == nil:
			gone = append(gone, fmt.Sprintf("the %s archive %s is no longer in %s", a.kind, a.name.ValueString(), backendless.MigrationDir))
		case f.Size != a.size.ValueInt64():
			gone = append(gone, fmt.Sprintf("the %s archive %s is now %d bytes, not the %d recorded", a.kind, a.name.ValueString(), f.Size, a.size.ValueInt64()))
		}
	}
	if len(gone) > 0 {
		resp.Diagnostics.AddWarning("Migration archive changed outside Terraform",
			fmt.Sprintf("For Backendless 3.x app %s version %s, %s. The archive is removed from state and the next apply waits for it again.", appID, version, strings.Join(gone, "; ")))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func findByName(listing []backendless.FileInfo, name string) *backendless.FileInfo {
	for i := range listing {
		if listing[i].Name == name {
			return &listing[i]
		}
	}
	return nil
}

// Update changes only how the resource behaves (mode, patterns, retention, timeouts): nothing
// on the vendor side changes, and the recorded archives stay.
func (r *migrationArchiveResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state migrationArchiveModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Mode, state.AcceptExisting, state.RetainOnDestroy, state.DocumentedOnly = plan.Mode, plan.AcceptExisting, plan.RetainOnDestroy, plan.DocumentedOnly
	state.DataArchivePattern, state.FilesArchivePattern, state.Timeouts = plan.DataArchivePattern, plan.FilesArchivePattern, plan.Timeouts
	rp, diags := resumeOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if rp == nil || state.JobID.IsNull() {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	// An interrupted create: wait for its job and take its archives, as Create would have.
	client := r.backendlessClient(migrationArchiveType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, archiveTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	state.DataArchiveName, state.DataArchivePath, state.DataArchiveSize = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown()
	state.FilesArchiveName, state.FilesArchivePath, state.FilesArchiveSize = types.StringUnknown(), types.StringUnknown(), types.Int64Unknown()
	state.CreatedAt, state.Tables = types.StringUnknown(), types.MapUnknown(types.Int64Type)
	r.finishJob(ctx, client, &state, &backendless.ArchiveJob{ID: state.JobID.ValueString()}, &resp.Diagnostics, &resp.State, resp.Private)
}

func (r *migrationArchiveResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state migrationArchiveModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.RetainOnDestroy.ValueBool() {
		return
	}
	if rp, _ := resumeOf(ctx, req.Private); rp != nil && !state.JobID.IsNull() {
		// Its archives are not recorded yet: the job goes on, and the next create adopts it.
		resp.Diagnostics.AddWarning("Migration archive job left to finish",
			fmt.Sprintf("The archive job %s of app %s version %s was not finished when this resource was removed. It is not cancelled (the vendor has no way to) and its archives are not deleted: "+
				"a new appmigrate_backendless_migration_archive for the same version adopts that job within %s of its start instead of requesting another.",
				state.JobID.ValueString(), state.AppID.ValueString(), state.Version.ValueString(), archiveAdoptWindow))
		return
	}
	if state.DocumentedOnly.ValueBool() {
		// Deleting a 3.x file is INFERRED: documented-only mode never sends it.
		resp.Diagnostics.AddWarning("Migration archives left in the 3.x File storage",
			fmt.Sprintf("documented_only = true: Backendless documents no way to delete a 3.x file, so %s and %s stay in %s of app %s version %s. "+
				"Delete them in the 3.x console (Files) if you no longer need them.",
				state.DataArchiveName.ValueString(), state.FilesArchiveName.ValueString(), backendless.MigrationDir, state.AppID.ValueString(), state.Version.ValueString()))
		return
	}
	client := r.backendlessClient(migrationArchiveType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, archiveTimeouts.Delete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	for _, p := range []types.String{state.DataArchivePath, state.FilesArchivePath} {
		if p.IsNull() || p.IsUnknown() {
			continue
		}
		if err := client.DeleteLegacyFile(ctx, state.AppID.ValueString(), state.Version.ValueString(), p.ValueString()); err != nil {
			addLegacyError(&resp.Diagnostics, path.Root("app_id"), "Deleting migration archive "+p.ValueString(), err)
			return
		}
	}
}

// ImportState takes `<app_id>/<version>`; Read then adopts the newest data and files archives.
func (r *migrationArchiveResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	i := strings.LastIndex(req.ID, "/")
	if i <= 0 || i == len(req.ID)-1 {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import a migration archive by `<app_id>/<version>` (the 3.x application id and version name), got %q:\n\n  terraform import %s.<name> A1B2C3D4-0000-4000-8000-000000000301/v1", req.ID, migrationArchiveType))
		return
	}
	for name, v := range map[string]attr.Value{
		"id": types.StringValue(req.ID), "app_id": types.StringValue(req.ID[:i]), "version": types.StringValue(req.ID[i+1:]),
		"mode": types.StringValue(modeAPI), "accept_existing": types.BoolValue(false), "retain_on_destroy": types.BoolValue(false), "documented_only": types.BoolValue(false),
		"data_archive_pattern": types.StringValue(defaultDataArchivePattern), "files_archive_pattern": types.StringValue(defaultFilesArchivePattern),
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), v)...)
	}
}

func (m *migrationArchiveModel) patterns() (*regexp.Regexp, *regexp.Regexp, error) {
	data, err := regexp.Compile(m.DataArchivePattern.ValueString())
	if err != nil {
		return nil, nil, fmt.Errorf("data_archive_pattern: %w", err)
	}
	files, err := regexp.Compile(m.FilesArchivePattern.ValueString())
	if err != nil {
		return nil, nil, fmt.Errorf("files_archive_pattern: %w", err)
	}
	return data, files, nil
}

// fill records the two archives.
func (m *migrationArchiveModel) fill(data, files *backendless.FileInfo) {
	dataPath := backendless.CleanPath(backendless.MigrationDir + "/" + data.Name)
	filesPath := backendless.CleanPath(backendless.MigrationDir + "/" + files.Name)
	m.DataArchiveName, m.DataArchivePath, m.DataArchiveSize = types.StringValue(data.Name), types.StringValue(dataPath), types.Int64Value(data.Size)
	m.FilesArchiveName, m.FilesArchivePath, m.FilesArchiveSize = types.StringValue(files.Name), types.StringValue(filesPath), types.Int64Value(files.Size)
	m.CreatedAt = types.StringNull()
	if !data.Created.IsZero() {
		m.CreatedAt = types.StringValue(data.Created.Format(time.RFC3339))
	}
	if m.JobID.IsUnknown() {
		m.JobID = types.StringNull()
	}
}

// partial is the model with every value not known yet set to null, for saving state mid-create.
func (m migrationArchiveModel) partial() migrationArchiveModel {
	nullUnknownStrings(&m.JobID, &m.DataArchiveName, &m.DataArchivePath, &m.FilesArchiveName, &m.FilesArchivePath, &m.CreatedAt)
	nullUnknownInts(&m.DataArchiveSize, &m.FilesArchiveSize)
	if m.Tables.IsUnknown() {
		m.Tables = types.MapNull(types.Int64Type)
	}
	return m
}

// nullUnknownStrings and nullUnknownInts turn values not known yet into nulls: state saved
// before an error (so the object is tainted, not orphaned) must not hold unknown values.
func nullUnknownStrings(vs ...*types.String) {
	for _, v := range vs {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

func nullUnknownInts(vs ...*types.Int64) {
	for _, v := range vs {
		if v.IsUnknown() {
			*v = types.Int64Null()
		}
	}
}

// checkLegacyKey fails the plan when no 3.x secret key is configured for appID.
func checkLegacyKey(client *backendless.Client, attr path.Path, appID types.String, diags *diag.Diagnostics) {
	if appID.IsNull() || appID.IsUnknown() || client.HasLegacySecretKey(appID.ValueString()) {
		return
	}
	diags.Append(legacyKeyDiag(attr, appID.ValueString()))
}

func legacyKeyDiag(attr path.Path, appID string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(attr, "No Backendless 3.x secret key for this app",
		fmt.Sprintf("The 3.x app %s has no secret key in the provider configuration. Add it to backendless.legacy_secret_keys:\n\n"+
			"  backendless = {\n    legacy_secret_keys = {\n      %q = var.legacy_secret_key\n    }\n  }\n\n"+
			"or set the environment variable %s=%s=<secret key>. The key is in the 3.x console under Manage → App Settings.",
			appID, appID, envBackendlessLegacyKeys, appID))
}

// addLegacyError is addError that also explains a refused or missing 3.x key; attr is the
// attribute holding the 3.x application id.
func addLegacyError(diags *diag.Diagnostics, attr path.Path, summary string, err error) {
	var missing *backendless.LegacyKeyError
	if errors.As(err, &missing) {
		diags.Append(legacyKeyDiag(attr, missing.AppID))
		return
	}
	if backendless.IsLegacyRefusal(err) {
		diags.AddError("Backendless 3.x refused the application id, secret key or version",
			fmt.Sprintf("%s: %v.\n\nCheck the application id and version, and the secret key in backendless.legacy_secret_keys (%s); "+
				"backendless.legacy_application_type (now sent as application-type) must name the client type the key belongs to.", summary, err, envBackendlessLegacyKeys))
		return
	}
	addGateError(diags, summary, err)
}

// regexValidator accepts a Go regular expression.
type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a valid Go regular expression"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%s = %q: %v. Write a Go (RE2) regular expression, such as %q.", req.Path, req.ConfigValue.ValueString(), err, defaultDataArchivePattern))
	}
}
