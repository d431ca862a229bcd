package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// Runbook step 6 (Backendless 5.0): "Select the Files section in Backendless console and upload
// the "files" archive into the root directory." The archive goes from the 3.x download straight
// into the documented 5.x upload, hashed in flight, then is read back and hashed again: a copy is
// only done when both sides have the same bytes.

var (
	_ resource.Resource                = &fileUploadResource{}
	_ resource.ResourceWithConfigure   = &fileUploadResource{}
	_ resource.ResourceWithImportState = &fileUploadResource{}
	_ resource.ResourceWithModifyPlan  = &fileUploadResource{}
)

const fileUploadType = "appmigrate_backendless_file_upload"

// NewBackendlessFileUploadResource returns the appmigrate_backendless_file_upload resource.
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
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
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
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, 60*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	srcApp, srcVersion, srcPath := plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString()
	plan.ID = types.StringValue(appID + ":" + target)
	what := fmt.Sprintf("Uploading %s (3.x app %s version %s) to %s of Backendless app %s", srcPath, srcApp, srcVersion, target, appID)
	source := client.LegacyDownload(srcApp, srcVersion, srcPath)

	if !plan.Overwrite.ValueBool() {
		exists, err := client.FileExists(ctx, appID, target)
		if err != nil {
			addError(&resp.Diagnostics, what, err)
			return
		}
		if exists {
			// A file is already there: an earlier apply that uploaded it and lost track (or was
			// interrupted before saving state) is adopted when the bytes are the same.
			r.adoptExisting(ctx, client, &plan, what, resp)
			return
		}
	}

	up, err := client.UploadFile(ctx, appID, target, plan.Overwrite.ValueBool(), source)
	if backendless.IsFileExists(err) {
		resp.Diagnostics.AddAttributeError(path.Root("target_path"), "File already exists in the target app",
			fmt.Sprintf("%s: %v.\n\nSet overwrite = true to replace it, or choose another target_path.", what, err))
		return
	}
	if err != nil {
		addLegacyError(&resp.Diagnostics, path.Root("source_app_id"), what, err)
		return
	}
	// The file exists now: record it before verifying, so a mismatch leaves it tainted in state
	// (and a re-apply replaces it) instead of an untracked file in the app.
	plan.SourceBytes, plan.SourceSHA256 = types.Int64Value(up.Sent.Bytes), types.StringValue(up.Sent.SHA256)
	plan.Bytes, plan.SHA256, plan.FileURL = types.Int64Value(up.Sent.Bytes), types.StringValue(up.Sent.SHA256), types.StringValue(up.FileURL)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)

	got, err := client.HashFile(ctx, appID, target)
	if err != nil {
		addError(&resp.Diagnostics, "Reading back "+target+" from Backendless app "+appID+" to verify the upload", err)
		return
	}
	if got != up.Sent {
		plan.Bytes, plan.SHA256 = types.Int64Value(got.Bytes), types.StringValue(got.SHA256)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		resp.Diagnostics.AddError("Uploaded file differs from the source",
			fmt.Sprintf("%s: the 3.x source streamed %d bytes with SHA-256 %s, but the 5.0 app now holds %d bytes with SHA-256 %s.\n\n"+
				"The uploaded file is recorded in state as tainted; run apply again to replace it.", what, up.Sent.Bytes, up.Sent.SHA256, got.Bytes, got.SHA256))
	}
}

// adoptExisting hashes the file already at target_path and the source; equal bytes are adopted,
// anything else is left alone with an error saying how to proceed.
func (r *fileUploadResource) adoptExisting(ctx context.Context, client *backendless.Client, plan *fileUploadModel, what string, resp *resource.CreateResponse) {
	appID, target := plan.AppID.ValueString(), plan.TargetPath.ValueString()
	existing, err := client.HashFile(ctx, appID, target)
	if err != nil {
		addError(&resp.Diagnostics, what+": reading the file already at the target path", err)
		return
	}
	source, err := client.HashLegacyFile(ctx, plan.SourceAppID.ValueString(), plan.SourceVersion.ValueString(), plan.SourcePath.ValueString())
	if err != nil {
		addLegacyError(&resp.Diagnostics, path.Root("source_app_id"), what+": reading the source", err)
		return
	}
	if existing != source {
		resp.Diagnostics.AddAttributeError(path.Root("target_path"), "A different file already exists in the target app",
			fmt.Sprintf("%s: %s already exists in the 5.0 app with %d bytes (SHA-256 %s); the source has %d bytes (SHA-256 %s).\n\n"+
				"Set overwrite = true to replace it, or choose another target_path.", what, target, existing.Bytes, existing.SHA256, source.Bytes, source.SHA256))
		return
	}
	info, err := client.StatFile(ctx, appID, target)
	if err != nil {
		addError(&resp.Diagnostics, what, err)
		return
	}
	plan.SourceBytes, plan.SourceSHA256 = types.Int64Value(source.Bytes), types.StringValue(source.SHA256)
	plan.Bytes, plan.SHA256, plan.FileURL = types.Int64Value(existing.Bytes), types.StringValue(existing.SHA256), types.StringValue(info.PublicURL)
	resp.Diagnostics.AddWarning("Adopted a file already uploaded",
		fmt.Sprintf("%s already held the same %d bytes (SHA-256 %s) as the source, so nothing was uploaded and the file is now managed by Terraform.", target, existing.Bytes, existing.SHA256))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *fileUploadResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state fileUploadModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, 30*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	appID, target := state.AppID.ValueString(), state.TargetPath.ValueString()
	info, err := client.StatFile(ctx, appID, target)
	if backendless.IsNotFound(err) {
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
	plan.ID, plan.Bytes, plan.SHA256, plan.FileURL = state.ID, state.Bytes, state.SHA256, state.FileURL
	plan.SourceBytes, plan.SourceSHA256 = state.SourceBytes, state.SourceSHA256
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *fileUploadResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state fileUploadModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(fileUploadType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, 10*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if err := client.DeleteFile(ctx, state.AppID.ValueString(), state.TargetPath.ValueString()); err != nil && !backendless.IsNotFound(err) {
		addError(&resp.Diagnostics, "Deleting "+state.TargetPath.ValueString()+" from Backendless app "+state.AppID.ValueString(), err)
	}
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
