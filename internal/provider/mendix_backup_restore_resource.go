package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Runbook §3.2.1 "Backup": "1. Download a backup from your app hosted in Mendix Cloud v3. 2. Upload
// the downloaded backup to your app hosted in Mendix Cloud v4." Backups v2 does not serve v3, so
// the v3 side is Backups API v1 (list + pre-signed links); uploading has no API (the portal's
// Backups → Upload Archive), so mode "api" uses the sandbox's modeled upload and mode "manual"
// waits for a person; the restore itself is documented Backups API v2. Vendor facts (§5.5): the
// target must be stopped and must already have an app deployed — hence deployment_id in.

var (
	_ resource.Resource               = &mendixBackupRestoreResource{}
	_ resource.ResourceWithConfigure  = &mendixBackupRestoreResource{}
	_ resource.ResourceWithModifyPlan = &mendixBackupRestoreResource{}
)

const mendixBackupRestoreType = "appmigrate_mendix_backup_restore"

// NewMendixBackupRestoreResource returns the appmigrate_mendix_backup_restore resource.
// backupRestoreTimeouts are the step's timeouts and their defaults.
var backupRestoreTimeouts = stepTimeouts{Create: 4 * time.Hour, Read: 5 * time.Minute}

func NewMendixBackupRestoreResource() resource.Resource { return &mendixBackupRestoreResource{} }

type mendixBackupRestoreResource struct{ configured }

type mendixBackupRestoreModel struct {
	ID                 types.String   `tfsdk:"id"`
	SourceAppID        types.String   `tfsdk:"source_app_id"`
	SourceEnvironment  types.String   `tfsdk:"source_environment"`
	SnapshotID         types.String   `tfsdk:"snapshot_id"`
	ProjectID          types.String   `tfsdk:"project_id"`
	EnvironmentID      types.String   `tfsdk:"environment_id"`
	DeploymentID       types.String   `tfsdk:"deployment_id"`
	Mode               types.String   `tfsdk:"mode"`
	SourceSnapshotID   types.String   `tfsdk:"source_snapshot_id"`
	UploadedSnapshotID types.String   `tfsdk:"uploaded_snapshot_id"`
	RestoreID          types.String   `tfsdk:"restore_id"`
	Bytes              types.Int64    `tfsdk:"bytes"`
	SHA256             types.String   `tfsdk:"sha256"`
	RestoredBytes      types.Int64    `tfsdk:"restored_bytes"`
	RestoredSHA256     types.String   `tfsdk:"restored_sha256"`
	Timeouts           timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixBackupRestoreResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_backup_restore"
}

func (r *mendixBackupRestoreResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	computedInt := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{MarkdownDescription: desc, Computed: true, PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
	}
	required := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Copies a Cloud v3 backup to a Cloud v4 environment and restores it: the v3 snapshot (Backups API v1; the newest completed one unless `snapshot_id` is given) " +
			"is streamed into the v4 environment's backups (`mode = \"api\"`, a modeled upload) or uploaded by a person (`mode = \"manual\"`, portal **Backups → Upload Archive**), " +
			"then restored with Backups API v2. The archive's bytes and SHA-256 are computed while reading v3 and checked against an archive of the uploaded backup downloaded back from v4.",
		Attributes: map[string]schema.Attribute{
			"id":                 computed("`<project_id>/<environment_id>/<restore_id>`."),
			"source_app_id":      required("Deploy API v1 `AppId` of the app on the Cloud v3 node (e.g. `calc`)."),
			"source_environment": required("The v3 environment (`Mode`) whose backup is copied, e.g. `Production`."),
			"snapshot_id": schema.StringAttribute{
				MarkdownDescription: "The v3 backup to copy (`SnapshotID` from Backups API v1, see `data.appmigrate_mendix_snapshots`). Default: the newest `Completed` one at the time of the first apply; " +
					"a newer nightly backup later does not plan a new restore (that would overwrite v4's data) — replace the resource to restore again.",
				Optional:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"project_id":     required("Project id of the app on the v4 node: `appmigrate_mendix_node_link.<name>.project_id`."),
			"environment_id": required("`EnvironmentId` of the v4 environment to restore into: `appmigrate_mendix_node_link.<name>.environments[\"Production\"]`."),
			"deployment_id": schema.StringAttribute{
				MarkdownDescription: "`appmigrate_mendix_environment_deployment.<name>.id` of that environment: a restore needs an app deployed and the environment stopped, which the deployment " +
					"guarantees. Only orders the graph: a later deployment does not restore again.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"mode":                 modeAttribute("`POST /api/v2/apps/<ProjectId>/environments/<EnvironmentId>/snapshots/upload` (Backups v2 style)"),
			"source_snapshot_id":   computed("The v3 `SnapshotID` that was copied (known at plan time)."),
			"uploaded_snapshot_id": computed("The Backups API v2 `snapshot_id` the upload created on v4."),
			"restore_id":           computed("The Backups API v2 `restore_id`."),
			"bytes":                computedInt("Size of the v3 archive (Full Snapshot `.tar.gz`), counted while it was read."),
			"sha256":               computed("SHA-256 (hex) of the v3 archive, computed while it was read."),
			"restored_bytes":       computedInt("Size of the archive v4 holds for the uploaded backup (Backups API v2 archive, downloaded back)."),
			"restored_sha256":      computed("SHA-256 of that v4 archive; apply fails unless it equals `sha256`."),
			"timeouts":             backupRestoreTimeouts.attribute(ctx),
		},
	}
}

func (r *mendixBackupRestoreResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixBackupRestoreResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixBackupRestoreType, mendixNeeds{apiKey: true, pat: true}, diags)
}

