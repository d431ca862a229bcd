package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Runbook step 6 (Backendless 5.0): "Select the Files section in Backendless console and upload
// the "files" archive into the root directory." The archive goes from the 3.x download straight
// into the documented 5.x upload, hashed in flight, then is read back and hashed again: a copy is
// only done when both sides have the same bytes.
//
// Resume, never repeat: the upload is identified by its target path and the source's bytes. A
// file already at target_path with the source's size and SHA-256 is adopted without uploading
// again (an earlier apply that was killed, or an answer lost on the way back). A file that was
// not there when this create looked, and is there after its upload, is this create's own: one
// with other bytes (a cut-off or twice-delivered upload) is replaced, even without overwrite. An
// upload cut off without an answer is recorded with a resume point, so the path stays this
// resource's and the next apply (Update) finishes it.

var (
	_ resource.Resource                = &fileUploadResource{}
	_ resource.ResourceWithConfigure   = &fileUploadResource{}
	_ resource.ResourceWithImportState = &fileUploadResource{}
	_ resource.ResourceWithModifyPlan  = &fileUploadResource{}
)

const fileUploadType = "appmigrate_backendless_file_upload"

// uploadStep is the resume point of an upload that was started but not verified.
const uploadStep = "uploading the files archive"

// uploadResults are the attributes an unfinished upload does not know yet.
var uploadResults = map[string]attr.Value{
	"source_bytes": types.Int64Unknown(), "source_sha256": types.StringUnknown(),
	"bytes": types.Int64Unknown(), "sha256": types.StringUnknown(), "file_url": types.StringUnknown(),
}

// NewBackendlessFileUploadResource returns the appmigrate_backendless_file_upload resource.
// fileUploadTimeouts are the step's timeouts and their defaults.
var fileUploadTimeouts = stepTimeouts{Create: 60 * time.Minute, Read: 30 * time.Minute, Delete: 10 * time.Minute}

func NewBackendlessFileUploadResource() resource.Resource { return &fileUploadResource{} }

type fileUploadResource struct{ configured }

type fileUploadModel struct {
	ID            types.String   `tfsdk:"id"`
	AppID         types.String   `tfsdk:"app_id"`
	SourceAppID   types.String   `tfsdk:"source_app_id"`
	SourceVersion types.String   `tfsdk:"source_version"`
	SourcePath    types.String   `tfsdk:"source_path"`
	TargetPath    types.String   `tfsdk:"target_path"`
	Overwrite     types.Bool     `tfsdk:"overwrite"`
	SourceBytes   types.Int64    `tfsdk:"source_bytes"`
	SourceSHA256  types.String   `tfsdk:"source_sha256"`
	Bytes         types.Int64    `tfsdk:"bytes"`
	SHA256        types.String   `tfsdk:"sha256"`
	FileURL       types.String   `tfsdk:"file_url"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (r *fileUploadResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_file_upload"
}

// storagePathRe is an absolute storage path without empty, "." or ".." segments or a trailing slash.
var storagePathRe = regexp.MustCompile(`^(/[^/]+)+$`)

func (r *fileUploadResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	pathValidators := []validator.String{
		stringvalidator.RegexMatches(storagePathRe, "must be an absolute path such as /crm_v1_files_20261122100000.zip, without a trailing slash"),
		stringvalidator.NoneOf("/.", "/.."),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Copies the *files* migration archive from a Backendless 3.x app into the root directory of the 5.0 app (runbook step 6: " +
			"\"upload the \\\"files\\\" archive into the root directory\"). The archive is streamed from the 3.x download into the 5.x upload without being held in memory or on disk, " +
			"then read back: bytes and SHA-256 must match on both sides.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<app_id>:<target_path>`.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Id of the 5.0 target app, usually `appmigrate_backendless_app.<name>.id`. Changing it uploads into the new app.",
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
				MarkdownDescription: "Path of the files archive in the 3.x File storage, usually `appmigrate_backendless_migration_archive.<name>.files_archive_path`.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{requiresReplaceUnlessImported()},
				Validators:          pathValidators,
			},
			"target_path": schema.StringAttribute{
				MarkdownDescription: "Path of the uploaded file in the 5.0 app. Default: the root directory and the archive's own file name, as the runbook says.",
				Optional:            true,
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          pathValidators,
			},
			"overwrite": schema.BoolAttribute{
				MarkdownDescription: "Replace a different file already at `target_path`. Default `false`: such a file stops the apply. A file with the same bytes and SHA-256 is adopted either way.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"source_bytes": schema.Int64Attribute{
				MarkdownDescription: "Bytes read from the 3.x download, counted in flight. Null after import.",
				Computed:            true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"source_sha256": schema.StringAttribute{
				MarkdownDescription: "SHA-256 (hex) of the 3.x download, computed in flight. Null after import.",
				Computed:            true, PlanModifiers: keep,
			},
			"bytes": schema.Int64Attribute{
				MarkdownDescription: "Size of the file in the 5.0 app, read back after the upload; equal to `source_bytes`.",
				Computed:            true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"sha256": schema.StringAttribute{
				MarkdownDescription: "SHA-256 (hex) of the file in the 5.0 app, streamed back after the upload; equal to `source_sha256`.",
				Computed:            true, PlanModifiers: keep,
			},
			"file_url": schema.StringAttribute{
				MarkdownDescription: "Download URL of the uploaded file as Backendless reports it (`fileURL`), with the app's REST API key replaced by `{rest-api-key}`: the key never reaches state.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"timeouts": fileUploadTimeouts.attribute(ctx),
		},
	}
}

