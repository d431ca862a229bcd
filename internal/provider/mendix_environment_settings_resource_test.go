package provider

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const settingsAddr = "appmigrate_mendix_environment_settings.app"

func settingsConfig(env *mxEnv, extra string) string {
	return deploymentConfig(env) + fmt.Sprintf(`
resource "appmigrate_mendix_environment_settings" "app" {
  source_app_id      = %q
  source_environment = %q
  app_id             = appmigrate_mendix_environment_deployment.app.app_id
  environment        = appmigrate_mendix_environment_deployment.app.environment
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
%s
}
`, mxSourceApp, mxMode, extra)
}

const withOverrides = `
  public_constants = ["MyFirstModule.ApiUrl"]
  constant_overrides = {
    "MyFirstModule.ApiUrl" = "https://calc-v4-api.example.com"
  }
  scheduled_event_overrides = {
    "MyFirstModule.HourlySync" = "Enabled"
  }
`

// v4Setting reads one setting's Value from the sandbox's v4 environment.
func v4Setting(env *mxEnv, kind sandbox.MendixSettingKind, name string) (string, error) {
	e, err := env.sb.MendixEnvironment(mxV4App, mxMode)
	if err != nil {
		return "", err
	}
	list := e.Constants
	switch kind {
	case sandbox.MendixScheduledEvent:
		list = e.ScheduledEvents
	case sandbox.MendixCustomSetting:
		list = e.CustomSettings
	}
	for _, s := range list {
		if s.Name == name {
			return s.Value, nil
		}
	}
	return "", fmt.Errorf("%s %s not on v4", kind, name)
}

func checkV4Setting(env *mxEnv, kind sandbox.MendixSettingKind, name, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := v4Setting(env, kind, name)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("v4 %s %s = %q, want %q", kind, name, got, want)
		}
		return nil
	}
}

func TestAccMendixEnvironmentSettings_EveryValueInThePlanAndDriftIsADiff(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	constants := knownvalue.MapExact(map[string]knownvalue.Check{
		"MyFirstModule.ApiUrl":         knownvalue.StringExact("https://calc-v4-api.example.com"),
		"MyFirstModule.MaxRetries":     knownvalue.StringExact("5"),
		"MyFirstModule.FeatureEnabled": knownvalue.StringExact("true"),
	})
	events := knownvalue.MapExact(map[string]knownvalue.Check{
		"MyFirstModule.NightlyCleanup": knownvalue.StringExact("Enabled"),
		"MyFirstModule.HourlySync":     knownvalue.StringExact("Enabled"),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(env, withOverrides),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The values to be written are known in the plan, before the transport has run.
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants"), constants),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("scheduled_events"), events),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("custom_settings"), knownvalue.MapExact(map[string]knownvalue.Check{
						"ConnectionPoolingMaxActive": knownvalue.StringExact("50"),
					})),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants"), constants),
					statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("source_constants").AtMapKey("MyFirstModule.ApiUrl"), knownvalue.StringExact("https://calc-api.example.com")),
					statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^calc-v4/Production/[0-9a-f]{12}\.[0-9a-f]{12}$`))),
				},
				Check: resource.ComposeTestCheckFunc(
					checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", "https://calc-v4-api.example.com"),
					checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.MaxRetries", "5"),
					checkV4Setting(env, sandbox.MendixScheduledEvent, "MyFirstModule.HourlySync", "Enabled"),
					checkV4Setting(env, sandbox.MendixCustomSetting, "ConnectionPoolingMaxActive", "50"),
				),
			},
			{
				ResourceName:                         settingsAddr,
				ImportState:                          true,
				ImportStateId:                        mxV4App + "/" + mxMode,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "app_id",
				ImportStateVerifyIgnore: []string{"timeouts", "source_app_id", "source_environment", "deployment_id", "constant_overrides",
					"scheduled_event_overrides", "source_constants", "public_constants",
					// Imported without the configuration: a String constant is a secret until public_constants says otherwise.
					"constants.MyFirstModule.ApiUrl", "id",
					// Null after an import: nothing this resource wrote to compare with.
					"constants_verified"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					for k, v := range states[0].Attributes {
						if strings.HasPrefix(k, "constants_verified.") && k != "constants_verified.%" {
							return fmt.Errorf("imported state has %s = %s: nothing says what v4 should hold", k, v)
						}
					}
					return nil
				},
			},
			{
				// Changed in the portal: the plan shows the difference and apply puts it back.
				PreConfig: func() {
					if err := env.sb.SetMendixEnvironmentSetting(mxV4App, mxMode, sandbox.MendixConstant, "MyFirstModule.MaxRetries", "9"); err != nil {
						t.Fatal(err)
					}
				},
				Config: settingsConfig(env, withOverrides),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants").AtMapKey("MyFirstModule.MaxRetries"), knownvalue.StringExact("5")),
				}},
				Check: checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.MaxRetries", "5"),
			},
			{
				Config:           settingsConfig(env, withOverrides),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccMendixEnvironmentSettings_SecretsOnlyAsSaltedSlowDigests(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	const secret = "s3cr3t-v4-api-url-value"
	sum := sha256.Sum256([]byte(secret))
	unsalted := hex.EncodeToString(sum[:])
	fp := fingerprint(mxSourceApp+"/"+mxMode, "MyFirstModule.ApiUrl", secret)
	cfg := settingsConfig(env, fmt.Sprintf(`
  constant_overrides_wo = {
    "MyFirstModule.ApiUrl" = %q
  }
