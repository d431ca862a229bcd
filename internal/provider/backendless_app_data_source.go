package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

var (
	_ datasource.DataSource                     = &backendlessAppDataSource{}
	_ datasource.DataSourceWithConfigure        = &backendlessAppDataSource{}
	_ datasource.DataSourceWithConfigValidators = &backendlessAppDataSource{}
)

// NewBackendlessAppDataSource returns the appmigrate_backendless_app data source.
func NewBackendlessAppDataSource() datasource.DataSource { return &backendlessAppDataSource{} }

type backendlessAppDataSource struct{ configured }

type backendlessAppDataModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Zone      types.String `tfsdk:"zone"`
	CreatedAt types.String `tfsdk:"created_at"`
}

func (d *backendlessAppDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_app"
}

func (d *backendlessAppDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a Backendless 5.x application of the configured developer account by `name` or by `id`.",
		Attributes: map[string]schema.Attribute{
			"id":         schema.StringAttribute{MarkdownDescription: "Application id. Give this or `name`.", Optional: true, Computed: true},
			"name":       schema.StringAttribute{MarkdownDescription: "Application name. Give this or `id`.", Optional: true, Computed: true},
			"zone":       schema.StringAttribute{MarkdownDescription: "Cluster the app lives in (`US` or `EU`).", Computed: true},
			"created_at": schema.StringAttribute{MarkdownDescription: "When the app was created (RFC 3339).", Computed: true},
		},
	}
}

func (d *backendlessAppDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (d *backendlessAppDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *backendlessAppDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg backendlessAppDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.backendlessClient("data.appmigrate_backendless_app", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		app *backendless.App
		err error
	)
	if !cfg.ID.IsNull() {
		app, err = client.GetApp(ctx, cfg.ID.ValueString())
		if backendless.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("id"), "Backendless app not found",
				fmt.Sprintf("No app with id %q exists in the account. Check the id in the console URL, or look the app up by name.", cfg.ID.ValueString()))
			return
		}
	} else {
		app, err = client.FindAppByName(ctx, cfg.Name.ValueString())
		if err == nil && app == nil {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Backendless app not found",
				fmt.Sprintf("No app named %q exists in the account. Names are compared exactly, including case.", cfg.Name.ValueString()))
			return
		}
	}
	if err != nil {
		addError(&resp.Diagnostics, "Looking up Backendless app", err)
		return
	}
	out := backendlessAppDataModel{
		ID:        types.StringValue(app.ID),
		Name:      types.StringValue(app.Name),
		Zone:      types.StringValue(app.Zone),
		CreatedAt: types.StringNull(),
	}
	if !app.Created.IsZero() {
		out.CreatedAt = types.StringValue(app.Created.Format(time.RFC3339))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}