func (r *fileUploadResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// requiresReplaceUnlessImported replaces the resource when a source attribute changes, except
// when state has no value for it yet (after import): then the configuration merely records it.
func requiresReplaceUnlessImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = !req.StateValue.IsNull()
	}, "Changing the value replaces the resource (except right after import, when the value is recorded).",
		"Changing the value replaces the resource (except right after import, when the value is recorded).")
}

// ModifyPlan checks the 3.x key at plan time and derives the default target_path.
func (r *fileUploadResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if client == nil {
		return
	}
	var plan, config fileUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkLegacyKey(client, path.Root("source_app_id"), plan.SourceAppID, &resp.Diagnostics)
	planResume(ctx, req, resp, uploadResults)
	if req.State.Raw.IsNull() {
		// Creating: what is readable now is checked now, before anything is sent.
		planCheckTargetApp(ctx, client, path.Root("app_id"), plan.AppID, &resp.Diagnostics)
		planCheckLegacySource(ctx, client, legacySourceFileAttrs, plan.SourceAppID, plan.SourceVersion, plan.SourcePath, client.CheckLegacyArchive, &resp.Diagnostics)
	}
	if !config.TargetPath.IsNull() {
		return
	}
	target := types.StringUnknown()
	if !plan.SourcePath.IsUnknown() {
		_, name := backendless.SplitPath(plan.SourcePath.ValueString())
		target = types.StringValue("/" + name)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("target_path"), target)...)
	if !req.State.Raw.IsNull() {
		var state fileUploadModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !target.Equal(state.TargetPath) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("target_path"))
		}
	}
}

