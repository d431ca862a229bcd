package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// Runbook step 8: "You can see the migration progress or its status after it is complete in
// the migration log available in the Files section of your app". This data source reads that
// log through the console's Files routes, for outputs and for checks after a manual import.

var (
	_ datasource.DataSource              = &migrationLogDataSource{}
	_ datasource.DataSourceWithConfigure = &migrationLogDataSource{}
)

// NewBackendlessMigrationLogDataSource returns the appmigrate_backendless_migration_log data source.
func NewBackendlessMigrationLogDataSource() datasource.DataSource { return &migrationLogDataSource{} }

type migrationLogDataSource struct{ configured }

type migrationLogDataModel struct {
	AppID         types.String `tfsdk:"app_id"`
	Path          types.String `tfsdk:"path"`
	TailLines     types.Int64  `tfsdk:"tail_lines"`
	ImportID      types.String `tfsdk:"import_id"`
	Status        types.String `tfsdk:"status"`
	ArchiveName   types.String `tfsdk:"archive_name"`
	ArchiveBytes  types.Int64  `tfsdk:"archive_bytes"`
	ArchiveSHA256 types.String `tfsdk:"archive_sha256"`
	Tables        types.Map    `tfsdk:"tables"`
	Errors        types.List   `tfsdk:"errors"`
	Lines         types.List   `tfsdk:"lines"`
	Tail          types.String `tfsdk:"tail"`
}

func (d *migrationLogDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_migration_log"
}

func (d *migrationLogDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a migration log of a Backendless 5.0 app (runbook step 8: \"the migration log available in the Files section of your app\"): " +
			"by default the newest import log in `/migration`. The log's location and format are modeled; the vendor does not document them.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Id of the 5.0 app the data was imported into.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"path": schema.StringAttribute{
				MarkdownDescription: "Path of the log in the app's Files, such as `appmigrate_backendless_data_import.<name>.log_path`. Default: the newest `*.log` in `/migration`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.RegexMatches(storagePathRe, "must be an absolute path such as /migration/import-<id>.log")},
			},
			"tail_lines": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many lines `tail` holds. Default `%d`.", logTailLines),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 10000)},
			},
			"import_id":      schema.StringAttribute{MarkdownDescription: "Import id named in the log's first line.", Computed: true},
			"status":         schema.StringAttribute{MarkdownDescription: "`COMPLETED`, `FAILED` or, without a final line yet, `IN_PROGRESS`.", Computed: true},
			"archive_name":   schema.StringAttribute{MarkdownDescription: "File name of the imported archive, from the log's first line.", Computed: true},
			"archive_bytes":  schema.Int64Attribute{MarkdownDescription: "Size of the imported archive, from the log's first line.", Computed: true},
			"archive_sha256": schema.StringAttribute{MarkdownDescription: "SHA-256 of the imported archive, from the log's first line.", Computed: true},
			"tables":         schema.MapAttribute{MarkdownDescription: "Rows imported per table, as the log reports them.", ElementType: types.Int64Type, Computed: true},
			"errors":         schema.ListAttribute{MarkdownDescription: "Messages of the log's ERROR lines.", ElementType: types.StringType, Computed: true},
			"lines":          schema.ListAttribute{MarkdownDescription: "Every line of the log.", ElementType: types.StringType, Computed: true},
			"tail":           schema.StringAttribute{MarkdownDescription: "The last `tail_lines` lines, joined by newlines.", Computed: true},
		},
	}
}

func (d *migrationLogDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *migrationLogDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg migrationLogDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.backendlessClient("data.appmigrate_backendless_migration_log", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	appID := cfg.AppID.ValueString()
	logPath := cfg.Path.ValueString()
	if cfg.Path.IsNull() {
		logs, err := client.ImportLogs(ctx, appID)
		if err != nil {
			addError(&resp.Diagnostics, "Listing the migration logs of Backendless app "+appID, err)
			return
		}
		if len(logs) == 0 {
			resp.Diagnostics.AddAttributeError(path.Root("app_id"), "No migration log",
				fmt.Sprintf("Backendless app %s has no migration log in %s: no import has been started in it.", appID, backendless.ImportLogDir))
			return
		}
		logPath = backendless.CleanPath(backendless.ImportLogDir + "/" + logs[0].Name)
	}
	l, err := client.ReadMigrationLog(ctx, appID, logPath)
	if backendless.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("path"), "Migration log not found",
			fmt.Sprintf("%s does not exist in the Files of Backendless app %s.", logPath, appID))
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, "Reading the migration log "+logPath+" of Backendless app "+appID, err)
		return
	}
	tail := int64(logTailLines)
	if !cfg.TailLines.IsNull() {
		tail = cfg.TailLines.ValueInt64()
	}
	out := cfg
	out.Path = types.StringValue(l.Path)
	out.ImportID, out.Status = stringOrNull(l.ImportID), types.StringValue(l.Status)
	out.ArchiveName, out.ArchiveSHA256 = stringOrNull(l.Archive), stringOrNull(l.ArchiveSHA256)
	out.ArchiveBytes = types.Int64Null()
	if l.Archive != "" {
		out.ArchiveBytes = types.Int64Value(l.ArchiveBytes)
	}
	out.Tail = types.StringValue(strings.Join(l.Tail(int(tail)), "\n"))
	tables, dg := types.MapValueFrom(ctx, types.Int64Type, l.Tables)
	resp.Diagnostics.Append(dg...)
	errs, dg := types.ListValueFrom(ctx, types.StringType, nonNil(l.Errors))
	resp.Diagnostics.Append(dg...)
	lines, dg := types.ListValueFrom(ctx, types.StringType, nonNil(l.Lines))
	resp.Diagnostics.Append(dg...)
	out.Tables, out.Errors, out.Lines = tables, errs, lines
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
