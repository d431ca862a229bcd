package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// badInput is one bad input to a Backendless resource, data source or provider attribute, and
// the diagnostic it must meet at plan time. config is HCL after the provider block (or with its
// own provider block when provider is set); {NAME} placeholders are filled from the fixture.
type badInput struct {
	name     string // the subtest
	attr     string // resource.attribute as the guide lists it
	input    string // the input, abridged, as the guide lists it
	provider string // a provider block replacing the default one
	config   string
	want     []string // fragments of the message, in order
}

const (
	hclArchive = `
resource "appmigrate_backendless_migration_archive" "bad" {
  app_id  = "{CRM}"
  version = "v1"
%s
}
`
	hclUpload = `
resource "appmigrate_backendless_file_upload" "bad" {
  app_id         = "{APP}"
  source_app_id  = "{CRM}"
  source_version = "v1"
  source_path    = "{F1}"
%s
}
`
	hclImport = `
resource "appmigrate_backendless_data_import" "bad" {
  app_id          = "{APP}"
  source_app_id   = "{CRM}"
  source_version  = "v1"
  source_path     = "{D1}"
  files_upload_id = "{APP}:/crm_files.zip"
%s
}
`
	hclApp = `
resource "appmigrate_backendless_app" "bad" {
%s
}
`
)

// set replaces one attribute line of a block (or adds it when the block has no such line).
func set(block, attr, value string) string {
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == attr && f[1] == "=" {
			if value == "" {
				return strings.Join(append(lines[:i], lines[i+1:]...), "\n")
			}
			lines[i] = "  " + attr + " = " + value
			return strings.Join(lines, "\n")
		}
	}
	return strings.Replace(block, "%s", "  "+attr+" = "+value+"\n%s", 1)
}

func fill(block string) string { return strings.Replace(block, "%s", "", 1) }

