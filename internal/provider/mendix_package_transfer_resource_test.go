package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const transferAddr = "appmigrate_mendix_package_transfer.package"

// transferConfig copies the v3 package into the v4 node's repository (the node holds the spare app).
func transferConfig(env *mxEnv) string {
	return mendixProviderBlock(env) + fmt.Sprintf(`
resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = %q
  source_environment = %q
  app_id             = %q
}
`, mxSourceApp, mxMode, mxV4App)
}

// mxPackage returns a package of a node's repository by id.
func mxPackage(t *testing.T, env *mxEnv, appID, packageID string) (sandbox.MendixPackage, bool) {
	t.Helper()
	pkgs, err := env.sb.MendixPackages(appID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if p.PackageID == packageID {
			return p, true
		}
	}
	return sandbox.MendixPackage{}, false
}

// checkSameBytesAsV3 compares the state's digest with the v3 package and the copy in v4.
func checkSameBytesAsV3(t *testing.T, env *mxEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v3, err := env.sb.MendixPackages(mxSourceApp)
		if err != nil || len(v3) != 1 {
			return fmt.Errorf("v3 packages: %v %v", v3, err)
		}
		id, _ := mxStateAttr(s, transferAddr, "package_id")
		sum, _ := mxStateAttr(s, transferAddr, "sha256")
		size, _ := mxStateAttr(s, transferAddr, "bytes")
		v4, ok := mxPackage(t, env, mxV4App, id)
		if !ok {
			return fmt.Errorf("package %s is not in the v4 repository", id)
		}
		if sum != v3[0].SHA256 || v4.SHA256 != v3[0].SHA256 || size != fmt.Sprint(v3[0].Size) || v4.Status != "Succeeded" {
			return fmt.Errorf("digests differ: state %s/%s, v3 %s/%d, v4 %s (%s)", sum, size, v3[0].SHA256, v3[0].Size, v4.SHA256, v4.Status)
		}
		return nil
	}
}

func TestAccMendixPackageTransfer_StreamsVerifiesAndRecopiesWhenDeleted(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	var first string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if pkgs, _ := env.sb.MendixPackages(mxV4App); len(pkgs) != 0 {
				return fmt.Errorf("destroy left %d package(s) in the v4 repository", len(pkgs))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: transferConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// Known at plan time: the reviewer sees which package is copied under which name.
					plancheck.ExpectKnownValue(transferAddr, tfjsonpath.New("file_name"), knownvalue.StringExact("Main line-2.5.4.63.mda")),
					plancheck.ExpectKnownValue(transferAddr, tfjsonpath.New("source_package_id"), knownvalue.StringExact("b3d14e53-2654-4534-b374-9179a69ef3cf")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(transferAddr, tfjsonpath.New("model_version"), knownvalue.StringExact(mxV3ModelVer)),
					statecheck.ExpectKnownValue(transferAddr, tfjsonpath.New("source_model_version"), knownvalue.StringExact(mxV3ModelVer)),
					statecheck.ExpectKnownValue(transferAddr, tfjsonpath.New("project_id"), knownvalue.StringExact(mxSpareProject)),
				},
				Check: resource.ComposeTestCheckFunc(checkSameBytesAsV3(t, env), func(s *terraform.State) error {
					first, _ = mxStateAttr(s, transferAddr, "package_id")
					// Pre-signed downloads carry no Mendix credential: the sandbox answers 400
					// InvalidArgument to one that does, so every storage GET must have been a 200.
					for _, r := range env.tap.requests(mxOnStorage) {
						if r.Status != http.StatusOK {
							return fmt.Errorf("storage answered %d to %s", r.Status, r.Path)
						}
					}
					return nil
				}),
			},
			{
				Config:           transferConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Deleted in the portal: the plan copies it again.
				PreConfig: func() {
					if err := env.client(t).DeletePackage(context.Background(), mxV4App, first); err != nil {
						t.Fatal(err)
					}
				},
				Config: transferConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(transferAddr, plancheck.ResourceActionCreate),
				}},
				Check: checkSameBytesAsV3(t, env),
			},
		},
	})
}

