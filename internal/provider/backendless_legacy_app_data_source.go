package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// The 3.x client REST API identifies an app by the application-id header and a version by the
// first path segment; it has no call that lists apps or versions (backendless-console-api.md §3.3,
// §2: "3.x Console API host/routes — UNKNOWN"). So this data source takes the application id,
// probes the version names it is given (3.x names an app's first version "v1"), and reports what
// each version has in /migration-to-4: everything a configuration needs to point the migration
// resources at a 3.x app, using only the calls the migration itself uses.

var (
	_ datasource.DataSource              = &legacyAppDataSource{}
	_ datasource.DataSourceWithConfigure = &legacyAppDataSource{}
)

// NewBackendlessLegacyAppDataSource returns the appmigrate_backendless_legacy_app data source.
func NewBackendlessLegacyAppDataSource() datasource.DataSource { return &legacyAppDataSource{} }

type legacyAppDataSource struct{ configured }

type legacyAppDataModel struct {
	AppID             types.String `tfsdk:"app_id"`
	CandidateVersions types.List   `tfsdk:"candidate_versions"`
	Versions          types.List   `tfsdk:"versions"`
	Archives          types.List   `tfsdk:"archives"`
}

var legacyArchiveAttrTypes = map[string]attr.Type{
	"version":    types.StringType,
	"kind":       types.StringType,
	"name":       types.StringType,
	"path":       types.StringType,
	"size":       types.Int64Type,
	"created_at": types.StringType,
}

// defaultLegacyVersion is the version 3.x creates with every app.
const defaultLegacyVersion = "v1"

func (d *legacyAppDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_backendless_legacy_app"
}

func (d *legacyAppDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Checks a Backendless 3.x app before migrating it: which of the given version names exist, and which migration archives each has in `/migration-to-4`. " +
			"The 3.x REST API cannot list apps or versions, so the app is given by its application id (the key of `backendless.legacy_secret_keys`) and versions are probed by name.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Application id of the 3.x app (3.x console: Manage → App Settings). Its secret key must be in the provider's `backendless.legacy_secret_keys`.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"candidate_versions": schema.ListAttribute{
				MarkdownDescription: fmt.Sprintf("Version names to look for, as shown in the 3.x console's version selector. Default `[%q]`, the version 3.x creates with every app.", defaultLegacyVersion),
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.List{
					listvalidator.SizeAtLeast(1),
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.RegexMatches(regexp.MustCompile(`^[^/\s]+$`), "must be a version name such as v1")),
				},
			},
			"versions": schema.ListAttribute{
				MarkdownDescription: "The candidate versions that exist (answer with the configured secret key), in the order given.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"archives": schema.ListNestedAttribute{
				MarkdownDescription: "Files in `/migration-to-4` of every existing version, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"version":    schema.StringAttribute{MarkdownDescription: "Version the archive belongs to.", Computed: true},
					"kind":       schema.StringAttribute{MarkdownDescription: "`data` or `files` (by the default name patterns of `appmigrate_backendless_migration_archive`), else `other`.", Computed: true},
					"name":       schema.StringAttribute{MarkdownDescription: "File name.", Computed: true},
					"path":       schema.StringAttribute{MarkdownDescription: "Path in the 3.x File storage, usable as `source_path`.", Computed: true},
					"size":       schema.Int64Attribute{MarkdownDescription: "Size in bytes.", Computed: true},
					"created_at": schema.StringAttribute{MarkdownDescription: "When it was written (RFC 3339).", Computed: true},
				}},
			},
		},
	}
}

func (d *legacyAppDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *legacyAppDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg legacyAppDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	client := d.backendlessClient("data.appmigrate_backendless_legacy_app", &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	appID := cfg.AppID.ValueString()
	if !client.HasLegacySecretKey(appID) {
		resp.Diagnostics.Append(legacyKeyDiag(path.Root("app_id"), appID))
		return
	}
	candidates := []string{defaultLegacyVersion}
	if !cfg.CandidateVersions.IsNull() {
		candidates = nil
		resp.Diagnostics.Append(cfg.CandidateVersions.ElementsAs(ctx, &candidates, false)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	dataRe, filesRe := regexp.MustCompile(defaultDataArchivePattern), regexp.MustCompile(defaultFilesArchivePattern)
	versions := []string{}
	archives := []attr.Value{}
	var refusals []string
	for _, v := range candidates {
		ok, refusal := client.LegacyVersionExists(ctx, appID, v)
		if refusal != nil && !backendless.IsLegacyRefusal(refusal) && !backendless.IsNotFound(refusal) {
			addLegacyError(&resp.Diagnostics, path.Root("app_id"), fmt.Sprintf("Probing version %s of Backendless 3.x app %s", v, appID), refusal)
			return
		}
		if !ok {
			refusals = append(refusals, fmt.Sprintf("%s: %v", v, refusal))
			continue
		}
		versions = append(versions, v)
		listing, err := client.ListMigrationArchives(ctx, appID, v)
		if err != nil {
			addLegacyError(&resp.Diagnostics, path.Root("app_id"), fmt.Sprintf("Listing %s of Backendless 3.x app %s version %s", backendless.MigrationDir, appID, v), err)
			return
		}
		for _, f := range listing {
			kind := "other"
			switch {
			case dataRe.MatchString(f.Name):
				kind = "data"
			case filesRe.MatchString(f.Name):
				kind = "files"
			}
			created := types.StringNull()
			if !f.Created.IsZero() {
				created = types.StringValue(f.Created.Format(time.RFC3339))
			}
			obj, diags := types.ObjectValue(legacyArchiveAttrTypes, map[string]attr.Value{
				"version": types.StringValue(v), "kind": types.StringValue(kind), "name": types.StringValue(f.Name),
				"path": types.StringValue(backendless.CleanPath(backendless.MigrationDir + "/" + f.Name)), "size": types.Int64Value(f.Size), "created_at": created,
			})
			resp.Diagnostics.Append(diags...)
			archives = append(archives, obj)
		}
	}
	if len(versions) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("candidate_versions"), "No version of the Backendless 3.x app answered",
			fmt.Sprintf("Backendless 3.x refused every version tried for app %s:\n\n  %s\n\nCode 2002 means the version does not exist or is disabled, or the application id or secret key is wrong. "+
				"Check the version names in the 3.x console's version selector and the secret key in backendless.legacy_secret_keys (%s).",
				appID, strings.Join(refusals, "\n  "), envBackendlessLegacyKeys))
		return
	}
	out := cfg
	versionList, diags := types.ListValueFrom(ctx, types.StringType, versions)
	resp.Diagnostics.Append(diags...)
	archiveList, diags := types.ListValue(types.ObjectType{AttrTypes: legacyArchiveAttrTypes}, archives)
	resp.Diagnostics.Append(diags...)
	out.Versions, out.Archives = versionList, archiveList
	resp.Diagnostics.Append(resp.State.Set(ctx, out)...)
}
