package provider

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/backendless"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const archiveAddr = "appmigrate_backendless_migration_archive.source"

// legacyApp is a 3.x app of the sandbox's default fixture.
type legacyApp struct {
	id, secret string
}

// fixtureCRM finds the default fixture's 3.x app "crm", the one the example migrates.
func fixtureCRM(t *testing.T, sb *sandbox.Sandbox) legacyApp {
	t.Helper()
	for _, a := range sb.LegacyApps() {
		if a.Name == "crm" {
			return legacyApp{id: a.ID, secret: a.SecretKey}
		}
	}
	t.Fatal("the sandbox fixture has no legacy app \"crm\"")
	return legacyApp{}
}

// legacyProviderBlock is providerBlock with the 3.x secret keys of apps.
func legacyProviderBlock(sb *sandbox.Sandbox, apps ...legacyApp) string {
	var keys strings.Builder
	keys.WriteString("backendless = {\n    legacy_secret_keys = {\n")
	for _, a := range apps {
		fmt.Fprintf(&keys, "      %q = %q\n", a.id, a.secret)
	}
	keys.WriteString("    }\n")
	return strings.Replace(providerBlock(sb, sandboxPassword), "backendless = {\n", keys.String(), 1)
}

func archiveConfig(sb *sandbox.Sandbox, app legacyApp, extra string) string {
	return legacyProviderBlock(sb, app) + fmt.Sprintf(`
resource "appmigrate_backendless_migration_archive" "source" {
  app_id  = %q
  version = "v1"
%s
}
`, app.id, extra)
}

// legacyListingPath is the sandbox path of the 3.x listing of /migration-to-4.
const legacyListingPath = "/backendless3/api/v1/files/migration-to-4"

// legacyFileExists asks the sandbox whether a 3.x file of version v1 exists.
func legacyFileExists(sb *sandbox.Sandbox, app legacyApp, path string) bool {
	_, _, ok := sb.LegacyFileDigest(app.id, "v1", path)
	return ok
}

// words matches the literal text s however the diagnostic output wrapped its lines.
func words(s string) string {
	return strings.Join(strings.Fields(regexp.QuoteMeta(s)), `\s+`)
}

// expectText matches the literal parts in order, anywhere in the (wrapped) output.
func expectText(parts ...string) *regexp.Regexp {
	w := make([]string, len(parts))
	for i, p := range parts {
		w[i] = words(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(w, `.*`))
}

// whenPolled acts as the person at a console: once the provider has polled method+prefix at
// least twice more (so it is waiting), act runs. It is a condition, not a timer: the loop only
// guards against a provider that never polls, which fails the test.
func whenPolled(t *testing.T, sb *sandbox.Sandbox, method, prefix string, act func() error) {
	t.Helper()
	base := sb.Requests(method, prefix)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; sb.Requests(method, prefix) < base+2; i++ {
			if i > 120_000 {
				t.Errorf("the provider never polled %s %s; the simulated person gave up", method, prefix)
				return
			}
			time.Sleep(time.Millisecond)
		}
		if err := act(); err != nil {
			t.Errorf("the simulated person failed: %v", err)
		}
	}()
	t.Cleanup(func() { <-done })
}

// stateAttr reads one attribute of a resource from state.
func stateAttr(s *terraform.State, addr, attr string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok {
		return "", fmt.Errorf("%s has no attribute %s", addr, attr)
	}
	return v, nil
}

