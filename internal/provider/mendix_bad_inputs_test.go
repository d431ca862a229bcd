package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// mxBadInput is one bad input to a Mendix resource, data source or provider attribute, rejected at
// plan time with a message naming the attribute and the fix. templates/guides/bad-inputs-mendix.md.tmpl
// lists every case with this test's name.
type mxBadInput struct {
	name string // the subtest name
	hcl  string // resources and data sources, after the provider block
	want string // words of the expected message, in order; spaces match any white space
}

// phrase turns "fragment | fragment" into a regexp: the fragments in order, anything between
// them (Terraform puts the resource and line between a diagnostic's summary and its detail), and
// any white space between the words of a fragment (Terraform wraps lines).
func phrase(want string) *regexp.Regexp {
	var frags []string
	for _, f := range strings.Split(want, "|") {
		parts := strings.Fields(f)
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		frags = append(frags, strings.Join(parts, `\s+`))
	}
	return regexp.MustCompile(`(?s)` + strings.Join(frags, `.*`))
}

var (
	mxLong101 = strings.Repeat("a", 101)
	mxLong301 = strings.Repeat("b", 301)
)

func tempApp(attrs string) string {
	return "resource \"appmigrate_mendix_temporary_app\" \"t\" {\n" + attrs + "\n}\n"
}

func nodeLink(attrs string) string {
	return "resource \"appmigrate_mendix_node_link\" \"l\" {\n" + attrs + "\n}\n"
}

func transfer(attrs string) string {
	return "resource \"appmigrate_mendix_package_transfer\" \"p\" {\n" + attrs + "\n}\n"
}

func deployment(attrs string) string {
	return "resource \"appmigrate_mendix_environment_deployment\" \"d\" {\n" + attrs + "\n}\n"
}

func settings(attrs string) string {
	return fmt.Sprintf("resource \"appmigrate_mendix_environment_settings\" \"s\" {\n  source_app_id = %q\n  source_environment = %q\n  app_id = %q\n  environment = %q\n  deployment_id = \"calc-v4/Production/pkg\"\n%s\n}\n",
		mxSourceApp, mxMode, mxV4App, mxMode, attrs)
}

func restore(attrs string) string {
	return "resource \"appmigrate_mendix_backup_restore\" \"r\" {\n" + attrs + "\n}\n"
}

func start(attrs string) string {
	return "resource \"appmigrate_mendix_environment_start\" \"s\" {\n" + attrs + "\n}\n"
}

