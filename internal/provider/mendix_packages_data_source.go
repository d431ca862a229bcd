package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

var (
	_ datasource.DataSource              = &mendixPackagesDataSource{}
	_ datasource.DataSourceWithConfigure = &mendixPackagesDataSource{}
)

// NewMendixPackagesDataSource returns the appmigrate_mendix_packages data source.
func NewMendixPackagesDataSource() datasource.DataSource { return &mendixPackagesDataSource{} }

type mendixPackagesDataSource struct{ configured }

type mendixPackagesDataModel struct {
	AppID           types.String `tfsdk:"app_id"`
	Packages        types.List   `tfsdk:"packages"`
	NewestSucceeded types.String `tfsdk:"newest_succeeded_id"`
}

var packageAttrTypes = map[string]attr.Type{
	"package_id":  types.StringType,
	"name":        types.StringType,
	"description": types.StringType,
	"version":     types.StringType,
	"creator":     types.StringType,
	"status":      types.StringType,
	"size":        types.Int64Type,
	"created_at":  types.StringType,
}

func (d *mendixPackagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_packages"
}

func (d *mendixPackagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the deployment packages in a Mendix app's package repository, newest first (Build API `GET /api/1/apps/<AppId>/packages`).",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "The app's `AppId` (node subdomain).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"packages": schema.ListNestedAttribute{
				MarkdownDescription: "The packages, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"package_id":  str("`PackageId`."),
					"name":        str("File name, e.g. `Main line-2.5.4.63.mda`."),
					"description": str("Description."),
					"version":     str("Version."),
					"creator":     str("Who built or uploaded it."),
					"status":      str("`Succeeded`, `Queued`, `Building`, `Uploading` or `Failed`; only `Succeeded` packages can be deployed."),
					"size":        schema.Int64Attribute{MarkdownDescription: "Size in bytes.", Computed: true},
					"created_at":  str("Creation time (RFC 3339)."),
				}},
			},
			"newest_succeeded_id": schema.StringAttribute{MarkdownDescription: "`PackageId` of the newest `Succeeded` package; null when there is none.", Computed: true},
		},
	}
}

func (d *mendixPackagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *mendixPackagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg mendixPackagesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.mendixClientFor("data.appmigrate_mendix_packages", mendixNeeds{apiKey: true}, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	pkgs, err := client.Packages(ctx, cfg.AppID.ValueString())
	if mendix.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("app_id"), "Mendix app not found",
			fmt.Sprintf("%v.\n\napp_id is the subdomain of a node with an app linked to it.", err))
		return
	}
	if err != nil {
		addMendixError(&resp.Diagnostics, "Listing the packages of "+cfg.AppID.ValueString(), err)
		return
	}
	sort.SliceStable(pkgs, func(i, j int) bool { return pkgs[i].Created.After(pkgs[j].Created) })
	items := make([]attr.Value, 0, len(pkgs))
	cfg.NewestSucceeded = types.StringNull()
	for _, p := range pkgs {
		items = append(items, types.ObjectValueMust(packageAttrTypes, map[string]attr.Value{
			"package_id": types.StringValue(p.PackageID), "name": types.StringValue(p.Name), "description": types.StringValue(p.Description),
			"version": types.StringValue(p.Version), "creator": types.StringValue(p.Creator), "status": types.StringValue(p.Status),
			"size": types.Int64Value(p.Size), "created_at": rfc3339OrNull(p.Created),
		}))
		if p.Status == mendix.PackageSucceeded && cfg.NewestSucceeded.IsNull() {
			cfg.NewestSucceeded = types.StringValue(p.PackageID)
		}
	}
	cfg.Packages = types.ListValueMust(types.ObjectType{AttrTypes: packageAttrTypes}, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
