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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Runbook §3.1 "Linking the New Free App to the v4 Node" and §3.4 "Linking the App to the v4
// Node": in the portal, the app's Environments → Select Node → Use this Node. There is no vendor
// API (mendix-cloud-api.md §5.8): mode "api" calls the sandbox's modeled endpoint, mode "manual"
// waits for a person. Either way the result is verified through documented Deploy v4 reads.

var (
	_ resource.Resource                = &mendixNodeLinkResource{}
	_ resource.ResourceWithConfigure   = &mendixNodeLinkResource{}
	_ resource.ResourceWithImportState = &mendixNodeLinkResource{}
	_ resource.ResourceWithModifyPlan  = &mendixNodeLinkResource{}
)

const mendixNodeLinkType = "appmigrate_mendix_node_link"

// Link statuses recorded in state.
const (
	linkLinked   = "linked"
	linkReplaced = "replaced"
)

// NewMendixNodeLinkResource returns the appmigrate_mendix_node_link resource.
// nodeLinkTimeouts are the step's timeouts and their defaults.
var nodeLinkTimeouts = stepTimeouts{Create: 30 * time.Minute, Read: 5 * time.Minute, Update: 30 * time.Minute}

func NewMendixNodeLinkResource() resource.Resource { return &mendixNodeLinkResource{} }

type mendixNodeLinkResource struct{ configured }

type mendixNodeLinkModel struct {
	ID                  types.String   `tfsdk:"id"`
	ProjectID           types.String   `tfsdk:"project_id"`
	NodeID              types.String   `tfsdk:"node_id"`
	Mode                types.String   `tfsdk:"mode"`
	Subdomain           types.String   `tfsdk:"subdomain"`
	After               types.List     `tfsdk:"after"`
	DeleteReplacedAppID types.String   `tfsdk:"delete_replaced_app_id"`
	OffboardedSource    types.String   `tfsdk:"offboarded_source_app_id"`
	DisplaceAppID       types.String   `tfsdk:"displace_app_id"`
	Environments        types.Map      `tfsdk:"environments"`
	Status              types.String   `tfsdk:"status"`
	ReplacedBy          types.String   `tfsdk:"replaced_by_project_id"`
	DeletedAppID        types.String   `tfsdk:"deleted_app_id"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixNodeLinkResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_node_link"
}

func (r *mendixNodeLinkResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Links a Mendix app to a licensed Cloud node (portal: the app's **Environments → Select Node → Use this Node**), which unlinks the app that held the node. " +
			"Used twice in the v3 → v4 runbook: first for the temporary app, last for the real app (with `delete_replaced_app_id` to delete the temporary app). " +
			"Verified through Deploy API v4 reads. There is no API to unlink: destroy only forgets the link.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<project_id>/<node_id>`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "The app to link: its project id (UUID), e.g. `appmigrate_mendix_temporary_app.x.project_id`, or `data.appmigrate_mendix_app.x.project_id` for the real app. Changing it links another app.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"node_id": schema.StringAttribute{
				MarkdownDescription: "The licensed Cloud v4 node to link the app to, as the portal's node list names it. Changing it links again.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"mode": modeAttribute("`POST /apps/{appId}/node` (Deploy v4 style)"),
			"subdomain": schema.StringAttribute{
				MarkdownDescription: "The node's subdomain, which becomes the app's Deploy API v1 `AppId` (give it to the resources that call Deploy v1). " +
					"Computed from the link; set it to make apply check it (and, in `manual` mode, to say which node the app must end up on).",
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
			},
			"after": schema.ListAttribute{
				MarkdownDescription: "Ids of resources this link must wait for. The final link of the real app lists `appmigrate_mendix_environment_start.<name>.id`, " +
					"so the node cannot change hands before the app runs on v4. Only orders the graph; changing it does nothing.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"delete_replaced_app_id": schema.StringAttribute{
				MarkdownDescription: "Project id of the app this link replaces on the node, to delete (Projects API) once the link is verified — the runbook's " +
					"\"The temporary app can be deleted.\" Only an app that is no longer licensed is deleted. Set it on the final link to the temporary app's `project_id`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"displace_app_id": schema.StringAttribute{
				MarkdownDescription: "Project id of the app that holds the node now and that this link takes the node from (it is unlinked: a node holds one app). " +
					"Linking a node that runs another app is refused unless that app is named here or in `delete_replaced_app_id`; the plan shows which app is displaced. " +
					"The check needs `subdomain` (the node's Deploy v1 `AppId`), known at plan or at apply.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(mxUUID, "must be a project id (UUID)")},
			},
			"offboarded_source_app_id": schema.StringAttribute{
				MarkdownDescription: "Runbook §3.4 *\"After the v3 node has been offboarded\"*: the Deploy API v1 `AppId` (subdomain) of the Cloud v3 node the app ran on. " +
					"When set, create links nothing until that node is offboarded (§3.3, a Mendix Support request: `data.appmigrate_mendix_offboarding_request`): " +
					"it waits, within `timeouts.create`, until Deploy API v1 `GET /apps/<AppId>` answers 404 (the node no longer holds the app), and the plan says so. " +
					"Set it on the final link of the real app. Only read at create.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.RegexMatches(mxAppIDPattern, "must be a Deploy API v1 AppId (the node's subdomain: letters, digits and dashes)")},
			},
			"environments": schema.MapAttribute{
				MarkdownDescription: "The node's environments as Deploy API v4 lists them for the app: environment name (the Deploy v1 `Mode`, e.g. `Production`) → `EnvironmentId`.",
				ElementType:         types.StringType,
				Computed:            true,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "`linked`, or `replaced` once another app has been linked to the node (the runbook's end state for the temporary app's link).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"replaced_by_project_id": schema.StringAttribute{
				MarkdownDescription: "When `status` is `replaced`: the project id of the app that now holds the node.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"deleted_app_id": schema.StringAttribute{
				MarkdownDescription: "The project id deleted because of `delete_replaced_app_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": nodeLinkTimeouts.attribute(ctx),
		},
	}
}