// mxBadInputs are the plan-time cases.
func mxBadInputs() []mxBadInput {
	calc, v4, env := mxSourceApp, mxV4App, mxV4ProdEnv
	okRestore := fmt.Sprintf("source_app_id = %q\n source_environment = %q\n project_id = %q\n environment_id = %q\n deployment_id = \"calc-v4/Production/pkg\"\n", calc, mxMode, mxSpareProject, env)
	okStart := fmt.Sprintf("app_id = %q\n environment = %q\n deployment_id = \"calc-v4/Production/pkg\"\n settings_id = \"calc-v4/Production/aaaaaaaaaaaa.bbbbbbbbbbbb\"\n", v4, mxMode)
	return []mxBadInput{
		// appmigrate_mendix_temporary_app
		{"temporary_app/name_empty", tempApp(`name = ""`), `Attribute name string length must be between 1 and 100`},
		{"temporary_app/name_too_long", tempApp(fmt.Sprintf("name = %q", mxLong101)), `Attribute name string length must be between 1 and 100`},
		{"temporary_app/summary_forbidden_character", tempApp("name = \"t\"\n summary = \"a; b\""), `Attribute summary must not contain any of`},
		{"temporary_app/summary_too_long", tempApp(fmt.Sprintf("name = \"t\"\n summary = %q", mxLong301)), `Attribute summary string length must be between 1 and 300`},
		{"temporary_app/summary_empty", tempApp("name = \"t\"\n summary = \"\""), `Attribute summary string length must be between 1 and 300`},
		{"temporary_app/timeout_negative", tempApp("name = \"t\"\n timeouts = { create = \"-1h\" }"), `Duration too short | timeouts.create = "-1h" is shorter than the minimum 1s`},
		{"temporary_app/timeout_zero", tempApp("name = \"t\"\n timeouts = { create = \"0s\" }"), `Duration too short | timeouts.create = "0s"`},
		{"temporary_app/timeout_not_a_duration", tempApp("name = \"t\"\n timeouts = { create = \"soon\" }"), `Invalid Attribute Value Time Duration | "soon" must be a string containing a sequence of decimal numbers`},
		// appmigrate_mendix_node_link
		{"node_link/project_id_empty", nodeLink(fmt.Sprintf("project_id = \"\"\n node_id = %q", mxV4Node)), `Attribute project_id string length must be at least 1`},
		{"node_link/node_id_empty", nodeLink(fmt.Sprintf("project_id = %q\n node_id = \"\"", mxCalcProject)), `Attribute node_id string length must be at least 1`},
		{"node_link/mode_unknown", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n mode = \"auto\"", mxCalcProject, mxV4Node)), `Attribute mode value must be one of`},
		{"node_link/delete_replaced_is_the_linked_app", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n delete_replaced_app_id = %q", mxCalcProject, mxV4Node, mxCalcProject)), `Cannot delete the app being linked`},
		{"node_link/delete_replaced_empty", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n delete_replaced_app_id = \"\"", mxCalcProject, mxV4Node)), `Attribute delete_replaced_app_id string length must be at least 1`},
		{"node_link/displace_app_id_not_a_uuid", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n displace_app_id = \"spare\"", mxCalcProject, mxV4Node)), `Attribute displace_app_id must be a project id (UUID)`},
		{"node_link/offboarded_source_not_an_app_id", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n offboarded_source_app_id = \"calc/x\"", mxCalcProject, mxV4Node)), `Attribute offboarded_source_app_id must be a Deploy API v1 AppId`},
		{"node_link/node_runs_another_app", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n subdomain = %q", mxCalcProject, mxV4Node, v4)), `The node runs another app | holds app ` + mxSpareProject + ` | set displace_app_id`},
		{"node_link/node_runs_another_app_other_named", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n subdomain = %q\n displace_app_id = %q", mxCalcProject, mxV4Node, v4, mxCalcProject)), `The node runs another app`},
		{"node_link/timeout_negative", nodeLink(fmt.Sprintf("project_id = %q\n node_id = %q\n timeouts = { create = \"-5m\" }", mxCalcProject, mxV4Node)), `Duration too short | timeouts.create = "-5m"`},
		// appmigrate_mendix_package_transfer
		{"package_transfer/source_app_id_empty", transfer(fmt.Sprintf("source_app_id = \"\"\n source_environment = %q\n app_id = %q", mxMode, v4)), `Attribute source_app_id string length must be at least 1`},
		{"package_transfer/source_environment_empty", transfer(fmt.Sprintf("source_app_id = %q\n source_environment = \"\"\n app_id = %q", calc, v4)), `Attribute source_environment string length must be at least 1`},
		{"package_transfer/app_id_empty", transfer(fmt.Sprintf("source_app_id = %q\n source_environment = %q\n app_id = \"\"", calc, mxMode)), `Attribute app_id string length must be at least 1`},
		{"package_transfer/file_name_empty", transfer(fmt.Sprintf("source_app_id = %q\n source_environment = %q\n app_id = %q\n file_name = \"\"", calc, mxMode, v4)), `Attribute file_name string length must be at least 1`},
		{"package_transfer/unknown_v3_app", transfer(fmt.Sprintf("source_app_id = \"nope\"\n source_environment = %q\n app_id = %q", mxMode, v4)), `Cloud v3 environment not found | Check source_app_id`},
		{"package_transfer/unknown_v3_environment", transfer(fmt.Sprintf("source_app_id = %q\n source_environment = \"Staging\"\n app_id = %q", calc, v4)), `Cloud v3 environment not found | Check source_app_id`},
		{"package_transfer/timeout_zero", transfer(fmt.Sprintf("source_app_id = %q\n source_environment = %q\n app_id = %q\n timeouts = { create = \"0s\" }", calc, mxMode, v4)), `Duration too short | timeouts.create = "0s"`},
		// appmigrate_mendix_environment_deployment
		{"environment_deployment/app_id_with_slash", deployment(fmt.Sprintf("app_id = \"calc-v4/x\"\n environment = %q\n package_id = \"p\"", mxMode)), `Invalid app id | app_id = "calc-v4/x" contains a slash`},
		{"environment_deployment/environment_empty", deployment(fmt.Sprintf("app_id = %q\n environment = \"\"\n package_id = \"p\"", v4)), `Attribute environment string length must be at least 1`},
		{"environment_deployment/package_id_empty", deployment(fmt.Sprintf("app_id = %q\n environment = %q\n package_id = \"\"", v4, mxMode)), `Attribute package_id string length must be at least 1`},
		{"environment_deployment/unknown_environment", deployment(fmt.Sprintf("app_id = %q\n environment = \"Nope\"\n package_id = \"p\"", v4)), `Mendix environment not found | Check app_id`},
		{"environment_deployment/unknown_node", deployment(fmt.Sprintf("app_id = \"no-such-node\"\n environment = %q\n package_id = \"p\"", mxMode)), `Mendix environment not found | Check app_id`},
		{"environment_deployment/unknown_package", deployment(fmt.Sprintf("app_id = %q\n environment = %q\n package_id = \"00000000-0000-4000-8000-0000000000aa\"", v4, mxMode)), `Mendix package not found | The app calc-v4 has no package 00000000-0000-4000-8000-0000000000aa`},
		// appmigrate_mendix_environment_settings
		{"environment_settings/unknown_constant", settings(`constant_overrides = { "MyFirstModule.Nope" = "x" }`), `Unknown constant | constant_overrides names MyFirstModule.Nope`},
		{"environment_settings/integer_constant_not_a_number", settings(`constant_overrides = { "MyFirstModule.MaxRetries" = "seven" }`), `Value does not fit the constant's type | MyFirstModule.MaxRetries is an Integer constant | "seven" is not a whole number`},
		{"environment_settings/boolean_constant_maybe", settings(`constant_overrides = { "MyFirstModule.FeatureEnabled" = "maybe" }`), `Value does not fit the constant's type | "maybe" is not "true" or "false"`},
		{"environment_settings/integer_constant_overflow", settings(`constant_overrides = { "MyFirstModule.MaxRetries" = "9999999999" }`), `fits 32 bits`},
		{"environment_settings/write_only_integer_not_a_number", settings(`constant_overrides_wo = { "MyFirstModule.MaxRetries" = "seven" }`), `Value does not fit the constant's type | the value given is not a whole number`},
		{"environment_settings/constant_overridden_twice", settings("constant_overrides = { \"MyFirstModule.ApiUrl\" = \"a\" }\n constant_overrides_wo = { \"MyFirstModule.ApiUrl\" = \"b\" }"), `Constant overridden twice`},
		{"environment_settings/constant_public_and_sensitive", settings("public_constants = [\"MyFirstModule.MaxRetries\"]\n sensitive_constants = [\"MyFirstModule.MaxRetries\"]"), `Constant both public and sensitive | Keep it in one of them`},
		{"environment_settings/write_only_constant_listed_public", settings("public_constants = [\"MyFirstModule.ApiUrl\"]\n constant_overrides_wo = { \"MyFirstModule.ApiUrl\" = \"x\" }"), `A write-only value cannot be public | Remove it from public_constants`},
		{"environment_settings/public_constant_unknown", settings(`public_constants = ["MyFirstModule.ApiURL"]`), `Unknown constant | public_constants names MyFirstModule.ApiURL (did you mean MyFirstModule.ApiUrl?) that the v3 environment does not have | remove them from public_constants | set that variable for this app`},
		{"environment_settings/sensitive_constant_unknown", settings(`sensitive_constants = ["OtherModule.Password"]`), `Unknown constant | sensitive_constants names OtherModule.Password that the v3 environment does not have | Its constants are: MyFirstModule.ApiUrl`},
		{"environment_settings/unknown_scheduled_event", settings(`scheduled_event_overrides = { "MyFirstModule.Nope" = "Enabled" }`), `Unknown scheduled event | scheduled_event_overrides names MyFirstModule.Nope`},
		{"environment_settings/scheduled_event_value_on", settings(`scheduled_event_overrides = { "MyFirstModule.HourlySync" = "On" }`), `scheduled_event_overrides["MyFirstModule.HourlySync"] value must be one of`},
		{"environment_settings/unknown_v3_environment", strings.Replace(settings(""), `source_environment = "Production"`, `source_environment = "Staging"`, 1), `Cloud v3 environment not found | Check source_app_id`},
		{"environment_settings/app_id_with_slash", strings.Replace(settings(""), `app_id = "calc-v4"`, `app_id = "calc-v4/x"`, 1), `Invalid app id | app_id = "calc-v4/x" contains a slash`},
		{"environment_settings/deployment_id_empty", strings.Replace(settings(""), `deployment_id = "calc-v4/Production/pkg"`, `deployment_id = ""`, 1), `Attribute deployment_id string length must be at least 1`},
		// appmigrate_mendix_backup_restore
		{"backup_restore/mode_unknown", restore(okRestore + ` mode = "auto"`), `Attribute mode value must be one of`},
		{"backup_restore/project_id_empty", restore(strings.Replace(okRestore, mxSpareProject, "", 1)), `Attribute project_id string length must be at least 1`},
		{"backup_restore/environment_id_empty", restore(strings.Replace(okRestore, env, "", 1)), `Attribute environment_id string length must be at least 1`},
		{"backup_restore/unknown_v3_app", restore(strings.Replace(okRestore, `source_app_id = "calc"`, `source_app_id = "nope"`, 1)), `Cloud v3 environment not found | Check source_app_id`},
		{"backup_restore/unknown_snapshot", restore(okRestore + ` snapshot_id = "00000000-0000-4000-8000-000000000000"`), `Backup not found | remove snapshot_id`},
		{"backup_restore/timeout_negative", restore(okRestore + ` timeouts = { create = "-5m" }`), `Duration too short | timeouts.create = "-5m"`},
		// appmigrate_mendix_environment_start
		{"environment_start/app_id_empty", start(strings.Replace(okStart, `app_id = "calc-v4"`, `app_id = ""`, 1) + ` restore_id = "x"`), `Attribute app_id string length must be at least 1`},
		{"environment_start/settings_id_of_another_environment", start(strings.Replace(okStart, `settings_id = "calc-v4/Production/`, `settings_id = "other/Production/`, 1) + ` restore_id = "x"`), `Belongs to another environment | settings_id = "other/Production/`},
		{"environment_start/deployment_id_of_another_environment", start(strings.Replace(okStart, `deployment_id = "calc-v4/Production/pkg"`, `deployment_id = "calc-v4/Acceptance/pkg"`, 1) + ` restore_id = "x"`), `Belongs to another environment | deployment_id = "calc-v4/Acceptance/pkg"`},
		{"environment_start/restore_id_malformed", start(okStart + ` restore_id = "x"`), `Not a completed restore of this environment | want <project id>/<environment id>/<restore id>`},
		{"environment_start/restore_id_fake_well_formed", start(okStart + fmt.Sprintf(` restore_id = "%s/%s/00000000-0000-4000-8000-000000000000"`, mxSpareProject, env)), `Not a completed restore of this environment | Backups API v2 knows no such restore`},
		{"environment_start/restore_id_of_another_environment", start(okStart + fmt.Sprintf(` restore_id = "%s/00000000-0000-4000-8000-000000000000/r"`, mxSpareProject)), `Not a completed restore of this environment | it restored environment`},
		// data sources
		{"data_app/app_id_empty", `data "appmigrate_mendix_app" "a" { app_id = "" }`, `Attribute app_id string length must be at least 1`},
		{"data_app/unknown_app", `data "appmigrate_mendix_app" "a" { app_id = "nope" }`, `Mendix app not found | app_id is the subdomain of a node`},
		{"data_environment/unknown_environment", fmt.Sprintf("data \"appmigrate_mendix_environment\" \"e\" {\n app_id = %q\n environment = \"Nope\"\n}", v4), `Mendix environment not found | Check app_id | and environment`},
		{"data_packages/unknown_app", `data "appmigrate_mendix_packages" "p" { app_id = "nope" }`, `Mendix app not found | app_id is the subdomain of a node`},
		{"data_snapshots/app_id_without_environment", `data "appmigrate_mendix_snapshots" "s" { app_id = "calc" }`, `Invalid Attribute Combination | [app_id,environment]`},
		{"data_snapshots/nothing_given", `data "appmigrate_mendix_snapshots" "s" {}`, `Missing Attribute Configuration | [app_id,project_id]`},
		{"data_offboarding_request/source_app_id_empty", `data "appmigrate_mendix_offboarding_request" "o" { source_app_id = "" }`, `Attribute source_app_id string length must be at least 1`},
	}
}

