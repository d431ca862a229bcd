package provider

import (
	"context"
	"fmt"
	"slices"
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

// Runbook §3.2.2 "Downloading and Uploading the Deployment Package": download the package of the
// app hosted in Cloud v3 and upload it to the app hosted in Cloud v4. Here: Deploy v1 hands out a
// pre-signed link to the deployed package, the bytes stream straight into a Deploy v2 upload
// (nothing on local disk), the upload job is polled, and the new package is read back and hashed.

var (
	_ resource.Resource               = &mendixPackageTransferResource{}
	_ resource.ResourceWithConfigure  = &mendixPackageTransferResource{}
	_ resource.ResourceWithModifyPlan = &mendixPackageTransferResource{}
)

const mendixPackageTransferType = "appmigrate_mendix_package_transfer"

// NewMendixPackageTransferResource returns the appmigrate_mendix_package_transfer resource.
// packageTransferTimeouts are the step's timeouts and their defaults.
var packageTransferTimeouts = stepTimeouts{Create: 30 * time.Minute, Read: 5 * time.Minute, Delete: 10 * time.Minute}

func NewMendixPackageTransferResource() resource.Resource { return &mendixPackageTransferResource{} }

type mendixPackageTransferResource struct{ configured }

type mendixPackageTransferModel struct {
	ID                types.String   `tfsdk:"id"`
	SourceAppID       types.String   `tfsdk:"source_app_id"`
	SourceEnvironment types.String   `tfsdk:"source_environment"`
	AppID             types.String   `tfsdk:"app_id"`
	FileName          types.String   `tfsdk:"file_name"`
	SourcePackageID   types.String   `tfsdk:"source_package_id"`
	PackageID         types.String   `tfsdk:"package_id"`
	JobID             types.String   `tfsdk:"job_id"`
	ProjectID         types.String   `tfsdk:"project_id"`
	ModelVersion      types.String   `tfsdk:"model_version"`
	SourceModelVer    types.String   `tfsdk:"source_model_version"`
	Bytes             types.Int64    `tfsdk:"bytes"`
	SHA256            types.String   `tfsdk:"sha256"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

func (r *mendixPackageTransferResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_package_transfer"
}

func (r *mendixPackageTransferResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Copies the deployment package deployed to a Cloud v3 environment into the package repository of a Cloud v4 app: Deploy API v1 download link → streamed " +
			"Deploy API v2 upload (multipart `file`, at most 1 GB) → upload job → the new package read back and hashed. The byte count and SHA-256 are computed in flight and verified.",
		Attributes: map[string]schema.Attribute{
			"id": computed("`<app_id>/<package_id>`."),
			"source_app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` (subdomain) of the app on the Cloud v3 node, e.g. `calc`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"source_environment": schema.StringAttribute{
				MarkdownDescription: "The v3 environment (`Mode`, e.g. `Production`) whose deployed package is copied.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` of the v4 node's app: `appmigrate_mendix_node_link.<name>.subdomain`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"file_name": schema.StringAttribute{
				MarkdownDescription: "Name of the uploaded `.mda`. Default: the source package's own name (e.g. `Main line-2.5.4.63.mda`).",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
			},
			"source_package_id": schema.StringAttribute{
				MarkdownDescription: "`PackageId` of the package deployed to the v3 environment. When v3 deploys another package, the plan replaces this transfer (the runbook's \"test and repeat\").",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"package_id":    computed("`PackageId` of the package in the v4 app's repository: give it to `appmigrate_mendix_environment_deployment.package_id`."),
			"job_id":        computed("The Deploy API v2 upload job."),
			"project_id":    computed("Project id of the app that held the v4 node when the package was uploaded (the temporary app): the package belongs to it."),
			"model_version": computed("The package `Version` as the v4 Build API reports it for the uploaded package."),
			"source_model_version": computed("`ModelVersion` Deploy API v1 reported for the v3 environment when the package was copied: compare it with " +
				"`appmigrate_mendix_environment_deployment.<name>.model_version` to prove the same model runs on v4."),
			"bytes": schema.Int64Attribute{
				MarkdownDescription: "Size of the package in bytes, counted in flight and checked against the v3 package's `Size` and the package read back from v4.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"sha256":   computed("SHA-256 (hex) of the package, computed in flight and verified by downloading the package back from v4."),
			"timeouts": packageTransferTimeouts.attribute(ctx),
		},
	}
}

func (r *mendixPackageTransferResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

func (r *mendixPackageTransferResource) client(diags *diag.Diagnostics) *mendix.Client {
	return r.mendixClientFor(mendixPackageTransferType, mendixNeeds{apiKey: true}, diags)
}

// ModifyPlan reads the v3 package at plan time: a missing, unfinished or oversized package fails
// the plan instead of the apply, the file name becomes known, and a newly deployed v3 package
// plans a new transfer.
func (r *mendixPackageTransferResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.ready() {
		return
	}
	client := r.client(&resp.Diagnostics)
	if client == nil {
		return
	}
	var plan mendixPackageTransferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.SourceAppID.IsUnknown() || plan.SourceEnvironment.IsUnknown() {
		return
	}
	creating := req.State.Raw.IsNull()
	src, mode := plan.SourceAppID.ValueString(), plan.SourceEnvironment.ValueString()
	pkg, err := client.DeployedPackage(ctx, src, mode, false)
	if err != nil {
		if !creating && (mendix.IsNotFound(err) || mendix.IsUnauthorized(err)) {
			// The v3 node may be offboarded by now (runbook §3.3): keep what was copied.
			return
		}
		if mendix.IsNotFound(err) && !mendix.HasCode(err, "PACKAGE_NOT_FOUND") {
			resp.Diagnostics.AddAttributeError(path.Root("source_environment"), "Cloud v3 environment not found",
				fmt.Sprintf("%v.\n\nCheck source_app_id (the v3 app's subdomain, e.g. calc) and source_environment (its Mode, e.g. Production).", err))
			return
		}
		if mendix.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("source_environment"), "No package deployed to the v3 environment",
				fmt.Sprintf("%v.\n\nCheck source_app_id (the v3 app's subdomain) and source_environment (the Mode, e.g. Production); the environment must have a package deployed.", err))
			return
		}
		addMendixError(&resp.Diagnostics, "Reading the package deployed to v3 "+src+"/"+mode, err)
		return
	}
	if creating {
		switch {
		case pkg.Size > mendix.MaxUploadBytes:
			resp.Diagnostics.AddAttributeError(path.Root("source_environment"), "Deployment package too large for Mendix Cloud",
				fmt.Sprintf("The package %s deployed to %s/%s is %d bytes; Mendix Cloud refuses uploads above 1 GB. Nothing was changed.", pkg.Name, src, mode, pkg.Size))
			return
		case pkg.Status != "" && pkg.Status != mendix.PackageSucceeded:
			resp.Diagnostics.AddAttributeError(path.Root("source_environment"), "Deployment package not usable",
				fmt.Sprintf("The package %s deployed to %s/%s has status %q; only a Succeeded package can be copied.", pkg.Name, src, mode, pkg.Status))
			return
		}
		if plan.FileName.IsUnknown() {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("file_name"), pkg.Name)...)
		}
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("source_package_id"), pkg.PackageID)...)
	if !creating {
		var state mendixPackageTransferModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if !state.SourcePackageID.IsNull() && state.SourcePackageID.ValueString() != pkg.PackageID {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("source_package_id"))
			return
		}
		if resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
			// A copy cut short: the update finishes it.
			for _, a := range []string{"id", "package_id", "job_id", "sha256", "model_version"} {
				resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(a), types.StringUnknown())...)
			}
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("bytes"), types.Int64Unknown())...)
		}
	}
}