// badInputs is the list the guide page "Bad inputs (Backendless)" shows.
func badInputs() []badInput {
	archive, upload, imp := hclArchive, hclUpload, hclImport
	appWith := func(n, extra string) string { return fmt.Sprintf(hclApp, fmt.Sprintf("  name = %q\n%s", n, extra)) }
	appNamed := func(n string) string { return appWith(n, "") }
	provider := func(attrs string) string {
		return `
provider "appmigrate" {
  retry_max_wait = "1s"
` + attrs + `
}
`
	}
	bl := func(extra string) string {
		return provider(`  backendless = {
    console_url = "{CONSOLE}"
    api_url     = "{API}"
    legacy_url  = "{LEGACY}"
    login       = "{LOGIN}"
    password    = "{PASSWORD}"
    legacy_secret_keys = { "{CRM}" = "{SECRET}" }
` + extra + `
  }`)
	}
	lookup := `
data "appmigrate_backendless_app" "any" {
  name = "x"
}
`
	return []badInput{
		// --- provider attributes used by the Backendless runbook ---
		{"ProviderConsoleURLNotAURL", "provider.backendless.console_url", `"not a url"`, strings.Replace(bl(""), `console_url = "{CONSOLE}"`, `console_url = "not a url"`, 1), lookup, []string{"Invalid base URL", "console_url"}},
		{"ProviderAPIURLFTP", "provider.backendless.api_url", `"ftp://api.example.com"`, strings.Replace(bl(""), `api_url     = "{API}"`, `api_url = "ftp://api.example.com"`, 1), lookup, []string{"Invalid base URL", "api_url"}},
		{"ProviderLegacyURLHTTPRemote", "provider.backendless.legacy_url", `"http://api.backendless.com"`, strings.Replace(bl(""), `legacy_url  = "{LEGACY}"`, `legacy_url = "http://api.backendless.com"`, 1), lookup, []string{"Invalid base URL", "legacy_url"}},
		{"ProviderLegacyKeyEmpty", "provider.backendless.legacy_secret_keys", `{ "<id>" = "" }`, strings.Replace(bl(""), `"{CRM}" = "{SECRET}"`, `"{CRM}" = ""`, 1), lookup, []string{"Invalid Backendless 3.x secret key", "legacy_secret_keys", "is empty"}},
		{"ProviderLegacyTypeEmpty", "provider.backendless.legacy_application_type", `""`, bl(`    legacy_application_type = ""`), lookup, []string{"legacy_application_type", "string length must be at least 1"}},
		{"ProviderNoCredentials", "provider.backendless.login/password", "none of login, password, auth_key", provider(`  backendless = {
    console_url = "{CONSOLE}"
  }`), lookup, []string{"Backendless is not configured", "login` and `password` (or `auth_key`)"}},
		{"ProviderMaxRetriesTooMany", "provider.max_retries", "21", provider(`  max_retries = 21`), lookup, []string{"max_retries", "must be between 0 and 20"}},
		{"ProviderPollIntervalTooShort", "provider.poll_interval", `"1ms"`, provider(`  poll_interval = "1ms"`), lookup, []string{"Duration too short", "poll_interval"}},
		{"ProviderPollMaxIntervalZero", "provider.poll_max_interval", `"0s"`, provider(`  poll_max_interval = "0s"`), lookup, []string{"Duration too short", "poll_max_interval"}},
		{"ProviderRetryMaxWaitNegative", "provider.retry_max_wait", `"-1h"`, strings.Replace(provider(`  retry_max_wait = "-1h"`), `  retry_max_wait = "1s"`+"\n", "", 1), lookup, []string{"Duration too short", "retry_max_wait"}},

		// --- appmigrate_backendless_app ---
		{"AppNameEmpty", "backendless_app.name", `""`, "", appNamed(""), []string{"Invalid app name", "is empty"}},
		{"AppNameLeadingSpace", "backendless_app.name", `" crm"`, "", appNamed(" crm"), []string{"Invalid app name", "starts or ends with a space"}},
		{"AppNameSlash", "backendless_app.name", `"crm/v5"`, "", appNamed("crm/v5"), []string{"Invalid Backendless app name", `contains '/'`}},
		{"AppNameStar", "backendless_app.name", `"crm*"`, "", appNamed("crm*"), []string{"Invalid Backendless app name", `contains '*'`}},
		{"AppNameQuestionMark", "backendless_app.name", `"crm?"`, "", appNamed("crm?"), []string{"Invalid Backendless app name", `contains '?'`}},
		{"AppNameAngleBrackets", "backendless_app.name", `"<crm>"`, "", appNamed("<crm>"), []string{"Invalid Backendless app name", `contains '<'`}},
		{"AppNamePipe", "backendless_app.name", `"crm|v5"`, "", appNamed("crm|v5"), []string{"Invalid Backendless app name", `contains '|'`}},
		{"AppNameBackslash", "backendless_app.name", `"crm\\v5"`, "", appNamed(`crm\v5`), []string{"Invalid Backendless app name", `contains '\\'`}},
		{"AppNameColon", "backendless_app.name", `"crm:v5"`, "", appNamed("crm:v5"), []string{"Invalid Backendless app name", `contains ':'`}},
		{"AppNameQuote", "backendless_app.name", `"crm\"v5"`, "", appNamed(`crm"v5`), []string{"Invalid Backendless app name", `contains '"'`}},
		{"AppNamePercent", "backendless_app.name", `"crm%v5"`, "", appNamed("crm%v5"), []string{"Invalid Backendless app name", `contains '%'`}},
		{"AppNameControl", "backendless_app.name", `"crm\u0007"`, "", fmt.Sprintf(hclApp, `  name = "crm\u0007"`), []string{"Invalid app name", "control character"}},
		{"AppNameTooLong", "backendless_app.name", "101 characters", "", appNamed(strings.Repeat("a", 101)), []string{"Invalid app name", "101 characters long"}},
		{"AppNameTaken", "backendless_app.name", "the name of an existing app", "", appNamed("taken-app"), []string{"Backendless app name already taken", "terraform import"}},
		{"AppZoneUnknown", "backendless_app.zone", `"ASIA"`, "", appWith("zone-app", `  zone = "ASIA"`), []string{"zone", "ASIA"}},
		{"AppTimeoutNegative", "backendless_app.timeouts.create", `"-1h"`, "", appWith("timeout-app", `  timeouts = { create = "-1h" }`), []string{"timeouts"}},

		// --- appmigrate_backendless_migration_archive ---
		{"ArchiveAppIDEmpty", "backendless_migration_archive.app_id", `""`, "", fill(set(archive, "app_id", `""`)), []string{"app_id"}},
		{"ArchiveAppIDWithoutKey", "backendless_migration_archive.app_id", "an id not in legacy_secret_keys", "", fill(set(archive, "app_id", `"00000000-0000-4000-8000-000000000999"`)), []string{"No Backendless 3.x secret key for this app", "legacy_secret_keys"}},
		{"ArchiveAppIDUnknownWithKey", "backendless_migration_archive.app_id", "a key for an app 3.x does not know", strings.Replace(bl(""), `"{CRM}" = "{SECRET}"`, `"{CRM}" = "{SECRET}", "00000000-0000-4000-8000-000000000998" = "NOPE"`, 1),
			fill(set(archive, "app_id", `"00000000-0000-4000-8000-000000000998"`)), []string{"Backendless 3.x refused this application id and version", "2002"}},
		{"ArchiveWrongSecretKey", "provider.backendless.legacy_secret_keys", "a wrong secret key", strings.Replace(bl(""), `"{CRM}" = "{SECRET}"`, `"{CRM}" = "WRONG-KEY"`, 1), fill(archive), []string{"Backendless 3.x refused this application id and version", "secret key"}},
		{"ArchiveLegacyURLNothingAnswers", "provider.backendless.legacy_url", "the console URL (a bare 404, no Backendless error)", strings.Replace(bl(""), `legacy_url  = "{LEGACY}"`, `legacy_url = "{CONSOLE}"`, 1),
			fill(archive), []string{"Nothing answers at backendless.legacy_url", "without a Backendless error", "check backendless.legacy_url"}},
		{"ArchiveVersionUnknown", "backendless_migration_archive.version", `"v9"`, "", fill(set(archive, "version", `"v9"`)), []string{"Backendless 3.x refused this application id and version", "v9"}},
		{"ArchiveVersionSpace", "backendless_migration_archive.version", `"v 1"`, "", fill(set(archive, "version", `"v 1"`)), []string{"version", "without slashes or spaces"}},
		{"ArchiveVersionSlash", "backendless_migration_archive.version", `"v1/x"`, "", fill(set(archive, "version", `"v1/x"`)), []string{"version", "without slashes or spaces"}},
		{"ArchiveModeUnknown", "backendless_migration_archive.mode", `"auto"`, "", fill(set(archive, "mode", `"auto"`)), []string{"mode", "auto"}},
		{"ArchiveDataPatternInvalid", "backendless_migration_archive.data_archive_pattern", `"(["`, "", fill(set(archive, "data_archive_pattern", `"(["`)), []string{"Invalid regular expression", "data_archive_pattern"}},
		{"ArchiveFilesPatternInvalid", "backendless_migration_archive.files_archive_pattern", `"*.zip"`, "", fill(set(archive, "files_archive_pattern", `"*.zip"`)), []string{"Invalid regular expression", "files_archive_pattern"}},
		{"ArchiveDocumentedOnlyAPIMode", "backendless_migration_archive.documented_only", "true with mode = api", "", fill(set(set(set(archive, "documented_only", "true"), "data_archive_name", `"d.zip"`), "files_archive_name", `"f.zip"`)), []string{`documented_only needs mode = "manual"`}},
		{"ArchiveDocumentedOnlyNoNames", "backendless_migration_archive.data_archive_name", "missing with documented_only", "", fill(set(set(archive, "documented_only", "true"), "mode", `"manual"`)), []string{"documented_only needs the archive names", "data_archive_name"}},
		{"ArchiveNameWithoutDocumentedOnly", "backendless_migration_archive.data_archive_name", "set without documented_only", "", fill(set(archive, "data_archive_name", `"d.zip"`)), []string{"Archive names are typed only with documented_only"}},
		{"ArchiveNameEscapes", "backendless_migration_archive.data_archive_name", `"../d.zip"`, "", fill(set(set(set(set(archive, "documented_only", "true"), "mode", `"manual"`), "data_archive_name", `"../d.zip"`), "files_archive_name", `"f.zip"`)), []string{"Invalid archive name", "directory separator"}},
		{"ArchiveNameWithDirectory", "backendless_migration_archive.files_archive_name", `"dir/f.zip"`, "", fill(set(set(set(set(archive, "documented_only", "true"), "mode", `"manual"`), "data_archive_name", `"d.zip"`), "files_archive_name", `"dir/f.zip"`)), []string{"Invalid archive name", "directory separator"}},
		{"ArchiveNameEmpty", "backendless_migration_archive.data_archive_name", `""`, "", fill(set(set(set(set(archive, "documented_only", "true"), "mode", `"manual"`), "data_archive_name", `""`), "files_archive_name", `"f.zip"`)), []string{"Invalid archive name", "is empty"}},
		{"ArchiveNameDotDot", "backendless_migration_archive.files_archive_name", `".."`, "", fill(set(set(set(set(archive, "documented_only", "true"), "mode", `"manual"`), "data_archive_name", `"d.zip"`), "files_archive_name", `".."`)), []string{"Invalid archive name", "directory reference"}},
		{"ArchiveTimeoutZero", "backendless_migration_archive.timeouts.create", `"0s"`, "", fill(set(archive, "timeouts", `{ create = "0s" }`)), []string{"timeouts"}},

		// --- appmigrate_backendless_file_upload ---
		{"UploadAppIDEmpty", "backendless_file_upload.app_id", `""`, "", fill(set(upload, "app_id", `""`)), []string{"app_id"}},
		{"UploadAppIDUnknown", "backendless_file_upload.app_id", "an id the account does not have", "", fill(set(upload, "app_id", `"NO-SUCH-APP"`)), []string{"No Backendless 5.0 app with this id", "app_id"}},
		{"UploadSourceAppWithoutKey", "backendless_file_upload.source_app_id", "an id not in legacy_secret_keys", "", fill(set(upload, "source_app_id", `"00000000-0000-4000-8000-000000000999"`)), []string{"No Backendless 3.x secret key for this app"}},
		{"UploadSourceVersionUnknown", "backendless_file_upload.source_version", `"v9"`, "", fill(set(upload, "source_version", `"v9"`)), []string{"The 3.x source file does not exist", "version v9", `source_version = "v9" is not a version`}},
		{"UploadSourcePathRelative", "backendless_file_upload.source_path", `"files.zip"`, "", fill(set(upload, "source_path", `"files.zip"`)), []string{"source_path", "must be an absolute path"}},
		{"UploadSourcePathDotDot", "backendless_file_upload.source_path", `"/.."`, "", fill(set(upload, "source_path", `"/.."`)), []string{"source_path"}},
		{"UploadSourceMissing", "backendless_file_upload.source_path", "a file that does not exist", "", fill(set(upload, "source_path", `"/migration-to-4/missing_files.zip"`)), []string{"The 3.x source file does not exist", "missing_files.zip"}},
		{"UploadArchiveEscapingEntry", "backendless_file_upload.source_path", `archive with entry "../x"`, "", fill(set(upload, "source_path", `"{FESCAPE}"`)), []string{"The 3.x archive is refused before anything is sent", `"../x"`, "Nothing was sent"}},
		{"UploadArchiveAbsoluteEntry", "backendless_file_upload.source_path", `archive with entry "/etc/x"`, "", fill(set(upload, "source_path", `"{FABS}"`)), []string{"The 3.x archive is refused before anything is sent", `"/etc/x" is an absolute path`}},
		{"UploadArchiveBackslashEntry", "backendless_file_upload.source_path", `archive with entry "..\x"`, "", fill(set(upload, "source_path", `"{FBACK}"`)), []string{"The 3.x archive is refused before anything is sent", "backslash"}},
		{"UploadArchiveNotZip", "backendless_file_upload.source_path", "a file that is not a zip", "", fill(set(upload, "source_path", `"{DNOTZIP}"`)), []string{"The 3.x archive is refused before anything is sent", "is not a zip archive"}},
		{"UploadTargetPathRelative", "backendless_file_upload.target_path", `"x.zip"`, "", fill(set(upload, "target_path", `"x.zip"`)), []string{"target_path", "must be an absolute path"}},
		{"UploadTargetPathTrailingSlash", "backendless_file_upload.target_path", `"/dir/"`, "", fill(set(upload, "target_path", `"/dir/"`)), []string{"target_path", "without a trailing slash"}},
		{"UploadTimeoutNegative", "backendless_file_upload.timeouts.create", `"-5m"`, "", fill(set(upload, "timeouts", `{ create = "-5m" }`)), []string{"timeouts"}},

		// --- appmigrate_backendless_data_import ---
		{"ImportNoFilesUpload", "backendless_data_import.files_upload_id", "missing", "", fill(set(imp, "files_upload_id", "")), []string{"files_upload_id", "required"}},
		{"ImportFilesUploadGarbage", "backendless_data_import.files_upload_id", `"upload-1"`, "", fill(set(imp, "files_upload_id", `"upload-1"`)), []string{"Not the id of a files upload", "appmigrate_backendless_file_upload.<name>.id"}},
		{"ImportFilesUploadOtherApp", "backendless_data_import.files_upload_id", "an upload into another app", "", fill(set(imp, "files_upload_id", `"{OTHERAPP}:/crm_files.zip"`)), []string{"The files upload is into another app"}},
		{"ImportAppIDUnknown", "backendless_data_import.app_id", "an id the account does not have", "", fill(set(set(imp, "app_id", `"NO-SUCH-APP"`), "files_upload_id", `"NO-SUCH-APP:/crm_files.zip"`)), []string{"No Backendless 5.0 app with this id"}},
		{"ImportAppIDEmpty", "backendless_data_import.app_id", `""`, "", fill(set(imp, "app_id", `""`)), []string{"app_id"}},
		{"ImportSourceAppEmpty", "backendless_data_import.source_app_id", `""`, "", fill(set(imp, "source_app_id", `""`)), []string{"source_app_id"}},
		{"ImportSourceAppWithoutKey", "backendless_data_import.source_app_id", "an id not in legacy_secret_keys", "", fill(set(imp, "source_app_id", `"00000000-0000-4000-8000-000000000999"`)), []string{"No Backendless 3.x secret key for this app"}},
		{"ImportSourceVersionEmpty", "backendless_data_import.source_version", `""`, "", fill(set(imp, "source_version", `""`)), []string{"source_version"}},
		{"ImportSourceVersionUnknown", "backendless_data_import.source_version", `"v9"`, "", fill(set(imp, "source_version", `"v9"`)), []string{"The 3.x source file does not exist", `source_version = "v9" is not a version`}},
		{"ImportSourcePathRelative", "backendless_data_import.source_path", `"data.zip"`, "", fill(set(imp, "source_path", `"data.zip"`)), []string{"source_path", "must be an absolute path"}},
		{"ImportSourceMissing", "backendless_data_import.source_path", "a file that does not exist", "", fill(set(imp, "source_path", `"/migration-to-4/missing_data.zip"`)), []string{"The 3.x source file does not exist"}},
		{"ImportSourceNotZip", "backendless_data_import.source_path", "a file that is not a zip", "", fill(set(imp, "source_path", `"{DNOTZIP}"`)), []string{"The 3.x archive is refused before anything is sent", "is not a zip archive"}},
		{"ImportSourceEscapingEntry", "backendless_data_import.source_path", `data archive with entry "../x"`, "", fill(set(imp, "source_path", `"{DESCAPE}"`)), []string{"The 3.x archive is refused before anything is sent", "escape the archive's folder"}},
		{"ImportTypeWithSlash", "backendless_data_import.import_type", `"a/b"`, "", fill(set(imp, "import_type", `"a/b"`)), []string{"import_type", "single path segment"}},
		{"ImportModeUnknown", "backendless_data_import.mode", `"later"`, "", fill(set(imp, "mode", `"later"`)), []string{"mode"}},
		{"ImportDocumentedOnlyAPIMode", "backendless_data_import.documented_only", "true with mode = api", "", fill(set(imp, "documented_only", "true")), []string{`documented_only needs mode = "manual"`}},
		{"ImportConfirmedWithoutDocumentedOnly", "backendless_data_import.import_confirmed", "true without documented_only", "", fill(set(imp, "import_confirmed", "true")), []string{"import_confirmed is used only with documented_only"}},
		{"ImportTimeoutZero", "backendless_data_import.timeouts.create", `"0s"`, "", fill(set(imp, "timeouts", `{ create = "0s" }`)), []string{"timeouts"}},

		// --- data sources ---
		{"AppDataSourceNeitherIDNorName", "data.backendless_app", "neither id nor name", "", `
data "appmigrate_backendless_app" "bad" {}
`, []string{"id", "name"}},
		{"AppDataSourceUnknownID", "data.backendless_app.id", "an id the account does not have", "", `
data "appmigrate_backendless_app" "bad" {
  id = "NO-SUCH-APP"
}
`, []string{"NO-SUCH-APP"}},
		{"LegacyAppDataSourceWithoutKey", "data.backendless_legacy_app.app_id", "an id not in legacy_secret_keys", "", `
data "appmigrate_backendless_legacy_app" "bad" {
  app_id = "00000000-0000-4000-8000-000000000999"
}
`, []string{"No Backendless 3.x secret key for this app"}},
		{"MigrationLogDataSourceRelativePath", "data.backendless_migration_log.path", `"import.log"`, "", `
data "appmigrate_backendless_migration_log" "bad" {
  app_id = "{APP}"
  path   = "import.log"
}
`, []string{"path", "must be an absolute path"}},
		{"MigrationLogDataSourceTailZero", "data.backendless_migration_log.tail_lines", "0", "", `
data "appmigrate_backendless_migration_log" "bad" {
  app_id     = "{APP}"
  tail_lines = 0
}
`, []string{"tail_lines"}},
	}
}