// backupUploadGate is the portal procedure, in the runbook's words (§3.2.1 and the restore page).
func backupUploadGate(srcApp, srcMode, snapshotID, projectID, environmentID string) manualGate {
	snap := "the newest completed backup"
	if snapshotID != "" {
		snap = "backup " + snapshotID
	}
	return manualGate{
		Console: "the Mendix Developer Portal (http://home.mendix.com)",
		Step:    fmt.Sprintf("upload the v3 backup of %s/%s to the v4 environment %s", srcApp, srcMode, environmentID),
		Clicks: []string{
			fmt.Sprintf("\"Download a backup from your app hosted in Mendix Cloud v3\": in the v3 app %s, go to **Backups** of the %s environment, select %s and download it as **Full Snapshot** (.tar.gz).", srcApp, srcMode, snap),
			fmt.Sprintf("\"Upload the downloaded backup to your app hosted in Mendix Cloud v4\": open the v4 app (project %s), go to **Backups**, select the environment %s and click **Upload Archive**; choose the downloaded .tar.gz.", projectID, environmentID),
			"Do not click Restore: apply restores the uploaded backup itself once it shows as completed.",
		},
		DoneWhen: fmt.Sprintf("Backups API v2 lists a new, completed backup of environment %s that was not there when apply started", environmentID),
	}
}

