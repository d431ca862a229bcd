package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

var (
	_ datasource.DataSource              = &mendixEnvironmentDataSource{}
	_ datasource.DataSourceWithConfigure = &mendixEnvironmentDataSource{}
)

// NewMendixEnvironmentDataSource returns the appmigrate_mendix_environment data source.
func NewMendixEnvironmentDataSource() datasource.DataSource { return &mendixEnvironmentDataSource{} }

type mendixEnvironmentDataSource struct{ configured }

type mendixEnvironmentDataModel struct {
	AppID         types.String `tfsdk:"app_id"`
	Environment   types.String `tfsdk:"environment"`
	EnvironmentID types.String `tfsdk:"environment_id"`
	ProjectID     types.String `tfsdk:"project_id"`
	Status        types.String `tfsdk:"status"`
	URL           types.String `tfsdk:"url"`
	ModelVersion  types.String `tfsdk:"model_version"`
	MendixVersion types.String `tfsdk:"mendix_version"`
	Production    types.Bool   `tfsdk:"production"`
}

func (d *mendixEnvironmentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_environment"
}

func (d *mendixEnvironmentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Resolves a Mendix environment's `AppId` + `Mode` (Deploy API v1 names) to its `EnvironmentId` and the app's `ProjectId`, with its status and the versions deployed " +
			"(Deploy API v1 `GET /apps/<AppId>/environments/<Mode>`).",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "The app's `AppId` (node subdomain).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"environment": schema.StringAttribute{
				MarkdownDescription: "The environment's `Mode`, e.g. `Production` (case-insensitive).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"environment_id": computed("`EnvironmentId` (UUID), as Backups API v2 and Deploy v4 use it."),
			"project_id":     computed("`ProjectId` (UUID) of the app."),
			"status":         computed("`Empty`, `Stopped` or `Running`."),
			"url":            computed("The environment's URL."),
			"model_version":  computed("`ModelVersion` of the deployed package (empty when nothing is deployed)."),
			"mendix_version": computed("`MendixVersion` (runtime) of the deployed package."),
			"production":     schema.BoolAttribute{MarkdownDescription: "Whether it is a production environment.", Computed: true},
		},
	}
}

func (d *mendixEnvironmentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *mendixEnvironmentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg mendixEnvironmentDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.mendixClientFor("data.appmigrate_mendix_environment", mendixNeeds{apiKey: true}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	appID, mode := cfg.AppID.ValueString(), cfg.Environment.ValueString()
	env, err := client.Environment(ctx, appID, mode)
	if mendix.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Mendix environment not found",
			fmt.Sprintf("%v.\n\nCheck app_id (the node's subdomain) and environment (a Mode such as Production).", err))
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Looking up Mendix environment "+appID+"/"+mode, err)
		return
	}
	app, err := client.App(ctx, appID)
	if err != nil {
		addMendixError(&resp.Diagnostics, "Looking up Mendix app "+appID, err)
		return
	}
	cfg.EnvironmentID = types.StringValue(env.EnvironmentID)
	cfg.ProjectID = types.StringValue(app.ProjectID)
	cfg.Status = types.StringValue(env.Status)
	cfg.URL = types.StringValue(env.URL)
	cfg.ModelVersion = types.StringValue(env.ModelVersion)
	cfg.MendixVersion = types.StringValue(env.MendixVersion)
	cfg.Production = types.BoolValue(env.Production)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
