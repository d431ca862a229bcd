package provider

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

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
	"github.com/hashicorp/terraform-plugin-log/tflog"

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
// temporaryAppTimeouts are the step's timeouts and their defaults.
var temporaryAppTimeouts = stepTimeouts{Create: 30 * time.Minute, Read: 5 * time.Minute, Delete: 10 * time.Minute}

func NewMendixTemporaryAppResource() resource.Resource { return &mendixTemporaryAppResource{} }

type mendixTemporaryAppResource struct{ configured }

type mendixTemporaryAppModel struct {
	ID          types.String   `tfsdk:"id"`
	Name        types.String   `tfsdk:"name"`
	Summary     types.String   `tfsdk:"summary"`
	ProjectID   types.String   `tfsdk:"project_id"`
	JobID       types.String   `tfsdk:"job_id"`
	Marker      types.String   `tfsdk:"marker"`
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
				MarkdownDescription: fmt.Sprintf("Optional app summary, at most %d characters, without any of %s (the Projects API's pattern). "+
					"The provider appends its `marker` to it. Changing it creates a new app.", mxMaxSummary, mxSummaryForbidden),
				Optional:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, mxMaxSummary), stringvalidator.RegexMatches(mxSummaryPattern, "must not contain any of "+mxSummaryForbidden+" (Projects API)")},
				// After an import whose description did not give the summary back, the configured
				// one is taken as is: the app was not made with it, but replacing a working
				// temporary app for a text would be worse.
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
					resp.RequiresReplace = !req.StateValue.IsNull()
				}, "Changing the summary creates a new app (the Projects API has no update).", "Changing the summary creates a new app (the Projects API has no update).")},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "The app's project id (UUID): Deploy API v4 `appId`, Deploy v1 `ProjectId`. Give it to `appmigrate_mendix_node_link.project_id`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"job_id": schema.StringAttribute{
				MarkdownDescription: "The Projects API create job that made the app; empty when the app was found by its `marker` (an answer lost on the way back, or a re-run after a crash).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"marker": schema.StringAttribute{
				MarkdownDescription: "The token this provider writes into the app's summary (`appmigrate-tmp-<name hash>-<nonce>`) so that it can prove which app is its own: " +
					"after a lost answer or a crash it finds the app by it (Projects API listing) instead of creating a second one, and deletes a duplicate that carries it.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
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
			"timeouts": temporaryAppTimeouts.attribute(ctx),
		},
	}
}

func (r *mendixTemporaryAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixTemporaryAppResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixTemporaryAppType, mendixNeeds{pat: true}, diags)
}

// The Projects API's summary rules (projects-v2.yaml: maxLength 400 and a pattern), less the room
// the marker takes.
const (
	mxSummaryForbidden = "& < > \" ' / = @ : ( ) [ ] { } + ! # $ % ^ * | ~ , ; ? \\ or a backtick"
	mxMaxSummary       = 300
	// mxMarkerPrefix starts every marker; what follows is a hash of the name, then a nonce.
	mxMarkerPrefix = "appmigrate-tmp-"
	// mxProjectLookback is how far back a create looks for an app of its own that an earlier run
	// made and could not record (SIGKILL, a lost answer): a crashed apply is re-run within days.
	mxProjectLookback = 7 * 24 * time.Hour
)

// mxAppIDPattern is a Deploy API v1 AppId's shape: a node's subdomain.
var mxAppIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)

// mxUUID is a project id's shape.
var mxUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

var mxSummaryPattern = regexp.MustCompile(`^[^&<>"'/=@:()\[\]{}+!#\$%\^*|~` + "`" + `,;?\\]*$`)

// projectMarkerKey is the part of the marker every create of an app of this name shares: it finds
// an app an earlier run of this step made; the nonce after it tells one create from another.
func projectMarkerKey(name string) string {
	sum := sha256.Sum256([]byte(name))
	return mxMarkerPrefix + hex.EncodeToString(sum[:6]) + "-"
}

