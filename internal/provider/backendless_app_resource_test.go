package provider

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

const appAddr = "appmigrate_backendless_app.target"

func appConfig(sb *sandbox.Sandbox, name string, protect bool) string {
	return providerBlock(sb, sandboxPassword) + fmt.Sprintf(`
resource "appmigrate_backendless_app" "target" {
  name                = %q
  deletion_protection = %t
}
`, name, protect)
}

// appsNamed counts the sandbox's apps called name: a duplicate create shows up here.
func appsNamed(sb *sandbox.Sandbox, name string) int {
	n := 0
	for _, a := range sb.BackendlessApps() {
		if a.Name == name {
			n++
		}
	}
	return n
}

// checkAppInSandbox asserts that the id in state is an app of that name in the sandbox.
func checkAppInSandbox(sb *sandbox.Sandbox, name string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[appAddr]
		if !ok {
			return fmt.Errorf("%s not in state", appAddr)
		}
		for _, a := range sb.BackendlessApps() {
			if a.ID == rs.Primary.ID {
				if a.Name != name {
					return fmt.Errorf("app %s is named %q in the sandbox, want %q", a.ID, a.Name, name)
				}
				return nil
			}
		}
		return fmt.Errorf("app %s from state does not exist in the sandbox", rs.Primary.ID)
	}
}

func TestAccBackendlessApp_CreateImportRenameEmptyPlan(t *testing.T) {
	sb := startSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if n := appsNamed(sb, "crm-v5-renamed"); n != 0 {
				return fmt.Errorf("destroy left %d app(s) behind", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: appConfig(sb, "crm-v5", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAddr, plancheck.ResourceActionCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(appAddr, tfjsonpath.New("name"), knownvalue.StringExact("crm-v5")),
					statecheck.ExpectKnownValue(appAddr, tfjsonpath.New("zone"), knownvalue.StringExact("US")),
					statecheck.ExpectKnownValue(appAddr, tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9A-Fa-f-]{8,}$`))),
					statecheck.ExpectKnownValue(appAddr, tfjsonpath.New("created_at"), knownvalue.NotNull()),
				},
				Check: checkAppInSandbox(sb, "crm-v5"),
			},
			{
				ResourceName:            appAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts", "deletion_protection"},
			},
			{
				// The same configuration again: nothing to do.
				Config: appConfig(sb, "crm-v5", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A new name renames in place; the id stays.
				Config: appConfig(sb, "crm-v5-renamed", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAddr, plancheck.ResourceActionUpdate)},
				},
				Check: checkAppInSandbox(sb, "crm-v5-renamed"),
			},
		},
	})
}

func TestAccBackendlessApp_RecreatedAfterOutOfBandDelete(t *testing.T) {
	sb := startSandbox(t)
	var firstID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: appConfig(sb, "orders-v5", false),
				Check: func(s *terraform.State) error {
					firstID = s.RootModule().Resources[appAddr].Primary.ID
					return nil
				},
			},
			{
				// Someone deletes the app in the console; the next plan creates it again.
				PreConfig: func() {
					if err := sb.DeleteBackendlessApp(firstID); err != nil {
						t.Fatalf("out-of-band delete: %v", err)
					}
				},
				Config: appConfig(sb, "orders-v5", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(appAddr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeTestCheckFunc(
					checkAppInSandbox(sb, "orders-v5"),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources[appAddr].Primary.ID; id == firstID {
							return fmt.Errorf("expected a new app, got the deleted id %s again", id)
						}
						if n := appsNamed(sb, "orders-v5"); n != 1 {
							return fmt.Errorf("want exactly 1 app named orders-v5, sandbox has %d", n)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccBackendlessApp_DeletionProtectionRefusesDestroy(t *testing.T) {
	sb := startSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// deletion_protection defaults to true.
				Config: providerBlock(sb, sandboxPassword) + `
resource "appmigrate_backendless_app" "target" {
  name = "billing-v5"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(appAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
				},
			},
			{
				Config:      appConfig(sb, "billing-v5", true),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)deletion_protection is true.*Set\s+deletion_protection = false`),
			},
			{
				// Still there after the refused destroy; turning protection off lets the test's destroy run.
				Config: appConfig(sb, "billing-v5", false),
				Check:  checkAppInSandbox(sb, "billing-v5"),
			},
		},
	})
}

// putTargetFile uploads a file into a 5.0 app through the documented REST upload, as the app's
// owner would: the app is then no longer blank.
func putTargetFile(t *testing.T, sb *sandbox.Sandbox, app sandbox.BackendlessApp, name, content string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", name)
	_, _ = part.Write([]byte(content))
	_ = mw.Close()
	resp, err := http.Post(sb.Endpoints().BackendlessAPIURL+"/"+app.ID+"/"+app.RESTAPIKey+"/files/"+name, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload %s: HTTP %d", name, resp.StatusCode)
	}
}

func TestAccBackendlessApp_NameTakenShowsImportCommand(t *testing.T) {
	sb := startSandbox(t)
	existing, err := sb.CreateBackendlessApp(sandboxLogin, "taken-v5")
	if err != nil {
		t.Fatal(err)
	}
	// The app is in use (it holds a file): it is someone's, not a leftover of an interrupted apply.
	putTargetFile(t, sb, existing, "notes.txt", "in use")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      appConfig(sb, "taken-v5", false),
				ExpectError: regexp.MustCompile(`(?s)already exists.*terraform import appmigrate_backendless_app\.<name>\s+` + regexp.QuoteMeta(existing.ID)),
			},
		},
	})
	if n := appsNamed(sb, "taken-v5"); n != 1 {
		t.Fatalf("the refused create must not add an app: %d apps named taken-v5", n)
	}
}

func TestAccBackendlessApp_BlankAppOfAnInterruptedApplyIsAdopted(t *testing.T) {
	sb := startSandbox(t)
	// What an apply killed right after the console created the app leaves: a blank app of that
	// name, created moments ago, and nothing in state.
	leftover, err := sb.CreateBackendlessApp(sandboxLogin, "crashed-v5")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: appConfig(sb, "crashed-v5", false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(appAddr, tfjsonpath.New("id"), knownvalue.StringExact(leftover.ID)),
				},
				Check: func(*terraform.State) error {
					if n := appsNamed(sb, "crashed-v5"); n != 1 {
						return fmt.Errorf("want the one app adopted, sandbox has %d", n)
					}
					if n := sb.Requests("POST", "/console/applications"); n != 0 {
						return fmt.Errorf("no create may be sent for an adopted app, sandbox saw %d", n)
					}
					return nil
				},
			},
			{
				Config: appConfig(sb, "crashed-v5", false),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccBackendlessApp_WrongPasswordNamesTheCredentials(t *testing.T) {
	sb := startSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(sb, "not-the-password") + `
resource "appmigrate_backendless_app" "target" {
  name = "never-created"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Backendless login refused.*code 3003.*backendless.password\s+\(APPMIGRATE_BACKENDLESS_PASSWORD\)`),
			},
		},
	})
	if n := appsNamed(sb, "never-created"); n != 0 {
		t.Fatalf("no app may be created with a refused login, found %d", n)
	}
}

func TestAccBackendlessApp_MissingPlatformBlockFailsAtPlan(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "appmigrate" {}

resource "appmigrate_backendless_app" "target" {
  name = "no-credentials"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)needs the provider's\s+` + "`backendless`" + `\s+block.*APPMIGRATE_BACKENDLESS_LOGIN`),
			},
		},
	})
}

