package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// hideFreeAppsFromV4 makes the sandbox's Deploy API v4 answer 404 for every app no node links,
// as Mendix may for a project created with the Projects API (issue 10): only the Projects API
// then proves whether the temporary app exists.
func hideFreeAppsFromV4(t *testing.T, env *mxEnv) {
	t.Helper()
	if err := env.sb.SetMendixV4HidesFreeApps(true); err != nil {
		t.Fatal(err)
	}
}

// projectGone reports whether the Projects API (GET /v2/projects/{id}) answers 404 for id.
func projectGone(t *testing.T, env *mxEnv, id string) error {
	_, err := env.client(t).Project(context.Background(), id)
	switch {
	case mendix.IsNotFound(err):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("the Projects API still knows app %s", id)
}

func TestAccMendixTemporaryApp_V4NotShowingItIsNotDeletedAndDestroyDeletesIt(t *testing.T) {
	env := startMendixSandbox(t)
	hideFreeAppsFromV4(t, env)
	var projectID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if projectID == "" {
				return fmt.Errorf("no project recorded")
			}
			return projectGone(t, env, projectID)
		},
		Steps: []resource.TestStep{
			{
				Config: tempAppConfig(env, "calc-temp-hidden"),
				Check: func(s *terraform.State) error {
					projectID, _ = mxStateAttr(s, tempAppAddr, "project_id")
					if _, err := env.client(t).AppV4(context.Background(), projectID); !mendix.IsNotFound(err) {
						return fmt.Errorf("the sandbox should hide the unlinked app from Deploy v4, got %v", err)
					}
					return nil
				},
			},
			{
				// Deploy v4's 404 is not read as "deleted": the app is still there.
				Config:           tempAppConfig(env, "calc-temp-hidden"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("deleted"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("license_type"), knownvalue.StringExact("free")),
				},
			},
		},
	})
}

func TestAccMendixNodeLink_FinalLinkDeletesTemporaryAppFromProjectsAPIWhenV4HidesIt(t *testing.T) {
	env := startMendixSandbox(t)
	hideFreeAppsFromV4(t, env)
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
				Check: func(s *terraform.State) error {
					if deleted, _ := mxStateAttr(s, finalLinkAddr, "deleted_app_id"); deleted != tempID {
						return fmt.Errorf("deleted_app_id = %q, want the temporary app %s", deleted, tempID)
					}
					return projectGone(t, env, tempID)
				},
			},
			{
				Config:           final,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("deleted"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccMendixNodeLink_DeleteReplacedRefusesAnAppWithoutTheMarkerAtPlan(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	cfg := mendixProviderBlock(env) + fmt.Sprintf(`
resource "appmigrate_mendix_node_link" "app" {
  project_id             = %q
  node_id                = %q
  delete_replaced_app_id = %q
}
`, mxCalcProject, mxV4Node, mxSpareProject)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Refusing to delete an app this provider did\s+not\s+create.*carries no marker`),
		}},
	})
	if a, ok := mxApp(env, mxSpareProject); !ok || a.NodeID != mxV4Node {
		t.Fatalf("the spare app was deleted or lost its node: %+v", a)
	}
}

func TestAccMendixTemporaryApp_ImportRefusesMalformedUnknownAndForeignIDs(t *testing.T) {
	env := startMendixSandbox(t)
	cfg := func(id string) string {
		return mendixProviderBlock(env) + fmt.Sprintf(`
import {
  to = appmigrate_mendix_temporary_app.temp
  id = %q
}

resource "appmigrate_mendix_temporary_app" "temp" {
  name = "Inventory Demo"
}
`, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("not-a-uuid"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid import id.*"not-a-uuid" is not a project id`)},
			{Config: cfg("00000000-0000-4000-8000-000000000000"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)No such Mendix app to import.*knows no app with project id`)},
			{Config: cfg(mxSpareProject), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Not a temporary app made by this provider.*carries no marker`)},
		},
	})
	if _, ok := mxApp(env, mxSpareProject); !ok {
		t.Fatal("the foreign app is gone")
	}
}

func TestAccMendixTemporaryApp_ImportWithSummaryPlansNoReplacement(t *testing.T) {
	env := startMendixSandbox(t)
	const name, summary = "calc-temp-imported", "Holds the v4 node during the migration."
	marker, err := newProjectMarker(name)
	if err != nil {
		t.Fatal(err)
	}
	c := env.client(t)
	created, err := c.CreateProject(context.Background(), mendix.ProjectSpec{Name: name, Summary: markedSummary(summary, marker), Marker: marker})
	if err != nil {
		t.Fatal(err)
	}
	// The test sandbox finishes jobs at once but asynchronously: wait for it with the provider's
	// own poller (bounded by a minute, so a stuck job fails the test instead of hanging it).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var job *mendix.ProjectJob
	if _, err := transport.Poll(ctx, transport.PollOptions{Job: "the project job", Initial: 10 * time.Millisecond, Max: 100 * time.Millisecond},
		func(ctx context.Context) (transport.Status, error) {
			j, err := c.ProjectJob(ctx, created.JobID)
			if err != nil {
				return transport.Status{}, err
			}
			job = j
			return transport.Status{State: j.Status, Done: j.Status == mendix.ProjectJobCompleted, Failed: j.Status == mendix.ProjectJobFailed, Message: j.ErrorMessage}, nil
		}); err != nil {
		t.Fatal(err)
	}
	if job.ProjectID == "" {
		t.Fatalf("job %+v", job)
	}
	cfg := mendixProviderBlock(env) + fmt.Sprintf(`
import {
  to = appmigrate_mendix_temporary_app.temp
  id = %q
}

resource "appmigrate_mendix_temporary_app" "temp" {
  name    = %q
  summary = %q
}
`, job.ProjectID, name, summary)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(tempAppAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("marker"), knownvalue.StringExact(marker)),
					statecheck.ExpectKnownValue(tempAppAddr, tfjsonpath.New("summary"), knownvalue.StringExact(summary)),
				},
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
		CheckDestroy: func(*terraform.State) error { return projectGone(t, env, job.ProjectID) },
	})
}
