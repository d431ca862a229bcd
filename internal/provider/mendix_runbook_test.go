package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
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
				Config: cfg,
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
					statecheck.ExpectKnownOutputValueAtPath("offboarding_request", tfjsonpath.New("subject"), knownvalue.StringExact(
						"Offboard the Mendix Cloud v3 node of app calc (migrated to Cloud v4)")),
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
					return nil
				},
			},
			{
				// make demo's check: a second plan of the same configuration changes nothing,
				// though the v3 node has no app any more and the temporary app is gone.
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