`, secret))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants").AtMapKey("MyFirstModule.ApiUrl"), knownvalue.StringExact(fp)),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", secret),
					func(s *terraform.State) error {
						for addr, rs := range s.RootModule().Resources {
							for k, v := range rs.Primary.Attributes {
								if strings.Contains(v, secret) || strings.Contains(v, unsalted) {
									return fmt.Errorf("the secret or its unsalted SHA-256 is in state: %s.%s", addr, k)
								}
							}
						}
						return nil
					},
				),
			},
			{
				// Drift of a secret is seen through its fingerprint.
				PreConfig: func() {
					if err := env.sb.SetMendixEnvironmentSetting(mxV4App, mxMode, sandbox.MendixConstant, "MyFirstModule.ApiUrl", "https://someone-else.example.com"); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
				}},
				Check: checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", secret),
			},
		},
	})
}

func TestAccMendixEnvironmentSettings_UnknownOverrideNamedAtPlan(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(env, `
  constant_overrides = {
    "MyFirstModule.ApiURL" = "typo in the name"
  }
`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Unknown constant.*constant_overrides names MyFirstModule.ApiURL.*MyFirstModule.ApiUrl`),
			},
		},
	})
}

func TestConstantTypeMessage_UsesTheArticleOfTheTypeName(t *testing.T) {
	for typeName, want := range map[string]string{
		"Integer": "an Integer", "Enumeration": "an Enumeration", "Boolean": "a Boolean", "Decimal": "a Decimal",
		"DateTime": "a DateTime", "String": "a String", "Long": "a Long", "Float": "a Float",
	} {
		if got := withArticle(typeName); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", typeName, got, want)
		}
	}
	var diags diag.Diagnostics
	checkConstantTypes(&diags, "constant_overrides", map[string]string{"M.Retries": "seven"}, map[string]string{"M.Retries": "Integer"}, false)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), "M.Retries is an Integer constant in the deployed model") {
		t.Fatalf("want one diagnostic saying \"is an Integer constant\", got %v", diags)
	}
}

func TestClosestName_SuggestsOnlyNearNames(t *testing.T) {
	known := map[string]string{"MyFirstModule.ApiUrl": "String", "MyFirstModule.MaxRetries": "Integer", "MyFirstModule.FeatureEnabled": "Boolean"}
	for n, want := range map[string]string{
		"MyFirstModule.ApiURL":       "MyFirstModule.ApiUrl", // case
		"ApiUrl":                     "MyFirstModule.ApiUrl", // without its module
		"MyFirstModule.MaxRetry":     "MyFirstModule.MaxRetries",
		"MyFirstModul.FeatureEnabld": "MyFirstModule.FeatureEnabled",
		"OtherModule.Password":       "",
		"MyFirstModule.Timeout":      "",
	} {
		if got := closestName(n, known); got != want {
			t.Errorf("closestName(%q) = %q, want %q", n, got, want)
		}
	}
}

func TestAccMendixEnvironmentSettings_ConstantsVerifiedForAnOverriddenSecretAndFalseAfterDrift(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	const override = "https://x.example"
	cfg := settingsConfig(env, fmt.Sprintf(`
  public_constants = []
  constant_overrides = {
    "MyFirstModule.ApiUrl" = %q
  }
`, override))
	allVerified := knownvalue.MapExact(map[string]knownvalue.Check{
		"MyFirstModule.ApiUrl":         knownvalue.Bool(true),
		"MyFirstModule.MaxRetries":     knownvalue.Bool(true),
		"MyFirstModule.FeatureEnabled": knownvalue.Bool(true),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The overridden String constant is a secret: v4's value shows as the digest of the
				// override, which no configuration can compare with the clear text. The provider does.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(settingsAddr, tfjsonpath.New("constants_verified")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants").AtMapKey("MyFirstModule.ApiUrl"),
						knownvalue.StringExact(fingerprint(mxSourceApp+"/"+mxMode, "MyFirstModule.ApiUrl", override))),
					statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants_verified"), allVerified),
				},
				Check: checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", override),
			},
			{
				// Changed on v4 outside Terraform: a refresh says which constant v4 no longer holds.
				PreConfig: func() {
					if err := env.sb.SetMendixEnvironmentSetting(mxV4App, mxMode, sandbox.MendixConstant, "MyFirstModule.ApiUrl", "https://someone-else.example.com"); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(settingsAddr, "constants_verified.MyFirstModule.ApiUrl", "false"),
					resource.TestCheckResourceAttr(settingsAddr, "constants_verified.MyFirstModule.MaxRetries", "true"),
				),
			},
			{
				// A second refresh still compares with what the apply wrote, not with the last read.
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr(settingsAddr, "constants_verified.MyFirstModule.ApiUrl", "false"),
			},
			{
				// Apply puts the override back and verifies it again.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(settingsAddr, tfjsonpath.New("constants_verified")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("constants_verified"), allVerified),
				},
				Check: checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", override),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