// badInputFixture is the sandbox state the bad inputs are planned against: a 3.x app with a good
// archive pair (v1) and corrupted archives (v1, written one second apart so their names differ),
// two 5.0 apps, one of them named "taken-app".
type badInputFixture struct {
	sb   *sandbox.Sandbox
	crm  legacyApp
	vars map[string]string
}

func newBadInputFixture(t *testing.T) *badInputFixture {
	t.Helper()
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	vars := map[string]string{"CRM": crm.id, "SECRET": crm.secret, "LOGIN": sandboxLogin, "PASSWORD": sandboxPassword}
	e := sb.Endpoints()
	vars["CONSOLE"], vars["API"], vars["LEGACY"] = e.BackendlessConsoleURL, e.BackendlessAPIURL, e.BackendlessLegacyURL
	vars["D1"], vars["F1"] = pressArchive(t, sb, crm)
	for i, c := range []struct{ data, files, dataKey, filesKey string }{
		{"not-zip", "escape-entry", "DNOTZIP", "FESCAPE"},
		{"escape-entry", "absolute-entry", "DESCAPE", "FABS"},
		{"", "backslash-entry", "", "FBACK"},
	} {
		time.Sleep(1100 * time.Millisecond) // archive names carry the second they were written
		d, f := pressArchive(t, sb, crm)
		if i == 0 && (d == vars["D1"] || f == vars["F1"]) {
			t.Fatal("two presses wrote the same archive names")
		}
		if c.data != "" {
			if err := sb.CorruptLegacyFile(crm.id, "v1", d, c.data); err != nil {
				t.Fatal(err)
			}
			vars[c.dataKey] = d
		}
		if err := sb.CorruptLegacyFile(crm.id, "v1", f, c.files); err != nil {
			t.Fatal(err)
		}
		vars[c.filesKey] = f
	}
	// "taken-app" is in the other zone, so it cannot be a blank leftover of an interrupted apply.
	for key, app := range map[string][2]string{"APP": {"bad-inputs-target", "US"}, "OTHERAPP": {"bad-inputs-other", "US"}, "TAKEN": {"taken-app", "EU"}} {
		a, err := sb.CreateBackendlessAppInZone(sandboxLogin, app[0], app[1])
		if err != nil {
			t.Fatal(err)
		}
		vars[key] = a.ID
	}
	return &badInputFixture{sb: sb, crm: crm, vars: vars}
}

