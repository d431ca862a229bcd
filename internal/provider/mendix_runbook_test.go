package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// runbookExample is examples/mendix-cloud-v3-to-v4 as the tests run it: the same resources,
// variables and outputs, with the provider pointed at the sandbox instead of the environment
// (and no required_providers block: the test serves the provider in-process).
func runbookExample(t *testing.T, env *mxEnv) string {
	t.Helper()
	dir := filepath.Join("..", "..", "examples", "mendix-cloud-v3-to-v4")
	var b strings.Builder
	b.WriteString(mendixProviderBlock(env))
	for _, f := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		raw, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(withoutBlock(withoutBlock(string(raw), "terraform {"), `provider "appmigrate" {`))
	}
	return b.String()
}

// withoutBlock removes the top-level block starting with header, braces balanced.
func withoutBlock(src, header string) string {
	i := strings.Index(src, header)
	if i < 0 {
		return src
	}
	depth := 0
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return src[:i] + src[j+1:]
			}
		}
	}
	return src
}

// mxV3Node is the fixture's Cloud v3 node of calc, which Mendix Support offboards (runbook §3.3).
const mxV3Node = "node-v3-calc"

// offboarded is the example's second apply: -var v3_node_offboarded=true.
var offboarded = config.Variables{"v3_node_offboarded": config.BoolVariable(true)}

// offboardV3 plays Mendix Support offboarding the v3 node between the two applies.
func offboardV3(t *testing.T, env *mxEnv) func() {
	return func() {
		if err := env.sb.OffboardMendixNode(mxV3Node); err != nil {
			t.Fatalf("offboarding: %v", err)
		}
	}
}

