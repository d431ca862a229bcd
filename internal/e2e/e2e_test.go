package e2e_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/e2e"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

func TestMain(m *testing.M) { os.Exit(e2e.Main(m)) }

// readCalc is the smallest configuration that calls a vendor: one data source read.
const readCalc = e2e.RequiredProviders + e2e.FastProvider + `
data "appmigrate_mendix_app" "calc" {
  app_id = "calc"
}

output "calc_project_id" {
  value = data.appmigrate_mendix_app.calc.project_id
}
`

// calcProject is the default fixture's project id of the app behind "calc".
const calcProject = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"

func TestCrashApply_KilledDuringADataSourceReadThenTheRerunSucceeds(t *testing.T) {
	e2e.PreCheck(t)
	for kill, want := range map[e2e.Kill]*regexp.Regexp{
		// A killed plugin is reported either way, depending on where terraform was waiting.
		e2e.KillProvider:  regexp.MustCompile(`Plugin did not respond|Request cancelled`),
		e2e.KillTerraform: regexp.MustCompile(`data\.appmigrate_mendix_app\.calc: Reading\.\.\.`),
		e2e.Interrupt:     regexp.MustCompile(`Interrupt received`),
	} {
		t.Run(kill.String(), func(t *testing.T) {
			sb := e2e.StartSandbox(t, sandbox.Options{})
			w := e2e.NewWorkspace(t, sb, map[string]string{"main.tf": readCalc})

			crashed := w.CrashApply(t, sandbox.HoldRule{Method: "GET", PathPrefix: "/mendix/deploy/api/1/apps/calc"}, kill)
			if crashed.ExitCode == 0 || !want.MatchString(crashed.Output) {
				t.Fatalf("want a failed apply saying %q: %s", want, crashed)
			}
			if len(crashed.Held) != 1 || crashed.Held[0].Path != "/mendix/deploy/api/1/apps/calc" || crashed.Held[0].When != sandbox.HoldBefore {
				t.Fatalf("held %+v", crashed.Held)
			}
			if kill == e2e.KillTerraform {
				if crashed.ExitCode != -1 {
					t.Fatalf("a SIGKILLed terraform exited by itself: %s", crashed)
				}
				if _, err := os.Stat(filepath.Join(w.Dir, ".terraform.tfstate.lock.info")); !os.IsNotExist(err) {
					t.Fatalf("the killed terraform's lock file is still there: %v", err)
				}
			}
			if held := sb.Held(); len(held) != 0 {
				t.Fatalf("still held after the crash: %+v", held)
			}

			w.MustApply(t)
			var id string
			if err := json.Unmarshal(w.Outputs(t)["calc_project_id"], &id); err != nil || id != calcProject {
				t.Fatalf("output %q, %v", id, err)
			}
			w.MustPlanEmpty(t)
		})
	}
}

func TestRepoRoot_IsTheModuleRoot(t *testing.T) {
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"go.mod", "main.go", "GNUmakefile"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestWorkspace_EnvIsHermeticAndPointsAtTheSandbox(t *testing.T) {
	e2e.PreCheck(t) // NewWorkspace builds the provider
	t.Setenv("APPMIGRATE_BACKENDLESS_PASSWORD", "the developer's own")
	t.Setenv("TF_LOG", "trace")
	sb := e2e.StartSandbox(t, sandbox.Options{})
	w := e2e.NewWorkspace(t, sb, nil)
	env := strings.Join(w.Env, "\n") + "\n"
	for _, want := range []string{
		"APPMIGRATE_BACKENDLESS_PASSWORD=sandbox-password\n",
		"APPMIGRATE_MENDIX_PAT=SANDBOX-MX-PAT\n",
		"APPMIGRATE_MENDIX_CLOUD_URL=" + sb.Endpoints().MendixCloudURL + "\n",
		"APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS=A1B2C3D4-0000-4000-8000-000000000301=LEGACY-REST-SECRET-crm,",
		"CHECKPOINT_DISABLE=1\n",
		"TF_CLI_CONFIG_FILE=" + filepath.Join(w.Dir, ".terraformrc") + "\n",
	} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %q", want)
		}
	}
	for _, leak := range []string{"the developer's own", "TF_LOG=trace"} {
		if strings.Contains(env, leak) {
			t.Errorf("env leaks %q", leak)
		}
	}
}

// A workspace whose files name subdirectories installs them as local modules: the module
// inherits the root's provider configuration and its outputs reach the root.
func TestWorkspace_InstallsLocalModulesFromSubdirectories(t *testing.T) {
	e2e.PreCheck(t)
	sb := e2e.StartSandbox(t, sandbox.Options{})
	w := e2e.NewWorkspace(t, sb, map[string]string{
		"main.tf": e2e.RequiredProviders + e2e.FastProvider + `
module "read" {
  source   = "./modules/read"
  for_each = toset(["calc"])
  app_id   = each.key
}

output "calc_project_id" {
  value = module.read["calc"].project_id
}
`,
		"modules/read/main.tf": e2e.RequiredProviders + `
variable "app_id" {
  type = string
}

data "appmigrate_mendix_app" "this" {
  app_id = var.app_id
}

output "project_id" {
  value = data.appmigrate_mendix_app.this.project_id
}
`,
	})
	if _, err := os.Stat(filepath.Join(w.Dir, ".terraform", "modules", "modules.json")); err != nil {
		t.Fatalf("terraform get did not install the module: %v", err)
	}
	w.MustApply(t)
	var id string
	if err := json.Unmarshal(w.Outputs(t)["calc_project_id"], &id); err != nil || id != calcProject {
		t.Fatalf("output %q, %v", id, err)
	}
	w.MustPlanEmpty(t)
}

// A file name that leaves the workspace is a mistake in the test, not a subdirectory.
func TestWorkspace_WritesNoFileOutsideIt(t *testing.T) {
	e2e.PreCheck(t)
	sb := e2e.StartSandbox(t, sandbox.Options{})
	ft := &fatalRecorder{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errFatal {
				panic(r)
			}
		}()
		e2e.NewWorkspace(ft, sb, map[string]string{"../escape.tf": "# no"})
	}()
	if !ft.failed {
		t.Fatal("NewWorkspace wrote ../escape.tf")
	}
}

func TestBackground_FindsTheProviderBelowTerraform(t *testing.T) {
	e2e.PreCheck(t)
	sb := e2e.StartSandbox(t, sandbox.Options{})
	w := e2e.NewWorkspace(t, sb, map[string]string{"main.tf": readCalc})
	if err := sb.Hold(sandbox.HoldRule{Method: "GET", PathPrefix: "/mendix/deploy/", When: sandbox.HoldAfter}); err != nil {
		t.Fatal(err)
	}
	run := w.Start(t, "plan", "-input=false", "-no-color")
	if _, err := sb.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	pids, err := run.ProviderPIDs()
	if err != nil || len(pids) != 1 {
		t.Fatalf("provider processes %v, %v: want the one serving the read", pids, err)
	}
	exe, err := os.Readlink("/proc/" + itoa(pids[0]) + "/exe")
	if err != nil || filepath.Base(exe) != "terraform-provider-appmigrate" {
		t.Fatalf("pid %d runs %q (%v)", pids[0], exe, err)
	}
	sb.ReleaseHolds()
	if r := run.Wait(t, e2eWait); r.ExitCode != 0 {
		t.Fatalf("plan: %s", r)
	}
	if pids, _ := run.ProviderPIDs(); len(pids) != 0 {
		t.Fatalf("provider processes after terraform exited: %v", pids)
	}
}
