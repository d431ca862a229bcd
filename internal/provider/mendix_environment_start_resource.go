package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Runbook §3.2.4 "Testing and Repeating", second half: "deploy the deployment package to an
// environment and start your app." It takes the ids of the deployment, the settings and the
// restore, so Terraform cannot start the app before all three are done, and it restarts whenever
// one of them changes (settings take effect at the next start, §5.6).

var (
	_ resource.Resource               = &mendixStartResource{}
	_ resource.ResourceWithConfigure  = &mendixStartResource{}
	_ resource.ResourceWithModifyPlan = &mendixStartResource{}
)

const mendixStartType = "appmigrate_mendix_environment_start"

// NewMendixEnvironmentStartResource returns the appmigrate_mendix_environment_start resource.
// startTimeouts are the step's timeouts and their defaults.
var startTimeouts = stepTimeouts{Create: 30 * time.Minute, Read: 5 * time.Minute, Update: 30 * time.Minute, Delete: 10 * time.Minute}

func NewMendixEnvironmentStartResource() resource.Resource { return &mendixStartResource{} }

type mendixStartResource struct{ configured }

type mendixStartModel struct {
	ID           types.String   `tfsdk:"id"`
	AppID        types.String   `tfsdk:"app_id"`
	Environment  types.String   `tfsdk:"environment"`
	DeploymentID types.String   `tfsdk:"deployment_id"`
	SettingsID   types.String   `tfsdk:"settings_id"`
	RestoreID    types.String   `tfsdk:"restore_id"`
	AutoSyncDB   types.Bool     `tfsdk:"auto_sync_db"`
	JobID        types.String   `tfsdk:"job_id"`
	Status       types.String   `tfsdk:"status"`
	ModelVersion types.String   `tfsdk:"model_version"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixStartResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_environment_start"
}

func (r *mendixStartResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	orderBy := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Starts a Mendix environment once its package is deployed, its settings written and its backup restored, and waits for the start job to report `Started`. " +
			"A start failure names the vendor's code (e.g. `MISSING_CONSTANT`). An environment found stopped shows as a diff; destroy stops the environment.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<app_id>/<environment>`.",
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
				MarkdownDescription: "The environment (`Mode`) to start, e.g. `Production`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), mxNoSlash{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"deployment_id": orderBy("`appmigrate_mendix_environment_deployment.<name>.id` of this environment. A new deployment restarts the app. " +
				"Checked before the start: the package it names must be the one deployed to this environment."),
			"settings_id": schema.StringAttribute{
				MarkdownDescription: "`appmigrate_mendix_environment_settings.<name>.id` of this environment. Its id changes with the values, so changed settings restart the app (they take effect at the next start). " +
					"Checked before the start: its public part must match the settings written on this environment (constant names, scheduled events, custom settings).",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				// A new revision is an update that restarts the app, not a replacement: a replacement
				// plans a new start, which proves restore_id again, and after the final node link the
				// restore's project (the temporary app) is gone. An id of the earlier form (no public
				// part) with the same revision is the same settings: no restart for a provider upgrade.
			},
			"restore_id": orderBy("`appmigrate_mendix_backup_restore.<name>.id`: the app starts only on the restored data. " +
				"Checked before the start: Backups API v2 must show that restore completed into this environment."),
			"auto_sync_db": schema.BoolAttribute{
				MarkdownDescription: "`AutoSyncDb` of the start call: synchronise the database with the model on start. Default `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"job_id": schema.StringAttribute{
				MarkdownDescription: "The last start job (`JobId`); empty when the environment was already running with its settings in effect.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `Status` of the environment: `Running` after apply. Found otherwise on refresh, it plans a start.",
				Computed:            true,
			},
			"model_version": schema.StringAttribute{
				MarkdownDescription: "`ModelVersion` of the running environment (Deploy API v1).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"timeouts": startTimeouts.attribute(ctx),
		},
	}
}

func (r *mendixStartResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixStartResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixStartType, mendixNeeds{apiKey: true}, diags)
}