func TestAccMendixRunbook_ExampleMigratesTheFixtureAndTheSecondPlanIsEmpty(t *testing.T) {
	env := startMendixSandbox(t)
	cfg := runbookExample(t, env)
	v3, err := env.sb.MendixSnapshotDigest(mxSourceApp, mxMode, "")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// First apply: everything up to §3.3, the offboarding request. The real app is not
				// linked yet and the temporary app holds the v4 node.
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValueAtPath("model_version", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValueAtPath("backup_archive", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("environment_running", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("temporary_app_deleted", knownvalue.Bool(false)),
					statecheck.ExpectKnownOutputValueAtPath("offboarding_request", tfjsonpath.New("subject"), knownvalue.StringExact(
						"Offboard the Mendix Cloud v3 node of app calc (migrated to Cloud v4)")),
				},
				Check: func(s *terraform.State) error {
					if a, _ := mxApp(env, mxCalcProject); a.NodeID != mxV3Node {
						return fmt.Errorf("the real app moved to %q before the offboarding", a.NodeID)
					}
					return nil
				},
			},
			{
				// Second apply, after Mendix Support offboarded the v3 node: §3.4.
				PreConfig:       offboardV3(t, env),
				Config:          cfg,
				ConfigVariables: offboarded,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValueAtPath("model_version", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValueAtPath("model_version", tfjsonpath.New("v4"), knownvalue.StringExact(mxV3ModelVer)),
					statecheck.ExpectKnownOutputValueAtPath("backup_archive", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValueAtPath("backup_archive", tfjsonpath.New("v3").AtMapKey("sha256"), knownvalue.StringExact(v3.SHA256)),
					statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("equal"), knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("v4"), knownvalue.MapExact(map[string]knownvalue.Check{
						"MyFirstModule.ApiUrl":         knownvalue.StringExact("https://calc-api.example.com"),
						"MyFirstModule.MaxRetries":     knownvalue.StringExact("5"),
						"MyFirstModule.FeatureEnabled": knownvalue.StringExact("true"),
					})),
					statecheck.ExpectKnownOutputValue("environment_running", knownvalue.Bool(true)),
					statecheck.ExpectKnownOutputValue("temporary_app_deleted", knownvalue.Bool(true)),
				},
				Check: func(s *terraform.State) error {
					// The sandbox's own view, independent of what the provider reported.
					e, err := env.sb.MendixEnvironment(mxV4App, mxMode)
					if err != nil {
						return err
					}
					switch {
					case e.ProjectID != mxCalcProject:
						return fmt.Errorf("the v4 node holds %q, want the real app %s", e.ProjectID, mxCalcProject)
					case e.Status != mendix.EnvRunning || e.ModelVersion != mxV3ModelVer:
						return fmt.Errorf("v4 environment %s with model %s", e.Status, e.ModelVersion)
					case e.Restored == nil || e.Restored.ArchiveSHA256 != v3.SHA256 || e.Restored.DBRows != v3.DBRows:
						return fmt.Errorf("v4 restored %+v, v3 newest backup %+v", e.Restored, v3)
					}
					for _, c := range e.Constants {
						if c.Value != c.DeployedValue {
							return fmt.Errorf("constant %s = %q is not in effect (running with %q)", c.Name, c.Value, c.DeployedValue)
						}
					}
					tempID, _ := mxStateAttr(s, "appmigrate_mendix_temporary_app.temp", "project_id")
					if _, ok := mxApp(env, tempID); ok {
						return fmt.Errorf("the temporary app %s still exists", tempID)
					}
					return projectGone(t, env, tempID)
				},
			},
			{
				// make demo's check: a second plan of the same configuration changes nothing,
				// though the v3 node has no app any more and the temporary app is gone.
				Config:           cfg,
				ConfigVariables:  offboarded,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// The example with its String constant secret and overridden: the proof says v4 holds the override,
// which outputs.tf cannot compare itself (v4's value shows as a digest of it).
func TestAccMendixRunbook_ProofHoldsForAnOverriddenSecretConstant(t *testing.T) {
	env := startMendixSandbox(t)
	cfg := runbookExample(t, env)
	varsWith := func(offboarded bool, apiURL string) config.Variables {
		return config.Variables{
			"public_constants":   config.ListVariable(),
			"constant_overrides": config.MapVariable(map[string]config.Variable{"MyFirstModule.ApiUrl": config.StringVariable(apiURL)}),
			"v3_node_offboarded": config.BoolVariable(offboarded),
		}
	}
	vars := func(offboarded bool) config.Variables { return varsWith(offboarded, "https://x.example") }
	proof := []statecheck.StateCheck{
		statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("equal"), knownvalue.Bool(true)),
		statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("v4").AtMapKey("MyFirstModule.ApiUrl"),
			knownvalue.StringRegexp(regexp.MustCompile(`^argon2id:[0-9a-f]{64}$`))),
		statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("verified"), knownvalue.MapExact(map[string]knownvalue.Check{
			"MyFirstModule.ApiUrl":         knownvalue.Bool(true),
			"MyFirstModule.MaxRetries":     knownvalue.Bool(true),
			"MyFirstModule.FeatureEnabled": knownvalue.Bool(true),
		})),
		statecheck.ExpectKnownOutputValue("proof", knownvalue.StringRegexp(regexp.MustCompile(
			`(?m)^  constant MyFirstModule\.ApiUrl \(overridden\)\s+argon2id:\S+\s+argon2id:\S+\s+yes$`))),
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigVariables:   vars(false),
				ConfigStateChecks: proof,
				Check:             checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", "https://x.example"),
			},
			{
				// After the offboarding the settings are planned from the values saved at the last
				// apply; the proof still holds.
				PreConfig:         offboardV3(t, env),
				Config:            cfg,
				ConfigVariables:   vars(true),
				ConfigStateChecks: proof,
			},
			{
				// A setting changed after the migration ended (temporary app deleted, v3 gone): the
				// settings are written and the app restarts in place. The start used to be replaced,
				// and its new start proved restore_id again, under the deleted temporary project:
				// "Backups API v2 knows no such restore".
				Config:          cfg,
				ConfigVariables: varsWith(true, "https://y.example"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("appmigrate_mendix_environment_settings.app", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("appmigrate_mendix_environment_start.app", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("appmigrate_mendix_backup_restore.data", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeTestCheckFunc(
					checkV4Setting(env, sandbox.MendixConstant, "MyFirstModule.ApiUrl", "https://y.example"),
					func(*terraform.State) error {
						e, err := env.sb.MendixEnvironment(mxV4App, mxMode)
						if err != nil {
							return err
						}
						for _, c := range e.Constants {
							if c.Value != c.DeployedValue {
								return fmt.Errorf("constant %s = %q is not in effect (running with %q): no restart", c.Name, c.Value, c.DeployedValue)
							}
						}
						if e.Status != mendix.EnvRunning {
							return fmt.Errorf("v4 environment %s", e.Status)
						}
						return nil
					}),
			},
		},
	})
}

func TestAccMendixRunbook_FinalLinkWaitsForTheOffboarding(t *testing.T) {
	env := startMendixSandbox(t)
	cfg := runbookExample(t, env)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// -var v3_node_offboarded=true too early: the plan says the link waits, and apply
				// times out on the gate without taking the node.
				Config:          strings.Replace(cfg, "offboarded_source_app_id = var.source_app_id", "offboarded_source_app_id = var.source_app_id\n  timeouts = { create = \"1s\" }", 1),
				ConfigVariables: offboarded,
				ExpectError:     regexp.MustCompile(`(?s)manual step not done.*offboard\s+the\s+Cloud\s+v3\s+node\s+of\s+app\s+calc.*Still\s+missing:\s+Deploy\s+API\s+v1\s+still\s+shows\s+app\s+calc`),
			},
			{
				// Nothing was taken: the real app is still on v3. Once offboarded, the link goes through.
				PreConfig: func() {
					if a, _ := mxApp(env, mxCalcProject); a.NodeID != mxV3Node {
						t.Fatalf("the real app was moved to %q before its v3 node was offboarded", a.NodeID)
					}
					offboardV3(t, env)()
				},
				Config:          cfg,
				ConfigVariables: offboarded,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("temporary_app_deleted", knownvalue.Bool(true)),
				},
			},
		},
	})
}

