package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Runbook prerequisite (Mendix 003, §2): "Create a new temporary Free App without a Sandbox." The
// temporary app holds the v4 node while the real app still runs on v3; the final link replaces
// it, and "the temporary app can be deleted" (§3.4).

var (
	_ resource.Resource                = &mendixTemporaryAppResource{}
	_ resource.ResourceWithConfigure   = &mendixTemporaryAppResource{}
	_ resource.ResourceWithImportState = &mendixTemporaryAppResource{}
	_ resource.ResourceWithModifyPlan  = &mendixTemporaryAppResource{}
)

const mendixTemporaryAppType = "appmigrate_mendix_temporary_app"

// jobIDPrefix marks an id recorded before the create job reported the project id.
const jobIDPrefix = "job:"

// NewMendixTemporaryAppResource returns the appmigrate_mendix_temporary_app resource.
func NewMendixTemporaryAppResource() resource.Resource { return &mendixTemporaryAppResource{} }

type mendixTemporaryAppResource struct{ configured }

type mendixTemporaryAppModel struct {
	ID          types.String   `tfsdk:"id"`
	Name        types.String   `tfsdk:"name"`
	Summary     types.String   `tfsdk:"summary"`
	ProjectID   types.String   `tfsdk:"project_id"`
	JobID       types.String   `tfsdk:"job_id"`
	LicenseType types.String   `tfsdk:"license_type"`
	Deleted     types.Bool     `tfsdk:"deleted"`
	Timeouts    timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixTemporaryAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_temporary_app"
}

func (r *mendixTemporaryAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A temporary Mendix app created through the Projects API v2 (beta): the runbook's \"new temporary Free App without a Sandbox\" that holds the " +
			"Cloud v4 node until the real app is linked to it. Once the final `appmigrate_mendix_node_link` has replaced and deleted it (`delete_replaced_app_id`), " +
			"it stays in state with `deleted = true` instead of being created again.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The project id (UUID), the same as `project_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "App name (at most 100 characters). The Projects API has no rename, so changing it creates a new app.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100), appNameValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"summary": schema.StringAttribute{
				MarkdownDescription: "Optional app summary (at most 400 characters). Changing it creates a new app.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 400)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "The app's project id (UUID): Deploy API v4 `appId`, Deploy v1 `ProjectId`. Give it to `appmigrate_mendix_node_link.project_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"job_id": schema.StringAttribute{
				MarkdownDescription: "The Projects API create job that made the app.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"license_type": schema.StringAttribute{
				MarkdownDescription: "`free`, or `licensed` while it is linked to a node (Deploy API v4).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"deleted": schema.BoolAttribute{
				MarkdownDescription: "True once the app no longer exists (deleted by the final node link, or by hand). It is then kept in state rather than created again; " +
					"`terraform apply -replace` makes a new one.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func (r *mendixTemporaryAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixTemporaryAppResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixTemporaryAppType, mendixNeeds{pat: true}, diags)
}

// ModifyPlan fails at plan time when the Projects API credential is missing.
func (r *mendixTemporaryAppResource) ModifyPlan(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	r.client(&resp.Diagnostics)
}