// ModifyPlan checks that the ordering ids belong to this environment and plans a start when the
// environment was found not running.
func (r *mendixStartResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	if r.client(&resp.Diagnostics) == nil {
		return
	}
	var plan mendixStartModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.AppID.IsUnknown() && !plan.Environment.IsUnknown() {
		prefix := strings.ToLower(plan.AppID.ValueString() + "/" + plan.Environment.ValueString() + "/")
		for _, a := range []struct {
			attr string
			v    types.String
			typ  string
		}{{"deployment_id", plan.DeploymentID, mendixDeploymentType}, {"settings_id", plan.SettingsID, mendixSettingsType}} {
			if !a.v.IsUnknown() && !strings.HasPrefix(strings.ToLower(a.v.ValueString()), prefix) {
				resp.Diagnostics.AddAttributeError(path.Root(a.attr), "Belongs to another environment",
					fmt.Sprintf("%s = %q is not an id of %s for %s/%s. Reference the %s of the environment this resource starts.",
						a.attr, a.v.ValueString(), a.typ, plan.AppID.ValueString(), plan.Environment.ValueString(), a.typ))
			}
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	var state mendixStartModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if client := r.client(&resp.Diagnostics); client != nil && !plan.AppID.IsUnknown() && !plan.Environment.IsUnknown() {
		// A restore id known at plan is a finished restore: checked now. The deployment and
		// settings ids are known at plan even when their steps run in this same apply, so they
		// are checked at apply, right before the start.
		onlyRestore := plan
		onlyRestore.DeploymentID, onlyRestore.SettingsID = types.StringUnknown(), types.StringUnknown()
		resp.Diagnostics.Append(r.verifyOrder(ctx, client, onlyRestore, state, req.State.Raw.IsNull())...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if req.State.Raw.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), mendix.EnvRunning)...)
		return
	}
	// Running is the only state this resource accepts: anything else found on refresh is a diff.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), mendix.EnvRunning)...)
	if settingsRevisionChanged(state.SettingsID, plan.SettingsID) ||
		resuming(ctx, req.Private, &resp.Diagnostics, state.Status.ValueString() != mendix.EnvRunning) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("job_id"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("model_version"), types.StringUnknown())...)
	}
}

