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
	_ datasource.DataSource              = &mendixAppDataSource{}
	_ datasource.DataSourceWithConfigure = &mendixAppDataSource{}
)

// NewMendixAppDataSource returns the appmigrate_mendix_app data source.
func NewMendixAppDataSource() datasource.DataSource { return &mendixAppDataSource{} }

type mendixAppDataSource struct{ configured }

type mendixAppDataModel struct {
	AppID     types.String `tfsdk:"app_id"`
	ProjectID types.String `tfsdk:"project_id"`
	Name      types.String `tfsdk:"name"`
	URL       types.String `tfsdk:"url"`
}

func (d *mendixAppDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_app"
}

func (d *mendixAppDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Resolves a Mendix app's Deploy API v1 `AppId` (its subdomain, e.g. `calc`) to the `ProjectId` (UUID) that Deploy v4, Backups v2 and the Projects API use (Deploy API v1 `GET /apps/<AppId>`).",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "The app's `AppId`: the subdomain of the node it is linked to.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"project_id": schema.StringAttribute{MarkdownDescription: "`ProjectId` (UUID).", Computed: true},
			"name":       schema.StringAttribute{MarkdownDescription: "App name.", Computed: true},
			"url":        schema.StringAttribute{MarkdownDescription: "The app's URL.", Computed: true},
		},
	}
}

func (d *mendixAppDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *mendixAppDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg mendixAppDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.mendixClientFor("data.appmigrate_mendix_app", mendixNeeds{apiKey: true}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := client.App(ctx, cfg.AppID.ValueString())
	if mendix.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("app_id"), "Mendix app not found",
			fmt.Sprintf("%v.\n\napp_id is the subdomain of a node with an app linked to it (the Deploy API lists only such apps).", err))
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Looking up Mendix app "+cfg.AppID.ValueString(), err)
		return
	}
	cfg.ProjectID = types.StringValue(app.ProjectID)
	cfg.Name = types.StringValue(app.Name)
	cfg.URL = types.StringValue(app.URL)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