// mxWeather is a bad day on the network between the provider and Mendix, for the whole runbook:
// the moderate profile (5xx and 429 before the handler, resets part-way through a body, POSTs
// delivered twice, slow bodies) plus what it leaves out, 5xx after the side effect and answers
// dropped after it. Slow bodies trickle quickly so the test stays short; jobs take a little
// while, as they do on Mendix, so a duplicated request meets a job still running.
func mxWeather(seed int64) sandbox.FaultOptions {
	return sandbox.FaultOptions{
		Seed:    seed,
		Rate5xx: 0.10, Statuses5xx: []int{http.StatusBadGateway, http.StatusServiceUnavailable},
		Rate429: 0.05, RetryAfter: time.Second,
		RateReset:     0.05,
		RateDuplicate: 0.05,
		Rate5xxAfter:  0.03,
		RateDrop:      0.02,
		RateTrickle:   0.02, TrickleInterval: time.Millisecond, TrickleBytes: 256,
	}
}

func TestAccMendixRunbook_ThroughAFaultyNetworkFirstApplySucceedsWithOneOfEach(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			env := startMendixSandboxWith(t, sandbox.Options{JobDuration: 50 * time.Millisecond, Faults: mxWeather(seed)})
			cfg := runbookExample(t, env)
			v3, err := env.sb.MendixSnapshotDigest(mxSourceApp, mxMode, "")
			if err != nil {
				t.Fatal(err)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{
					{
						Config: cfg,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownOutputValueAtPath("model_version", tfjsonpath.New("equal"), knownvalue.Bool(true)),
							statecheck.ExpectKnownOutputValueAtPath("backup_archive", tfjsonpath.New("equal"), knownvalue.Bool(true)),
							statecheck.ExpectKnownOutputValueAtPath("backup_archive", tfjsonpath.New("v3").AtMapKey("sha256"), knownvalue.StringExact(v3.SHA256)),
							statecheck.ExpectKnownOutputValueAtPath("constants", tfjsonpath.New("equal"), knownvalue.Bool(true)),
							statecheck.ExpectKnownOutputValue("environment_running", knownvalue.Bool(true)),
							statecheck.ExpectKnownOutputValue("temporary_app_deleted", knownvalue.Bool(false)),
						},
					},
					{
						PreConfig:       offboardV3(t, env),
						Config:          cfg,
						ConfigVariables: offboarded,
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownOutputValue("temporary_app_deleted", knownvalue.Bool(true)),
						},
						Check: func(*terraform.State) error {
							inv := env.sb.Inventory().Mendix
							n := inv.Nodes[mxV4App]
							e := n.Environments[mxMode]
							switch {
							case inv.ProjectsByName["calc-migration-temp"] != 0:
								return fmt.Errorf("%d temporary app(s) left: a duplicate was not removed", inv.ProjectsByName["calc-migration-temp"])
							case inv.ProjectJobs.Completed < 1:
								return fmt.Errorf("no create-app job completed: %+v", inv.ProjectJobs)
							case n.LinkedProjectID != mxCalcProject:
								return fmt.Errorf("the v4 node holds %s, want the real app", n.LinkedProjectID)
							case n.UploadedPackages != 1:
								return fmt.Errorf("%d packages uploaded, want exactly 1", n.UploadedPackages)
							case e.UploadedSnapshots != 1:
								return fmt.Errorf("%d backups uploaded, want exactly 1", e.UploadedSnapshots)
							case e.Restores.Requested != 1 || e.Restores.Completed != 1:
								return fmt.Errorf("restores %+v, want exactly 1, completed", e.Restores)
							case e.StartJobs.Requested != 1:
								return fmt.Errorf("start jobs %+v, want exactly 1", e.StartJobs)
							case e.Restored == nil || e.Restored.ArchiveSHA256 != v3.SHA256 || e.Restored.DBRows != v3.DBRows:
								return fmt.Errorf("restored %+v, v3 newest backup %+v", e.Restored, v3)
							case e.Status != mendix.EnvRunning:
								return fmt.Errorf("v4 environment %s", e.Status)
							}
							faulted := env.sb.Faulted("", "/mendix/")
							if faulted == 0 {
								return fmt.Errorf("no fault was injected: the seed tests nothing")
							}
							t.Logf("seed %d: %d of %d Mendix requests met a fault; project jobs %+v", seed, faulted, env.sb.Requests("", "/mendix/"), inv.ProjectJobs)
							return nil
						},
					},
					{
						Config:           cfg,
						ConfigVariables:  offboarded,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
				},
			})
		})
	}
}