func (r *fileUploadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan fileUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, fileUploadTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	// The plan's checks of the source, again before anything is sent: the plan skips them when
	// source_path is unknown then (the archive resource creates it in the same apply), and an
	// archive with entries that escape its folder must never reach the 5.0 app.
	if !applyCheckLegacySource(ctx, client, r.data.poll, legacySourceFileAttrs, plan.SourceAppID, plan.SourceVersion, plan.SourcePath,
		client.CheckLegacyArchive, &resp.Diagnostics) {
		return
	}
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	plan.ID = types.StringValue(appID + ":" + target)
	u := r.upload(&plan, &resp.Diagnostics, &resp.State, resp.Private)

	exists, err := rideOut(ctx, r.data.poll, "checking "+target, func(ctx context.Context) (bool, error) {
		return client.FileExists(ctx, appID, target)
	})
	if err != nil {
		addError(&resp.Diagnostics, u.what, err)
		return
	}
	if exists {
		// A file is already there: the same bytes as the source (an earlier apply that uploaded it
		// and lost track) are adopted; other bytes are replaced only with overwrite.
		same, err := u.compare(ctx, client, nil)
		if err != nil {
			u.fail(ctx, err, false)
			return
		}
		if same != nil {
			u.adopt(ctx, client, same, "Adopted a file already uploaded")
			return
		}
		if !plan.Overwrite.ValueBool() {
			u.differs(ctx, client)
			return
		}
	}
	// The path was free (or is replaced on purpose): what is there after the upload is this create's.
	u.send(ctx, client, plan.Overwrite.ValueBool())
}

// uploadRun is one upload step being done, with where its outcome goes (Create's or a resuming
// Update's response).
type uploadRun struct {
	poll    pollSettings
	plan    *fileUploadModel
	what    string
	diags   *diag.Diagnostics
	state   *tfsdk.State
	private privateSetter
}

func (r *fileUploadResource) upload(plan *fileUploadModel, diags *diag.Diagnostics, state *tfsdk.State, private privateSetter) *uploadRun {
	return &uploadRun{poll: r.data.poll, plan: plan, diags: diags, state: state, private: private,
		what: fmt.Sprintf("Uploading %s (3.x app %s version %s) to %s of Backendless app %s", plan.SourcePath.ValueString(), plan.SourceAppID.ValueString(),
			plan.SourceVersion.ValueString(), plan.TargetPath.ValueString(), plan.AppID.ValueString())}
}

// send uploads the source to the target path, which this step owns from now on, and verifies it.
// An answer that is lost, a duplicate delivery ("file already exists") or a file that arrived
// with other bytes is settled by comparing what is there with the source, then by uploading once
// more with overwrite when they differ. A cut-off upload is recorded with the resume point.
func (u *uploadRun) send(ctx context.Context, client *backendless.Client, overwrite bool) {
	plan := u.plan
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	source := client.LegacyDownload(plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString())
	for attempt := 0; ; attempt++ {
		// An upload that failed for a while (5xx, connections) is tried again, each time after
		// comparing what is at the target path with the source, so a file that arrived whole is
		// adopted rather than sent again.
		tries := 0
		var adopted *transport.Digest
		up, err := rideOut(ctx, u.poll, u.what, func(ctx context.Context) (*backendless.UploadResult, error) {
			if tries++; tries > 1 {
				same, err := u.compare(ctx, client, nil)
				if err != nil || same != nil {
					adopted = same
					return nil, err
				}
			}
			return client.UploadFile(ctx, appID, target, overwrite, source)
		})
		if err == nil && adopted != nil {
			u.adopt(ctx, client, adopted, "")
			return
		}
		switch {
		case err == nil:
			u.verify(ctx, client, up)
			return
		case transport.IsTookEffect(err) || backendless.IsFileExists(err):
			// The file was absent when this step looked: whatever is there now is its own upload.
			same, cmpErr := u.compare(ctx, client, nil)
			if cmpErr != nil {
				u.fail(ctx, cmpErr, true)
				return
			}
			if same != nil {
				u.adopt(ctx, client, same, "")
				return
			}
			if attempt > 0 {
				u.fail(ctx, fmt.Errorf("%w; the file there still differs from the source after uploading it again", err), true)
				return
			}
			overwrite = true // its own file, cut off or garbled: replaced
		case vendorRefused(err):
			// Refused: nothing was stored.
			addLegacyError(u.diags, path.Root("source_app_id"), u.what, err)
			return
		default:
			// Cut off without an answer, or interrupted: the path is this step's from here on.
			u.fail(ctx, err, true)
			return
		}
	}
}