// ModifyPlan fails at plan time what would fail at apply (no completed v3 backup, a target that is
// not on Cloud v4), shows which v3 backup will be copied, and in manual mode says what to click.
func (r *mendixBackupRestoreResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	if !req.State.Raw.IsNull() {
		r.planResume(ctx, req, resp)
		return // only a create is checked: afterwards the v3 node may be gone
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	var plan mendixBackupRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	snapID := ""
	if !plan.SourceAppID.IsUnknown() && !plan.SourceEnvironment.IsUnknown() && !plan.SnapshotID.IsUnknown() {
		snap, diags := r.resolveSnapshot(ctx, client, &plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		snapID = snap.SnapshotID
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_snapshot_id"), snapID)...)
	}
	if !plan.ProjectID.IsUnknown() && !plan.EnvironmentID.IsUnknown() {
		if _, err := client.Snapshots(ctx, plan.ProjectID.ValueString(), plan.EnvironmentID.ValueString()); err != nil {
			if mendix.HasCode(err, "NOT_SUPPORTED") {
				resp.Diagnostics.AddAttributeError(path.Root("environment_id"), "Not a Cloud v4 environment",
					fmt.Sprintf("%v.\n\nBackups API v2 serves Mendix Cloud v4 only. environment_id must be an environment of the v4 node (appmigrate_mendix_node_link.<name>.environments).", err))
				return
			}
			if mendix.IsNotFound(err) {
				resp.Diagnostics.AddAttributeError(path.Root("environment_id"), "v4 environment not found",
					fmt.Sprintf("%v.\n\nproject_id must be the app linked to the v4 node and environment_id one of that node's environments.", err))
				return
			}
			addMendixError(&resp.Diagnostics, "Checking the v4 environment "+plan.EnvironmentID.ValueString(), err)
			return
		}
	}
	if plan.Mode.ValueString() == modeManual {
		timeout, diags := plan.Timeouts.Create(ctx, backupRestoreTimeouts.Create)
		resp.Diagnostics.Append(diags...)
		resp.Diagnostics.Append(backupUploadGate(plan.SourceAppID.ValueString(), plan.SourceEnvironment.ValueString(), snapID,
			plan.ProjectID.ValueString(), plan.EnvironmentID.ValueString()).planWarning(timeout))
	}
}

// resolveSnapshot picks the v3 backup: snapshot_id when given (it must exist and be Completed),
// else the newest Completed one.
func (r *mendixBackupRestoreResource) resolveSnapshot(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel) (*mendix.V1Snapshot, diag.Diagnostics) {
	var diags diag.Diagnostics
	src, mode := m.SourceAppID.ValueString(), m.SourceEnvironment.ValueString()
	snaps, err := client.SnapshotsV1(ctx, src, mode)
	if err != nil {
		if mendix.IsNotFound(err) {
			diags.AddAttributeError(path.Root("source_environment"), "Cloud v3 environment not found",
				fmt.Sprintf("%v.\n\nCheck source_app_id (the v3 app's subdomain) and source_environment (its Mode).", err))
			return nil, diags
		}
		addMendixError(&diags, "Listing the backups of v3 "+src+"/"+mode, err)
		return nil, diags
	}
	if want := m.SnapshotID.ValueString(); want != "" {
		for i := range snaps {
			if snaps[i].SnapshotID == want {
				if snaps[i].State != mendix.V1SnapshotCompleted {
					diags.AddAttributeError(path.Root("snapshot_id"), "Backup not completed",
						fmt.Sprintf("Backup %s of %s/%s is %q, not Completed. Wait for it, or pick another (data.appmigrate_mendix_snapshots).", want, src, mode, snaps[i].State))
					return nil, diags
				}
				return &snaps[i], diags
			}
		}
		diags.AddAttributeError(path.Root("snapshot_id"), "Backup not found",
			fmt.Sprintf("%s/%s has no backup %q. data.appmigrate_mendix_snapshots lists them; remove snapshot_id to take the newest completed one.", src, mode, want))
		return nil, diags
	}
	newest := mendix.NewestCompletedV1(snaps)
	if newest == nil {
		diags.AddAttributeError(path.Root("source_environment"), "No completed backup on v3",
			fmt.Sprintf("%s/%s has no Completed backup to copy (%d listed). Create one in the v3 portal (Backups → Create Backup) or wait for the nightly backup.", src, mode, len(snaps)))
		return nil, diags
	}
	return newest, diags
}

func (r *mendixBackupRestoreResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixBackupRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, backupRestoreTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if plan.SourceSnapshotID.IsUnknown() || plan.SourceSnapshotID.ValueString() == "" {
		snap, diags := r.resolveSnapshot(ctx, client, &plan)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		plan.SourceSnapshotID = types.StringValue(snap.SnapshotID)
	}
	plan.UploadedSnapshotID, plan.RestoreID = types.StringNull(), types.StringNull()
	plan.Bytes, plan.SHA256 = types.Int64Null(), types.StringNull()
	plan.RestoredBytes, plan.RestoredSHA256 = types.Int64Null(), types.StringNull()
	plan.ID = types.StringValue(plan.ProjectID.ValueString() + "/" + plan.EnvironmentID.ValueString() + "/")
	r.run(ctx, client, &plan, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

// backupMarker is the comment prefix that names this step's upload on v4: the v3 backup it copies.
// The v4 backup's comment carries it from the upload on (the modeled upload takes a comment; a
// person's portal upload gets it written with the documented PUT as soon as it is found), then
// the digest and, right after POST /restores answers, the restore id: a journal on the vendor
// side that a create after a crash reads back instead of uploading or restoring again.
func backupMarker(src, mode, snapshotID string) string {
	return "appmigrate backup-restore v3=" + src + "/" + mode + "/" + snapshotID + ";"
}

// backupJournal is what a marked comment records.
type backupJournal struct {
	SHA256    string
	Bytes     int64
	RestoreID string
}

// journalOf reads the fields after the marker: " sha256=<hex> bytes=<n> restore=<id>".
func journalOf(comment, marker string) backupJournal {
	var j backupJournal
	rest, ok := strings.CutPrefix(comment, marker)
	if !ok {
		return j
	}
	for _, f := range strings.Fields(rest) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "sha256":
			j.SHA256 = v
		case "bytes":
			j.Bytes, _ = strconv.ParseInt(v, 10, 64)
		case "restore":
			j.RestoreID = v
		}
	}
	return j
}

// comment writes the journal back behind the marker.
func (j backupJournal) comment(marker string) string {
	var b strings.Builder
	b.WriteString(marker)
	if j.SHA256 != "" {
		fmt.Fprintf(&b, " sha256=%s bytes=%d", j.SHA256, j.Bytes)
	}
	if j.RestoreID != "" {
		fmt.Fprintf(&b, " restore=%s", j.RestoreID)
	}
	return b.String()
}

// run copies and restores the v3 backup, resuming from whatever m and the vendor already record,
// and never uploads or restores twice for one step:
//
//  1. the v4 backups carrying this step's marker are looked up: one is adopted (the one whose
//     journal names a restore first, else a completed one), the others are duplicates of this
//     step's upload and are deleted;
//  2. only when there is none is the v3 archive uploaded (mode "api", its comment the marker; a
//     lost answer is resolved by the marker) or awaited from a person (mode "manual");
//  3. the digest and, as soon as POST /restores answers, the restore id are journalled on the
//     uploaded backup (PUT comment), so a create after a crash awaits that restore;
//  4. the restore is awaited and the uploaded backup is downloaded back to verify it.
func (r *mendixBackupRestoreResource) run(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel, step mxStep) {
	src, mode := m.SourceAppID.ValueString(), m.SourceEnvironment.ValueString()
	projectID, envID, snapID := m.ProjectID.ValueString(), m.EnvironmentID.ValueString(), m.SourceSnapshotID.ValueString()
	what := fmt.Sprintf("Restoring the v3 backup of %s/%s into v4 environment %s", src, mode, envID)
	marker := backupMarker(src, mode, snapID)
	api := m.Mode.ValueString() != modeManual
	download := r.v3Download(client, src, mode, snapID)
	fail := func(step2, job string, err error) {
		if m.UploadedSnapshotID.IsNull() && !stopRequested(ctx) {
			reportMendix(step.diags, what, err) // nothing of this step is known to exist yet
			return
		}
		step.stopped(ctx, m, step2, what, job, err)
	}

	if m.UploadedSnapshotID.IsNull() {
		if err := r.adoptUpload(ctx, client, m, marker, step.diags); err != nil {
			fail("looking for the uploaded backup", "", err)
			return
		}
	}
	if m.UploadedSnapshotID.IsNull() {
		var err error
		if api {
			err = r.upload(ctx, client, m, marker, download, step)
		} else {
			err = r.awaitManualUpload(ctx, client, m, marker, download, step)
		}
		if err != nil {
			fail("uploading the backup", "The upload", err)
			return
		}
	}
	uploaded := m.UploadedSnapshotID.ValueString()
	if m.SHA256.IsNull() || m.SHA256.ValueString() == "" {
		// Adopted without a recorded digest (a lost answer, a crash before the journal): the v3
		// archive is read again, not uploaded again.
		sum, err := mendix.Hash(ctx, "mendix: hash v3 backup "+snapID, download.Source())
		if err != nil {
			step.stopped(ctx, m, "hashing the v3 backup", what+": reading the v3 backup", "The uploaded backup "+uploaded, err)
			return
		}
		m.Bytes, m.SHA256 = types.Int64Value(sum.Bytes), types.StringValue(sum.SHA256)
	}
	logRefreshedLinks(ctx, download, "v3 backup")
	journal := backupJournal{SHA256: m.SHA256.ValueString(), Bytes: m.Bytes.ValueInt64(), RestoreID: m.RestoreID.ValueString()}
	if err := client.SetSnapshotComment(ctx, projectID, envID, uploaded, journal.comment(marker)); err != nil {
		step.stopped(ctx, m, "journalling the upload", what+": writing the digest on the uploaded backup", "The uploaded backup "+uploaded, err)
		return
	}
	step.save(ctx, m, "waiting for the uploaded backup")

	var verified *transport.Digest
	if m.RestoreID.IsNull() {
		if err := r.waitSnapshot(ctx, client, projectID, envID, uploaded); err != nil {
			step.stopped(ctx, m, "waiting for the uploaded backup", what+": extracting the uploaded backup", "The extraction of backup "+uploaded, err)
			return
		}
		if !api {
			// Verify before harm: a person's upload is exported from v4 and hashed before
			// anything is restored over v4's data. A wrong archive stops here, v4 untouched.
			held, err := r.archiveDigest(ctx, client, projectID, envID, uploaded)
			if err != nil {
				step.stopped(ctx, m, "verifying the uploaded backup", what+": downloading the uploaded backup from v4 to verify it before the restore", "The uploaded backup "+uploaded, err)
				return
			}
			if held.Bytes != m.Bytes.ValueInt64() || held.SHA256 != m.SHA256.ValueString() {
				r.rejectUpload(ctx, client, m, uploaded, held, step)
				return
			}
			verified = &held
		}
		restoreID, err := r.startRestore(ctx, client, m, api)
		if err != nil {
			step.stopped(ctx, m, "starting the restore", what, "A restore request", err)
			return
		}
		m.RestoreID = types.StringValue(restoreID)
		m.ID = types.StringValue(projectID + "/" + envID + "/" + restoreID)
		step.save(ctx, m, "waiting for the restore")
		journal.RestoreID = restoreID
		if err := client.SetSnapshotComment(ctx, projectID, envID, uploaded, journal.comment(marker)); err != nil {
			step.stopped(ctx, m, "waiting for the restore", what+": journalling restore "+restoreID+" on the uploaded backup", "The restore "+restoreID, err)
			return
		}
	}
	restoreID := m.RestoreID.ValueString()
	m.ID = types.StringValue(projectID + "/" + envID + "/" + restoreID)
	if err := r.waitRestore(ctx, client, projectID, envID, restoreID); err != nil {
		step.stopped(ctx, m, "waiting for the restore", what, "The restore "+restoreID, err)
		return
	}

	held, err := transport.Digest{}, error(nil)
	if verified != nil {
		held = *verified // the same backup, exported and hashed right before the restore
	} else {
		held, err = r.archiveDigest(ctx, client, projectID, envID, uploaded)
	}
	if err != nil {
		step.stopped(ctx, m, "verifying the restored backup", what+": downloading the uploaded backup back from v4 to verify it", "The restore "+restoreID+" (completed)", err)
		return
	}
	m.RestoredBytes, m.RestoredSHA256 = types.Int64Value(held.Bytes), types.StringValue(held.SHA256)
	step.save(ctx, m, "")
	if held.Bytes != m.Bytes.ValueInt64() || held.SHA256 != m.SHA256.ValueString() {
		step.diags.AddError(what+": verification failed",
			fmt.Sprintf("The v3 backup %s was %d bytes with SHA-256 %s, but the backup restored on v4 (%s) downloads as %d bytes with SHA-256 %s. "+
				"The restore ran with different data; upload the right archive and replace this resource.",
				snapID, m.Bytes.ValueInt64(), m.SHA256.ValueString(), uploaded, held.Bytes, held.SHA256))
	}
}

// rejectUpload handles a person's upload that is not the v3 backup: its journal comment is
// replaced (so no later run adopts it), the step forgets it, and apply fails before any restore.
// The next apply waits for a new upload.
func (r *mendixBackupRestoreResource) rejectUpload(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel, uploaded string, held transport.Digest, step mxStep) {
	projectID, envID := m.ProjectID.ValueString(), m.EnvironmentID.ValueString()
	note := fmt.Sprintf("Rejected by terraform-provider-appmigrate: not the v3 backup %s (sha256 %s)", m.SourceSnapshotID.ValueString(), held.SHA256)
	cerr := client.SetSnapshotComment(ctx, projectID, envID, uploaded, note)
	m.UploadedSnapshotID = types.StringNull()
	step.save(ctx, m, "waiting for the manual upload")
	detail := fmt.Sprintf("The backup uploaded to v4 environment %s (%s) is %d bytes with SHA-256 %s, but the v3 backup %s of %s/%s is %d bytes with SHA-256 %s. "+
		"Nothing was restored: v4's data is untouched. Upload the Full Snapshot .tar.gz of backup %s (Backups → Upload Archive) and run apply again.",
		envID, uploaded, held.Bytes, held.SHA256, m.SourceSnapshotID.ValueString(), m.SourceAppID.ValueString(), m.SourceEnvironment.ValueString(),
		m.Bytes.ValueInt64(), m.SHA256.ValueString(), m.SourceSnapshotID.ValueString())
	if cerr != nil {
		detail += fmt.Sprintf(" (Marking backup %s as rejected failed: %v; delete it in the portal.)", uploaded, cerr)
	}
	step.diags.AddError("The uploaded backup is not the v3 backup", detail)
}

// v3Download is the v3 archive behind a pre-signed link; §5.4: a 500 means "still being made", and
// an expired link is replaced by a fresh one.
func (r *mendixBackupRestoreResource) v3Download(client *mendix.Client, src, mode, snapID string) *mendix.Download {
	return client.NewDownload("mendix: download v3 backup "+snapID, "", func(ctx context.Context) (string, error) {
		var links *mendix.SnapshotURLs
		_, err := transport.Poll(ctx, r.data.poll.options("download links of v3 backup "+snapID+" (500: still being made)"), func(ctx context.Context) (transport.Status, error) {
			l, err := client.SnapshotURLsV1(ctx, src, mode, snapID)
			if mendix.IsStillBeingMade(err) {
				return transport.Status{State: "STILL_BEING_MADE", Message: err.Error()}, nil
			}
			if err != nil {
				return transport.Status{}, err
			}
			links = l
			return transport.Status{State: "READY", Done: true}, nil
		})
		if err != nil {
			return "", err
		}
		return links.DatabaseAndFiles, nil
	})
}

// adoptUpload looks for v4 backups carrying this step's marker. It keeps one in m — the one whose
// journal names a restore, else a completed one, else the newest still being extracted — and
// deletes the others, which this step made twice (a duplicated delivery, a crash between upload
// and record). A failed one is deleted too: it cannot be restored.
func (r *mendixBackupRestoreResource) adoptUpload(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel, marker string, diags *diag.Diagnostics) error {
	projectID, envID := m.ProjectID.ValueString(), m.EnvironmentID.ValueString()
	mine, err := client.SnapshotsCommented(ctx, projectID, envID, marker)
	if err != nil || len(mine) == 0 {
		return err
	}
	rank := func(s mendix.Snapshot) int {
		switch {
		case journalOf(s.Comment, marker).RestoreID != "":
			return 3
		case s.State == mendix.StateCompleted:
			return 2
		case s.State != mendix.StateFailed:
			return 1
		}
		return 0
	}
	best := -1
	for i, s := range mine { // oldest first: a later one of the same rank wins
		if rank(s) > 0 && (best < 0 || rank(s) >= rank(mine[best])) {
			best = i
		}
	}
	for i, s := range mine {
		if i == best {
			continue
		}
		if err := client.DeleteSnapshot(ctx, projectID, envID, s.SnapshotID); err != nil && !mendix.IsNotFound(err) {
			diags.AddWarning("Duplicate uploaded backup left in place",
				fmt.Sprintf("Backup %s of environment %s carries this step's marker too, so it is a second upload of the same v3 backup; deleting it failed: %v. Delete it in the portal.", s.SnapshotID, envID, err))
			continue
		}
		tflog.Warn(ctx, "deleted a duplicate upload of the v3 backup", map[string]any{"snapshot_id": s.SnapshotID})
	}
	if best < 0 {
		return nil
	}
	kept := mine[best]
	j := journalOf(kept.Comment, marker)
	m.UploadedSnapshotID = types.StringValue(kept.SnapshotID)
	if j.SHA256 != "" {
		m.Bytes, m.SHA256 = types.Int64Value(j.Bytes), types.StringValue(j.SHA256)
	}
	if j.RestoreID != "" {
		m.RestoreID = types.StringValue(j.RestoreID)
	}
	tflog.Info(ctx, "adopting the v3 backup this step uploaded before", map[string]any{"snapshot_id": kept.SnapshotID, "restore_id": j.RestoreID})
	return nil
}

// upload streams the v3 archive into the v4 environment's backups (modeled upload) with the
// marker as its comment, and records the new backup before anything else.
func (r *mendixBackupRestoreResource) upload(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel, marker string, download *mendix.Download, step mxStep) error {
	projectID, envID := m.ProjectID.ValueString(), m.EnvironmentID.ValueString()
	fileName := fmt.Sprintf("%s-%s-%s.tar.gz", m.SourceAppID.ValueString(), strings.ToLower(m.SourceEnvironment.ValueString()), m.SourceSnapshotID.ValueString())
	up, err := client.UploadSnapshot(ctx, projectID, envID, fileName, marker, download.Source())
	if err != nil {
		return err
	}
	m.UploadedSnapshotID = types.StringValue(up.SnapshotID)
	if !up.Adopted {
		m.Bytes, m.SHA256 = types.Int64Value(up.Sent.Bytes), types.StringValue(up.Sent.SHA256)
	}
	// The backup exists on v4 now: record it before anything else.
	step.save(ctx, m, "waiting for the uploaded backup")
	// A duplicated delivery makes a second backup with the same marker: keep one.
	m.UploadedSnapshotID = types.StringNull()
	if err := r.adoptUpload(ctx, client, m, marker, step.diags); err != nil {
		m.UploadedSnapshotID = types.StringValue(up.SnapshotID)
		return err
	}
	if m.UploadedSnapshotID.IsNull() {
		m.UploadedSnapshotID = types.StringValue(up.SnapshotID)
	}
	return nil
}

// awaitManualUpload is mode "manual": the v3 archive is read (not copied) for its digest, then
// apply waits, changing nothing, for a person's portal upload — a backup of the environment that
// was not listed when apply started — and marks it with the documented PUT so a later run finds it.
func (r *mendixBackupRestoreResource) awaitManualUpload(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel, marker string, download *mendix.Download, step mxStep) error {
	projectID, envID := m.ProjectID.ValueString(), m.EnvironmentID.ValueString()
	started := r.data.poll.clock.Now()
	known, err := client.Snapshots(ctx, projectID, envID)
	if err != nil {
		return err
	}
	sum, err := mendix.Hash(ctx, "mendix: hash v3 backup "+m.SourceSnapshotID.ValueString(), download.Source())
	if err != nil {
		return err
	}
	m.Bytes, m.SHA256 = types.Int64Value(sum.Bytes), types.StringValue(sum.SHA256)
	step.save(ctx, m, "waiting for the manual upload")
	snap, err := r.waitForManualUpload(ctx, client, m, known, started)
	if err != nil {
		return err
	}
	m.UploadedSnapshotID = types.StringValue(snap)
	step.save(ctx, m, "waiting for the uploaded backup")
	j := backupJournal{SHA256: sum.SHA256, Bytes: sum.Bytes}
	return client.SetSnapshotComment(ctx, projectID, envID, snap, j.comment(marker))
}

// startRestore starts the restore of the uploaded backup, or finds the one a lost answer hid.
//
// Mode "api": a restore of this backup that the modeled listing shows (an earlier run's, whose
// journal never got written) is adopted; a lost answer is resolved by the same listing.
//
// Mode "manual" uses documented calls only, and Backups v2 cannot list restores. A lost answer is
// resolved by asking again: 400 ENVIRONMENT_BUSY proves a restore (the lost one) is running, so
// apply waits and asks again until the request is accepted. At worst the same backup is restored a
// second time, into the same environment, which is still stopped and unchanged since (this step
// runs before the start): the data it ends with is the same.
func (r *mendixBackupRestoreResource) startRestore(ctx context.Context, client *mendix.Client, m *mendixBackupRestoreModel, api bool) (string, error) {
	projectID, envID, uploaded := m.ProjectID.ValueString(), m.EnvironmentID.ValueString(), m.UploadedSnapshotID.ValueString()
	if api {
		found, err := client.RestoresOf(ctx, projectID, envID, uploaded)
		if err != nil {
			return "", err
		}
		for i := len(found) - 1; i >= 0; i-- {
			if found[i].State != mendix.StateFailed {
				tflog.Info(ctx, "adopting the restore an earlier run started", map[string]any{"restore_id": found[i].RestoreID})
				return found[i].RestoreID, nil
			}
		}
	}
	if err := r.checkTarget(ctx, client, projectID, envID); err != nil {
		return "", err
	}
	var id string
	asked := false
	_, err := transport.Poll(ctx, r.data.poll.options("a restore of backup "+uploaded+" to be accepted (400 ENVIRONMENT_BUSY: one is running)"),
		func(ctx context.Context) (transport.Status, error) {
			if api && asked {
				// Asked before without an answer: the listing may show that restore by now.
				found, err := client.RestoresOf(ctx, projectID, envID, uploaded)
				if err != nil {
					return transport.Status{}, err
				}
				for i := len(found) - 1; i >= 0; i-- {
					if found[i].State != mendix.StateFailed {
						id = found[i].RestoreID
						return transport.Status{State: found[i].State, Done: true}, nil
					}
				}
			}
			asked = true
			rs, err := client.StartRestore(ctx, projectID, envID, uploaded, false, api)
			switch {
			case err == nil:
				if rs.Adopted {
					tflog.Info(ctx, "the answer to the restore request was lost; adopting the restore it started", map[string]any{"restore_id": rs.RestoreID})
				}
				id = rs.RestoreID
				return transport.Status{State: rs.State, Done: true}, nil
			case transport.IsOutcomeUnknown(err):
				// Only without the lookup: ask again (see above).
				tflog.Warn(ctx, "the answer to the restore request was lost; asking again", map[string]any{"error": err.Error()})
				return transport.Status{State: "ANSWER_LOST", Message: err.Error()}, nil
			case mendix.HasCode(err, "ENVIRONMENT_BUSY"):
				return transport.Status{State: "ENVIRONMENT_BUSY", Message: err.Error()}, nil
			}
			return transport.Status{}, err
		})
	return id, err
}

// checkTarget refuses at once what Backups v2 would refuse later: no app deployed, or running.
func (r *mendixBackupRestoreResource) checkTarget(ctx context.Context, client *mendix.Client, projectID, envID string) error {
	env, err := client.EnvironmentV4(ctx, projectID, envID)
	if err != nil {
		return err
	}
	switch env.State {
	case mendix.V4NotDeployed:
		return fmt.Errorf("environment %s has no app deployed; a restore needs one (runbook: deploy the package first) — set deployment_id to the environment's appmigrate_mendix_environment_deployment", envID)
	case mendix.V4Running:
		return fmt.Errorf("environment %s is running; Backups API v2 restores only into a stopped environment. Stop it (the environment's appmigrate_mendix_environment_start is destroyed or replaced first in a correct configuration) and apply again", envID)
	}
	return nil
}

// waitSnapshot waits until an uploaded backup is extracted (completed) on v4.
func (r *mendixBackupRestoreResource) waitSnapshot(ctx context.Context, client *mendix.Client, projectID, envID, snapshotID string) error {
	_, err := transport.Poll(ctx, r.data.poll.options("extraction of the uploaded backup "+snapshotID), func(ctx context.Context) (transport.Status, error) {
		s, err := client.Snapshot(ctx, projectID, envID, snapshotID)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: s.State, Message: s.StatusMessage, Done: s.State == mendix.StateCompleted, Failed: s.State == mendix.StateFailed}, nil
	})
	return err
}

// waitForManualUpload waits, changing nothing, for a person's portal upload: a backup of the
// environment that was not listed when apply started, and then for it to be completed.
func (r *mendixBackupRestoreResource) waitForManualUpload(ctx context.Context, client *mendix.Client, plan *mendixBackupRestoreModel, known []mendix.Snapshot, started time.Time) (string, error) {
	projectID, envID := plan.ProjectID.ValueString(), plan.EnvironmentID.ValueString()
	seen := make([]string, 0, len(known))
	for _, s := range known {
		seen = append(seen, s.SnapshotID)
	}
	gate := backupUploadGate(plan.SourceAppID.ValueString(), plan.SourceEnvironment.ValueString(), plan.SourceSnapshotID.ValueString(), projectID, envID)
	var found string
	err := gate.wait(ctx, r.data.poll, func(ctx context.Context) (manualProgress, error) {
		snaps, err := client.Snapshots(ctx, projectID, envID)
		if err != nil {
			return manualProgress{}, err
		}
		for _, s := range snaps { // newest first
			if slices.Contains(seen, s.SnapshotID) {
				continue
			}
			switch s.State {
			case mendix.StateCompleted:
				found = s.SnapshotID
				return manualProgress{Done: true}, nil
			case mendix.StateFailed:
				return manualProgress{}, fmt.Errorf("the uploaded backup %s failed on v4: %s. Upload the Full Snapshot .tar.gz again", s.SnapshotID, s.StatusMessage)
			default:
				return manualProgress{Missing: fmt.Sprintf("the uploaded backup %s is still %s (%s)", s.SnapshotID, s.State, s.StatusMessage)}, nil
			}
		}
		return manualProgress{Missing: fmt.Sprintf("no backup uploaded to environment %s since %s", envID, started.UTC().Format(time.RFC3339))}, nil
	})
	return found, err
}

// waitRestore polls a Backups v2 restore to completed.
func (r *mendixBackupRestoreResource) waitRestore(ctx context.Context, client *mendix.Client, projectID, envID, restoreID string) error {
	_, err := transport.Poll(ctx, r.data.poll.options("Backups API v2 restore "+restoreID), func(ctx context.Context) (transport.Status, error) {
		rs, err := client.Restore(ctx, projectID, envID, restoreID)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: rs.State, Message: rs.StatusMessage, Done: rs.State == mendix.StateCompleted, Failed: rs.State == mendix.StateFailed}, nil
	})
	return err
}

