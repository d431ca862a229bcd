package provider

import (
	"context"
	"fmt"
	"strings"
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
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// Runbook step (Backendless 3.x → 5.0, step 5): "Create an application in the version 5 of the
// Backendless." The runbook recommends a blank, new app, so an existing app of the same name is
// never adopted silently: the user imports it on purpose.
//
// The one exception is an app this step itself made and lost track of. Backendless gives a create
// no idempotency key and answers a second create of a name with "name already taken" (code 8009),
// so the app is told by what the console shows of it:
//
//   - Lost answer or duplicate delivery: Create's own lookup, right before its POST, found the
//     name free; after the POST an app of that name is listed. The console lists only the apps of
//     the signed-in developer account, so it is an app of this account made in that instant. It
//     must also be in the planned zone and blank (no table, no file in its root, no migration log)
//     as a new app is. The only other way to get such an app is a second actor creating exactly
//     this name in this account within the same second, and that app would be just as new and
//     empty: nothing of anyone's is taken over.
//   - An earlier apply killed (SIGKILL, Ctrl-C) between its POST and saving state: no record is
//     left, so an app of that name is taken over only when it is blank, in the planned zone and
//     was created less than appAdoptWindow ago by the console's clock. An older or used app of the
//     same name still stops the plan with the "import it" diagnostic.

var (
	_ resource.Resource                = &backendlessAppResource{}
	_ resource.ResourceWithConfigure   = &backendlessAppResource{}
	_ resource.ResourceWithImportState = &backendlessAppResource{}
	_ resource.ResourceWithModifyPlan  = &backendlessAppResource{}
)

const backendlessAppType = "appmigrate_backendless_app"

// appAdoptWindow is how recently an app found without a record must have been created for Create
// to take it as the one an interrupted earlier apply of this step made: long enough for a re-run
// after a crash, short enough that an app someone made for another purpose is not taken over.
const appAdoptWindow = time.Hour

// NewBackendlessAppResource returns the appmigrate_backendless_app resource.
// backendlessAppTimeouts are the step's timeouts and their defaults.
var backendlessAppTimeouts = stepTimeouts{Create: 10 * time.Minute, Read: 5 * time.Minute, Update: 5 * time.Minute, Delete: 5 * time.Minute}

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
			"Create looks the name up first and refuses to adopt an existing app; import it instead. The one exception is the app an interrupted or unanswered create of this resource made itself: " +
			"an app of that name that is blank, in the planned zone and created within the last hour (or that appeared right after this create's own POST) is taken over rather than reported as taken. " +
			"Destroy refuses while `deletion_protection` is true.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The application id Backendless assigned (`appId`).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Application name, unique within the developer account. Changing it renames the app in place.",
				Required:            true,
				Validators:          []validator.String{appNameValidator{}, backendlessAppNameValidator{}},
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
			"timeouts": backendlessAppTimeouts.attribute(ctx),
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
	existing, err := rideOut(ctx, r.data.poll, "looking up Backendless app "+plan.Name.String(), func(ctx context.Context) (*backendless.App, error) {
		return client.PlanAppByName(ctx, plan.Name.ValueString())
	})
	if err != nil {
		addError(&resp.Diagnostics, "Checking whether Backendless app "+plan.Name.String()+" already exists", err)
		return
	}
	if existing == nil || (state != nil && existing.ID == state.ID.ValueString() && state.Zone.Equal(plan.Zone)) {
		return
	}
	if state == nil && !plan.Zone.IsUnknown() {
		leftover, err := r.leftover(ctx, client, existing, plan.Zone.ValueString())
		if err != nil {
			addError(&resp.Diagnostics, "Checking whether Backendless app "+plan.Name.String()+" is one an interrupted apply created", err)
			return
		}
		if leftover {
			resp.Diagnostics.AddAttributeWarning(path.Root("name"), "Backendless app will be adopted",
				fmt.Sprintf("An app named %q (id %s) exists, created %s and still blank: an earlier apply that was interrupted before it could record the app most likely created it. "+
					"Apply takes it over instead of creating a second one.", existing.Name, existing.ID, existing.Created.Format(time.RFC3339)))
			return
		}
	}
	resp.Diagnostics.Append(nameTakenDiag(path.Root("name"), existing))
}

// leftover reports whether app is one an interrupted earlier apply of this step created (see the
// top of this file): in zone, created less than appAdoptWindow ago, and blank.
func (r *backendlessAppResource) leftover(ctx context.Context, client *backendless.Client, app *backendless.App, zone string) (bool, error) {
	age := r.data.poll.clock.Now().Sub(app.Created)
	if app.Created.IsZero() || age > appAdoptWindow || age < -appAdoptWindow || !sameZone(app.Zone, zone) {
		return false, nil
	}
	content, err := client.ReadAppContent(ctx, app.ID)
	if err != nil {
		return false, err
	}
	return content.Blank(), nil
}

// sameZone compares zones; an app listed without one is in the console's default cluster, US (§2).
func sameZone(appZone, planned string) bool {
	if appZone == "" {
		appZone = "US"
	}
	return strings.EqualFold(appZone, planned)
}