// newProjectMarker returns a fresh marker for one create of the app called name.
func newProjectMarker(name string) (string, error) {
	var nonce [6]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return "", fmt.Errorf("making the app's marker: %w", err)
	}
	return projectMarkerKey(name) + hex.EncodeToString(nonce[:]), nil
}

// markedSummary is the summary sent to the Projects API: the configured one and the marker, in the
// characters its pattern allows.
func markedSummary(summary, marker string) string {
	tail := "Managed by terraform-provider-appmigrate " + marker
	if summary == "" {
		return tail
	}
	return summary + "\n\n" + tail
}

// ModifyPlan fails at plan time when the Projects API credential is missing, and plans an update
// that finishes a create that was cut short (a create job still running, a Ctrl-C).
func (r *mendixTemporaryAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	if r.client(&resp.Diagnostics) == nil || req.State.Raw.IsNull() {
		return
	}
	var state mendixTemporaryAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Deleted.ValueBool() {
		return
	}
	if resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		for _, attr := range []string{"id", "project_id", "license_type"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), types.StringUnknown())...)
		}
	}
}

func (r *mendixTemporaryAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixTemporaryAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, temporaryAppTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	plan.ProjectID, plan.JobID, plan.Marker, plan.LicenseType = types.StringNull(), types.StringNull(), types.StringNull(), types.StringNull()
	plan.Deleted = types.BoolValue(false)
	r.run(ctx, client, &plan, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

// Update finishes a create that was cut short; otherwise only timeouts can change in place.
func (r *mendixTemporaryAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state mendixTemporaryAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Timeouts = plan.Timeouts
	if state.Summary.IsNull() {
		state.Summary = plan.Summary // adopted after an import (see the summary's plan modifier)
	}
	if !resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, temporaryAppTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	r.run(ctx, client, &state, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

// run brings the temporary app into existence, resuming from whatever m already records, and
// never starts a second app for one step:
//
//   - a recorded create job is awaited;
//   - otherwise an app of this name carrying this step's marker key that an earlier run made (and
//     could not record: SIGKILL, a lost answer) is adopted;
//   - otherwise the app is created with a fresh marker in its summary; when the answer is lost,
//     the client finds the app by that marker (or proves there is none before sending again);
//   - finally a duplicate (two deliveries of one create, or an earlier run's) is deleted, so exactly
//     one app carries the marker key.
func (r *mendixTemporaryAppResource) run(ctx context.Context, client *mendix.Client, m *mendixTemporaryAppModel, step mxStep) {
	name := m.Name.ValueString()
	what := "Creating the temporary Mendix app " + m.Name.String()
	started := r.data.poll.clock.Now()
	if m.ProjectID.IsNull() && m.JobID.IsNull() {
		mine, err := r.ownProjects(ctx, client, name, started.Add(-mxProjectLookback))
		if err != nil {
			r.stopped(ctx, step, m, what, "", err)
			return
		}
		if len(mine) > 0 {
			m.ProjectID = types.StringValue(mine[0].ProjectID)
			m.Marker = types.StringValue(markerIn(mine[0].Description, name))
			tflog.Info(ctx, "adopting the temporary app an earlier run created", map[string]any{"project_id": mine[0].ProjectID})
		}
	}
	if m.ProjectID.IsNull() && m.JobID.IsNull() {
		// A create cut short before its answer (Ctrl-C) keeps its marker: a request that reached
		// the vendor after all then carries the same one.
		marker := m.Marker.ValueString()
		if marker == "" {
			var err error
			if marker, err = newProjectMarker(name); err != nil {
				step.diags.AddError(what, err.Error())
				return
			}
		}
		m.Marker = types.StringValue(marker)
		m.ID = types.StringValue("creating:" + marker)
		created, err := client.CreateProject(ctx, mendix.ProjectSpec{
			Name: name, Summary: markedSummary(m.Summary.ValueString(), marker), Marker: marker,
			Since: started.Add(-mxClockSkew), Settle: r.projectSettle(), Interval: r.data.poll.interval,
		})
		if err != nil {
			// Nothing is known to exist; what might (a lost answer) carries the marker, which the
			// next run finds by its key.
			r.stopped(ctx, step, m, what, "", err)
			return
		}
		if len(created.Adopted) > 0 {
			m.ProjectID = types.StringValue(created.Adopted[0].ProjectID)
		} else {
			m.JobID = types.StringValue(created.JobID)
			m.ID = types.StringValue(jobIDPrefix + created.JobID)
			// The job exists: record it before waiting, so Ctrl-C or a timeout leaves a resource
			// that names the job, and the next apply awaits it instead of creating another app.
			step.save(ctx, m, "waiting for the create job")
		}
	}
	if m.ProjectID.IsNull() {
		projectID, err := r.waitForProject(ctx, client, m)
		if err != nil {
			r.stopped(ctx, step, m, what+" (Projects API job "+m.JobID.ValueString()+")", "The create job "+m.JobID.ValueString(), err)
			return
		}
		m.ProjectID = types.StringValue(projectID)
	}
	m.ID = m.ProjectID
	step.save(ctx, m, "removing duplicates")
	r.removeDuplicates(ctx, client, m, step.diags)
	m.LicenseType = types.StringValue(mendix.LicenseFree)
	if app, err := client.AppV4(ctx, m.ProjectID.ValueString()); err == nil {
		m.LicenseType = types.StringValue(app.LicenseType)
	}
	step.save(ctx, m, "")
}

// stopped saves what run knows when it cannot go on. Before any app or job is known, only Ctrl-C
// is saved (as a placeholder the next apply resumes); an error leaves nothing in state, and the
// next create finds by its marker whatever the vendor may have made.
func (r *mendixTemporaryAppResource) stopped(ctx context.Context, step mxStep, m *mendixTemporaryAppModel, what, job string, err error) {
	if m.ProjectID.IsNull() && m.JobID.IsNull() {
		if !stopRequested(ctx) {
			addMendixError(step.diags, what, err)
			return
		}
		if m.ID.IsNull() || m.ID.IsUnknown() {
			m.ID = types.StringValue("creating:" + m.Marker.ValueString())
		}
		job = "A create request that may have reached the Projects API"
	}
	if job == "" {
		job = "The temporary app"
	}
	step.stopped(ctx, m, "creating the temporary app", what, job, err)
}

// projectSettle is how long a lost create's lookup waits for the app to appear before it sends the
// create again: the app exists only once the create job has run. A few poll rounds, at most two
// minutes; a duplicate that appears later still is removed by its marker.
func (r *mendixTemporaryAppResource) projectSettle() time.Duration {
	return min(2*time.Minute, 8*r.data.poll.maxInterval)
}

// ownProjects lists the apps called name carrying this step's marker key, created since, oldest first.
func (r *mendixTemporaryAppResource) ownProjects(ctx context.Context, client *mendix.Client, name string, since time.Time) ([]mendix.Project, error) {
	found, err := client.FindProjects(ctx, projectMarkerKey(name), since)
	if err != nil {
		return nil, err
	}
	var out []mendix.Project
	for _, p := range found {
		if p.Name == name && p.Active {
			out = append(out, p)
		}
	}
	return out, nil
}

// unfinished reports a state recorded before the create finished (license_type is set last).
func (m *mendixTemporaryAppModel) unfinished() bool {
	return !m.Deleted.ValueBool() && (m.ProjectID.IsNull() || m.LicenseType.IsNull())
}

// markerIn extracts this step's marker from an app's description ("" when it carries none).
func markerIn(description, name string) string {
	key := projectMarkerKey(name)
	i := strings.Index(description, key)
	if i < 0 {
		return ""
	}
	rest := description[i:]
	if j := strings.IndexFunc(rest, unicode.IsSpace); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// removeDuplicates deletes every other app of this name carrying the marker key (a duplicated
// delivery of the create, or an earlier run's app that appeared late), so exactly one is left. An
// app the Projects API refuses to delete (linked to a node) is reported with its id.
func (r *mendixTemporaryAppResource) removeDuplicates(ctx context.Context, client *mendix.Client, m *mendixTemporaryAppModel, diags *diag.Diagnostics) {
	keep := m.ProjectID.ValueString()
	mine, err := r.ownProjects(ctx, client, m.Name.ValueString(), r.data.poll.clock.Now().Add(-mxProjectLookback))
	if err != nil {
		diags.AddWarning("Could not check for a duplicate temporary app",
			fmt.Sprintf("Listing the apps carrying the marker of %s failed: %v. If an answer was lost on the way, a second app with this name may exist; the next apply checks again.", m.Name.String(), err))
		return
	}
	for _, p := range mine {
		if strings.EqualFold(p.ProjectID, keep) {
			if m.Marker.IsNull() || m.Marker.ValueString() == "" {
				m.Marker = types.StringValue(markerIn(p.Description, m.Name.ValueString()))
			}
			continue
		}
		err := client.DeleteProject(ctx, p.ProjectID)
		switch {
		case err == nil, mendix.IsNotFound(err):
			tflog.Warn(ctx, "deleted a duplicate temporary app", map[string]any{"project_id": p.ProjectID, "kept": keep})
		default:
			diags.AddWarning("Duplicate temporary app left in place",
				fmt.Sprintf("App %s also carries this step's marker (%s was kept), so it was made by this step twice (a request delivered twice, or an earlier run). "+
					"Deleting it failed: %v. Delete it in the portal.", p.ProjectID, keep, err))
		}
	}
}

// waitForProject polls the create job until it names the project. A job the API no longer knows is
// resolved by the marker.
func (r *mendixTemporaryAppResource) waitForProject(ctx context.Context, client *mendix.Client, m *mendixTemporaryAppModel) (string, error) {
	jobID := m.JobID.ValueString()
	var projectID string
	_, err := transport.Poll(ctx, r.data.poll.options("Projects API create-app job "+jobID), func(ctx context.Context) (transport.Status, error) {
		j, err := client.ProjectJob(ctx, jobID)
		if mendix.IsNotFound(err) {
			id, ferr := r.projectByMarker(ctx, client, m)
			if ferr != nil || id == "" {
				return transport.Status{}, errors.Join(err, ferr)
			}
			projectID = id
			return transport.Status{State: projectJobGone, Done: true}, nil
		}
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

// projectJobGone is the state reported when the Projects API no longer knows a create job and
// the app was found by its marker instead.
const projectJobGone = "gone (found by marker)"

// projectByMarker finds the app this step's marker names ("" when none does).
func (r *mendixTemporaryAppResource) projectByMarker(ctx context.Context, client *mendix.Client, m *mendixTemporaryAppModel) (string, error) {
	if m.Marker.IsNull() || m.Marker.ValueString() == "" {
		return "", nil
	}
	found, err := client.FindProjects(ctx, m.Marker.ValueString(), r.data.poll.clock.Now().Add(-mxProjectLookback))
	if err != nil || len(found) == 0 {
		return "", err
	}
	return found[0].ProjectID, nil
}

func (r *mendixTemporaryAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixTemporaryAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, temporaryAppTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if state.Deleted.ValueBool() {
		return // retired: nothing left to read, and nothing to create again
	}
	if state.ProjectID.IsNull() || state.ProjectID.ValueString() == "" {
		if !r.readPending(ctx, client, &state, resp) {
			return
		}
	}
	projectID := state.ProjectID.ValueString()
	imported := state.Marker.IsNull()
	// Existence is the Projects API's answer (GET /projects/{id}, documented, and it knows a
	// project that has no cloud app). Deploy v4 may not show an unlinked project at all, so its
	// 404 proves nothing and is never read as "deleted".
	p, err := client.Project(ctx, projectID)
	if mendix.IsNotFound(err) {
		if imported {
			resp.Diagnostics.AddError("No such Mendix app to import",
				fmt.Sprintf("The Projects API knows no app with project id %q. Check the id (the app's General Settings in the portal show it) and import again: terraform import %s.NAME <project-id>.",
					projectID, mendixTemporaryAppType))
			return
		}
		// Deliberate exception to "404 → remove from state": a temporary app exists to be
		// replaced on its node and deleted (runbook §3.4). Creating it again would put a new,
		// unlinked app in the account and restart nothing useful.
		resp.Diagnostics.AddWarning("Temporary Mendix app no longer exists",
			fmt.Sprintf("The Projects API no longer knows the temporary app %s (%s): it was deleted, normally by the final appmigrate_mendix_node_link (delete_replaced_app_id). "+
				"It stays in state with deleted = true and is not created again. To make a new one, run terraform apply -replace=%s.<name>.",
				state.Name.ValueString(), projectID, mendixTemporaryAppType))
		state.Deleted = types.BoolValue(true)
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading the temporary Mendix app "+projectID+" (Projects API)", err)
		return
	}
	if imported {
		// Only an app this provider made can be adopted: its description carries the marker.
		if state.Name.IsNull() {
			state.Name = types.StringValue(p.Name)
		}
		mk := markerIn(p.Description, state.Name.ValueString())
		if mk == "" {
			resp.Diagnostics.AddError("Not a temporary app made by this provider",
				fmt.Sprintf("App %s (%q) carries no marker of terraform-provider-appmigrate (%q… in its description), so nothing proves it is a temporary app: "+
					"importing it would let terraform destroy delete a real app. Import only the temporary app this provider created, or create one with this resource.",
					projectID, p.Name, mxMarkerPrefix))
			return
		}
		state.Marker = types.StringValue(mk)
		state.Summary = summaryIn(p.Description, mk)
	}
	if imported || state.LicenseType.IsNull() {
		// license_type: Deploy v4 shows a linked app as licensed; an app it does not show has no
		// cloud app, so is not licensed.
		state.LicenseType = types.StringValue(mendix.LicenseFree)
		app, err := client.AppV4(ctx, projectID)
		switch {
		case err == nil:
			state.LicenseType = types.StringValue(app.LicenseType)
		case !mendix.IsNotFound(err):
			addMendixError(&resp.Diagnostics, "Reading the temporary Mendix app "+projectID+" (Deploy API v4)", err)
			return
		}
	}
	state.Deleted = types.BoolValue(false)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// summaryIn recovers the configured summary from an app's description (markedSummary's inverse):
// null when the description is only the provider's tail.
func summaryIn(description, marker string) types.String {
	tail := markedSummary("", marker)
	if description == tail {
		return types.StringNull()
	}
	if head, ok := strings.CutSuffix(description, "\n\n"+tail); ok && head != "" {
		return types.StringValue(head)
	}
	return types.StringNull()
}

// readPending refreshes a resource recorded before its app was known. A running create job, or a
// create cut short before it had a job, is kept as it is (the next apply resumes it); a completed
// job gives the app. Only proof that no app was made — the job failed, or the API no longer knows
// the job and no app carries the marker — removes it. It reports whether the app is now known.
func (r *mendixTemporaryAppResource) readPending(ctx context.Context, client *mendix.Client, state *mendixTemporaryAppModel, resp *resource.ReadResponse) bool {
	jobID := state.JobID.ValueString()
	if jobID == "" {
		id, err := r.projectByMarker(ctx, client, state)
		if err != nil {
			addMendixError(&resp.Diagnostics, "Looking up the temporary Mendix app by its marker", err)
			return false
		}
		if id == "" {
			return false // a create cut short before the vendor answered: kept, the next apply resumes
		}
		state.ProjectID = types.StringValue(id)
		return true
	}
	j, err := client.ProjectJob(ctx, jobID)
	switch {
	case mendix.IsNotFound(err):
		id, ferr := r.projectByMarker(ctx, client, state)
		if ferr != nil {
			addMendixError(&resp.Diagnostics, "Looking up the temporary Mendix app by its marker", ferr)
			return false
		}
		if id == "" {
			resp.Diagnostics.AddWarning("Temporary Mendix app was never created",
				fmt.Sprintf("The Projects API no longer knows the create job %s of %s, and no app carries its marker. It is removed from state and the next apply creates it.", jobID, state.Name.ValueString()))
			resp.State.RemoveResource(ctx)
			return false
		}
		state.ProjectID = types.StringValue(id)
		return true
	case err != nil:
		addMendixError(&resp.Diagnostics, "Reading the create job "+jobID+" of the temporary Mendix app", err)
		return false
	case j.Status == mendix.ProjectJobFailed:
		resp.Diagnostics.AddWarning("Temporary Mendix app was never created",
			fmt.Sprintf("The create job %s of %s failed (%s). It is removed from state and the next apply creates it.", jobID, state.Name.ValueString(), j.ErrorMessage))
		resp.State.RemoveResource(ctx)
		return false
	case j.Status != mendix.ProjectJobCompleted || j.ProjectID == "":
		return false // still running: kept as it is; the next apply awaits it
	}
	state.ProjectID = types.StringValue(j.ProjectID)
	return true
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
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, temporaryAppTimeouts.Delete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	projectID := state.ProjectID.ValueString()
	if resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) && state.Marker.ValueString() != "" {
		// An unfinished create: its job (or a request whose answer was lost) may still make the
		// app, and the next create of this step adopts it by its marker. Deleting now would throw
		// that away or race it.
		resp.Diagnostics.AddWarning("Unfinished temporary app left for the next apply",
			fmt.Sprintf("The create of %s had not finished (app %q, job %q, marker %q). Nothing was deleted: the next apply of this step adopts the app. "+
				"If you remove the step for good, delete the app carrying that marker in the portal.", state.Name.String(), projectID, state.JobID.ValueString(), state.Marker.ValueString()))
		return
	}
	if projectID == "" {
		id, err := r.pendingProject(ctx, client, &state)
		if err != nil {
			addMendixError(&resp.Diagnostics, "Deleting the temporary Mendix app", err)
			return
		}
		projectID = id
	}
	if projectID == "" {
		return
	}
	if ok := r.provablyOurs(ctx, client, &state, projectID, &resp.Diagnostics); !ok {
		return
	}
	err := client.DeleteProject(ctx, projectID)
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

// provablyOurs checks, before a delete, that projectID is this step's temporary app: the Projects
// API knows it and its description carries the marker recorded in state (or this name's marker
// key). An app already gone is reported as not to delete, without error. Anything else is refused
// with the reason.
func (r *mendixTemporaryAppResource) provablyOurs(ctx context.Context, client *mendix.Client, state *mendixTemporaryAppModel, projectID string, diags *diag.Diagnostics) bool {
	p, err := client.Project(ctx, projectID)
	switch {
	case mendix.IsNotFound(err):
		return false // already deleted: nothing to do
	case err != nil:
		addMendixError(diags, "Reading the temporary Mendix app "+projectID+" before deleting it (Projects API)", err)
		return false
	}
	want := state.Marker.ValueString()
	mk := markerIn(p.Description, state.Name.ValueString())
	if mk == "" || (want != "" && !strings.Contains(p.Description, want)) {
		diags.AddError("Refusing to delete an app this provider cannot prove is its temporary app",
			fmt.Sprintf("App %s (%q) does not carry this resource's marker %q in its description, so it may be a real app. Nothing was deleted. "+
				"If it is not the temporary app, remove it from state (terraform state rm) instead of destroying it.", projectID, p.Name, want))
		return false
	}
	return true
}

// pendingProject resolves a state recorded before the job reported the app: the job's project,
// else the app carrying the marker, else "".
func (r *mendixTemporaryAppResource) pendingProject(ctx context.Context, client *mendix.Client, state *mendixTemporaryAppModel) (string, error) {
	if jobID := state.JobID.ValueString(); jobID != "" {
		j, err := client.ProjectJob(ctx, jobID)
		switch {
		case err == nil && j.ProjectID != "":
			return j.ProjectID, nil
		case err != nil && !mendix.IsNotFound(err):
			return "", err
		}
	}
	return r.projectByMarker(ctx, client, state)
}

// ImportState takes the project id (UUID).
func (r *mendixTemporaryAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.TrimSpace(req.ID)
	if !mxUUID.MatchString(id) {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("%q is not a project id. Import a temporary Mendix app by its project id, a UUID such as 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d: terraform import %s.NAME <project-id>", id, mendixTemporaryAppType))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("project_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deleted"), false)...)
}