func TestAccBackendlessMigrationArchive_APICreateImportEmptyPlan(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var dataPath, filesPath string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if legacyFileExists(sb, crm, dataPath) || legacyFileExists(sb, crm, filesPath) {
				return fmt.Errorf("destroy left %s or %s behind", dataPath, filesPath)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(archiveAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("id"), knownvalue.StringExact(crm.id+"/v1")),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("mode"), knownvalue.StringExact("api")),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("job_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("data_archive_path"), knownvalue.StringRegexp(regexp.MustCompile(`^/migration-to-4/crm_v1_data_\d{14}\.zip$`))),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("files_archive_path"), knownvalue.StringRegexp(regexp.MustCompile(`^/migration-to-4/crm_v1_files_\d{14}\.zip$`))),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("tables").AtMapKey("Person"), knownvalue.Int64Exact(250)),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("tables").AtMapKey("Order"), knownvalue.Int64Exact(1200)),
				},
				Check: func(s *terraform.State) error {
					var err error
					if dataPath, err = stateAttr(s, archiveAddr, "data_archive_path"); err != nil {
						return err
					}
					if filesPath, err = stateAttr(s, archiveAddr, "files_archive_path"); err != nil {
						return err
					}
					for _, p := range []string{dataPath, filesPath} {
						size, _, ok := sb.LegacyFileDigest(crm.id, "v1", p)
						if !ok {
							return fmt.Errorf("%s is not in the sandbox", p)
						}
						attr := "data_archive_size"
						if p == filesPath {
							attr = "files_archive_size"
						}
						if got, _ := stateAttr(s, archiveAddr, attr); got != fmt.Sprint(size) {
							return fmt.Errorf("%s = %s, sandbox has %d bytes", attr, got, size)
						}
					}
					if n := sb.Requests("POST", "/backendless3/api/v1/migration-to-4/archive"); n != 1 {
						return fmt.Errorf("want exactly 1 archive request, sandbox saw %d", n)
					}
					return nil
				},
			},
			{
				ResourceName:            archiveAddr,
				ImportState:             true,
				ImportStateId:           crm.id + "/v1",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "job_id"},
			},
			{
				Config: archiveConfig(sb, crm, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessMigrationArchive_RecreatedAfterOutOfBandDelete(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var firstData string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, ""),
				Check: func(s *terraform.State) (err error) {
					firstData, err = stateAttr(s, archiveAddr, "data_archive_path")
					return err
				},
			},
			{
				// Someone deletes the data archive in the 3.x console; the plan creates the pair again.
				PreConfig: func() {
					if err := sb.DeleteLegacyFile(crm.id, "v1", firstData); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: archiveConfig(sb, crm, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(archiveAddr, plancheck.ResourceActionCreate)},
				},
				Check: func(s *terraform.State) error {
					p, err := stateAttr(s, archiveAddr, "data_archive_path")
					if err != nil {
						return err
					}
					if !legacyFileExists(sb, crm, p) {
						return fmt.Errorf("the re-created data archive %s is not in the sandbox", p)
					}
					return nil
				},
			},
		},
	})
}

func TestAccBackendlessMigrationArchive_RetainOnDestroyKeepsTheFiles(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var dataPath string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if !legacyFileExists(sb, crm, dataPath) {
				return fmt.Errorf("retain_on_destroy = true, but destroy deleted %s", dataPath)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, "  retain_on_destroy = true"),
				Check: func(s *terraform.State) (err error) {
					dataPath, err = stateAttr(s, archiveAddr, "data_archive_path")
					return err
				},
			},
		},
	})
}

func TestAccBackendlessMigrationArchive_ManualCompletesWhenClickedByHand(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// The person clicks "Create migration archive for 4.0" while apply waits.
					whenPolled(t, sb, "GET", legacyListingPath, func() error {
						_, err := sb.PressCreateMigrationArchive(crm.id, "v1")
						return err
					})
				},
				Config: archiveConfig(sb, crm, `  mode = "manual"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("job_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("data_archive_name"), knownvalue.StringRegexp(regexp.MustCompile(`^crm_v1_data_`))),
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("files_archive_name"), knownvalue.StringRegexp(regexp.MustCompile(`^crm_v1_files_`))),
				},
				Check: func(*terraform.State) error {
					if n := sb.Requests("POST", "/backendless3/api"); n != 0 {
						return fmt.Errorf("manual mode must not call anything that mutates; the sandbox saw %d POSTs on the 3.x API", n)
					}
					return nil
				},
			},
			{
				Config: archiveConfig(sb, crm, `  mode = "manual"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessMigrationArchive_ManualTimesOutWithClicks(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, `  mode = "manual"
  timeouts = {
    create = "1s"
  }`),
				ExpectError: expectText("manual step not done", "waiting for someone to create the migration archive of app "+crm.id+" version v1.",
					"Still missing: a data archive", "and a files archive", "in /migration-to-4 of version v1.",
					"2. Click the Migrate to Backendless 4.0 button.", `3. Select the version "v1" and click "Create migration archive for 4.0".`),
			},
		},
	})
	if n := sb.Requests("POST", "/backendless3/api"); n != 0 {
		t.Fatalf("manual mode must not mutate; the sandbox saw %d POSTs", n)
	}
}