// verify reads the uploaded file back and compares it with what was streamed.
func (u *uploadRun) verify(ctx context.Context, client *backendless.Client, up *backendless.UploadResult) {
	plan := u.plan
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	// The file exists now: record it before verifying, so an interruption keeps it this step's.
	plan.SourceBytes, plan.SourceSHA256 = types.Int64Value(up.Sent.Bytes), types.StringValue(up.Sent.SHA256)
	plan.FileURL = types.StringValue(up.FileURL)
	u.record(ctx)
	got, err := rideOut(ctx, u.poll, "reading back "+target, func(ctx context.Context) (transport.Digest, error) {
		return client.HashFile(ctx, appID, target)
	})
	if err != nil {
		u.fail(ctx, fmt.Errorf("reading back %s to verify the upload: %w", target, err), true)
		return
	}
	plan.Bytes, plan.SHA256 = types.Int64Value(got.Bytes), types.StringValue(got.SHA256)
	u.diags.Append(u.state.Set(ctx, plan)...)
	u.diags.Append(setResume(ctx, u.private, "")...)
	if got != up.Sent {
		u.diags.AddError("Uploaded file differs from the source",
			fmt.Sprintf("%s: the 3.x source streamed %d bytes with SHA-256 %s, but the 5.0 app now holds %d bytes with SHA-256 %s.\n\n"+
				"The uploaded file is recorded in state as tainted; run apply again to replace it.", u.what, up.Sent.Bytes, up.Sent.SHA256, got.Bytes, got.SHA256))
	}
}

// compare hashes the file at the target path and the source (unless its digest is known) and
// returns the common digest when both hold the same bytes (nil when they differ or the file is
// missing). A size that already differs saves both downloads.
func (u *uploadRun) compare(ctx context.Context, client *backendless.Client, source *transport.Digest) (*transport.Digest, error) {
	plan := u.plan
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	srcApp, srcVersion, srcPath := plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString()
	info, err := client.StatFile(ctx, appID, target)
	if backendless.IsFileNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if source == nil {
		srcInfo, err := client.StatLegacyDownload(ctx, srcApp, srcVersion, srcPath)
		if err != nil {
			return nil, err
		}
		if srcInfo.Size != info.Size {
			return nil, nil
		}
		d, err := client.HashLegacyFile(ctx, srcApp, srcVersion, srcPath)
		if err != nil {
			return nil, err
		}
		source = &d
	}
	if source.Bytes != info.Size {
		return nil, nil
	}
	got, err := client.HashFile(ctx, appID, target)
	if err != nil {
		return nil, err
	}
	if got != *source {
		return nil, nil
	}
	return &got, nil
}

// adopt records the file at the target path, whose bytes equal the source's (d); warning, when
// not empty, says so to the user.
func (u *uploadRun) adopt(ctx context.Context, client *backendless.Client, d *transport.Digest, warning string) {
	plan := u.plan
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	info, err := client.StatFile(ctx, appID, target)
	if err != nil {
		u.fail(ctx, err, false)
		return
	}
	plan.SourceBytes, plan.SourceSHA256 = types.Int64Value(d.Bytes), types.StringValue(d.SHA256)
	plan.Bytes, plan.SHA256, plan.FileURL = types.Int64Value(d.Bytes), types.StringValue(d.SHA256), types.StringValue(info.PublicURL)
	if warning != "" {
		u.diags.AddWarning(warning,
			fmt.Sprintf("%s already held the same %d bytes (SHA-256 %s) as the source, so nothing was uploaded and the file is now managed by Terraform.", target, d.Bytes, d.SHA256))
	}
	u.diags.Append(u.state.Set(ctx, plan)...)
	u.diags.Append(setResume(ctx, u.private, "")...)
}

