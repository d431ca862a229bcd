package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// Runbook step (Backendless 3.x → 5.0, step 5): "Create an application in the version 5 of the
// Backendless." The runbook recommends a blank, new app, so an existing app of the same name is
// never adopted silently: the user imports it on purpose.

var (
	_ resource.Resource                = &backendlessAppResource{}
	_ resource.ResourceWithConfigure   = &backendlessAppResource{}
	_ resource.ResourceWithImportState = &backendlessAppResource{}
	_ resource.ResourceWithModifyPlan  = &backendlessAppResource{}
)

const backendlessAppType = "appmigrate_backendless_app"

// NewBackendlessAppResource returns the appmigrate_backendless_app resource.
func NewBackendlessAppResource() resource.Resource { return &backendlessAppResource{} }

type backendlessAppResource struct{ configured }

type backendlessAppModel struct {
	ID                 types.String   `tfsdk:"id"`
	Name               types.String   `tfsdk:"name"`
	Zone               types.String   `tfsdk:"zone"`
	DeletionProtection types.Bool     `tfsdk:"deletion_protection"`
	CreatedAt          types.String   `tfsdk:"created_at"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *backendlessAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_app"
}

func (r *backendlessAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Backendless 5.x application: the target of a 3.x → 5.0 migration (runbook step \"Create an application in the version 5 of the Backendless\"). " +
			"Create looks the name up first and refuses to adopt an existing app; import it instead. Destroy refuses while `deletion_protection` is true.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The application id Backendless assigned (`appId`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Application name, unique within the developer account. Changing it renames the app in place.",
				Required:            true,
				Validators:          []validator.String{appNameValidator{}},
			},
			"zone": schema.StringAttribute{
				MarkdownDescription: "Backendless cluster the app lives in: `US` or `EU`. Changing it creates a new app. Default `US`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("US"),
				Validators:          []validator.String{stringvalidator.OneOf("US", "EU")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While true, `terraform destroy` refuses to delete the app (and its migrated data). Set it to false and apply before destroying. Default `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the app was created (RFC 3339), as the console reports it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": timeouts.Attributes(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *backendlessAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks at plan time what would otherwise fail half-way through apply: missing
// credentials, a refused login, and a name already taken by another app.
func (r *backendlessAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return // destroy, or provider configuration not known yet
	}
	client := r.backendlessClient(backendlessAppType, &resp.Diagnostics)
	if client == nil {
		return
	}
	var plan, state *backendlessAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() || plan.Name.IsUnknown() {
		return
	}
	if state != nil && state.Name.Equal(plan.Name) && state.Zone.Equal(plan.Zone) {
		return
	}
	existing, err := client.FindAppByName(ctx, plan.Name.ValueString())
	if err != nil {
		addError(&resp.Diagnostics, "Checking whether Backendless app "+plan.Name.String()+" already exists", err)
		return
	}
	if existing != nil && (state == nil || existing.ID != state.ID.ValueString() || !state.Zone.Equal(plan.Zone)) {
		resp.Diagnostics.Append(nameTakenDiag(path.Root("name"), existing))
	}
}

func (r *backendlessAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan backendlessAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.backendlessClient(backendlessAppType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, 10*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	name := plan.Name.ValueString()
	// Checked again at apply: another run may have taken the name since the plan.
	existing, err := client.FindAppByName(ctx, name)
	if err != nil {
		addError(&resp.Diagnostics, "Looking up Backendless app "+plan.Name.String(), err)
		return
	}
	if existing != nil {
		resp.Diagnostics.Append(nameTakenDiag(path.Root("name"), existing))
		return
	}
	app, err := client.CreateApp(ctx, name, plan.Zone.ValueString())
	if err != nil {
		addError(&resp.Diagnostics, "Creating Backendless app "+plan.Name.String(), err)
		return
	}
	plan.fill(app)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *backendlessAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state backendlessAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(backendlessAppType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, 5*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	app, err := client.GetApp(ctx, state.ID.ValueString())
	if backendless.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Backendless app no longer exists",
			fmt.Sprintf("The Backendless app %s (%s) was not found; it was deleted outside Terraform. It is removed from state and the next apply creates it again.", state.ID.ValueString(), state.Name.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "Reading Backendless app "+state.ID.ValueString(), err)
		return
	}
	state.fill(app)
	if state.DeletionProtection.IsNull() {
		state.DeletionProtection = types.BoolValue(true) // after import: protect by default
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *backendlessAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state backendlessAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.backendlessClient(backendlessAppType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, 5*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	if !plan.Name.Equal(state.Name) {
		if err := client.RenameApp(ctx, state.ID.ValueString(), plan.Name.ValueString()); err != nil {
			addError(&resp.Diagnostics, "Renaming Backendless app "+state.ID.ValueString()+" to "+plan.Name.String(), err)
			return
		}
	}
	plan.ID = state.ID
	plan.CreatedAt = state.CreatedAt
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *backendlessAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state backendlessAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.DeletionProtection.IsNull() || state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("deletion_protection"), "Deletion protection is on",
			fmt.Sprintf("Backendless app %s (%s) was not deleted because deletion_protection is true. "+
				"Set deletion_protection = false, run apply, then destroy again.", state.Name.ValueString(), state.ID.ValueString()))
		return
	}
	client := r.backendlessClient(backendlessAppType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, 5*time.Minute, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if err := client.DeleteApp(ctx, state.ID.ValueString()); err != nil {
		addError(&resp.Diagnostics, "Deleting Backendless app "+state.ID.ValueString(), err)
	}
}

// ImportState takes the app id, as shown in the console URL and in `appmigrate_backendless_app` data sources.
func (r *backendlessAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		resp.Diagnostics.AddError("Missing import id", "Import a Backendless app by its application id: terraform import appmigrate_backendless_app.NAME <app-id>")
		return
	}
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), true)...)
}

// fill copies what the console reports into the model.
func (m *backendlessAppModel) fill(app *backendless.App) {
	m.ID = types.StringValue(app.ID)
	m.Name = types.StringValue(app.Name)
	if app.Zone != "" {
		m.Zone = types.StringValue(app.Zone)
	} else if m.Zone.IsNull() || m.Zone.IsUnknown() {
		m.Zone = types.StringValue("US")
	}
	if !app.Created.IsZero() {
		m.CreatedAt = types.StringValue(app.Created.Format(time.RFC3339))
	} else if m.CreatedAt.IsUnknown() {
		m.CreatedAt = types.StringNull()
	}
}