func TestAccBackendlessMigrationArchive_MissingSecretKeyFailsAtPlan(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: legacyProviderBlock(sb) + fmt.Sprintf(`
resource "appmigrate_backendless_migration_archive" "source" {
  app_id  = %q
  version = "v1"
}
`, crm.id),
				PlanOnly:    true,
				ExpectError: expectText("No Backendless 3.x secret key for this app", "backendless.legacy_secret_keys", "APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS="+crm.id+"=<secret key>"),
			},
		},
	})
}

func TestAccBackendlessMigrationArchive_WrongSecretKeyNamesTheSetting(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	crm.secret = "not-the-secret"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(sb, crm, ""),
				// Refused at plan: the version probe meets code 2002.
				PlanOnly:    true,
				ExpectError: expectText("Backendless 3.x refused this application id and version", "code 2002", "backendless.legacy_secret_keys"),
			},
		},
	})
}

func TestAccBackendlessMigrationArchive_TimeoutAfterJobStartTaintsAndReplacementAdoptsTheJob(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	// The job starts; then every status read fails (500, which a wait rides out as transient),
	// until the step's own timeout ends it: the job id is in state, tainted, with a resume point.
	sb.ScriptFault("GET", "/backendless3/api/v1/migration-to-4/archive/", sandbox.Fault500, 1_000_000)
	short := "  timeouts = { create = \"3s\" }"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      archiveConfig(sb, crm, short),
				ExpectError: expectText("Creating the migration archive of Backendless 3.x app "+crm.id+" version v1 (job", "timed out"),
			},
			{
				// The next apply replaces the tainted archive. Delete leaves the job alone, and the
				// new create adopts it (finished, archives present) instead of requesting another.
				PreConfig: sb.ClearFaults,
				Config:    archiveConfig(sb, crm, short),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(archiveAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(archiveAddr, tfjsonpath.New("data_archive_path"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					if jobs := sb.MigrationArchiveJobs(crm.id, "v1"); len(jobs) != 1 {
						return fmt.Errorf("want the one archive job adopted, the sandbox has %d: %+v", len(jobs), jobs)
					}
					if n := sb.Requests("POST", "/backendless3/api/v1/migration-to-4/archive"); n != 1 {
						return fmt.Errorf("the archive was requested %d times", n)
					}
					return nil
				},
			},
		},
	})
}

func TestConfigureBackendless_LegacySecretKeysFromEnvironment(t *testing.T) {
	t.Setenv(envBackendlessLegacyKeys, " APP-1=key-one , APP-2=key=two,")
	var d diag.Diagnostics
	keys, ok := legacySecretKeys(types.MapNull(types.StringType), path.Root("backendless").AtName("legacy_secret_keys"), &d)
	if !ok || d.HasError() {
		t.Fatalf("unexpected error: %s", diagText(d))
	}
	if len(keys) != 2 || keys["APP-1"] != "key-one" || keys["APP-2"] != "key=two" {
		t.Fatalf("parsed %v", keys)
	}
}

func TestConfigureBackendless_LegacySecretKeysMalformedEnvironmentNamesTheVariableNotTheValue(t *testing.T) {
	t.Setenv(envBackendlessLegacyKeys, "APP-1=key-one,just-a-secret-value")
	var d diag.Diagnostics
	_, ok := legacySecretKeys(types.MapNull(types.StringType), path.Root("backendless").AtName("legacy_secret_keys"), &d)
	got := diagText(d)
	if ok || !strings.Contains(got, envBackendlessLegacyKeys) || !strings.Contains(got, "Entry 2") || strings.Contains(got, "just-a-secret-value") {
		t.Fatalf("want an error naming the variable and the entry, without its value; got %s", got)
	}
}