// archiveDigest asks Backups v2 for an archive of the uploaded backup and hashes its download: what
// v4 actually holds. §5.5: on an expired link, a new archive is requested.
func (r *mendixBackupRestoreResource) archiveDigest(ctx context.Context, client *mendix.Client, projectID, envID, snapshotID string) (transport.Digest, error) {
	newArchive := func(ctx context.Context) (string, error) {
		// Backups v2 cannot list archives, so a request whose answer was lost cannot be found:
		// another is asked for, as a poll rides out an outage (an unknown outcome is transient).
		// An archive is an expiring export of the backup and changes no data.
		var a *mendix.Archive
		_, err := transport.Poll(ctx, r.data.poll.options("an archive of backup "+snapshotID+" to be accepted"), func(ctx context.Context) (transport.Status, error) {
			got, err := client.CreateArchive(ctx, projectID, envID, snapshotID, mendix.DataFilesAndDatabase)
			if transport.IsOutcomeUnknown(err) {
				tflog.Info(ctx, "the answer to an archive request was lost; requesting another archive", map[string]any{"error": err.Error()})
			}
			if err != nil {
				return transport.Status{}, err
			}
			a = got
			return transport.Status{State: got.State, Done: true}, nil
		})
		if err != nil {
			return "", err
		}
		var url string
		_, err = transport.Poll(ctx, r.data.poll.options("Backups API v2 archive "+a.ArchiveID+" of backup "+snapshotID), func(ctx context.Context) (transport.Status, error) {
			got, err := client.Archive(ctx, projectID, envID, snapshotID, a.ArchiveID)
			if err != nil {
				return transport.Status{}, err
			}
			url = got.URL
			return transport.Status{State: got.State, Message: got.StatusMessage, Done: got.State == mendix.StateCompleted && got.URL != "", Failed: got.State == mendix.StateFailed}, nil
		})
		return url, err
	}
	dl := client.NewDownload("mendix: download v4 archive of backup "+snapshotID, "", newArchive)
	d, err := mendix.Hash(ctx, "mendix: hash v4 archive of backup "+snapshotID, dl.Source())
	logRefreshedLinks(ctx, dl, "v4 backup archive")
	return d, err
}