func (r *mendixPackageTransferResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan mendixPackageTransferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, packageTransferTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	plan.ID = types.StringValue(plan.AppID.ValueString() + "/")
	plan.PackageID, plan.JobID, plan.ModelVersion = types.StringNull(), types.StringNull(), types.StringNull()
	plan.Bytes, plan.SHA256 = types.Int64Null(), types.StringNull()
	if plan.ProjectID.IsUnknown() {
		plan.ProjectID = types.StringNull()
	}
	if plan.SourceModelVer.IsUnknown() {
		plan.SourceModelVer = types.StringNull()
	}
	r.run(ctx, client, &plan, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

// run copies the v3 package into the v4 repository, resuming from whatever m and the vendor
// already record, and never leaves two copies of it:
//
//   - a recorded package is awaited (its upload job, else its Build API status);
//   - otherwise a package of the same name and size already in the v4 repository whose bytes are
//     the v3 package's (an upload an earlier run made and could not record: SIGKILL, a lost answer)
//     is adopted;
//   - otherwise the package is uploaded; when the answer is lost, the client finds the package by
//     name, size and creation time (Build API) and it is adopted;
//   - a second package of that name and size created during this step (a request delivered twice)
//     is deleted.
func (r *mendixPackageTransferResource) run(ctx context.Context, client *mendix.Client, m *mendixPackageTransferModel, step mxStep) {
	src, mode, appID := m.SourceAppID.ValueString(), m.SourceEnvironment.ValueString(), m.AppID.ValueString()
	what := fmt.Sprintf("Copying the deployment package of v3 %s/%s to v4 app %s", src, mode, appID)
	started := r.data.poll.clock.Now()
	fail := func(err error) {
		if m.PackageID.IsNull() && !stopRequested(ctx) {
			addMendixError(step.diags, what, err) // nothing of this step is known to exist yet
			return
		}
		step.stopped(ctx, m, "copying the package", what, "The package upload", err)
	}
	pkg, err := client.DeployedPackage(ctx, src, mode, true)
	if err != nil {
		fail(err)
		return
	}
	if !m.SourcePackageID.IsUnknown() && !m.SourcePackageID.IsNull() && m.SourcePackageID.ValueString() != pkg.PackageID {
		step.diags.AddError(what+": the v3 package changed since the plan",
			fmt.Sprintf("The plan copies package %s, but %s/%s now has package %s deployed. Run plan again.", m.SourcePackageID.ValueString(), src, mode, pkg.PackageID))
		return
	}
	if m.SourceModelVer.IsNull() || m.ProjectID.IsNull() {
		srcEnv, err := client.Environment(ctx, src, mode)
		if err != nil {
			fail(err)
			return
		}
		target, err := client.App(ctx, appID)
		if err != nil {
			fail(err)
			return
		}
		m.ProjectID = types.StringValue(target.ProjectID)
		m.SourceModelVer = types.StringValue(srcEnv.ModelVersion)
	}
	fileName := m.FileName.ValueString()
	if m.FileName.IsUnknown() || fileName == "" {
		fileName = pkg.Name
	}
	m.FileName = types.StringValue(fileName)
	m.SourcePackageID = types.StringValue(pkg.PackageID)

	// A fresh link on every refusal: §5.2 "request a fresh URL on retry" (TTL 900 s).
	download := client.NewDownload("mendix: download v3 package "+pkg.Name, pkg.DownloadURL, func(ctx context.Context) (string, error) {
		p, err := client.DeployedPackage(ctx, src, mode, true)
		if err != nil {
			return "", err
		}
		if p.PackageID != pkg.PackageID {
			return "", fmt.Errorf("the package deployed to %s/%s changed during the copy (%s → %s)", src, mode, pkg.PackageID, p.PackageID)
		}
		return p.DownloadURL, nil
	})
	v3Digest := func() (transport.Digest, error) {
		if !m.SHA256.IsNull() && m.SHA256.ValueString() != "" {
			return transport.Digest{Bytes: m.Bytes.ValueInt64(), SHA256: m.SHA256.ValueString()}, nil
		}
		d, err := mendix.Hash(ctx, "mendix: hash v3 package "+pkg.Name, download.Source())
		if err == nil {
			m.Bytes, m.SHA256 = types.Int64Value(d.Bytes), types.StringValue(d.SHA256)
		}
		return d, err
	}

	if m.PackageID.IsNull() {
		before, err := client.PackagesLike(ctx, appID, fileName, pkg.Size, time.Time{})
		if err != nil {
			fail(err)
			return
		}
		if len(before) > 0 {
			if err := r.adoptCopy(ctx, client, m, before, v3Digest); err != nil {
				fail(err)
				return
			}
		}
		if m.PackageID.IsNull() {
			up, err := client.UploadPackage(ctx, appID, mendix.PackageUpload{FileName: fileName, Size: pkg.Size, Since: started.Add(-mxClockSkew)}, download.Source())
			if err != nil {
				fail(err)
				return
			}
			logRefreshedLinks(ctx, download, "v3 package")
			m.PackageID = types.StringValue(up.PackageID)
			if up.JobID != "" {
				m.JobID = types.StringValue(up.JobID)
			}
			if !up.Adopted {
				m.Bytes, m.SHA256 = types.Int64Value(up.Sent.Bytes), types.StringValue(up.Sent.SHA256)
			}
		}
		// The package exists on v4 now: record it before waiting on it.
		m.ID = types.StringValue(appID + "/" + m.PackageID.ValueString())
		step.save(ctx, m, "waiting for the uploaded package")
		r.removeDuplicates(ctx, client, m, pkg.Size, started.Add(-mxClockSkew), before, step.diags)
	}
	packageID := m.PackageID.ValueString()
	sent, err := v3Digest()
	if err != nil {
		step.stopped(ctx, m, "waiting for the uploaded package", what+": reading the v3 package", "The package "+packageID, err)
		return
	}
	if pkg.Size > 0 && sent.Bytes != pkg.Size {
		step.save(ctx, m, "")
		step.diags.AddError(what+": size mismatch",
			fmt.Sprintf("Deploy API v1 reports the v3 package as %d bytes, but %d bytes were streamed into v4 package %s. Replace this resource to copy it again.", pkg.Size, sent.Bytes, packageID))
		return
	}
	if err := r.waitPackage(ctx, client, appID, packageID, m.JobID.ValueString()); err != nil {
		step.stopped(ctx, m, "waiting for the uploaded package", what, "The processing of package "+packageID, err)
		return
	}
	back, err := r.readBack(ctx, client, appID, packageID)
	if err != nil {
		step.stopped(ctx, m, "verifying the uploaded package", what+": reading the package back from v4", "The package "+packageID, err)
		return
	}
	if back.digestBytes != sent.Bytes || back.digestSHA != sent.SHA256 {
		step.save(ctx, m, "")
		step.diags.AddError(what+": verification failed",
			fmt.Sprintf("Streamed %d bytes with SHA-256 %s, but v4 package %s downloads as %d bytes with SHA-256 %s. Replace this resource to copy it again.",
				sent.Bytes, sent.SHA256, packageID, back.digestBytes, back.digestSHA))
		return
	}
	m.ModelVersion = types.StringValue(back.pkg.Version)
	step.save(ctx, m, "")
}

// adoptCopy adopts the newest of candidates (packages of the v3 package's name and size already
// in the v4 repository) whose bytes are the v3 package's: the same package, uploaded before by
// this step (a crash, a lost answer) or by a person. Adopting it uploads nothing; a candidate with
// other bytes is left alone.
func (r *mendixPackageTransferResource) adoptCopy(ctx context.Context, client *mendix.Client, m *mendixPackageTransferModel, candidates []mendix.Package, v3Digest func() (transport.Digest, error)) error {
	want, err := v3Digest()
	if err != nil {
		return err
	}
	appID := m.AppID.ValueString()
	for i := len(candidates) - 1; i >= 0; i-- {
		c := candidates[i]
		if c.Status != mendix.PackageSucceeded {
			// Still being processed: it cannot be downloaded yet, and only this step's upload can be
			// in that state with this name and size. Adopt it and let the read-back verify it.
			m.PackageID = types.StringValue(c.PackageID)
			tflog.Info(ctx, "adopting the package an earlier run uploaded (still being processed)", map[string]any{"package_id": c.PackageID})
			return nil
		}
		back, err := r.readBack(ctx, client, appID, c.PackageID)
		if err != nil {
			return err
		}
		if back.digestBytes == want.Bytes && back.digestSHA == want.SHA256 {
			m.PackageID = types.StringValue(c.PackageID)
			tflog.Info(ctx, "adopting a package of the same name, size and SHA-256 already in the v4 repository", map[string]any{"package_id": c.PackageID})
			return nil
		}
	}
	return nil
}

// removeDuplicates deletes every other package of this name and size created since this step
// began that was not there before it (a request delivered twice), so one copy is left. One that is
// deployed (409 PACKAGE_IN_USE) is reported with its id.
func (r *mendixPackageTransferResource) removeDuplicates(ctx context.Context, client *mendix.Client, m *mendixPackageTransferModel, size int64, since time.Time,
	before []mendix.Package, diags *diag.Diagnostics) {
	appID, keep := m.AppID.ValueString(), m.PackageID.ValueString()
	now, err := client.PackagesLike(ctx, appID, m.FileName.ValueString(), size, since)
	if err != nil {
		diags.AddWarning("Could not check for a duplicate package",
			fmt.Sprintf("Listing the packages of %s failed: %v. If a request was delivered twice, a second copy of %s may exist; delete it in the portal.", appID, err, m.FileName.ValueString()))
		return
	}
	for _, p := range now {
		if strings.EqualFold(p.PackageID, keep) || slices.ContainsFunc(before, func(b mendix.Package) bool { return b.PackageID == p.PackageID }) {
			continue
		}
		err := client.DeletePackage(ctx, appID, p.PackageID)
		switch {
		case err == nil, mendix.IsNotFound(err):
			tflog.Warn(ctx, "deleted a duplicate upload of the package", map[string]any{"package_id": p.PackageID, "kept": keep})
		default:
			diags.AddWarning("Duplicate package left in place",
				fmt.Sprintf("Package %s of %s is a second upload of %s by this step (%s was kept), but deleting it failed: %v. Delete it in the portal once it is not deployed.",
					p.PackageID, appID, m.FileName.ValueString(), keep, err))
		}
	}
}

// waitPackage waits until the uploaded package is processed: through its Deploy v2 upload job when
// the job is known, else through the Build API's package Status (Succeeded, or Failed).
func (r *mendixPackageTransferResource) waitPackage(ctx context.Context, client *mendix.Client, appID, packageID, jobID string) error {
	if jobID != "" {
		return r.waitDeployJob(ctx, client, appID, jobID, "processing of the uploaded package "+packageID)
	}
	_, err := transport.Poll(ctx, r.data.poll.options("processing of the uploaded package "+packageID+" (Build API status)"), func(ctx context.Context) (transport.Status, error) {
		p, err := client.Package(ctx, appID, packageID, false)
		if err != nil {
			return transport.Status{}, err
		}
		return transport.Status{State: p.Status, Done: p.Status == mendix.PackageSucceeded, Failed: p.Status == mendix.PackageFailed}, nil
	})
	return err
}

// unfinished reports a state recorded before the copy was verified (model_version is set last).
func (m *mendixPackageTransferModel) unfinished() bool {
	return m.PackageID.IsNull() || m.ModelVersion.IsNull() || m.ModelVersion.IsUnknown()
}

type packageReadBack struct {
	pkg         *mendix.Package
	digestBytes int64
	digestSHA   string
}

// readBack downloads the package from the v4 repository (Build API url=true) and hashes it.
func (r *mendixPackageTransferResource) readBack(ctx context.Context, client *mendix.Client, appID, packageID string) (*packageReadBack, error) {
	pkg, err := client.Package(ctx, appID, packageID, true)
	if err != nil {
		return nil, err
	}
	dl := client.NewDownload("mendix: download v4 package "+packageID, pkg.DownloadURL, func(ctx context.Context) (string, error) {
		p, err := client.Package(ctx, appID, packageID, true)
		if err != nil {
			return "", err
		}
		return p.DownloadURL, nil
	})
	d, err := mendix.Hash(ctx, "mendix: hash v4 package "+packageID, dl.Source())
	if err != nil {
		return nil, err
	}
	logRefreshedLinks(ctx, dl, "v4 package")
	return &packageReadBack{pkg: pkg, digestBytes: d.Bytes, digestSHA: d.SHA256}, nil
}

// logRefreshedLinks notes in the log when storage refused a link and a fresh one was used.
func logRefreshedLinks(ctx context.Context, dl *mendix.Download, what string) {
	if refused := dl.Refused(); len(refused) > 0 {
		tflog.Info(ctx, "download link refused by storage; a fresh link was requested", map[string]any{
			"object": what, "refused": strings.Join(refused, ","), "links_issued": dl.Issued()})
	}
}

func (r *mendixPackageTransferResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state mendixPackageTransferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, packageTransferTimeouts.Read, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	if state.PackageID.IsNull() {
		return // a copy cut short before the package was known: kept, the next apply resumes it
	}
	appID, packageID := state.AppID.ValueString(), state.PackageID.ValueString()
	pkg, err := client.Package(ctx, appID, packageID, false)
	if mendix.IsNotFound(err) {
		replaced, holder, rerr := appReplacedOnNode(ctx, client, appID, state.ProjectID.ValueString())
		if rerr != nil {
			addMendixError(&resp.Diagnostics, fmt.Sprintf("Reading package %s of %s: the Build API no longer shows it, and reading the node's app to tell why failed", packageID, appID), rerr)
			return
		}
		if replaced {
			// The package belonged to the temporary app, which the final link retired (§3.4).
			tflog.Info(ctx, "package belonged to a replaced app; kept as a record", map[string]any{"package_id": packageID, "holder": holder})
			return
		}
		resp.Diagnostics.AddWarning("Mendix package no longer exists",
			fmt.Sprintf("Package %s of v4 app %s was not found; it was deleted outside Terraform. It is removed from state and the next apply copies the v3 package again.", packageID, appID))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Reading package "+packageID+" of "+appID, err)
		return
	}
	if pkg.Version != "" && !state.unfinished() {
		state.ModelVersion = types.StringValue(pkg.Version) // set once verified, so it marks a finished copy
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update finishes a copy that was cut short; otherwise only timeouts can change in place.
func (r *mendixPackageTransferResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state mendixPackageTransferModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		updateTimeoutsOnly(ctx, req, resp, func(m *mendixPackageTransferModel) *timeouts.Value { return &m.Timeouts })
		return
	}
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	state.Timeouts = plan.Timeouts
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, packageTransferTimeouts.Create, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	r.run(ctx, client, &state, mxStep{state: &resp.State, private: resp.Private, diags: &resp.Diagnostics})
}

func (r *mendixPackageTransferResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state mendixPackageTransferModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	client := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if resuming(ctx, req.Private, &resp.Diagnostics, state.unfinished()) {
		// An unfinished copy: a package it uploaded is adopted by the next create of this step
		// (same name, size and bytes), so it is left for it.
		resp.Diagnostics.AddWarning("Unfinished package copy left for the next apply",
			fmt.Sprintf("The copy of %s into %s had not finished (package %q). Nothing was deleted: the next apply of this step adopts the package it uploaded. "+
				"If you remove the step for good, delete that package in the portal.", state.FileName.ValueString(), state.AppID.ValueString(), state.PackageID.ValueString()))
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, packageTransferTimeouts.Delete, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	appID, packageID := state.AppID.ValueString(), state.PackageID.ValueString()
	err := client.DeletePackage(ctx, appID, packageID)
	switch {
	case err == nil, mendix.IsNotFound(err):
	case mendix.HasCode(err, "PACKAGE_IN_USE") || mendix.StatusOf(err) == 409:
		resp.Diagnostics.AddWarning("Mendix package kept: it is deployed",
			fmt.Sprintf("%v.\n\nPackage %s is deployed to an environment of %s, so Mendix keeps it. It was removed from Terraform's state only; delete it in the portal once another package is deployed.", err, packageID, appID))
	default:
		addMendixError(&resp.Diagnostics, "Deleting package "+packageID+" of "+appID, err)
	}
}
