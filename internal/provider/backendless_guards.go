package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
)

// Plan-time guards of the Backendless runbook: inputs whose facts are readable at plan (the 3.x
// source, the target app, the archive's entries) are checked then, with a diagnostic that names
// the attribute and the fix, so a bad input never reaches a vendor call that changes anything.
// They run only when the resource is being created (a refresh of an existing one costs nothing
// more) and only for known values (never failing a plan on an unknown one). Every read here is
// DOCUMENTED or SDK, except the 3.x version probe of the migration archive outside
// documented_only (the INFERRED listing that mode uses anyway).

// backendlessAppNameValidator refuses app names Backendless would refuse or mangle. The reference
// notes give no rule (§Step 3: errors UNKNOWN); the app name becomes part of the archive names
// (`<App>_<version>_data_….zip`) and of console URLs, so this provider allows what is safe in a
// file name and a URL path segment everywhere: letters, digits, spaces and - _ . ( ).
type backendlessAppNameValidator struct{}

func (backendlessAppNameValidator) Description(context.Context) string {
	return "letters, digits, spaces and - _ . ( ) only"
}

func (v backendlessAppNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (backendlessAppNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_.()", r) || unicode.IsControl(r) {
			continue // control characters: appNameValidator's message
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Backendless app name",
			fmt.Sprintf("%s %q contains %q. A Backendless app name becomes part of file and URL names, so use letters, digits, spaces and - _ . ( ) only, for example %q.",
				req.Path, name, r, suggestAppName(name)))
		return
	}
}

// suggestAppName replaces what backendlessAppNameValidator refuses by "-".
func suggestAppName(name string) string {
	out := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_.()", r) {
			return r
		}
		return '-'
	}, name)
	if strings.Trim(out, "- ") == "" {
		return "crm-v5"
	}
	return strings.Trim(out, " ")
}

// known reports whether every value is known and not null.
func known(vs ...types.String) bool {
	for _, v := range vs {
		if v.IsNull() || v.IsUnknown() {
			return false
		}
	}
	return true
}

// planCheckTargetApp fails the plan when a known target app id is not in the account (the app
// list, read once per provider process, SDK).
func planCheckTargetApp(ctx context.Context, client *backendless.Client, attr path.Path, appID types.String, diags *diag.Diagnostics) {
	if !known(appID) {
		return
	}
	_, err := client.GetApp(ctx, appID.ValueString())
	switch {
	case backendless.IsNotFound(err):
		diags.AddAttributeError(attr, "No Backendless 5.0 app with this id",
			fmt.Sprintf("%s = %q: the account the provider logs in to has no app with this id. Use the id of the target app, usually appmigrate_backendless_app.<name>.id, "+
				"or check backendless.login (a different account sees different apps).", attr, appID.ValueString()))
	case err != nil:
		addError(diags, "Checking the Backendless app "+appID.ValueString(), err)
	}
}

// legacySourceAttrs names the three attributes that locate a 3.x source file.
type legacySourceAttrs struct {
	AppID, Version, Path path.Path
}

// legacySourceFileAttrs are the attributes that locate a 3.x source archive in the upload and the import.
var legacySourceFileAttrs = legacySourceAttrs{AppID: path.Root("source_app_id"), Version: path.Root("source_version"), Path: path.Root("source_path")}

// planCheckLegacySource fails the plan when a known 3.x source file cannot be read: the app id,
// key or version refused (code 2002), or the file missing (404 code 6007), through the DOCUMENTED
// download URL with `Range: bytes=0-0`. archive, when not nil, is the further check of the file
// as an archive (CheckLegacyArchive: the zip's central directory, read with Range GETs, refusing
// an archive that is not a zip or has entries escaping its folder; or its manifest).
func planCheckLegacySource(ctx context.Context, client *backendless.Client, attrs legacySourceAttrs, appID, version, p types.String,
	archive func(ctx context.Context, app, ver, file string) error, diags *diag.Diagnostics) {
	if !known(appID, version, p) || !client.HasLegacySecretKey(appID.ValueString()) {
		return
	}
	app, ver, file := appID.ValueString(), version.ValueString(), p.ValueString()
	reportLegacySource(attrs, app, ver, file, checkLegacySource(ctx, client, app, ver, file, archive), diags)
}