func TestAccMendixPackageTransfer_ExpiredDownloadURLGetsAFreshOne(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	env.expireLinksBeforeFirstDownload(t, "Main line")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: transferConfig(env),
				Check: resource.ComposeTestCheckFunc(checkSameBytesAsV3(t, env), func(*terraform.State) error {
					if err := env.checkRefusedThenFresh("Main line"); err != nil {
						return err
					}
					withURL := env.tap.requests(func(r mxRequest) bool {
						return r.Method == http.MethodGet && strings.HasSuffix(r.Path, "/apps/calc/environments/Production/package") && strings.Contains(r.Query, "url=true")
					})
					if len(withURL) < 2 {
						return fmt.Errorf("want the v3 download URL asked for again after the refusal, saw %d url=true reads", len(withURL))
					}
					return nil
				}),
			},
		},
	})
}

func TestAccMendixPackageTransfer_UnknownSourceFailsAtPlan(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: mendixProviderBlock(env) + `
resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = "calc"
  source_environment = "Acceptance"
  app_id             = "calc-v4"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Cloud v3 environment not found.*ENVIRONMENT_NOT_FOUND.*source_environment`),
			},
		},
	})
}

func TestAccMendixPackageTransfer_JobReadOutageIsRiddenOutWithOneUpload(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	// The upload succeeds, then every attempt of the first job read fails: a 500 is an outage, so
	// the wait rides it out instead of failing the step (and nothing is uploaded twice).
	env.sb.ScriptFault(http.MethodGet, "/mendix/deploy/api/v2/apps/calc-v4/jobs/", sandbox.Fault500, 5)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: transferConfig(env),
				Check: resource.ComposeTestCheckFunc(checkSameBytesAsV3(t, env), func(*terraform.State) error {
					if n := env.sb.Faulted(http.MethodGet, "/mendix/deploy/api/v2/apps/calc-v4/jobs/"); n != 5 {
						return fmt.Errorf("want the 5 scripted job-read faults met, got %d", n)
					}
					return checkOnePackageUploaded(env)
				}),
			},
		},
	})
}

// checkOnePackageUploaded asserts the v4 repository holds exactly one package and one upload reached it.
func checkOnePackageUploaded(env *mxEnv) error {
	pkgs, err := env.sb.MendixPackages(mxV4App)
	if err != nil || len(pkgs) != 1 {
		return fmt.Errorf("want exactly one package in the v4 repository, got %d (%v)", len(pkgs), err)
	}
	return nil
}

func TestAccMendixPackageTransfer_FailureAfterUploadIsTaintedAndReapplyAdoptsThePackage(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	// The upload succeeds, then storage refuses every link to read the copy back (expired links):
	// the step fails after the package exists. The package id must be in state (tainted), and the
	// next apply must adopt that package (same name, size and bytes) instead of uploading again.
	var refuse atomic.Bool
	env.tap.onRequest(func(r *http.Request) {
		if refuse.Load() && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, mxStoragePrefix) {
			if err := env.sb.ExpireMendixDownloadURLs(); err != nil {
				t.Errorf("expire: %v", err)
			}
		}
	})
	uploaded := env.tap.after(1, func(r mxRequest) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/packages/upload")
	})
	go func() { <-uploaded; refuse.Store(true) }()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      transferConfig(env),
				ExpectError: regexp.MustCompile(`(?s)Copying the deployment package.*reading the package back from v4.*storage refused`),
			},
			{
				PreConfig: func() { refuse.Store(false) },
				Config:    transferConfig(env),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(transferAddr, plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeTestCheckFunc(checkSameBytesAsV3(t, env), func(*terraform.State) error {
					if n := len(env.tap.requests(func(r mxRequest) bool {
						return r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/packages/upload")
					})); n != 1 {
						return fmt.Errorf("want one upload in all, the re-apply adopting it; saw %d", n)
					}
					return checkOnePackageUploaded(env)
				}),
			},
		},
	})
}