func TestAccBackendlessApp_InvalidNameRejectedAtPlan(t *testing.T) {
	sb := startSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      appConfig(sb, " padded ", false),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid app name.*starts or ends with a space`),
			},
			{
				Config: providerBlock(sb, sandboxPassword) + `
resource "appmigrate_backendless_app" "target" {
  name = "zoned"
  zone = "ASIA"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)zone.*value must be one of`),
			},
		},
	})
	if len(sb.BackendlessApps()) != 0 {
		t.Fatal("a rejected plan must not create anything")
	}
}

func TestAccBackendlessApp_CreateRetriedWithoutDuplicate(t *testing.T) {
	sb := startSandbox(t)
	// The first two create attempts are answered 503; the provider retries only after a
	// lookup shows nothing was created, and ends with exactly one app.
	sb.ScriptFault("POST", "/console/applications", sandbox.Fault503, 2)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: appConfig(sb, "flaky-v5", false),
				Check: resource.ComposeTestCheckFunc(
					checkAppInSandbox(sb, "flaky-v5"),
					func(*terraform.State) error {
						if n := appsNamed(sb, "flaky-v5"); n != 1 {
							return fmt.Errorf("want 1 app after retries, got %d", n)
						}
						if n := sb.Requests("POST", "/console/applications"); n != 3 {
							return fmt.Errorf("want 3 create attempts (2 refused + 1), sandbox saw %d", n)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccProvider_InvalidURLNamesAttribute(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "appmigrate" {
  backendless = {
    console_url = "develop.backendless.com"
    login       = "dev@example.com"
    password    = "x"
  }
}

data "appmigrate_backendless_app" "any" {
  name = "x"
}
`,
				ExpectError: regexp.MustCompile(`(?s)backendless.console_url.*must start with https://`),
			},
		},
	})
}

func TestAccProvider_PlainHTTPRefusedOutsideLoopback(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
provider "appmigrate" {
  mendix = {
    deploy_url = "http://deploy.mendix.com"
    username   = "dev@example.com"
    api_key    = "x"
  }
}

data "appmigrate_mendix_app" "any" {
  app_id = "calc"
}
`,
				ExpectError: regexp.MustCompile(`(?s)mendix.deploy_url.*plain http to\s+deploy.mendix.com.*use https://`),
			},
		},
	})
}