func (r *mendixBackupRestoreResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixBackupRestoreModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, backupRestoreTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if state.RestoreID.IsNull() || state.RestoreID.ValueString() == "" {
		return // unfinished: kept as it is; the next apply resumes it
	}
	projectID, envID, restoreID := state.ProjectID.ValueString(), state.EnvironmentID.ValueString(), state.RestoreID.ValueString()
	_, err := client.Restore(ctx, projectID, envID, restoreID)
	if restoreGone(err) {
		retired, rerr := projectRetired(ctx, client, projectID)
		if rerr != nil {
			addMendixError(&resp.Diagnostics, fmt.Sprintf("Reading restore %s: Backups API v2 no longer shows it, and reading its app %s to tell why failed", restoreID, projectID), rerr)
			return
		}
		if retired {
			// The restore ran under the temporary app, which the final link retired (§3.4); its
			// record is out of reach now. Restoring again would overwrite the live data.
			tflog.Info(ctx, "restore belonged to a replaced app; kept as a record", map[string]any{"restore_id": restoreID})
			return
		}
		resp.Diagnostics.AddWarning("Mendix restore record no longer exists",
			fmt.Sprintf("Backups API v2 no longer knows restore %s of environment %s. It is removed from state, so the next plan restores the v3 backup again — "+
				"review that plan: a restore overwrites the environment's data.", restoreID, envID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading restore "+restoreID, err)
	}
}

// unfinished reports a state recorded before the step finished: the restore is verified last.
func (m *mendixBackupRestoreModel) unfinished() bool {
	return m.RestoredSHA256.IsNull() || m.RestoredSHA256.ValueString() == ""
}

// restoreGone reports proof that a restore record is not there: a 404 (the environment, once its
// app left the node), or the documented 400 NOT_FOUND. Anything else proves nothing.
func restoreGone(err error) bool {
	return mendix.IsNotFound(err) || (mendix.StatusOf(err) == http.StatusBadRequest && mendix.HasCode(err, "NOT_FOUND"))
}

// ModifyPlan (continued): a create that was cut short is finished by an update.
func (r *mendixBackupRestoreResource) planResume(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state mendixBackupRestoreModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		return
	}
	for _, a := range []string{"id", "restore_id", "restored_sha256"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(a), types.StringUnknown())...)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("restored_bytes"), types.Int64Unknown())...)
	if state.UploadedSnapshotID.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("uploaded_snapshot_id"), types.StringUnknown())...)
	}
	if state.SHA256.IsNull() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha256"), types.StringUnknown())...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("bytes"), types.Int64Unknown())...)
	}
}