func (r *mendixNodeLinkResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixNodeLinkResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixNodeLinkType, mendixNeeds{pat: true}, diags)
}

// offboardingGate is runbook §3.3: a support request, then Mendix detaches the app from the v3 node.
func offboardingGate(sourceAppID, projectID string) manualGate {
	return manualGate{
		Console: "Mendix Support (https://support.mendix.com)",
		Step:    fmt.Sprintf("offboard the Cloud v3 node of app %s before its app %s is linked to the v4 node", sourceAppID, projectID),
		Clicks: []string{
			"Check that the app runs correctly on Cloud v4 and that you have downloaded the latest backup and deployment package.",
			fmt.Sprintf("Submit the request to offboard the v3 node %s at https://support.mendix.com (`terraform output offboarding_request` has the text).", sourceAppID),
			"Wait until Mendix Support confirms: \"the app will be detached from the node\" and remains a Free App.",
		},
		DoneWhen: fmt.Sprintf("Deploy API v1 GET /apps/%s answers 404 (the v3 node no longer holds the app)", sourceAppID),
	}
}

// waitForOffboarding waits, changing nothing, until Deploy v1 no longer shows the v3 node's app.
func (r *mendixNodeLinkResource) waitForOffboarding(ctx context.Context, client *mendix.Client, sourceAppID, projectID string) error {
	return offboardingGate(sourceAppID, projectID).wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		app, err := client.App(ctx, sourceAppID)
		switch {
		case mendix.IsNotFound(err):
			return manualProgress{Done: true}, nil
		case err != nil:
			return manualProgress{}, err
		}
		return manualProgress{Missing: fmt.Sprintf("Deploy API v1 still shows app %s (%s) on the v3 node", sourceAppID, app.ProjectID)}, nil
	})
}

// nodeLinkGate is the portal procedure, in the runbook's words (§3.4).
func nodeLinkGate(projectID, nodeID, subdomain string) manualGate {
	where := "the v4 node " + nodeID
	if subdomain != "" {
		where += " (subdomain " + subdomain + ")"
	}
	return manualGate{
		Console: "the Mendix Developer Portal (http://home.mendix.com)",
		Step:    fmt.Sprintf("link the app %s to the Cloud node %s", projectID, nodeID),
		Clicks: []string{
			fmt.Sprintf("Go to **Apps** and select the app with project id %s.", projectID),
			"Once you are in the app, go to the **Environments** tab in the left menu.",
			"Click **Select Node**.",
			fmt.Sprintf("Select %s by clicking **Use this Node** and link it to your app. The currently linked app will be unlinked automatically.", where),
		},
		DoneWhen: fmt.Sprintf("Deploy API v4 shows the app %s licensed on the node", projectID),
	}
}