func TestAccMendixBadInputs_RejectedAtPlanNamingTheAttribute(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t) // calc-v4 exists, held by the spare app
	before := env.sb.Inventory().Mendix
	for _, c := range mxBadInputs() {
		t.Run(c.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      mendixProviderBlock(env) + c.hcl,
					PlanOnly:    true,
					ExpectError: phrase(c.want),
				}},
			})
		})
	}
	after := env.sb.Inventory().Mendix
	if fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a rejected input changed the platform:\nbefore %+v\nafter  %+v", before, after)
	}
}

func TestAccMendixEnvironmentStart_FakeRestoreIDKnownOnlyAtApplyRefusedNothingStarted(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	cfg := mendixProviderBlock(env) + fmt.Sprintf(`
resource "terraform_data" "fake_restore" {
  input = "%s/%s/00000000-0000-4000-8000-000000000000"
}

resource "appmigrate_mendix_environment_start" "s" {
  app_id        = %q
  environment   = %q
  deployment_id = "calc-v4/Production/00000000-0000-4000-8000-0000000000aa"
  settings_id   = "calc-v4/Production/aaaaaaaaaaaa.bbbbbbbbbbbb"
  restore_id    = terraform_data.fake_restore.output
}
`, mxSpareProject, mxV4ProdEnv, mxV4App, mxMode)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			ExpectError: phrase(`Not a completed restore of this environment | Backups API v2 knows no such restore`),
		}},
		CheckDestroy: checkNothingStarted(env),
	})
}