func (r *mendixBackupRestoreResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state mendixBackupRestoreModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// deployment_id, mode and timeouts only order or describe the step: nothing to redo.
	state.DeploymentID, state.Mode, state.Timeouts = plan.DeploymentID, plan.Mode, plan.Timeouts
	if !resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, backupRestoreTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	r.run(ctx, client, &state, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

func (r *mendixBackupRestoreResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixBackupRestoreModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	uploaded := state.UploadedSnapshotID.ValueString()
	if resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		// An unfinished step: its uploaded backup carries the step's marker, and the next create
		// adopts it (and the restore journalled on it) instead of uploading again. Deleting it
		// here would throw that work away, or pull a backup from under a running restore.
		resp.Diagnostics.AddWarning("Unfinished Mendix restore left for the next apply",
			fmt.Sprintf("The restore into environment %s had not finished (uploaded backup %q, restore %q). Nothing was deleted: the next apply of this step adopts the uploaded "+
				"backup by its comment (%q). If you remove the step for good, delete that backup in the portal.",
				state.EnvironmentID.ValueString(), uploaded, state.RestoreID.ValueString(),
				backupMarker(state.SourceAppID.ValueString(), state.SourceEnvironment.ValueString(), state.SourceSnapshotID.ValueString())))
		return
	}
	resp.Diagnostics.AddWarning("Mendix restore cannot be undone",
		fmt.Sprintf("Nothing to undo: the data restored into environment %s stays, and so does the uploaded backup %s (delete it in the portal if you want it gone). Only Terraform's record was removed.",
			state.EnvironmentID.ValueString(), uploaded))
}