func TestConfigureBackendless_LegacySecretKeysConfigurationWinsOverEnvironment(t *testing.T) {
	t.Setenv(envBackendlessLegacyKeys, "APP-1=from-env")
	cfg := types.MapValueMust(types.StringType, map[string]attr.Value{"APP-9": types.StringValue("from-config")})
	var d diag.Diagnostics
	keys, ok := legacySecretKeys(cfg, path.Root("backendless").AtName("legacy_secret_keys"), &d)
	if !ok || len(keys) != 1 || keys["APP-9"] != "from-config" {
		t.Fatalf("parsed %v %s", keys, diagText(d))
	}
}

func TestConfigureBackendless_LegacyApplicationTypeDefaultsToREST(t *testing.T) {
	var d diag.Diagnostics
	c, _ := configureBackendless(&backendlessModel{AuthKey: types.StringValue("k"),
		LegacySecretKeys: types.MapValueMust(types.StringType, map[string]attr.Value{"APP-1": types.StringValue("s3cret-key")})}, noTransport, &d)
	if c == nil || d.HasError() {
		t.Fatalf("configure: %s", diagText(d))
	}
	if !c.HasLegacySecretKey("APP-1") || c.HasLegacySecretKey("APP-2") {
		t.Fatal("the configured 3.x key did not reach the client")
	}
}

// TestBackendlessLegacy_SecretKeyNeverReachesTerraformLog drives the 3.x calls through tflog at
// trace level: the secret key travels in a header on every call and must never be logged.
func TestBackendlessLegacy_SecretKeyNeverReachesTerraformLog(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	e := sb.Endpoints()
	c, err := backendless.New(backendless.Config{
		ConsoleURL: e.BackendlessConsoleURL, APIURL: e.BackendlessAPIURL, LegacyURL: e.BackendlessLegacyURL,
		AuthKey: "unused-console-key", LegacySecretKeys: map[string]string{crm.id: crm.secret},
		HTTP: transport.New(transport.Options{Logger: tflogLogger{}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	job, err := c.CreateMigrationArchive(ctx, crm.id, "v1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.MigrationArchiveStatus(ctx, crm.id, "v1", job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListMigrationArchives(ctx, crm.id, "v1"); err != nil {
		t.Fatal(err)
	}
	logged := buf.String()
	if !strings.Contains(logged, "migration-to-4/archive") || !strings.Contains(logged, "REDACTED") {
		t.Fatalf("expected the 3.x calls, with redaction markers, in the log:\n%s", logged)
	}
	if strings.Contains(logged, crm.secret) {
		t.Fatalf("the 3.x secret key appears in the Terraform log")
	}
}

// TestBackendlessMigrationArchive_TypedArchiveNotThereWarnsOnItsOwnAttribute: in documented_only
// mode, a typed archive name not in /migration-to-4 yet is warned about on the attribute that
// names it: files_archive_name for the files archive, data_archive_name for the data archive.
func TestBackendlessMigrationArchive_TypedArchiveNotThereWarnsOnItsOwnAttribute(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	data, files := pressArchive(t, sb, crm)
	_, dataName := filepath.Split(data)
	_, filesName := filepath.Split(files)
	client := sandboxClient(t, sb, crm)
	for _, tc := range []struct{ data, files, want string }{
		{dataName, "crm_v1_files_29990101000000.zip", "files_archive_name"},
		{"crm_v1_data_29990101000000.zip", filesName, "data_archive_name"},
	} {
		plan := migrationArchiveModel{AppID: types.StringValue(crm.id), Version: types.StringValue("v1"), DocumentedOnly: types.BoolValue(true),
			DataArchiveName: types.StringValue(tc.data), FilesArchiveName: types.StringValue(tc.files)}
		var diags diag.Diagnostics
		planCheckLegacyVersion(context.Background(), client, &plan, &diags)
		if diags.HasError() || len(diags) != 1 {
			t.Fatalf("%s missing: want one warning, got %v", tc.want, diags)
		}
		w, ok := diags[0].(diag.DiagnosticWithPath)
		if !ok || diags[0].Summary() != "Typed archive not there yet" || !w.Path().Equal(path.Root(tc.want)) {
			t.Errorf("%s missing: want the warning on %s, got %v", tc.want, tc.want, diags)
		}
	}
}