func (r *backendlessAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan backendlessAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.backendlessClient(backendlessAppType, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, backendlessAppTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	name, zone := plan.Name.ValueString(), plan.Zone.ValueString()
	// Checked again at apply: another run may have taken the name since the plan.
	existing, err := rideOut(ctx, r.data.poll, "looking up Backendless app "+plan.Name.String(), func(ctx context.Context) (*backendless.App, error) {
		return client.FindAppByName(ctx, name)
	})
	if err != nil {
		addError(&resp.Diagnostics, "Looking up Backendless app "+plan.Name.String(), err)
		return
	}
	if existing != nil {
		leftover, err := r.leftover(ctx, client, existing, zone)
		if err != nil {
			addError(&resp.Diagnostics, "Checking whether Backendless app "+plan.Name.String()+" is one an interrupted apply created", err)
			return
		}
		if !leftover {
			resp.Diagnostics.Append(nameTakenDiag(path.Root("name"), existing))
			return
		}
		resp.Diagnostics.AddWarning("Adopted a Backendless app an interrupted apply created",
			fmt.Sprintf("The app %q (id %s) was created %s, is blank and was not recorded in state: an earlier apply was interrupted right after creating it. It is taken over instead of creating a second app.",
				existing.Name, existing.ID, existing.Created.Format(time.RFC3339)))
		r.save(ctx, &plan, existing, resp)
		return
	}

	// From here on the name was free: an app of that name that shows up is this create's own.
	// A create that failed for a while (5xx, connections) is tried again, each time after a
	// lookup by name, so it is never sent again once the app exists.
	attempt := 0
	app, err := rideOut(ctx, r.data.poll, "creating Backendless app "+plan.Name.String(), func(ctx context.Context) (*backendless.App, error) {
		if attempt++; attempt > 1 {
			own, err := client.FindAppByName(ctx, name)
			if err != nil || own != nil {
				if own != nil {
					own.LostAnswer = true
				}
				return own, err
			}
		}
		return client.CreateApp(ctx, name, zone)
	})
	switch {
	case err == nil && !app.LostAnswer:
		r.save(ctx, &plan, app, resp)
		return
	case err == nil:
		// The answer was lost; the lookup found the app (client.CreateApp).
		r.adoptOwn(ctx, client, &plan, app, "the console's answer to the create was lost", resp)
		return
	case backendless.IsNameTaken(err):
		// The name was free a moment ago: the create was delivered twice (a retrying proxy) and
		// this is the answer to the second delivery; the first made the app.
		own, lookupErr := client.FindAppByName(ctx, name)
		if lookupErr != nil {
			addError(&resp.Diagnostics, "Creating Backendless app "+plan.Name.String()+": the console answered that the name is taken; looking the app up", lookupErr)
			return
		}
		if own == nil {
			addError(&resp.Diagnostics, "Creating Backendless app "+plan.Name.String(), err)
			return
		}
		r.adoptOwn(ctx, client, &plan, own, "the console answered \"name already taken\" to a create delivered twice", resp)
		return
	case vendorRefused(err):
		addError(&resp.Diagnostics, "Creating Backendless app "+plan.Name.String(), err)
		return
	}
	// Interrupted (Ctrl-C, timeout) or cut off with an unknown outcome: if the app exists, it is
	// this create's, and it goes into state now rather than being left for an operator.
	settle, cancel := settleContext(ctx)
	defer cancel()
	if own, lookupErr := client.FindAppByName(settle, name); lookupErr == nil && own != nil {
		if stopRequested(ctx) {
			resp.Diagnostics.AddWarning("Creating Backendless app "+plan.Name.String()+": interrupted",
				fmt.Sprintf("Terraform was interrupted while the app was being created. The app %s was created and is recorded in state.", own.ID))
		}
		r.adoptOwn(settle, client, &plan, own, "the create was cut short", resp)
		return
	}
	addError(&resp.Diagnostics, "Creating Backendless app "+plan.Name.String(), err)
}

// adoptOwn records an app this Create made itself, found by name after its answer went missing
// (why says how), once it is in the planned zone and blank as a new app is.
func (r *backendlessAppResource) adoptOwn(ctx context.Context, client *backendless.Client, plan *backendlessAppModel, app *backendless.App, why string, resp *resource.CreateResponse) {
	what := "Creating Backendless app " + plan.Name.String()
	if !sameZone(app.Zone, plan.Zone.ValueString()) {
		resp.Diagnostics.AddAttributeError(path.Root("zone"), what,
			fmt.Sprintf("%s; the app %s now listed under this name is in zone %s, not %s, so it is not the one this apply created. Nothing was adopted; check the app in the console.", why, app.ID, app.Zone, plan.Zone.ValueString()))
		return
	}
	content, err := client.ReadAppContent(ctx, app.ID)
	if err != nil {
		addError(&resp.Diagnostics, what+": "+why+"; checking that the app found is the new, blank one", err)
		return
	}
	if !content.Blank() {
		resp.Diagnostics.Append(nameTakenDiag(path.Root("name"), app))
		resp.Diagnostics.AddError(what, fmt.Sprintf("%s, and the app %s now listed under this name already holds %s: it is not a new app, so it was not adopted.", why, app.ID, content))
		return
	}
	tflog.Info(ctx, "Adopted the Backendless app this create made", map[string]any{"app_id": app.ID, "why": why})
	r.save(ctx, plan, app, resp)
}

// save records the app in state.
func (r *backendlessAppResource) save(ctx context.Context, plan *backendlessAppModel, app *backendless.App, resp *resource.CreateResponse) {
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
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, backendlessAppTimeouts.Read, &resp.Diagnostics)
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
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, backendlessAppTimeouts.Update, &resp.Diagnostics)
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
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, backendlessAppTimeouts.Delete, &resp.Diagnostics)
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
