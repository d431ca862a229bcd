package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/mendix"
)

const deploymentAddr = "appmigrate_mendix_environment_deployment.app"

func deploymentConfig(env *mxEnv) string {
	return transferConfig(env) + fmt.Sprintf(`
resource "appmigrate_mendix_environment_deployment" "app" {
  app_id      = appmigrate_mendix_package_transfer.package.app_id
  environment = %q
  package_id  = appmigrate_mendix_package_transfer.package.package_id
}
`, mxMode)
}

// checkDeployedStopped asserts the v4 environment has the package in state deployed and is stopped.
func checkDeployedStopped(env *mxEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		want, _ := mxStateAttr(s, deploymentAddr, "package_id")
		e, err := env.sb.MendixEnvironment(mxV4App, mxMode)
		if err != nil {
			return err
		}
		if e.PackageID != want || e.Status != mendix.EnvStopped || e.ModelVersion != mxV3ModelVer {
			return fmt.Errorf("v4 environment: package %s (want %s), status %s, model %s", e.PackageID, want, e.Status, e.ModelVersion)
		}
		return nil
	}
}

// uploadAnotherPackage puts a second copy of the v3 package into the v4 repository and deploys it,
// as someone working in the portal would.
func uploadAnotherPackage(t *testing.T, env *mxEnv) {
	t.Helper()
	ctx := context.Background()
	c := env.client(t)
	pkg, err := c.DeployedPackage(ctx, mxSourceApp, mxMode, true)
	if err != nil {
		t.Fatal(err)
	}
	dl := c.NewDownload("test", pkg.DownloadURL, func(ctx context.Context) (string, error) {
		p, err := c.DeployedPackage(ctx, mxSourceApp, mxMode, true)
		if err != nil {
			return "", err
		}
		return p.DownloadURL, nil
	})
	up, err := c.UploadPackage(ctx, mxV4App, mendix.PackageUpload{FileName: "by-hand.mda"}, dl.Source())
	if err != nil {
		t.Fatal(err)
	}
	for {
		s, err := c.Job(ctx, mxV4App, up.JobID)
		if err != nil {
			t.Fatal(err)
		}
		if s == mendix.JobCompleted {
			break
		}
		if s == mendix.JobFailed {
			t.Fatalf("job %s failed", up.JobID)
		}
	}
	if err := c.Transport(ctx, mxV4App, mxMode, up.PackageID); err != nil {
		t.Fatal(err)
	}
}

func TestAccMendixEnvironmentDeployment_TransportsLeavesStoppedImportsAndRedeploys(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: deploymentConfig(env),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(deploymentAddr, tfjsonpath.New("model_version"), knownvalue.StringExact(mxV3ModelVer)),
					statecheck.ExpectKnownValue(deploymentAddr, tfjsonpath.New("mendix_version"), knownvalue.StringExact("9.24.0")),
					statecheck.ExpectKnownValue(deploymentAddr, tfjsonpath.New("environment_id"), knownvalue.StringExact(mxV4ProdEnv)),
				},
				Check: checkDeployedStopped(env),
			},
			{
				ResourceName:                         deploymentAddr,
				ImportState:                          true,
				ImportStateId:                        mxV4App + "/" + mxMode,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "app_id",
				ImportStateVerifyIgnore:              []string{"timeouts"},
			},
			{
				Config:           deploymentConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Another package deployed by hand: the plan deploys ours again.
				PreConfig: func() { uploadAnotherPackage(t, env) },
				Config:    deploymentConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(deploymentAddr, plancheck.ResourceActionReplace),
				}},
				Check: checkDeployedStopped(env),
			},
		},
	})
}

func TestAccMendixEnvironmentDeployment_StopsARunningEnvironmentFirst(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					// Something already runs on the v4 environment.
					uploadAnotherPackage(t, env)
					if _, err := env.client(t).Start(context.Background(), mxV4App, mxMode, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: deploymentConfig(env),
				Check:  checkDeployedStopped(env),
			},
		},
	})
}