// applyCheckLegacySource runs planCheckLegacySource's checks at apply, before anything is sent:
// the plan could not run them when a value was unknown then (a path another resource creates in
// the same apply), and the file may have changed since. A failure that lasts only a while (5xx,
// connections) is ridden out like any read. It reports false, with the same diagnostic as at
// plan, when the source is refused.
func applyCheckLegacySource(ctx context.Context, client *backendless.Client, poll pollSettings, attrs legacySourceAttrs, appID, version, p types.String,
	archive func(ctx context.Context, app, ver, file string) error, diags *diag.Diagnostics) bool {
	app, ver, file := appID.ValueString(), version.ValueString(), p.ValueString()
	_, err := rideOut(ctx, poll, "checking the 3.x source "+file, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, checkLegacySource(ctx, client, app, ver, file, archive)
	})
	reportLegacySource(attrs, app, ver, file, err, diags)
	return err == nil
}

// checkLegacySource reads a 3.x source file's first byte and, with archive, checks it as an archive.
func checkLegacySource(ctx context.Context, client *backendless.Client, app, ver, file string, archive func(ctx context.Context, app, ver, file string) error) error {
	_, err := client.StatLegacyDownload(ctx, app, ver, file)
	if err == nil && archive != nil {
		err = archive(ctx, app, ver, file)
	}
	return err
}

// reportLegacySource turns checkLegacySource's error into the diagnostic on the attribute to fix.
func reportLegacySource(attrs legacySourceAttrs, app, ver, file string, err error, diags *diag.Diagnostics) {
	var broken *backendless.ArchiveError
	switch {
	case err == nil:
	case backendless.IsLegacyRefusal(err):
		diags.AddAttributeError(attrs.Version, "Backendless 3.x refused this application id and version",
			fmt.Sprintf("%s = %q, %s = %q: %v.\n\nCheck that the version exists and is enabled in the 3.x console, that the application id is right, "+
				"and that backendless.legacy_secret_keys holds the secret key of this application id (3.x console: Manage → App Settings).",
				attrs.AppID, app, attrs.Version, ver, err))
	case backendless.IsFileNotFound(err):
		diags.AddAttributeError(attrs.Path, "The 3.x source file does not exist",
			fmt.Sprintf("%s = %q is not in the File storage of 3.x app %s version %s (Backendless answers the same when %s = %q is not a version of the app). "+
				"Use the path and version the archive resource reports (appmigrate_backendless_migration_archive.<name>.data_archive_path or files_archive_path, and its version), "+
				"or create the migration archive again.", attrs.Path, file, app, ver, attrs.Version, ver))
	case errors.As(err, &broken):
		diags.AddAttributeError(attrs.Path, "The 3.x archive is refused before anything is sent",
			fmt.Sprintf("%s = %q: %v. Nothing was sent to the 5.0 app. Create the migration archive again in the 3.x console, or point %s at a sound archive.",
				attrs.Path, file, err, attrs.Path))
	default:
		addLegacyError(diags, attrs.AppID, "Checking the 3.x source "+file, err)
	}
}

// filesUploadIDValidator accepts what appmigrate_backendless_file_upload's id looks like:
// `<app_id>:<target_path>`.
type filesUploadIDValidator struct{}

func (filesUploadIDValidator) Description(context.Context) string {
	return "must be the id of an appmigrate_backendless_file_upload (<app_id>:<target_path>)"
}

func (v filesUploadIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (filesUploadIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id := req.ConfigValue.ValueString()
	app, p, ok := strings.Cut(id, ":")
	if !ok || app == "" || !strings.HasPrefix(p, "/") {
		resp.Diagnostics.AddAttributeError(req.Path, "Not the id of a files upload",
			fmt.Sprintf("%s = %q is not the id of an appmigrate_backendless_file_upload (<app_id>:<target_path>). The runbook uploads the files archive before importing the data: "+
				"set %s = appmigrate_backendless_file_upload.<name>.id, so the import runs only after the upload.", req.Path, id, req.Path))
	}
}

// planCheckUploadBeforeImport fails the plan when files_upload_id names an upload into another
// app than the import's target.
func planCheckUploadBeforeImport(uploadID, appID types.String, diags *diag.Diagnostics) {
	if !known(uploadID, appID) {
		return
	}
	app, _, ok := strings.Cut(uploadID.ValueString(), ":")
	if ok && app != appID.ValueString() {
		diags.AddAttributeError(path.Root("files_upload_id"), "The files upload is into another app",
			fmt.Sprintf("files_upload_id = %q names an upload into app %s, but this import goes into app_id = %q. The runbook uploads the files archive and imports the data "+
				"into the same new app: use the upload whose app_id is this import's app_id.", uploadID.ValueString(), app, appID.ValueString()))
	}
}