// checkNothingStarted asserts that no start job was requested on the v4 environment.
func checkNothingStarted(env *mxEnv) func(*terraform.State) error {
	return func(*terraform.State) error {
		if n := env.sb.Inventory().Mendix.Nodes[mxV4App].Environments[mxMode].StartJobs.Requested; n != 0 {
			return fmt.Errorf("%d start job(s) requested", n)
		}
		return nil
	}
}

func TestAccMendixEnvironmentStart_FakeDeploymentAndSettingsIDsRefusedAtApplyNothingStarted(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	cfg := restoreConfig(env, "api", "10m") + fmt.Sprintf(`
resource "appmigrate_mendix_environment_start" "s" {
  app_id        = %q
  environment   = %q
  deployment_id = "calc-v4/Production/00000000-0000-4000-8000-0000000000aa"
  settings_id   = "calc-v4/Production/aaaaaaaaaaaa.bbbbbbbbbbbb"
  restore_id    = appmigrate_mendix_backup_restore.data.id
}
`, mxV4App, mxMode)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      cfg,
				ExpectError: phrase(`No such deployment on this environment | deployment_id names package 00000000-0000-4000-8000-0000000000aa`),
				Check:       checkNothingStarted(env),
			},
			{
				Config:      cfg,
				ExpectError: phrase(`Not the settings written on this environment | settings_id = "calc-v4/Production/aaaaaaaaaaaa.bbbbbbbbbbbb"`),
			},
		},
		CheckDestroy: checkNothingStarted(env),
	})
}

func TestAccMendixNodeLink_UnknownNodeRefusedAtApplyNothingLinked(t *testing.T) {
	env := startMendixSandbox(t)
	before := fmt.Sprint(env.sb.MendixNodes())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      mendixProviderBlock(env) + nodeLink(fmt.Sprintf("project_id = %q\n node_id = \"no-such-node\"", mxSpareProject)),
			ExpectError: phrase(`Linking Mendix app ` + mxSpareProject + ` to node no-such-node | HTTP 404`),
		}},
		CheckDestroy: func(*terraform.State) error {
			if after := fmt.Sprint(env.sb.MendixNodes()); after != before {
				return fmt.Errorf("a node changed:\nbefore %s\nafter  %s", before, after)
			}
			return nil
		},
	})
}