// differs refuses a different file at the target path without overwrite.
func (u *uploadRun) differs(ctx context.Context, client *backendless.Client) {
	plan := u.plan
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	existing, err := client.HashFile(ctx, appID, target)
	if err != nil {
		addError(u.diags, u.what+": reading the file already at the target path", err)
		return
	}
	source, err := client.HashLegacyFile(ctx, plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString())
	if err != nil {
		addLegacyError(u.diags, path.Root("source_app_id"), u.what+": reading the source", err)
		return
	}
	u.diags.AddAttributeError(path.Root("target_path"), "A different file already exists in the target app",
		fmt.Sprintf("%s: %s already exists in the 5.0 app with %d bytes (SHA-256 %s); the source has %d bytes (SHA-256 %s).\n\n"+
			"Set overwrite = true to replace it, or choose another target_path.", u.what, target, existing.Bytes, existing.SHA256, source.Bytes, source.SHA256))
}

// record saves the step as unfinished: the target path is this resource's from now on.
func (u *uploadRun) record(ctx context.Context) {
	u.diags.Append(u.state.Set(ctx, u.plan.partial())...)
	u.diags.Append(setResume(ctx, u.private, uploadStep)...)
}

// fail ends the step on err. owned says the target path is already this step's (its upload may
// have reached the vendor): then it is saved with the resume point (interrupted); otherwise
// nothing of the step exists and the error alone is reported.
func (u *uploadRun) fail(ctx context.Context, err error, owned bool) {
	report := func(d *diag.Diagnostics, summary string, err error) {
		addLegacyError(d, path.Root("source_app_id"), summary, err)
	}
	if !owned {
		report(u.diags, u.what, err)
		return
	}
	interrupted(ctx, u.diags, u.state, u.private, u.plan.partial(), uploadStep, u.what, "An upload that reached Backendless", err, report)
}

// partial is the model with every value not known yet set to null, for saving state mid-create.
func (m fileUploadModel) partial() fileUploadModel {
	nullUnknownStrings(&m.SourceSHA256, &m.SHA256, &m.FileURL)
	nullUnknownInts(&m.SourceBytes, &m.Bytes)
	return m
}

