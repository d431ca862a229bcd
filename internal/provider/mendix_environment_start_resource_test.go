package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

const startAddr = "appmigrate_mendix_environment_start.app"

// startConfig is the runbook from the package transfer on, against the spare app on the v4 node.
func startConfig(env *mxEnv, settingsExtra string) string {
	return settingsConfig(env, settingsExtra) + fmt.Sprintf(`
resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = %q
  source_environment = %q
  project_id         = %q
  environment_id     = %q
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
}

resource "appmigrate_mendix_environment_start" "app" {
  app_id        = appmigrate_mendix_environment_deployment.app.app_id
  environment   = appmigrate_mendix_environment_deployment.app.environment
  deployment_id = appmigrate_mendix_environment_deployment.app.id
  settings_id   = appmigrate_mendix_environment_settings.app.id
  restore_id    = appmigrate_mendix_backup_restore.data.id
}
`, mxSourceApp, mxMode, mxSpareProject, mxV4ProdEnv)
}

// checkRunningWithAPIURL asserts the v4 environment runs, on the restored data, with the
// constant MyFirstModule.ApiUrl deployed as value.
func checkRunningWithAPIURL(env *mxEnv, value string) resource.TestCheckFunc {
	const constant = "MyFirstModule.ApiUrl"
	return func(*terraform.State) error {
		e, err := env.sb.MendixEnvironment(mxV4App, mxMode)
		if err != nil {
			return err
		}
		if e.Status != mendix.EnvRunning {
			return fmt.Errorf("v4 environment is %s, want Running", e.Status)
		}
		for _, c := range e.Constants {
			if c.Name == constant && c.DeployedValue != value {
				return fmt.Errorf("running with %s = %q, want %q: settings not in effect", constant, c.DeployedValue, value)
			}
		}
		if e.Restored == nil {
			return fmt.Errorf("started before the restore")
		}
		return nil
	}
}

func TestAccMendixEnvironmentStart_RunsAfterEverythingRestartsOnNewSettingsAndWhenStopped(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	newURL := `
  constant_overrides = {
    "MyFirstModule.ApiUrl" = "https://calc-v4-api.example.com"
  }
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if e, _ := env.sb.MendixEnvironment(mxV4App, mxMode); e.Status == mendix.EnvRunning {
				return fmt.Errorf("destroy left the environment running")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: startConfig(env, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(startAddr, tfjsonpath.New("status"), knownvalue.StringExact("Running")),
					statecheck.ExpectKnownValue(startAddr, tfjsonpath.New("model_version"), knownvalue.StringExact(mxV3ModelVer)),
				},
				Check: checkRunningWithAPIURL(env, "https://calc-api.example.com"),
			},
			{
				// New settings take effect at the next start: the settings id changes, the start
				// is updated in place, the app restarts with the new value.
				Config: startConfig(env, newURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(startAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(restoreAddr, plancheck.ResourceActionNoop),
				}},
				Check: checkRunningWithAPIURL(env, "https://calc-v4-api.example.com"),
			},
			{
				// Stopped outside Terraform: the plan shows it and apply starts it again.
				PreConfig: func() {
					if err := env.client(t).Stop(context.Background(), mxV4App, mxMode); err != nil {
						t.Fatal(err)
					}
				},
				Config: startConfig(env, newURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(startAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(startAddr, tfjsonpath.New("status"), knownvalue.StringExact("Running")),
				}},
				Check: checkRunningWithAPIURL(env, "https://calc-v4-api.example.com"),
			},
			{
				Config:           startConfig(env, newURL),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccMendixEnvironmentStart_VendorErrorCodeIsNamed(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	if err := env.sb.ScriptMendixStartFailure(mxV4App, mxMode, "MISSING_CONSTANT"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      startConfig(env, ""),
				ExpectError: regexp.MustCompile(`(?s)start failed with MISSING_CONSTANT.*Missing one or more constant values.*constant_overrides`),
			},
			{
				// Tainted, not orphaned: the next apply starts again (the script fired once).
				Config: startConfig(env, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(startAddr, plancheck.ResourceActionReplace),
				}},
				Check: checkRunningWithAPIURL(env, "https://calc-api.example.com"),
			},
		},
	})
}

func TestAccMendixEnvironmentStart_IdsOfAnotherEnvironmentRejectedAtPlan(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + `
resource "appmigrate_mendix_environment_start" "app" {
  app_id        = "calc-v4"
  environment   = "Production"
  deployment_id = "calc-v4/Acceptance/0d1e2f"
  settings_id   = "calc-v4/Production/abcdef012345"
  restore_id    = "p/e/r"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Belongs to another environment.*deployment_id = "calc-v4/Acceptance/0d1e2f"`),
			},
		},
	})
}