func (r *mendixTemporaryAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixTemporaryAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, mendixDefaultCreate, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	what := "Creating the temporary Mendix app " + plan.Name.String()
	jobID, err := client.CreateProject(ctx, plan.Name.ValueString(), plan.Summary.ValueString())
	if err != nil {
		addMendixError(&resp.Diagnostics, what, err)
		return
	}
	// The job exists: record it before waiting, so a timeout leaves a tainted resource that
	// names the job (and whose destroy finds and deletes the app) rather than an orphan.
	plan.JobID = types.StringValue(jobID)
	plan.ID = types.StringValue(jobIDPrefix + jobID)
	plan.ProjectID = types.StringNull()
	plan.LicenseType = types.StringNull()
	plan.Deleted = types.BoolValue(false)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)

	projectID, err := r.waitForProject(ctx, client, jobID)
	if err != nil {
		addMendixError(&resp.Diagnostics, what+" (Projects API job "+jobID+")", err)
		return
	}
	plan.ProjectID = types.StringValue(projectID)
	plan.ID = plan.ProjectID
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)

	plan.LicenseType = types.StringValue(mendix.LicenseFree)
	if app, err := client.AppV4(ctx, projectID); err == nil {
		plan.LicenseType = types.StringValue(app.LicenseType)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// waitForProject polls the create job until it names the project.
func (r *mendixTemporaryAppResource) waitForProject(ctx context.Context, client *mendix.Client, jobID string) (string, error) {
	var projectID string
	_, err := transport.Poll(ctx, r.data.poll.options("Projects API create-app job "+jobID), func(ctx context.Context) (transport.Status, error) {
		j, err := client.ProjectJob(ctx, jobID)
		if err != nil {
			return transport.Status{}, err
		}
		projectID = j.ProjectID
		done := j.Status == mendix.ProjectJobCompleted
		if done && projectID == "" {
			return transport.Status{}, fmt.Errorf("the job %s completed without a project id", jobID)
		}
		return transport.Status{State: j.Status, Message: j.ErrorMessage, Done: done, Failed: j.Status == mendix.ProjectJobFailed}, nil
	})
	return projectID, err
}

// pendingProject resolves a state recorded before the job finished: the job's project, or "".
func pendingProject(ctx context.Context, client *mendix.Client, state *mendixTemporaryAppModel) (string, error) {
	if !state.ProjectID.IsNull() && state.ProjectID.ValueString() != "" {
		return state.ProjectID.ValueString(), nil
	}
	if state.JobID.IsNull() || state.JobID.ValueString() == "" {
		return "", nil
	}
	j, err := client.ProjectJob(ctx, state.JobID.ValueString())
	if mendix.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return j.ProjectID, nil
}

func (r *mendixTemporaryAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixTemporaryAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, mendixDefaultRead, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if state.Deleted.ValueBool() {
		return // retired: nothing left to read, and nothing to create again
	}
	projectID, err := pendingProject(ctx, client, &state)
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading the temporary Mendix app", err)
		return
	}
	if projectID == "" {
		resp.Diagnostics.AddWarning("Temporary Mendix app was never created",
			fmt.Sprintf("The create job %s of %s did not produce an app. It is removed from state and the next apply creates it.", state.JobID.ValueString(), state.Name.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	state.ProjectID = types.StringValue(projectID)
	state.ID = state.ProjectID
	app, err := client.AppV4(ctx, projectID)
	if mendix.IsNotFound(err) {
		// Deliberate exception to "404 → remove from state": a temporary app exists to be
		// replaced on its node and deleted (runbook §3.4). Creating it again would put a new,
		// unlinked app in the account and restart nothing useful.
		resp.Diagnostics.AddWarning("Temporary Mendix app no longer exists",
			fmt.Sprintf("The temporary app %s (%s) was not found: it was deleted, normally by the final appmigrate_mendix_node_link (delete_replaced_app_id). "+
				"It stays in state with deleted = true and is not created again. To make a new one, run terraform apply -replace=%s.<name>.",
				state.Name.ValueString(), projectID, mendixTemporaryAppType))
		state.Deleted = types.BoolValue(true)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading the temporary Mendix app "+projectID, err)
		return
	}
	if state.Name.IsNull() {
		state.Name = types.StringValue(app.Name) // after import
	}
	state.LicenseType = types.StringValue(app.LicenseType)
	state.Deleted = types.BoolValue(false)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *mendixTemporaryAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only timeouts can change in place.
	updateTimeoutsOnly(ctx, req, resp, func(m *mendixTemporaryAppModel) *timeouts.Value { return &m.Timeouts })
}

func (r *mendixTemporaryAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixTemporaryAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Deleted.ValueBool() {
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, mendixDefaultDelete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	projectID, err := pendingProject(ctx, client, &state)
	if err != nil {
		addMendixError(&resp.Diagnostics, "Deleting the temporary Mendix app", err)
		return
	}
	if projectID == "" {
		return
	}
	err = client.DeleteProject(ctx, projectID)
	switch {
	case err == nil, mendix.IsNotFound(err):
	case mendix.IsLinked(err):
		resp.Diagnostics.AddError("Temporary Mendix app is still linked to a node",
			fmt.Sprintf("%v.\n\nThe Projects API refuses to delete an app while it is linked to a licensed Cloud node, and a node is unlinked only by linking a different app to it "+
				"(runbook §3.4: \"The currently linked (temporary) app will be unlinked automatically. The temporary app can be deleted.\"). "+
				"Link the real app to the node first — appmigrate_mendix_node_link with delete_replaced_app_id = %q deletes this app right after — or remove it from the configuration "+
				"with a `removed` block to leave it in place.", err, projectID))
	default:
		addMendixError(&resp.Diagnostics, "Deleting the temporary Mendix app "+projectID, err)
	}
}

// ImportState takes the project id (UUID).
func (r *mendixTemporaryAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if id == "" || strings.Contains(id, "/") {
		resp.Diagnostics.AddError("Invalid import id", "Import a temporary Mendix app by its project id (UUID): terraform import "+mendixTemporaryAppType+".NAME <project-id>")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deleted"), false)...)
}