func (r *mendixStartResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixStartModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, startTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	plan.ID = types.StringValue(plan.AppID.ValueString() + "/" + plan.Environment.ValueString())
	plan.JobID = types.StringNull()
	if client := r.client(&resp.Diagnostics); client != nil {
		resp.Diagnostics.Append(r.verifyOrder(ctx, client, plan, mendixStartModel{}, true)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	r.start(ctx, &plan, false, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

func (r *mendixStartResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state mendixStartModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, startTimeouts.Update, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	plan.ID = state.ID
	resumed := resuming(ctx, req.Private, &resp.Diagnostics, false)
	// New settings take effect at the next start: start restarts a running environment whose
	// written values are not in effect yet.
	if state.Status.ValueString() == mendix.EnvRunning && !resumed && !settingsRevisionChanged(state.SettingsID, plan.SettingsID) {
		plan.JobID, plan.ModelVersion = state.JobID, state.ModelVersion
		resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
		return
	}
	plan.JobID = types.StringNull()
	if resumed {
		plan.JobID = state.JobID // the start that was cut short
	}
	if client := r.client(&resp.Diagnostics); client != nil {
		resp.Diagnostics.Append(r.verifyOrder(ctx, client, plan, state, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	r.start(ctx, &plan, resumed, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

// settingsRevisionChanged reports a settings_id whose revision (the part before the ".") differs
// from the state's; unknown counts as changed. An id of the earlier form with the same revision is
// the same settings.
func settingsRevisionChanged(old, now types.String) bool {
	if now.IsUnknown() {
		return true
	}
	o, _, _ := strings.Cut(old.ValueString(), ".")
	n, _, _ := strings.Cut(now.ValueString(), ".")
	return o != n
}

// verifyOrder proves that the ids this start rests on name finished work on this environment:
// the deployment's package is the one deployed, the settings id's public part matches the settings
// written there, and the restore completed into this environment (Backups API v2). Only ids that
// are known and new (creating, or changed since the state) are checked. A made-up id is refused
// before anything is stopped or started.
func (r *mendixStartResource) verifyOrder(ctx context.Context, client *mendix.Client, plan, state mendixStartModel, creating bool) diag.Diagnostics {
	var diags diag.Diagnostics
	appID, mode := plan.AppID.ValueString(), plan.Environment.ValueString()
	fresh := func(v, old types.String) bool { return !v.IsUnknown() && !v.IsNull() && (creating || !v.Equal(old)) }
	if fresh(plan.DeploymentID, state.DeploymentID) {
		want := plan.DeploymentID.ValueString()
		if i := strings.LastIndex(want, "/"); i >= 0 {
			want = want[i+1:]
		}
		pkg, err := client.DeployedPackage(ctx, appID, mode, false)
		switch {
		case err != nil && !mendix.IsNotFound(err):
			addMendixError(&diags, "Checking deployment_id against the package deployed to "+appID+"/"+mode, err)
		case err != nil || !strings.EqualFold(pkg.PackageID, want):
			got := "nothing"
			if err == nil {
				got = "package " + pkg.PackageID
			}
			diags.AddAttributeError(path.Root("deployment_id"), "No such deployment on this environment",
				fmt.Sprintf("deployment_id names package %s, but %s/%s has %s deployed. Reference appmigrate_mendix_environment_deployment.<name>.id of this environment; nothing was started.", want, appID, mode, got))
		}
	}
	if fresh(plan.SettingsID, state.SettingsID) {
		id := plan.SettingsID.ValueString()
		_, pub, ok := strings.Cut(id[strings.LastIndex(id, "/")+1:], ".")
		s, err := client.Settings(ctx, appID, mode)
		switch {
		case err != nil:
			addMendixError(&diags, "Checking settings_id against the settings of "+appID+"/"+mode, err)
		case !ok || pub != settingsViewOf(s).publicRevision():
			diags.AddAttributeError(path.Root("settings_id"), "Not the settings written on this environment",
				fmt.Sprintf("settings_id = %q does not match the constants, scheduled events and custom settings of %s/%s now. "+
					"Reference appmigrate_mendix_environment_settings.<name>.id of this environment (and apply it first); nothing was started.", id, appID, mode))
		}
	}
	if fresh(plan.RestoreID, state.RestoreID) {
		diags.Append(r.verifyRestore(ctx, client, appID, mode, plan.RestoreID.ValueString())...)
	}
	return diags
}

// verifyRestore checks restore_id (<project>/<environment id>/<restore id>): a completed Backups v2
// restore into the environment that app_id/environment names.
func (r *mendixStartResource) verifyRestore(ctx context.Context, client *mendix.Client, appID, mode, restoreID string) diag.Diagnostics {
	var diags diag.Diagnostics
	bad := func(why string) {
		diags.AddAttributeError(path.Root("restore_id"), "Not a completed restore of this environment",
			fmt.Sprintf("restore_id = %q: %s. Reference appmigrate_mendix_backup_restore.<name>.id of this environment; the app starts only on restored data, and nothing was started.", restoreID, why))
	}
	parts := strings.Split(restoreID, "/")
	if len(parts) != 3 || !mxUUID.MatchString(parts[0]) || parts[1] == "" || parts[2] == "" {
		bad("want <project id>/<environment id>/<restore id>")
		return diags
	}
	env, err := client.Environment(ctx, appID, mode)
	if err != nil {
		addMendixError(&diags, "Checking restore_id: reading environment "+appID+"/"+mode, err)
		return diags
	}
	if !strings.EqualFold(env.EnvironmentID, parts[1]) {
		bad(fmt.Sprintf("it restored environment %s, but %s/%s is environment %s", parts[1], appID, mode, env.EnvironmentID))
		return diags
	}
	rs, err := client.Restore(ctx, parts[0], parts[1], parts[2])
	switch {
	case mendix.IsNotFound(err) || mendix.StatusOf(err) == 400:
		bad("Backups API v2 knows no such restore")
	case err != nil:
		addMendixError(&diags, "Checking restore_id "+restoreID, err)
	case rs.State != mendix.StateCompleted:
		bad(fmt.Sprintf("the restore is %s, not completed", rs.State))
	}
	return diags
}

// start starts the environment and waits until it runs. An environment that already runs is
// restarted when settings written since its start are not in effect yet (Value ≠ DeployedValue).
// A start cut short (resumed, with its job recorded) is awaited rather than sent again; one whose
// answer was lost is resolved by the vendor's own answers to a repeated start (see waitRunning).
func (r *mendixStartResource) start(ctx context.Context, m *mendixStartModel, resumed bool, step mxStep) {
	client := r.client(step.diags)
	if step.diags.HasError() {
		return
	}
	appID, mode := m.AppID.ValueString(), m.Environment.ValueString()
	what := fmt.Sprintf("Starting %s/%s", appID, mode)
	// Ctrl-C saves the step with a warning, and Terraform then holds the saved values to the plan,
	// which promises status = Running: the state keeps the promise, the refresh tells the truth,
	// and the resume point makes the next apply finish the start.
	planned := m.Status
	step.onStop = func() { m.Status = planned }
	if resumed && m.JobID.ValueString() != "" {
		err := r.waitStarted(ctx, client, appID, mode, m.JobID.ValueString())
		switch {
		case err == nil:
			r.finish(ctx, client, m, step)
			return
		case mendix.HasCode(err, "NO_SUCH_STARTJOB") || mendix.IsNotFound(err):
			// The job is gone: the environment says how it ended (below).
		case ctx.Err() != nil:
			step.stopped(ctx, m, "waiting for the start job", what, "The start job "+m.JobID.ValueString(), err)
			return
		default:
			step.save(ctx, m, "")
			addStartError(step.diags, what, m.JobID.ValueString(), err)
			return
		}
	}
	env, err := client.Environment(ctx, appID, mode)
	if err != nil {
		r.failed(ctx, m, step, what, err)
		return
	}
	m.ModelVersion = types.StringValue(env.ModelVersion)
	if env.Status == mendix.EnvRunning {
		pending, err := settingsPending(ctx, client, appID, mode)
		if err != nil {
			r.failed(ctx, m, step, what+": reading the settings", err)
			return
		}
		if pending {
			if err := r.stopEnvironment(ctx, client, appID, mode); err != nil {
				r.failed(ctx, m, step, what+": stopping it to apply new settings", err)
				return
			}
		}
	}
	m.Status = types.StringValue(mendix.EnvStopped)
	// From here a start may be under way: Ctrl-C, a timeout or an error leaves it recorded.
	step.save(ctx, m, "starting the environment")
	if err := r.waitRunning(ctx, client, m, step); err != nil {
		if ctx.Err() != nil {
			step.stopped(ctx, m, "waiting for the start job", what, "The start of "+appID+"/"+mode, err)
			return
		}
		step.save(ctx, m, "")
		addStartError(step.diags, what, m.JobID.ValueString(), err)
		return
	}
	r.finish(ctx, client, m, step)
}

// failed reports an error that came before any start was sent: nothing to resume.
func (r *mendixStartResource) failed(ctx context.Context, m *mendixStartModel, step mxStep, what string, err error) {
	if stopRequested(ctx) {
		step.stopped(ctx, m, "starting the environment", what, "Nothing", err)
		return
	}
	addMendixError(step.diags, what, err)
}

// waitRunning sends the start and waits until the environment runs. The vendor never starts twice
// (§5.3), and its answers to a repeated start say where a start whose answer was lost stands:
// JobId (none ran; this one is awaited), 200 ALREADY_STARTED (it finished: done), 500
// APP_ALREADY_HAS_A_STARTING_JOB (it runs: wait, then look again). A start job's documented
// failure code ends the wait at once.
func (r *mendixStartResource) waitRunning(ctx context.Context, client *mendix.Client, m *mendixStartModel, step mxStep) error {
	appID, mode := m.AppID.ValueString(), m.Environment.ValueString()
	_, err := transport.Poll(ctx, r.data.poll.options("environment "+appID+"/"+mode+" to run"), func(ctx context.Context) (transport.Status, error) {
		if job := m.JobID.ValueString(); job != "" {
			s, err := client.StartStatus(ctx, appID, mode, job)
			switch {
			case err == nil && s == mendix.StartStarted:
				return transport.Status{State: s, Done: true}, nil
			case err == nil:
				return transport.Status{State: s}, nil
			case !mendix.HasCode(err, "NO_SUCH_STARTJOB"):
				return transport.Status{}, err
			}
			m.JobID = types.StringNull() // gone: ask the environment and the start call
		}
		env, err := client.Environment(ctx, appID, mode)
		if err != nil {
			return transport.Status{}, err
		}
		if env.Status == mendix.EnvRunning {
			return transport.Status{State: env.Status, Done: true}, nil
		}
		res, err := client.Start(ctx, appID, mode, m.AutoSyncDB.ValueBool())
		switch {
		case err != nil:
			return transport.Status{}, err
		case res.AlreadyStarted:
			return transport.Status{State: "ALREADY_STARTED", Done: true}, nil
		case res.InFlight:
			return transport.Status{State: "APP_ALREADY_HAS_A_STARTING_JOB", Message: "a start is in flight; waiting for the environment to run"}, nil
		}
		// The start job exists: record it before waiting.
		m.JobID = types.StringValue(res.JobID)
		step.save(ctx, m, "waiting for the start job")
		return transport.Status{State: mendix.StartStarting}, nil
	})
	return err
}

// finish reads the environment after the start and records it.
func (r *mendixStartResource) finish(ctx context.Context, client *mendix.Client, m *mendixStartModel, step mxStep) {
	appID, mode := m.AppID.ValueString(), m.Environment.ValueString()
	what := fmt.Sprintf("Starting %s/%s", appID, mode)
	env, err := client.Environment(ctx, appID, mode)
	if err != nil {
		step.stopped(ctx, m, "reading the started environment", what+": reading the environment", "The start of "+appID+"/"+mode, err)
		return
	}
	m.Status = types.StringValue(env.Status)
	m.ModelVersion = types.StringValue(env.ModelVersion)
	step.save(ctx, m, "")
	if env.Status != mendix.EnvRunning {
		step.diags.AddError(what+": not running", fmt.Sprintf("The start job reported Started, but Deploy API v1 shows %s/%s as %q. Run apply again.", appID, mode, env.Status))
	}
}

// settingsPending reports written settings that the running app does not use yet.
func settingsPending(ctx context.Context, client *mendix.Client, appID, mode string) (bool, error) {
	s, err := client.Settings(ctx, appID, mode)
	if err != nil {
		return false, err
	}
	for _, c := range s.Constants {
		if c.Value != c.DeployedValue {
			return true, nil
		}
	}
	for _, e := range s.ScheduledEvents {
		if e.Value != e.DeployedValue {
			return true, nil
		}
	}
	return false, nil
}

// waitStarted polls the start job until Started; §5.3: failures arrive as HTTP errors with a code.
func (r *mendixStartResource) waitStarted(ctx context.Context, client *mendix.Client, appID, mode, jobID string) error {
	_, err := transport.Poll(ctx, r.data.poll.options("start job "+jobID+" of "+appID+"/"+mode), func(ctx context.Context) (transport.Status, error) {
		s, err := client.StartStatus(ctx, appID, mode, jobID)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: s, Done: s == mendix.StartStarted}, nil
	})
	return err
}

// startHints say what to do about each documented start failure (mendix-cloud-api.md §5.3).
var startHints = map[string]string{
	"MISSING_CONSTANT":        "A constant has no value on v4. Check appmigrate_mendix_environment_settings.constants (and constant_overrides) against the model, then apply again.",
	"DB_SYNC_FAILED":          "The database could not be synchronised with the model. Check that the restored backup belongs to this model version.",
	"INVALID_DB_STRUCTURE":    "The database does not match the model. Set auto_sync_db = true, or restore a backup of the same model version.",
	"INSECURE_ADMIN_PASSWORD": "A user with the administrator role has the password '1'. Change it in the app, deploy, and apply again.",
	"STARTUP_ACTION_FAILED":   "The app's after-startup microflow failed. Read the environment's logs in the portal.",
	"NO_PACKAGE":              "No package is configured for the environment: check the deployment.",
	"ALREADY_LOCKED":          "Another operation holds the environment. Wait for it and apply again.",
	"START_FAILED":            "Read the environment's logs in the portal.",
}

// addStartError reports a failed start with the vendor's code up front and what to do about it.
func addStartError(diags *diag.Diagnostics, what, jobID string, err error) {
	var me *mendix.Error
	if errors.As(err, &me) && me.Code != "" {
		hint := startHints[me.Code]
		if hint == "" {
			hint = "Read the environment's logs in the portal."
		}
		diags.AddError(fmt.Sprintf("%s: start failed with %s", what, me.Code),
			fmt.Sprintf("The start job %s failed with the vendor code %s: %s\n\n%s The environment is left stopped; apply again after fixing it.", jobID, me.Code, me.Message, hint))
		return
	}
	addMendixError(diags, what+" (start job "+jobID+")", err)
}

func (r *mendixStartResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixStartModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, startTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	appID, mode := state.AppID.ValueString(), state.Environment.ValueString()
	env, err := client.Environment(ctx, appID, mode)
	if mendix.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Mendix environment not found",
			fmt.Sprintf("%v.\n\nThe start is removed from state; the next apply starts the environment again.", err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading environment "+appID+"/"+mode, err)
		return
	}
	state.Status = types.StringValue(env.Status)
	if env.ModelVersion != "" {
		state.ModelVersion = types.StringValue(env.ModelVersion)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *mendixStartResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixStartModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, startTimeouts.Delete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	appID, mode := state.AppID.ValueString(), state.Environment.ValueString()
	if resuming(ctx, req.Private, &resp.Diagnostics, state.Status.ValueString() != mendix.EnvRunning) {
		// An unfinished start: the next create of this step finds the environment running (or
		// the start in flight) and adopts it. Stopping it now would cut that start short; and an
		// environment recorded as not running has nothing to stop.
		resp.Diagnostics.AddWarning("Unfinished start left for the next apply",
			fmt.Sprintf("The start of %s/%s had not finished (job %q). The environment was not stopped; the next apply of this step waits for it to run.", appID, mode, state.JobID.ValueString()))
		return
	}
	if err := r.stopEnvironment(ctx, client, appID, mode); err != nil && !mendix.IsNotFound(err) {
		addMendixError(&resp.Diagnostics, "Stopping "+appID+"/"+mode, err)
	}
}