func (r *fileUploadResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state fileUploadModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, fileUploadTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID, target := state.AppID.ValueString(), state.TargetPath.ValueString()
	if rp, diags := resumeOf(ctx, req.Private); rp != nil || diags.HasError() {
		resp.Diagnostics.Append(diags...)
		return // an unfinished upload: kept as it is; the next apply finishes it
	}
	info, err := client.StatFile(ctx, appID, target)
	if err != nil && !backendless.IsFileNotFound(err) && backendless.Is404(err) {
		// A 404 without the Files API's own code: it proves the file gone only if the app is.
		if _, appErr := client.GetApp(ctx, appID); appErr != nil && backendless.IsNotFound(appErr) {
			err = &backendless.Error{Op: "backendless: stat " + target, Status: http.StatusNotFound, Code: backendless.CodeFileNotFound, Message: "the app no longer exists"}
		}
	}
	if backendless.IsFileNotFound(err) {
		resp.Diagnostics.AddWarning("Uploaded file no longer exists",
			fmt.Sprintf("%s is no longer in Backendless app %s; it was deleted outside Terraform. It is removed from state and the next apply uploads it again.", target, appID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "Reading "+target+" of Backendless app "+appID, err)
		return
	}
	if state.SHA256.IsNull() {
		// Just imported: the digest is computed once, by streaming the file.
		d, err := client.HashFile(ctx, appID, target)
		if err != nil {
			addError(&resp.Diagnostics, "Hashing "+target+" of Backendless app "+appID, err)
			return
		}
		state.Bytes, state.SHA256, state.FileURL = types.Int64Value(d.Bytes), types.StringValue(d.SHA256), types.StringValue(info.PublicURL)
		state.SourceBytes, state.SourceSHA256 = types.Int64Null(), types.StringNull()
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	if info.Size != state.Bytes.ValueInt64() {
		resp.Diagnostics.AddWarning("Uploaded file changed outside Terraform",
			fmt.Sprintf("%s of Backendless app %s is now %d bytes, not the %d uploaded. It is removed from state; the next apply uploads the archive again "+
				"(set overwrite = true so the changed file may be replaced).", target, appID, info.Size, state.Bytes.ValueInt64()))
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update records changed settings (overwrite, timeouts, sources right after import); the file is untouched.
func (r *fileUploadResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state fileUploadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	rp, diags := resumeOf(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	plan.ID = state.ID
	if rp == nil {
		plan.Bytes, plan.SHA256, plan.FileURL = state.Bytes, state.SHA256, state.FileURL
		plan.SourceBytes, plan.SourceSHA256 = state.SourceBytes, state.SourceSHA256
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	// An interrupted create: the target path is this resource's. Keep what is there when it is
	// the source's bytes; otherwise upload again over it.
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, fileUploadTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	u := r.upload(&plan, &resp.Diagnostics, &resp.State, resp.Private)
	var known *transport.Digest
	if !state.SourceSHA256.IsNull() && !state.SourceBytes.IsNull() {
		known = &transport.Digest{Bytes: state.SourceBytes.ValueInt64(), SHA256: state.SourceSHA256.ValueString()}
	}
	same, err := u.compare(ctx, client, known)
	if err != nil {
		u.fail(ctx, err, true)
		return
	}
	if same != nil {
		u.adopt(ctx, client, same, "")
		return
	}
	u.send(ctx, client, true)
}

func (r *fileUploadResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state fileUploadModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, fileUploadTimeouts.Delete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if rp, _ := resumeOf(ctx, req.Private); rp != nil && r.keepUnfinished(ctx, client, &state, &resp.Diagnostics) {
		return
	}
	if err := client.DeleteFile(ctx, state.AppID.ValueString(), state.TargetPath.ValueString()); err != nil && !backendless.IsNotFound(err) {
		addError(&resp.Diagnostics, "Deleting "+state.TargetPath.ValueString()+" from Backendless app "+state.AppID.ValueString(), err)
	}
}

// keepUnfinished decides, for an unfinished upload being removed (a tainted resource replaced),
// whether the file at its path is kept: a complete one (the source's size) is left for the next
// create to verify and adopt, a partial one is deleted. It warns about what it keeps.
func (r *fileUploadResource) keepUnfinished(ctx context.Context, client *backendless.Client, state *fileUploadModel, diags *diag.Diagnostics) bool {
	appID, target := state.AppID.ValueString(), state.TargetPath.ValueString()
	info, err := client.StatFile(ctx, appID, target)
	if err != nil {
		return false // gone, or unreadable: Delete goes on (and ignores a 404)
	}
	src, err := client.StatLegacyDownload(ctx, state.SourceAppID.ValueString(), state.SourceVersion.ValueString(), state.SourcePath.ValueString())
	if err != nil || src.Size != info.Size {
		return false
	}
	diags.AddWarning("Unfinished upload left in place",
		fmt.Sprintf("%s of Backendless app %s was uploaded but not yet verified when this resource was removed. It has the source's size, so it is left in place: "+
			"the next create compares its SHA-256 with the source and adopts it instead of uploading again.", target, appID))
	return true
}

// ImportState takes `<app_id>:<path>`; Read then measures and hashes the file.
func (r *fileUploadResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	appID, p, ok := strings.Cut(req.ID, ":")
	if !ok || appID == "" || strings.Trim(p, "/") == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Import an uploaded file by `<app_id>:<path>` (the 5.0 application id and the file's path), got %q:\n\n  terraform import %s.<name> 8F0B2C1E-1D2A-4F0B-9A6C-5E4D3C2B1A00:/crm_v1_files_20261122100000.zip", req.ID, fileUploadType))
		return
	}
	p = backendless.CleanPath(p)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), appID+":"+p)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), appID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("target_path"), p)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("overwrite"), false)...)
}