func (f *badInputFixture) expand(s string) string {
	for k, v := range f.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// TestAccBackendlessBadInputs_RejectedAtPlan plans every bad input of badInputs against the
// sandbox and expects its diagnostic at plan time; afterwards the sandbox has seen no call that
// creates, uploads, imports or deletes anything.
func TestAccBackendlessBadInputs_RejectedAtPlan(t *testing.T) {
	f := newBadInputFixture(t)
	before := creates(f.sb)
	t.Run("cases", func(t *testing.T) {
		for _, c := range badInputs() {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				prov := legacyProviderBlock(f.sb, f.crm)
				if c.provider != "" {
					prov = c.provider
				}
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: protoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      f.expand(prov + c.config),
						PlanOnly:    true,
						ExpectError: expectText(c.want...),
					}},
				})
			})
		}
	})
	if after := creates(f.sb); after != before {
		t.Fatalf("planning bad inputs changed something: %d creating or deleting calls before, %d after", before, after)
	}
	if n := len(badInputs()); n < 55 {
		t.Fatalf("%d bad inputs listed, want at least 55", n)
	}
}

// creates counts the calls that create, upload, import, rename or delete anything at Backendless.
func creates(sb *sandbox.Sandbox) int {
	return sb.Requests("POST", "/backendless/console/console/applications") + sb.Requests("PUT", "/backendless/console/") +
		sb.Requests("DELETE", "/backendless/") + sb.Requests("POST", "/backendless/api/") + importPOSTs(sb) +
		sb.Requests("POST", "/backendless3/api/") + sb.Requests("DELETE", "/backendless3/api/")
}

