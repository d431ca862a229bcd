package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Runbook §3.3 "Offboarding the v3 Node": a support request, no API (mendix-cloud-api.md §5.8).
// This data source writes the request and the checklist of the settings no API can copy
// (§5.6 "No documented API"), so the person filing it has everything in one place.

var (
	_ datasource.DataSource              = &mendixOffboardingDataSource{}
	_ datasource.DataSourceWithConfigure = &mendixOffboardingDataSource{}
)

// NewMendixOffboardingRequestDataSource returns the appmigrate_mendix_offboarding_request data source.
func NewMendixOffboardingRequestDataSource() datasource.DataSource {
	return &mendixOffboardingDataSource{}
}

type mendixOffboardingDataSource struct{ configured }

type mendixOffboardingModel struct {
	SourceAppID  types.String `tfsdk:"source_app_id"`
	ProjectID    types.String `tfsdk:"project_id"`
	AppName      types.String `tfsdk:"app_name"`
	Environments types.List   `tfsdk:"environments"`
	TargetAppID  types.String `tfsdk:"target_app_id"`
	NodeName     types.String `tfsdk:"node_name"`
	RequestedBy  types.String `tfsdk:"requested_by"`
	Subject      types.String `tfsdk:"subject"`
	Body         types.String `tfsdk:"body"`
	Checklist    types.List   `tfsdk:"checklist"`
}

// offboardingChecklist is what has no API (mendix-cloud-api.md §5.6, §5.8): to compare between the
// v3 and v4 Environment Details pages by hand before the v3 node goes.
var offboardingChecklist = []string{
	"Network → HTTP Headers: the same HTTP response headers on v4 as on v3 (no API).",
	"Network → Access Restriction Profiles: the same path-based access restrictions (no API).",
	"Network → Certificates: upload the custom-domain certificates and the outgoing client certificates to v4 (no API).",
	"Network → Custom Domains: add each custom domain on v4 and point its CNAME to {domain}.cname.mendix.net (no API; DNS is yours).",
	"Runtime → Custom Environment Variables: the same environment variables (no API; Deploy API v1 settings cannot set them).",
	"Maintenance → Preferred maintenance window: the same window (no API).",
	"Logs → Log levels: the same log levels (no API).",
	"Scaling and tags: instances, memory per instance and tags (Deploy API v1 /scale and /tags exist but this provider does not copy them).",
	"App URL: if the app must keep its v3 URL (not a custom domain), ask Mendix Support to change it, giving the old and new URL and both App IDs (no API).",
	"Backups: \"Make sure you have downloaded the latest backup and deployment package before offboarding the node\" (runbook §3.3).",
}

func (d *mendixOffboardingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_mendix_offboarding_request"
}

func (d *mendixOffboardingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Renders the support request that offboards a Cloud v3 node (runbook §3.3: \"submit a request at Mendix Support to offboard the v3 node\") and the checklist of " +
			"environment settings that have no API (HTTP headers, access restrictions, certificates, custom domains, environment variables, maintenance window, …). It files nothing and " +
			"calls nothing: offboarding has no API, and the text depends only on the arguments, so it reads the same before and after the migration.",
		Attributes: map[string]schema.Attribute{
			"source_app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` (subdomain) of the app on the Cloud v3 node.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"project_id": schema.StringAttribute{
				MarkdownDescription: "The app's project id (UUID), which Mendix Support uses to find it.",
				Optional:            true,
			},
			"app_name": schema.StringAttribute{
				MarkdownDescription: "The app's name.",
				Optional:            true,
			},
			"environments": schema.ListAttribute{
				MarkdownDescription: "The v3 environments (`Mode`s) that go with the node, e.g. `[\"Production\"]`.",
				ElementType:         types.StringType,
				Optional:            true,
			},
			"target_app_id": schema.StringAttribute{
				MarkdownDescription: "Deploy API v1 `AppId` of the Cloud v4 node the app now runs on (`appmigrate_mendix_node_link.<name>.subdomain`).",
				Optional:            true,
			},
			"node_name": schema.StringAttribute{
				MarkdownDescription: "The v3 node's name as the portal shows it, if you want it in the request.",
				Optional:            true,
			},
			"requested_by": schema.StringAttribute{
				MarkdownDescription: "Who files the request (the Technical Contact of the v3 node), for the signature.",
				Optional:            true,
			},
			"subject": schema.StringAttribute{MarkdownDescription: "Subject line of the support request.", Computed: true},
			"body":    schema.StringAttribute{MarkdownDescription: "Text of the support request, to paste at https://support.mendix.com.", Computed: true},
			"checklist": schema.ListAttribute{
				MarkdownDescription: "Settings to check by hand on v4 before offboarding: everything on the Environment Details page that no API copies.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *mendixOffboardingDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *mendixOffboardingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg mendixOffboardingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	src := cfg.SourceAppID.ValueString()
	var b strings.Builder
	fmt.Fprintf(&b, "Hello Mendix Support,\n\n")
	fmt.Fprintf(&b, "Our app has been migrated from Mendix Cloud v3 to Mendix Cloud v4 following \"Migrate to Mendix Cloud v4\" (\"Migrating the App Manually\"). ")
	fmt.Fprintf(&b, "Please offboard the v3 node, so that the app is detached from the node.\n\n")
	fmt.Fprintf(&b, "v3 node\n")
	line := func(label string, v types.String) {
		if s := v.ValueString(); s != "" {
			fmt.Fprintf(&b, "  %-13s%s\n", label+":", s)
		}
	}
	line("Node", cfg.NodeName)
	line("App ID", cfg.SourceAppID)
	line("App name", cfg.AppName)
	line("Project ID", cfg.ProjectID)
	fmt.Fprintf(&b, "  %-13s%s\n", "URL:", "https://"+strings.ToLower(src)+".mendixcloud.com")
	if !cfg.Environments.IsNull() && !cfg.Environments.IsUnknown() {
		for _, el := range cfg.Environments.Elements() {
			if s, ok := el.(types.String); ok {
				fmt.Fprintf(&b, "  %-13s%s\n", "Environment:", s.ValueString())
			}
		}
	}
	if t := cfg.TargetAppID.ValueString(); t != "" {
		fmt.Fprintf(&b, "\nThe app now runs on Mendix Cloud v4\n")
		fmt.Fprintf(&b, "  %-13s%s\n  %-13s%s\n", "App ID:", t, "URL:", "https://"+strings.ToLower(t)+".mendixcloud.com")
	}
	fmt.Fprintf(&b, "\nWe have downloaded the latest backup and deployment package of the v3 app. ")
	fmt.Fprintf(&b, "After the offboarding we will link the app to the v4 node (Environments → Select Node → Use this Node).\n")
	if by := cfg.RequestedBy.ValueString(); by != "" {
		fmt.Fprintf(&b, "\nKind regards,\n%s (Technical Contact)\n", by)
	}
	items := make([]attr.Value, 0, len(offboardingChecklist))
	for _, c := range offboardingChecklist {
		items = append(items, types.StringValue(c))
	}
	cfg.Subject = types.StringValue(fmt.Sprintf("Offboard the Mendix Cloud v3 node of app %s (migrated to Cloud v4)", src))
	cfg.Body = types.StringValue(b.String())
	cfg.Checklist = types.ListValueMust(types.StringType, items)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