// ModifyPlan checks the credentials at plan time and, in manual mode, says what to click.
func (r *mendixNodeLinkResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	if r.client(&resp.Diagnostics) == nil {
		return
	}
	var plan mendixNodeLinkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.DeleteReplacedAppID.IsNull() && !plan.DeleteReplacedAppID.IsUnknown() && plan.DeleteReplacedAppID.Equal(plan.ProjectID) {
		resp.Diagnostics.AddAttributeError(path.Root("delete_replaced_app_id"), "Cannot delete the app being linked",
			"delete_replaced_app_id names the same app as project_id. Set it to the project id of the app this link replaces on the node (the temporary app), or remove it.")
		return
	}
	creating := req.State.Raw.IsNull()
	if !creating {
		var state mendixNodeLinkModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		creating = !state.ProjectID.Equal(plan.ProjectID) || !state.NodeID.Equal(plan.NodeID)
	}
	if creating && !plan.Subdomain.IsNull() && !plan.Subdomain.IsUnknown() && !plan.ProjectID.IsUnknown() &&
		!plan.DisplaceAppID.IsUnknown() && !plan.DeleteReplacedAppID.IsUnknown() {
		if client := r.client(&resp.Diagnostics); client != nil {
			resp.Diagnostics.Append(r.checkDisplacement(ctx, client, plan, true)...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
	}
	if id := plan.DeleteReplacedAppID; creating && !id.IsNull() && !id.IsUnknown() {
		// Only a temporary app this provider made may be deleted: known now, refused now.
		if client := r.client(&resp.Diagnostics); client != nil {
			p, err := client.Project(ctx, id.ValueString())
			switch {
			case err == nil && !strings.Contains(p.Description, mxMarkerPrefix):
				resp.Diagnostics.AddAttributeError(path.Root("delete_replaced_app_id"), "Refusing to delete an app this provider did not create",
					fmt.Sprintf("App %s (%q) carries no marker of terraform-provider-appmigrate (%q… in its description), so nothing proves it is the temporary app. "+
						"Set delete_replaced_app_id to appmigrate_mendix_temporary_app.<name>.project_id, or remove it and delete the app in the portal.", id.ValueString(), p.Name, mxMarkerPrefix))
				return
			case err != nil && !mendix.IsNotFound(err):
				addMendixError(&resp.Diagnostics, "Reading delete_replaced_app_id "+id.ValueString()+" (Projects API)", err)
				return
			}
		}
	}
	if creating && !plan.OffboardedSource.IsNull() && !plan.OffboardedSource.IsUnknown() && !plan.ProjectID.IsUnknown() {
		r.planOffboarding(ctx, plan, resp)
	}
	if creating && plan.Mode.ValueString() == modeManual && !plan.ProjectID.IsUnknown() && !plan.NodeID.IsUnknown() {
		timeout, diags := plan.Timeouts.Create(ctx, nodeLinkTimeouts.Create)
		resp.Diagnostics.Append(diags...)
		sub := ""
		if !plan.Subdomain.IsUnknown() {
			sub = plan.Subdomain.ValueString()
		}
		resp.Diagnostics.Append(nodeLinkGate(plan.ProjectID.ValueString(), plan.NodeID.ValueString(), sub).planWarning(timeout))
	}
}

// checkDisplacement finds the app that holds the node (the licensed app on subdomain) and refuses
// to take the node from it unless the configuration names it (displace_app_id or
// delete_replaced_app_id). At plan time an allowed displacement is shown as a warning.
func (r *mendixNodeLinkResource) checkDisplacement(ctx context.Context, client *mendix.Client, plan mendixNodeLinkModel, planning bool) diag.Diagnostics {
	var diags diag.Diagnostics
	sub, projectID := plan.Subdomain.ValueString(), plan.ProjectID.ValueString()
	apps, err := client.AppsV4(ctx, mendix.LicenseLicensed)
	if err != nil {
		addMendixError(&diags, "Looking up which app holds node "+plan.NodeID.ValueString(), err)
		return diags
	}
	var holder *mendix.V4App
	for i := range apps {
		if strings.EqualFold(apps[i].Subdomain, sub) {
			holder = &apps[i]
			break
		}
	}
	if holder == nil || strings.EqualFold(holder.ID, projectID) {
		return diags // vacant, or already ours
	}
	named := strings.EqualFold(plan.DisplaceAppID.ValueString(), holder.ID) || strings.EqualFold(plan.DeleteReplacedAppID.ValueString(), holder.ID)
	if !named {
		diags.AddAttributeError(path.Root("node_id"), "The node runs another app",
			fmt.Sprintf("Node %s (subdomain %s) holds app %s (%q). Linking app %s takes the node from it and unlinks it, with no way back. "+
				"If that is intended (the runbook's final link takes the node from the temporary app), set displace_app_id = %q (or delete_replaced_app_id to delete it afterwards); "+
				"otherwise correct node_id.", plan.NodeID.ValueString(), sub, holder.ID, holder.Name, projectID, holder.ID))
		return diags
	}
	if planning {
		diags.AddAttributeWarning(path.Root("node_id"), "This link displaces app "+holder.ID,
			fmt.Sprintf("Node %s (subdomain %s) holds app %s (%q) now. Linking app %s unlinks it: it becomes a Free App.", plan.NodeID.ValueString(), sub, holder.ID, holder.Name, projectID))
	}
	return diags
}

// planOffboarding reads Deploy v1 at plan time: a v3 node that still holds the app means apply
// will wait for the offboarding, and the plan says what to do.
func (r *mendixNodeLinkResource) planOffboarding(ctx context.Context, plan mendixNodeLinkModel, resp *resource.ModifyPlanResponse) {
	src := plan.OffboardedSource.ValueString()
	client := r.mendixClientFor(mendixNodeLinkType, mendixNeeds{pat: true, apiKey: true}, &resp.Diagnostics)
	if client == nil {
		return
	}
	_, err := client.App(ctx, src)
	if mendix.IsNotFound(err) {
		return // offboarded already
	}
	timeout, diags := plan.Timeouts.Create(ctx, nodeLinkTimeouts.Create)
	resp.Diagnostics.Append(diags...)
	g := offboardingGate(src, plan.ProjectID.ValueString())
	resp.Diagnostics.AddAttributeWarning(path.Root("offboarded_source_app_id"), "Waits for the offboarding of the v3 node "+src,
		fmt.Sprintf("Runbook §3.4 comes after §3.3: this link is made only once the v3 node is offboarded. In %s:\n\n%s\nApply waits up to %s (timeouts.create) until %s, and changes nothing meanwhile.",
			g.Console, g.instructions(), timeout, g.DoneWhen))
}

func (r *mendixNodeLinkResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixNodeLinkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, nodeLinkTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	projectID, nodeID := plan.ProjectID.ValueString(), plan.NodeID.ValueString()
	what := fmt.Sprintf("Linking Mendix app %s to node %s", projectID, nodeID)
	want := ""
	if !plan.Subdomain.IsUnknown() && !plan.Subdomain.IsNull() {
		want = plan.Subdomain.ValueString()
	}
	plan.ID = types.StringValue(projectID + "/" + nodeID)
	plan.ReplacedBy = types.StringNull()
	plan.DeletedAppID = types.StringNull()

	if src := plan.OffboardedSource.ValueString(); src != "" {
		v1 := r.mendixClientFor(mendixNodeLinkType, mendixNeeds{pat: true, apiKey: true}, &resp.Diagnostics)
		if v1 == nil {
			return
		}
		if err := r.waitForOffboarding(ctx, v1, src, projectID); err != nil {
			addGateError(&resp.Diagnostics, what, err)
			return
		}
	}
	var (
		app *mendix.V4App
		err error
	)
	if plan.Mode.ValueString() == modeManual {
		app, err = r.waitForManualLink(ctx, client, projectID, nodeID, want)
		if err != nil {
			addGateError(&resp.Diagnostics, what, err)
			return
		}
	} else {
		if want != "" {
			// The guard at plan time could not run when subdomain was unknown then.
			resp.Diagnostics.Append(r.checkDisplacement(ctx, client, plan, false)...)
			if resp.Diagnostics.HasError() {
				return
			}
		}
		link, err := client.LinkNode(ctx, projectID, nodeID)
		if err != nil {
			addMendixError(&resp.Diagnostics, what, err)
			return
		}
		if want != "" && !strings.EqualFold(want, link.Subdomain) {
			resp.Diagnostics.AddAttributeError(path.Root("subdomain"), "The node has another subdomain",
				fmt.Sprintf("Node %s was linked, but its subdomain is %q, not %q as configured. Correct subdomain (or remove it to take the node's).", nodeID, link.Subdomain, want))
			return
		}
		// The node changed hands: record it now, so a failed verification leaves a tainted link.
		plan.Subdomain = types.StringValue(link.Subdomain)
		plan.Status = types.StringValue(linkLinked)
		plan.Environments = types.MapNull(types.StringType)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		app, err = r.verifyLink(ctx, client, projectID, link.Subdomain)
		if err != nil {
			addMendixError(&resp.Diagnostics, what+": verifying through Deploy API v4", err)
			return
		}
	}
	plan.Subdomain = types.StringValue(app.Subdomain)
	plan.Status = types.StringValue(linkLinked)
	envs, err := r.environments(ctx, client, projectID)
	if err != nil {
		plan.Environments = types.MapNull(types.StringType)
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		addMendixError(&resp.Diagnostics, what+": reading the node's environments", err)
		return
	}
	plan.Environments = envs
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	r.deleteReplaced(ctx, client, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

// verifyLink waits until Deploy v4 shows the app licensed with the node's subdomain.
func (r *mendixNodeLinkResource) verifyLink(ctx context.Context, client *mendix.Client, projectID, subdomain string) (*mendix.V4App, error) {
	var app *mendix.V4App
	_, err := transport.Poll(ctx, r.data.poll.options(fmt.Sprintf("Deploy API v4 to show app %s licensed on subdomain %s", projectID, subdomain)),
		func(ctx context.Context) (transport.Status, error) {
			a, err := client.AppV4(ctx, projectID)
			if mendix.IsNotFound(err) {
				return transport.Status{State: "not shown by Deploy API v4 yet"}, nil
			}
			if err != nil {
				return transport.Status{}, err
			}
			app = a
			return transport.Status{State: a.LicenseType + " " + a.Subdomain,
				Done: a.LicenseType == mendix.LicenseLicensed && strings.EqualFold(a.Subdomain, subdomain)}, nil
		})
	return app, err
}

// waitForManualLink waits, changing nothing, until a person has linked the app: Deploy v4 shows it
// licensed on the configured subdomain, or (none configured) on another subdomain than at the start.
func (r *mendixNodeLinkResource) waitForManualLink(ctx context.Context, client *mendix.Client, projectID, nodeID, want string) (*mendix.V4App, error) {
	before := ""
	if a, err := client.AppV4(ctx, projectID); err == nil && a.LicenseType == mendix.LicenseLicensed {
		before = a.Subdomain
	} else if err != nil && !mendix.IsNotFound(err) {
		return nil, err
	}
	var app *mendix.V4App
	err := nodeLinkGate(projectID, nodeID, want).wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		a, err := client.AppV4(ctx, projectID)
		if mendix.IsNotFound(err) {
			// Deploy v4 shows no cloud app for an unlinked project.
			return manualProgress{Missing: "Deploy API v4 does not show the app yet (not linked to any node)"}, nil
		}
		if err != nil {
			return manualProgress{}, err
		}
		app = a
		switch {
		case a.LicenseType != mendix.LicenseLicensed:
			return manualProgress{Missing: fmt.Sprintf("the app is still a %s app (not linked to any node)", a.LicenseType)}, nil
		case want != "" && !strings.EqualFold(a.Subdomain, want):
			return manualProgress{Missing: fmt.Sprintf("the app is linked to subdomain %q, not %q", a.Subdomain, want)}, nil
		case want == "" && before != "" && strings.EqualFold(a.Subdomain, before):
			return manualProgress{Missing: fmt.Sprintf("the app is still linked to its old node (subdomain %q)", before)}, nil
		}
		return manualProgress{Done: true}, nil
	})
	return app, err
}

// environments maps the node's environment names to their ids, as Deploy v4 lists them.
func (r *mendixNodeLinkResource) environments(ctx context.Context, client *mendix.Client, projectID string) (types.Map, error) {
	envs, err := client.EnvironmentsV4(ctx, projectID)
	if err != nil {
		return types.MapNull(types.StringType), err
	}
	m := make(map[string]string, len(envs))
	for _, e := range envs {
		m[e.Name] = e.ID
	}
	return mxStringMap(m), nil
}

// deleteReplaced deletes delete_replaced_app_id once the link is verified, but only an app that
// Deploy v4 shows as no longer licensed: the one this link unlinked.
func (r *mendixNodeLinkResource) deleteReplaced(ctx context.Context, client *mendix.Client, m *mendixNodeLinkModel, diags *diag.Diagnostics) {
	if m.DeleteReplacedAppID.IsNull() || m.DeleteReplacedAppID.ValueString() == "" {
		return
	}
	id := m.DeleteReplacedAppID.ValueString()
	if m.DeletedAppID.ValueString() == id {
		return
	}
	// Existence from the Projects API (documented, knows unlinked projects); a Deploy v4 404
	// only means the app has no cloud app, never that it is gone.
	p, err := client.Project(ctx, id)
	switch {
	case mendix.IsNotFound(err):
		m.DeletedAppID = types.StringValue(id) // already gone
		return
	case err != nil:
		addMendixError(diags, "Reading the replaced app "+id+" before deleting it (Projects API)", err)
		return
	case !strings.Contains(p.Description, mxMarkerPrefix):
		diags.AddAttributeError(path.Root("delete_replaced_app_id"), "Refusing to delete an app this provider did not create",
			fmt.Sprintf("App %s (%q) carries no marker of terraform-provider-appmigrate (%q… in its description), so nothing proves it is the temporary app; it was not deleted. "+
				"Set delete_replaced_app_id to appmigrate_mendix_temporary_app.<name>.project_id, or remove it and delete the app in the portal.", id, p.Name, mxMarkerPrefix))
		return
	}
	app, err := client.AppV4(ctx, id)
	switch {
	case mendix.IsNotFound(err):
		// Not shown by Deploy v4: no cloud app, so not licensed on any node.
	case err != nil:
		addMendixError(diags, "Reading the replaced app "+id+" before deleting it", err)
		return
	case app.LicenseType == mendix.LicenseLicensed:
		diags.AddAttributeError(path.Root("delete_replaced_app_id"), "The app to delete is still linked to a node",
			fmt.Sprintf("App %s (%s) is still licensed on subdomain %q, so this link did not replace it and it was not deleted. "+
				"Set delete_replaced_app_id to the app that held node %s before this link (the temporary app), or remove it.", id, app.Name, app.Subdomain, m.NodeID.ValueString()))
		return
	}
	if err := client.DeleteProject(ctx, id); err != nil && !mendix.IsNotFound(err) {
		addMendixError(diags, "Deleting the replaced app "+id+" (Projects API)", err)
		return
	}
	m.DeletedAppID = types.StringValue(id)
}

func (r *mendixNodeLinkResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixNodeLinkModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, nodeLinkTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	projectID, nodeID := state.ProjectID.ValueString(), state.NodeID.ValueString()
	subdomain := state.Subdomain.ValueString()

	app, err := client.AppV4(ctx, projectID)
	if err != nil && !mendix.IsNotFound(err) {
		addMendixError(&resp.Diagnostics, "Reading the link of Mendix app "+projectID, err)
		return
	}
	linkedHere := err == nil && app.LicenseType == mendix.LicenseLicensed && (subdomain == "" || strings.EqualFold(app.Subdomain, subdomain))
	if linkedHere {
		state.Subdomain = types.StringValue(app.Subdomain)
		state.Status = types.StringValue(linkLinked)
		state.ReplacedBy = types.StringNull()
		// A node's environments do not change while it holds the app: listed once (at create,
		// or here when not recorded), so a refresh is one read.
		if state.Environments.IsNull() || state.Environments.IsUnknown() || len(state.Environments.Elements()) == 0 {
			if envs, err := r.environments(ctx, client, projectID); err == nil {
				state.Environments = envs
			} else {
				addMendixError(&resp.Diagnostics, "Reading the environments of Mendix app "+projectID, err)
				return
			}
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	// Not (or no longer) linked here. If another app now holds the node, this link was replaced —
	// the only way a node changes hands (§5.8) and the runbook's end state for the temporary app:
	// linking this app back would steal the node, so the record stays as it is.
	holder := ""
	if known := state.ReplacedBy.ValueString(); subdomain != "" && known != "" {
		// The recorded holder, read by id: nothing that grows with the account.
		a, err := client.AppV4(ctx, known)
		switch {
		case err == nil && a.LicenseType == mendix.LicenseLicensed && strings.EqualFold(a.Subdomain, subdomain):
			holder = a.ID
		case err != nil && !mendix.IsNotFound(err):
			addMendixError(&resp.Diagnostics, "Reading app "+known+", which holds node "+nodeID, err)
			return
		}
	}
	if subdomain != "" && holder == "" {
		// The account's licensed apps, listed once per provider process (cached in the client).
		apps, err := client.AppsV4(ctx, mendix.LicenseLicensed)
		if err != nil {
			addMendixError(&resp.Diagnostics, "Looking up which app holds node "+nodeID, err)
			return
		}
		for _, a := range apps {
			if strings.EqualFold(a.Subdomain, subdomain) && !strings.EqualFold(a.ID, projectID) {
				holder = a.ID
				break
			}
		}
	}
	if holder != "" {
		if state.Status.ValueString() != linkReplaced {
			resp.Diagnostics.AddWarning("Mendix node now holds another app",
				fmt.Sprintf("Node %s (subdomain %s) is now linked to app %s, which unlinked app %s — the runbook's last step does exactly this. "+
					"The link stays in state with status = \"replaced\" and is not re-created (that would take the node back).", nodeID, subdomain, holder, projectID))
		}
		state.Status = types.StringValue(linkReplaced)
		state.ReplacedBy = types.StringValue(holder)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	resp.Diagnostics.AddWarning("Mendix app no longer linked to the node",
		fmt.Sprintf("Deploy API v4 no longer shows app %s licensed on node %s (subdomain %q), and no other app holds that node. "+
			"The link is removed from state and the next apply links it again.", projectID, nodeID, subdomain))
	resp.State.RemoveResource(ctx)
}

func (r *mendixNodeLinkResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state mendixNodeLinkModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, nodeLinkTimeouts.Update, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	// Nothing on the platform depends on mode or after; a newly set delete_replaced_app_id is acted on.
	state.Mode, state.After, state.Timeouts = plan.Mode, plan.After, plan.Timeouts
	state.DeleteReplacedAppID = plan.DeleteReplacedAppID
	state.OffboardedSource = plan.OffboardedSource
	state.DisplaceAppID = plan.DisplaceAppID
	r.deleteReplaced(ctx, client, &state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *mendixNodeLinkResource) Delete(_ context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixNodeLinkModel
	resp.Diagnostics.Append(req.State.Get(context.Background(), &state)...)
	resp.Diagnostics.AddWarning("Mendix node link left in place",
		fmt.Sprintf("There is no API to unlink an app from a node: the Mendix docs say an app is unlinked only by linking a different app to that node. "+
			"App %s stays linked to node %s; only Terraform's record of the link was removed.", state.ProjectID.ValueString(), state.NodeID.ValueString()))
}

// ImportState takes `<project_id>/<node_id>`.
func (r *mendixNodeLinkResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts, ok := mxSplitID(req.ID, 2)
	if !ok {
		resp.Diagnostics.AddError("Invalid import id", "Import a node link as <project_id>/<node_id>: terraform import "+mendixNodeLinkType+".NAME 0a1b…/node-v4-calc")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("node_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("mode"), modeAPI)...)
}
