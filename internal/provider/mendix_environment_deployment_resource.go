package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

// Runbook §3.2.4 "deploy the deployment package to an environment", first half: the transport.
// Vendor facts (mendix-cloud-api.md §5.3): transport needs the environment stopped and does not
// replace a running app; right after an upload it answers 503 while the package is processed.
// This resource leaves the environment stopped on purpose: the settings (which exist only after a
// transport) and the restore (which needs an app deployed and stopped) come next, and
// appmigrate_mendix_environment_start runs last.

var (
	_ resource.Resource                = &mendixDeploymentResource{}
	_ resource.ResourceWithConfigure   = &mendixDeploymentResource{}
	_ resource.ResourceWithImportState = &mendixDeploymentResource{}
	_ resource.ResourceWithModifyPlan  = &mendixDeploymentResource{}
)

const mendixDeploymentType = "appmigrate_mendix_environment_deployment"

// NewMendixEnvironmentDeploymentResource returns the appmigrate_mendix_environment_deployment resource.
// deploymentTimeouts are the step's timeouts and their defaults.
var deploymentTimeouts = stepTimeouts{Create: 30 * time.Minute, Read: 5 * time.Minute}

func NewMendixEnvironmentDeploymentResource() resource.Resource { return &mendixDeploymentResource{} }

type mendixDeploymentResource struct{ configured }

