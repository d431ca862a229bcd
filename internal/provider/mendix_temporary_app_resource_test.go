package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

const tempAppAddr = "appmigrate_mendix_temporary_app.temp"

func tempAppConfig(env *mxEnv, name string) string {
	return mendixProviderBlock(env) + fmt.Sprintf(`
resource "appmigrate_mendix_temporary_app" "temp" {
  name    = %q
  summary = "Holds the v4 node during the migration."
}
`, name)
}

// mxAppNamed returns the project id of the sandbox app called name ("" when none) and how many there are.
func mxAppNamed(env *mxEnv, name string) (string, int) {
	id, n := "", 0
	for _, a := range env.sb.MendixApps() {
		if a.Name == name {
			id = a.ProjectID
			n++
		}
	}
	return id, n
}

func TestAccMendixTemporaryApp_CreateImportEmptyPlanDestroy(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if _, n := mxAppNamed(env, "calc-temp"); n != 0 {
				return fmt.Errorf("destroy left %d app(s) named calc-temp", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: tempAppConfig(env, "calc-temp"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("project_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f-]{36}$`))),
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("license_type"), knownvalue.StringExact("free")),
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("deleted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("job_id"), knownvalue.NotNull()),
				},
				Check: func(s *terraform.State) error {
					id, n := mxAppNamed(env, "calc-temp")
					if n != 1 || s.RootModule().Resources[tempAppAddr].Primary.ID != id {
						return fmt.Errorf("want exactly one app calc-temp with the id in state, sandbox has %d (%s)", n, id)
					}
					return nil
				},
			},
			{
				ResourceName:            tempAppAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "summary", "job_id"},
			},
			{
				Config:           tempAppConfig(env, "calc-temp"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccMendixTemporaryApp_DeletedOutsideIsNotCreatedAgain(t *testing.T) {
	env := startMendixSandbox(t)
	var projectID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tempAppConfig(env, "calc-temp-gone"),
				Check: func(s *terraform.State) error {
					projectID = s.RootModule().Resources[tempAppAddr].Primary.ID
					return nil
				},
			},
			{
				// Retired (here: deleted by hand, which the platform cannot tell apart): the plan
				// stays empty and the record says deleted.
				PreConfig: func() {
					if err := env.client(t).DeleteProject(context.Background(), projectID); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config:           tempAppConfig(env, "calc-temp-gone"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("deleted"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if _, n := mxAppNamed(env, "calc-temp-gone"); n != 0 {
						return fmt.Errorf("the deleted temporary app was created again (%d)", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccMendixTemporaryApp_DestroyWhileLinkedSaysLinkTheRealAppFirst(t *testing.T) {
	env := startMendixSandbox(t)
	var projectID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tempAppConfig(env, "calc-temp-linked"),
				Check: func(s *terraform.State) error {
					projectID = s.RootModule().Resources[tempAppAddr].Primary.ID
					return env.sb.LinkMendixNode(mxV4Node, projectID)
				},
			},
			{
				Config:      tempAppConfig(env, "calc-temp-linked"),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)still linked to a node.*HTTP 409.*Link\s+the\s+real\s+app\s+to\s+the\s+node\s+first.*delete_replaced_app_id`),
			},
			{
				// The runbook's way out: another app takes the node, then the delete goes through.
				PreConfig: func() { env.linkSpareApp(t) },
				Config:    tempAppConfig(env, "calc-temp-linked"),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			for _, a := range env.sb.MendixApps() {
				if strings.EqualFold(a.ProjectID, projectID) {
					return fmt.Errorf("app %s survived the destroy", projectID)
				}
			}
			return nil
		},
	})
}
