package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const (
	tempLinkAddr  = "appmigrate_mendix_node_link.temporary"
	finalLinkAddr = "appmigrate_mendix_node_link.app"
)

// finalLinkConfig is tempLinkConfig plus the final link of the real app, which deletes the
// temporary app.
func finalLinkConfig(env *mxEnv) string {
	return tempLinkConfig(env) + fmt.Sprintf(`
resource "appmigrate_mendix_node_link" "app" {
  project_id             = %q
  node_id                = %q
  after                  = [appmigrate_mendix_node_link.temporary.id]
  delete_replaced_app_id = appmigrate_mendix_temporary_app.temp.project_id
}
`, mxCalcProject, mxV4Node)
}

func tempLinkConfig(env *mxEnv) string {
	return tempAppConfig(env, "calc-temp") + fmt.Sprintf(`
resource "appmigrate_mendix_node_link" "temporary" {
  project_id = appmigrate_mendix_temporary_app.temp.project_id
  node_id    = %q
}
`, mxV4Node)
}

// mxApp returns the sandbox's view of an app.
func mxApp(env *mxEnv, projectID string) (sandbox.MendixApp, bool) {
	for _, a := range env.sb.MendixApps() {
		if strings.EqualFold(a.ProjectID, projectID) {
			return a, true
		}
	}
	return sandbox.MendixApp{}, false
}

func TestAccMendixNodeLink_LinksVerifiesAndImports(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tempLinkConfig(env),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("subdomain"), knownvalue.StringExact(mxV4App)),
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("status"), knownvalue.StringExact("linked")),
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("environments"), knownvalue.MapExact(map[string]knownvalue.Check{
						"Production": knownvalue.StringExact(mxV4ProdEnv),
						"Acceptance": knownvalue.StringExact("d436e0cd-6200-4ac5-b858-849a6ddbb502"),
					})),
				},
				Check: func(s *terraform.State) error {
					id, _ := mxStateAttr(s, tempLinkAddr, "project_id")
					a, ok := mxApp(env, id)
					if !ok || a.LicenseType != "licensed" || a.NodeID != mxV4Node {
						return fmt.Errorf("sandbox shows %+v", a)
					}
					return nil
				},
			},
			{
				ResourceName:            tempLinkAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{
				Config:           tempLinkConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			releaseNodeStep(t, env, tempLinkConfig(env)),
		},
	})
}

func TestAccMendixNodeLink_FinalLinkDeletesTemporaryAppAndPlanStaysEmpty(t *testing.T) {
	env := startMendixSandbox(t)
	final := finalLinkConfig(env)
	var tempID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: tempLinkConfig(env),
				Check: func(s *terraform.State) error {
					tempID, _ = mxStateAttr(s, tempAppAddr, "project_id")
					return nil
				},
			},
			{
				Config: final,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(finalLinkAddr, tfjsonpath.New("subdomain"), knownvalue.StringExact(mxV4App)),
				},
				Check: func(s *terraform.State) error {
					if deleted, _ := mxStateAttr(s, finalLinkAddr, "deleted_app_id"); deleted != tempID {
						return fmt.Errorf("deleted_app_id = %q, want the temporary app %s", deleted, tempID)
					}
					if _, ok := mxApp(env, tempID); ok {
						return fmt.Errorf("the temporary app %s still exists", tempID)
					}
					if a, _ := mxApp(env, mxCalcProject); a.NodeID != mxV4Node {
						return fmt.Errorf("the real app is on %q, not the v4 node", a.NodeID)
					}
					return nil
				},
			},
			{
				// The end state is stable: the temporary app is not created again, its link is
				// not re-made (that would take the node back), nothing else changes.
				Config:           final,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("deleted"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("status"), knownvalue.StringExact("replaced")),
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("replaced_by_project_id"), knownvalue.StringExact(mxCalcProject)),
					statecheck.ExpectKnownValue(finalLinkAddr, tfjsonpath.New("status"), knownvalue.StringExact("linked")),
				},
			},
		},
	})
}

func manualLinkConfig(env *mxEnv, timeout string) string {
	return mendixProviderBlock(env) + fmt.Sprintf(`
resource "appmigrate_mendix_node_link" "temporary" {
  project_id = %q
  node_id    = %q
  subdomain  = %q
  mode       = "manual"

  timeouts = {
    create = %q
  }
}
`, mxSpareProject, mxV4Node, mxV4App, timeout)
}

func TestAccMendixNodeLink_ManualModeCompletesWhenThePortalActionIsPlayed(t *testing.T) {
	env := startMendixSandbox(t)
	appPath := "/mendix/cloud/api/v4/apps/" + mxSpareProject
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// A person clicks "Use this Node" once apply is waiting: after the provider's
					// look at the app before the wait and its first look during it.
					polling := env.tap.after(2, func(r mxRequest) bool { return r.Method == http.MethodGet && r.Path == appPath })
					go func() {
						<-polling
						if err := env.sb.LinkMendixNode(mxV4Node, mxSpareProject); err != nil {
							t.Errorf("portal link: %v", err)
						}
					}()
				},
				Config: manualLinkConfig(env, "5m"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("status"), knownvalue.StringExact("linked")),
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("environments").AtMapKey("Production"), knownvalue.StringExact(mxV4ProdEnv)),
				},
				Check: func(*terraform.State) error {
					if n := len(env.tap.requests(func(r mxRequest) bool { return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/node") })); n != 0 {
						return fmt.Errorf("manual mode must not call the modeled link endpoint (%d calls)", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccMendixNodeLink_ManualModePlanShowsTheClicksAndTimesOutClearly(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      manualLinkConfig(env, "1s"),
				ExpectError: regexp.MustCompile(`(?s)manual step not done.*Timed out after .* waiting for someone to link the app.*Select\s+Node.*Use\s+this\s+Node.*run apply again`),
			},
		},
	})
	if a, _ := mxApp(env, mxSpareProject); a.LicenseType != "free" {
		t.Fatalf("nothing may be linked by the provider in manual mode: %+v", a)
	}
}

func TestAccMendixNodeLink_OutOfBandUnlinkPlansARelink(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: tempLinkConfig(env)},
			{
				// The temporary app is moved to the v3 node by hand: no app holds the v4 node
				// after that, so the plan links it again.
				PreConfig: func() {
					for _, a := range env.sb.MendixApps() {
						if a.Name == "calc-temp" {
							if err := env.sb.LinkMendixNode("node-v3-calc", a.ProjectID); err != nil {
								t.Fatal(err)
							}
						}
					}
				},
				Config: tempLinkConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tempLinkAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempLinkAddr, tfjsonpath.New("subdomain"), knownvalue.StringExact(mxV4App)),
				},
			},
			{
				// Put the real app back where it was, so the v3 node is as the fixture had it.
				PreConfig: func() {
					if err := env.sb.LinkMendixNode("node-v3-calc", mxCalcProject); err != nil {
						t.Fatal(err)
					}
				},
				Config: tempLinkConfig(env),
			},
			releaseNodeStep(t, env, tempLinkConfig(env)),
		},
	})
}

func TestAccMendixNodeLink_MissingPATNamedAtPlan(t *testing.T) {
	env := startMendixSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "appmigrate" {
  mendix = {
    deploy_url = %q
    username   = %q
    api_key    = %q
  }
}

resource "appmigrate_mendix_node_link" "temporary" {
  project_id = %q
  node_id    = %q
}
`, env.e.MendixDeployURL, mxUser, mxAPIKey, mxSpareProject, mxV4Node),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)personal access token missing.*mendix.pat.*APPMIGRATE_MENDIX_PAT`),
			},
		},
	})
}