type mendixDeploymentModel struct {
	ID            types.String   `tfsdk:"id"`
	AppID         types.String   `tfsdk:"app_id"`
	Environment   types.String   `tfsdk:"environment"`
	PackageID     types.String   `tfsdk:"package_id"`
	EnvironmentID types.String   `tfsdk:"environment_id"`
	ModelVersion  types.String   `tfsdk:"model_version"`
	MendixVersion types.String   `tfsdk:"mendix_version"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixDeploymentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_environment_deployment"
}

func (r *mendixDeploymentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Deploys (transports) a package to a Mendix environment and leaves the environment **stopped**: stops it if it runs, transports (retrying the " +
			"documented 503 while the package is still being processed) and verifies the deployed package. Its `id` changes with the package, so the settings, restore and " +
			"start that reference it follow a new deployment.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<app_id>/<environment>/<package_id>`, known at plan time. Give it to `deployment_id` of the settings, restore and start resources.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` of the v4 node: `appmigrate_mendix_node_link.<name>.subdomain`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), mxNoSlash{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "The environment (`Mode`), e.g. `Production`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), mxNoSlash{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"package_id": schema.StringAttribute{
				MarkdownDescription: "The package to deploy: `appmigrate_mendix_package_transfer.<name>.package_id`. When another package is found deployed, the plan deploys this one again.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"environment_id": computed("The environment's `EnvironmentId` (UUID)."),
			"model_version":  computed("`ModelVersion` Deploy API v1 reports for the environment after the transport."),
			"mendix_version": computed("`MendixVersion` (runtime) Deploy API v1 reports after the transport."),
			"timeouts":       deploymentTimeouts.attribute(ctx),
		},
	}
}

// mxNoSlash rejects values that would make an id ambiguous.
type mxNoSlash struct{}

func (mxNoSlash) Description(context.Context) string               { return "must not contain a slash" }
func (v mxNoSlash) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (mxNoSlash) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !strings.Contains(req.ConfigValue.ValueString(), "/") {
		return
	}
	if strings.HasSuffix(req.Path.String(), "app_id") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid app id",
			fmt.Sprintf("%s = %q contains a slash. Give the v4 node's Deploy API v1 AppId (its subdomain, e.g. calc-v4): appmigrate_mendix_node_link.<name>.subdomain.", req.Path, req.ConfigValue.ValueString()))
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid environment name",
		fmt.Sprintf("%s = %q contains a slash. Give the environment's Mode as Deploy API v1 names it, such as Production or Acceptance.", req.Path, req.ConfigValue.ValueString()))
}

func (r *mendixDeploymentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixDeploymentResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixDeploymentType, mendixNeeds{apiKey: true}, diags)
}

func deploymentID(appID, mode, packageID string) string { return appID + "/" + mode + "/" + packageID }

// ModifyPlan makes the id known at plan time (so what depends on it shows in the plan) and checks
// that the environment and the package exist when their names are known.
func (r *mendixDeploymentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	var plan mendixDeploymentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AppID.IsUnknown() || plan.Environment.IsUnknown() {
		return
	}
	if !plan.PackageID.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"),
			deploymentID(plan.AppID.ValueString(), plan.Environment.ValueString(), plan.PackageID.ValueString()))...)
	}
	if !req.State.Raw.IsNull() {
		return
	}
	if _, err := client.Environment(ctx, plan.AppID.ValueString(), plan.Environment.ValueString()); err != nil {
		if mendix.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("environment"), "Mendix environment not found",
				fmt.Sprintf("%v.\n\nCheck app_id (the v4 node's subdomain) and environment (a Mode such as Production; see the node link's environments).", err))
			return
		}
		addMendixError(&resp.Diagnostics, "Checking environment "+plan.AppID.ValueString()+"/"+plan.Environment.ValueString(), err)
		return
	}
	if !plan.PackageID.IsUnknown() {
		// A package id known at plan (not from this apply's package transfer) must exist.
		_, err := client.Package(ctx, plan.AppID.ValueString(), plan.PackageID.ValueString(), false)
		switch {
		case mendix.IsNotFound(err) || mendix.StatusOf(err) == 400:
			resp.Diagnostics.AddAttributeError(path.Root("package_id"), "Mendix package not found",
				fmt.Sprintf("%v.\n\nThe app %s has no package %s. Use appmigrate_mendix_package_transfer.<name>.package_id, or an id data.appmigrate_mendix_packages lists.",
					err, plan.AppID.ValueString(), plan.PackageID.ValueString()))
		case err != nil:
			addMendixError(&resp.Diagnostics, "Checking package "+plan.PackageID.ValueString(), err)
		}
	}
}

func (r *mendixDeploymentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixDeploymentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, deploymentTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	appID, mode, packageID := plan.AppID.ValueString(), plan.Environment.ValueString(), plan.PackageID.ValueString()
	what := fmt.Sprintf("Deploying package %s to %s/%s", packageID, appID, mode)

	// §5.3: "Environment must be stopped" and "Transport does not replace a running app".
	if err := r.stopEnvironment(ctx, client, appID, mode); err != nil {
		addMendixError(&resp.Diagnostics, what+": stopping the environment", err)
		return
	}
	err := r.retryLater(ctx, fmt.Sprintf("transport of package %s to %s/%s (503: the package is still being processed)", packageID, appID, mode),
		func(ctx context.Context) error { return client.Transport(ctx, appID, mode, packageID) })
	if err != nil {
		addMendixError(&resp.Diagnostics, what, err)
		return
	}
	plan.ID = types.StringValue(deploymentID(appID, mode, packageID))
	plan.EnvironmentID, plan.ModelVersion, plan.MendixVersion = types.StringNull(), types.StringNull(), types.StringNull()
	// The transport is done: from here a Ctrl-C saves the deployment (a warning, not tainted) and
	// the next refresh reads what the verification would have read.
	step := mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics}
	step.save(ctx, &plan, "verifying the deployment")

	deployed, err := client.DeployedPackage(ctx, appID, mode, false)
	if err != nil {
		step.stopped(ctx, &plan, "verifying the deployment", what+": verifying the deployed package", "The transport (accepted)", err)
		return
	}
	if deployed.PackageID != packageID {
		resp.Diagnostics.AddError(what+": verification failed",
			fmt.Sprintf("The transport was accepted, but %s/%s reports package %s deployed, not %s. Run apply again.", appID, mode, deployed.PackageID, packageID))
		return
	}
	env, err := client.Environment(ctx, appID, mode)
	if err != nil {
		step.stopped(ctx, &plan, "verifying the deployment", what+": reading the environment", "The transport (accepted)", err)
		return
	}
	plan.fill(env)
	step.save(ctx, &plan, "")
}

func (m *mendixDeploymentModel) fill(env *mendix.Environment) {
	m.EnvironmentID = types.StringValue(env.EnvironmentID)
	m.ModelVersion = types.StringValue(env.ModelVersion)
	m.MendixVersion = types.StringValue(env.MendixVersion)
}

func (r *mendixDeploymentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixDeploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, deploymentTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	appID, mode := state.AppID.ValueString(), state.Environment.ValueString()
	deployed, err := client.DeployedPackage(ctx, appID, mode, false)
	if mendix.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Nothing deployed to the Mendix environment",
			fmt.Sprintf("%v.\n\nThe deployment is removed from state and the next apply deploys package %s again.", err, state.PackageID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading the package deployed to "+appID+"/"+mode, err)
		return
	}
	// Another package deployed out of band shows as a change of package_id, which plans a new transport.
	state.PackageID = types.StringValue(deployed.PackageID)
	state.ID = types.StringValue(deploymentID(appID, mode, deployed.PackageID))
	env, err := client.Environment(ctx, appID, mode)
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading environment "+appID+"/"+mode, err)
		return
	}
	state.fill(env)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	resp.Diagnostics.Append(setResume(ctx, resp.Private, "")...) // a create cut short after the transport is complete now
}

func (r *mendixDeploymentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only timeouts can change in place.
	updateTimeoutsOnly(ctx, req, resp, func(m *mendixDeploymentModel) *timeouts.Value { return &m.Timeouts })
}

func (r *mendixDeploymentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixDeploymentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.AddWarning("Mendix deployment left in place",
		fmt.Sprintf("Mendix has no undeploy: package %s stays deployed to %s/%s (the only way to empty an environment, \"clean\", also wipes its data, so it is not called). "+
			"Only Terraform's record was removed.", state.PackageID.ValueString(), state.AppID.ValueString(), state.Environment.ValueString()))
}

// ImportState takes `<app_id>/<environment>` (or with `/<package_id>` appended).
func (r *mendixDeploymentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.Split(req.ID, "/")
	if (len(parts) != 2 && len(parts) != 3) || parts[0] == "" || parts[1] == "" {
		resp.Diagnostics.AddError("Invalid import id", "Import a deployment as <app_id>/<environment>, e.g. terraform import "+mendixDeploymentType+".NAME calc-v4/Production")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("environment"), parts[1])...)
}
