package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

var (
	_ datasource.DataSource                     = &mendixSnapshotsDataSource{}
	_ datasource.DataSourceWithConfigure        = &mendixSnapshotsDataSource{}
	_ datasource.DataSourceWithConfigValidators = &mendixSnapshotsDataSource{}
)

// NewMendixSnapshotsDataSource returns the appmigrate_mendix_snapshots data source.
func NewMendixSnapshotsDataSource() datasource.DataSource { return &mendixSnapshotsDataSource{} }

type mendixSnapshotsDataSource struct{ configured }

type mendixSnapshotsDataModel struct {
	AppID            types.String `tfsdk:"app_id"`
	Environment      types.String `tfsdk:"environment"`
	ProjectID        types.String `tfsdk:"project_id"`
	EnvironmentID    types.String `tfsdk:"environment_id"`
	Snapshots        types.List   `tfsdk:"snapshots"`
	NewestCompleted  types.String `tfsdk:"newest_completed_id"`
	NewestCompletedT types.String `tfsdk:"newest_completed_at"`
}

var snapshotAttrTypes = map[string]attr.Type{
	"snapshot_id":   types.StringType,
	"comment":       types.StringType,
	"state":         types.StringType,
	"created_at":    types.StringType,
	"expires_at":    types.StringType,
	"model_version": types.StringType,
}

func (d *mendixSnapshotsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_snapshots"
}

func (d *mendixSnapshotsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the backups (snapshots) of a Mendix environment, newest first. Give `app_id` + `environment` for a Cloud v3 (or v4) environment, read through " +
			"Backups API v1 — the only backups API that serves v3 — or `project_id` + `environment_id` for a Cloud v4 environment, read through Backups API v2.",
		Attributes: map[string]schema.Attribute{
			"app_id":         schema.StringAttribute{MarkdownDescription: "Deploy API v1 `AppId` (Backups API v1). Give it with `environment`.", Optional: true},
			"environment":    schema.StringAttribute{MarkdownDescription: "Deploy API v1 `Mode` (Backups API v1).", Optional: true},
			"project_id":     schema.StringAttribute{MarkdownDescription: "`ProjectId` (Backups API v2, Cloud v4 only). Give it with `environment_id`.", Optional: true},
			"environment_id": schema.StringAttribute{MarkdownDescription: "`EnvironmentId` (Backups API v2).", Optional: true},
			"snapshots": schema.ListNestedAttribute{
				MarkdownDescription: "The backups, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"snapshot_id":   schema.StringAttribute{MarkdownDescription: "`SnapshotID` (v1) / `snapshot_id` (v2).", Computed: true},
					"comment":       schema.StringAttribute{MarkdownDescription: "Comment.", Computed: true},
					"state":         schema.StringAttribute{MarkdownDescription: "State as the API spells it (`Completed` in v1, `completed` in v2).", Computed: true},
					"created_at":    schema.StringAttribute{MarkdownDescription: "Creation time (RFC 3339).", Computed: true},
					"expires_at":    schema.StringAttribute{MarkdownDescription: "Expiry time (RFC 3339), when known.", Computed: true},
					"model_version": schema.StringAttribute{MarkdownDescription: "Model version of the app when the backup was made.", Computed: true},
				}},
			},
			"newest_completed_id": schema.StringAttribute{MarkdownDescription: "Id of the newest completed backup; null when none is completed.", Computed: true},
			"newest_completed_at": schema.StringAttribute{MarkdownDescription: "Its creation time (RFC 3339).", Computed: true},
		},
	}
}

func (d *mendixSnapshotsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("app_id"), path.MatchRoot("project_id")),
		datasourcevalidator.RequiredTogether(path.MatchRoot("app_id"), path.MatchRoot("environment")),
		datasourcevalidator.RequiredTogether(path.MatchRoot("project_id"), path.MatchRoot("environment_id")),
	}
}

func (d *mendixSnapshotsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func rfc3339OrNull(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func (d *mendixSnapshotsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg mendixSnapshotsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.mendixClientFor("data.appmigrate_mendix_snapshots", mendixNeeds{apiKey: true}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var items []attr.Value
	cfg.NewestCompleted, cfg.NewestCompletedT = types.StringNull(), types.StringNull()
	add := func(id, comment, state string, created, expires time.Time, model string, completed bool) {
		items = append(items, types.ObjectValueMust(snapshotAttrTypes, map[string]attr.Value{
			"snapshot_id": types.StringValue(id), "comment": types.StringValue(comment), "state": types.StringValue(state),
			"created_at": rfc3339OrNull(created), "expires_at": rfc3339OrNull(expires), "model_version": types.StringValue(model),
		}))
		if completed && cfg.NewestCompleted.IsNull() {
			cfg.NewestCompleted, cfg.NewestCompletedT = types.StringValue(id), rfc3339OrNull(created)
		}
	}
	if !cfg.AppID.IsNull() {
		snaps, err := client.SnapshotsV1(ctx, cfg.AppID.ValueString(), cfg.Environment.ValueString())
		if err != nil {
			addSnapshotsError(&resp.Diagnostics, "app_id", err)
			return
		}
		for _, s := range snaps {
			add(s.SnapshotID, s.Comment, s.State, s.CreatedOn, s.ExpiresOn, s.ModelVersion, s.State == mendix.V1SnapshotCompleted)
		}
	} else {
		snaps, err := client.Snapshots(ctx, cfg.ProjectID.ValueString(), cfg.EnvironmentID.ValueString())
		if err != nil {
			addSnapshotsError(&resp.Diagnostics, "environment_id", err)
			return
		}
		for _, s := range snaps {
			add(s.SnapshotID, s.Comment, s.State, s.CreatedAt, s.ExpiresAt, s.ModelVersion, s.State == mendix.StateCompleted)
		}
	}
	cfg.Snapshots = types.ListValueMust(types.ObjectType{AttrTypes: snapshotAttrTypes}, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

func addSnapshotsError(diags *diag.Diagnostics, attr string, err error) {
	switch {
	case mendix.HasCode(err, "NOT_SUPPORTED"):
		diags.AddAttributeError(path.Root(attr), "Backups API v2 does not serve Cloud v3",
			fmt.Sprintf("%v.\n\nFor a Cloud v3 environment, give app_id and environment instead (Backups API v1).", err))
	case mendix.IsNotFound(err):
		diags.AddAttributeError(path.Root(attr), "Mendix environment not found", err.Error())
	default:
		addMendixError(diags, "Listing Mendix backups", err)
	}
}