// TestBackendlessBadInputs_GuideListsEveryCase keeps the guide page's table and badInputs equal.
func TestBackendlessBadInputs_GuideListsEveryCase(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", "bad-inputs-backendless.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, c := range badInputs() {
		if !strings.Contains(page, "TestAccBackendlessBadInputs_RejectedAtPlan/cases/"+c.name+"`") {
			t.Errorf("the guide has no row for %s", c.name)
		}
	}
}

// TestBackendlessBadInputs_WriteGuide rewrites the guide page from badInputs when
// APPMIGRATE_WRITE_GUIDE=1 (go test ./internal/provider -run WriteGuide); otherwise it does nothing.
func TestBackendlessBadInputs_WriteGuide(t *testing.T) {
	if os.Getenv("WRITE_BAD_INPUTS_GUIDE") != "1" {
		t.Skip("set WRITE_BAD_INPUTS_GUIDE=1 to rewrite templates/guides/bad-inputs-backendless.md.tmpl")
	}
	var b strings.Builder
	b.WriteString(badInputsGuideHead)
	fmt.Fprintf(&b, "%d bad inputs, all rejected at plan time with the attribute named; the sandbox saw no call that creates, uploads, imports or deletes anything.\n\n", len(badInputs()))
	b.WriteString("| resource.attribute | input | rejected at | message (abridged) | test name |\n|---|---|---|---|---|\n")
	for _, c := range badInputs() {
		msg := strings.Join(c.want, " … ")
		fmt.Fprintf(&b, "| `%s` | %s | plan | %s | `TestAccBackendlessBadInputs_RejectedAtPlan/cases/%s` |\n",
			c.attr, strings.ReplaceAll(c.input, "|", `\|`), strings.ReplaceAll(msg, "|", `\|`), c.name)
	}
	b.WriteString(badInputsGuideTail)
	if err := os.WriteFile(filepath.Join("..", "..", "templates", "guides", "bad-inputs-backendless.md.tmpl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

const badInputsGuideHead = `---
page_title: "Bad inputs (Backendless)"
subcategory: ""
description: |-
  Every bad input to the Backendless resources, data sources and provider settings that the test suite tries, when it is rejected and with which message.
---

# Bad inputs (Backendless)

A bad input is refused before anything reaches a vendor call that changes something: at plan time,
with a diagnostic on the attribute and the fix. What can only be known from the vendor is read at
plan when the value is known then (never failing a plan on an unknown value, and only for a
resource being created, so a refresh costs nothing more):

* the target app id (the account's app list, SDK);
* the 3.x source file (a ` + "`Range: bytes=0-0`" + ` GET on the documented download URL: a refused
  application id, secret key or version, code 2002, and a missing file are told apart);
* the archive itself (` + "`Range`" + ` GETs of the zip's central directory, not its content): a file that is not
  a zip, and entries that escape the archive's folder (` + "`../`" + `, absolute names, backslashes, drive
  letters), are refused before the upload or the import starts;
* the 3.x version of a new migration archive (outside ` + "`documented_only`" + `: the version's listing).

Where the facts are not known at plan (an archive path that another resource creates in the same
apply), the same checks run at apply before anything is sent, with the same message: in the plan
Terraform makes of the resource once the path is known, and again in the upload's and the import's
create, before the upload or the import call (tests
` + "`TestAccBackendlessFileUpload_EscapingEntryUnknownAtPlanRefusedAtApplyNothingUploaded`" + `,
` + "`TestAccBackendlessDataImport_EscapingEntryUnknownAtPlanRefusedAtApplyNoImport`" + `,
` + "`TestBackendlessFileUpload_CreateRefusesEscapingArchiveBeforeUploading`" + `,
` + "`TestBackendlessDataImport_CreateRefusesEscapingArchiveBeforeImporting`" + `).

**App names.** The reference notes give no rule for Backendless app names. Because a name becomes
part of the archive names and of console URLs, this provider allows letters, digits, spaces and
` + "`- _ . ( )`" + ` only, 1 to 100 characters, without surrounding spaces; anything else (` + "`/ * ? < > | \\ : \" %`" + ` …) is refused
at plan with a suggested name.

**Order.** ` + "`appmigrate_backendless_data_import`" + ` requires ` + "`files_upload_id`" + `, the id of the
` + "`appmigrate_backendless_file_upload`" + ` into the same app: the import cannot be planned before the upload,
and an upload into another app is refused.

The list below is the test suite's own (` + "`internal/provider/backendless_bad_inputs_test.go`" + `): each row is
one subtest that plans the input against the sandbox and expects the message.

`

const badInputsGuideTail = `
Messages clearer than before: a 3.x refusal (code 2002) now says what 2002 means and which of
` + "`app_id`" + ` / ` + "`version`" + ` / ` + "`legacy_secret_keys`" + ` to check; a bare 404 with no Backendless error says the base URL is
likely wrong; a console login answered with something that is not a Backendless error (an HTML page, a
proxy's answer, a huge body) is no longer reported as a refused password.
`
