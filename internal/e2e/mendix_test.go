package e2e_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/e2e"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// Crash and Ctrl-C tests of the Mendix runbook's steps: terraform or the provider is stopped at a
// precise request (a sandbox hold), then the next apply must converge with exactly one of each
// object the step makes, and a plan after it must be empty.

// Default-fixture identities (internal/sandbox/doc.go).
const (
	mxV4Node    = "node-v4-calc"
	mxV4App     = "calc-v4"
	mxMode      = "Production"
	mxSpare     = "b7e0d9a4-6c3f-4e21-8d5b-0f2a9c4e7d02" // a free app the tests link to the v4 node
	mxV4ProdEnv = "d436e0cd-6200-4ac5-b858-849a6ddbb501"
	mxTempName  = "calc-crash-temp"
)

// mxTempConfig is the temporary app alone.
const mxTempConfig = e2e.RequiredProviders + e2e.FastProvider + `
resource "appmigrate_mendix_temporary_app" "temp" {
  name    = "` + mxTempName + `"
  summary = "Holds the v4 node during the crash test."
}
`

// mxTransferConfig copies the v3 package into the v4 node (held by the spare app).
const mxTransferConfig = e2e.RequiredProviders + e2e.FastProvider + `
resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = "calc"
  source_environment = "Production"
  app_id             = "calc-v4"
}
`

// mxRestoreConfig adds the transport and the backup restore.
const mxRestoreConfig = mxTransferConfig + `
resource "appmigrate_mendix_environment_deployment" "app" {
  app_id      = appmigrate_mendix_package_transfer.package.app_id
  environment = "Production"
  package_id  = appmigrate_mendix_package_transfer.package.package_id
}

resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = "calc"
  source_environment = "Production"
  project_id         = "` + mxSpare + `"
  environment_id     = "` + mxV4ProdEnv + `"
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
}

output "restore" {
  value = {
    sha256   = appmigrate_mendix_backup_restore.data.sha256
    restored = appmigrate_mendix_backup_restore.data.restored_sha256
  }
}
`

// mxStartConfig adds the settings and the start.
const mxStartConfig = mxRestoreConfig + `
resource "appmigrate_mendix_environment_settings" "app" {
  source_app_id      = "calc"
  source_environment = "Production"
  app_id             = appmigrate_mendix_environment_deployment.app.app_id
  environment        = appmigrate_mendix_environment_deployment.app.environment
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
}

resource "appmigrate_mendix_environment_start" "app" {
  app_id        = appmigrate_mendix_environment_deployment.app.app_id
  environment   = appmigrate_mendix_environment_deployment.app.environment
  deployment_id = appmigrate_mendix_environment_deployment.app.id
  settings_id   = appmigrate_mendix_environment_settings.app.id
  restore_id    = appmigrate_mendix_backup_restore.data.id
}
`

// mxWant is what the v4 side must hold after the re-apply; -1 means not checked.
type mxWant struct {
	tempApps, packages, backups, restores, startJobs int
}

func (w mxWant) check(t *testing.T, sb *sandbox.Sandbox) {
	t.Helper()
	inv := sb.Inventory().Mendix
	n := inv.Nodes[mxV4App]
	e := n.Environments[mxMode]
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"temporary apps", inv.ProjectsByName[mxTempName], w.tempApps},
		{"uploaded packages", n.UploadedPackages, w.packages},
		{"uploaded backups", e.UploadedSnapshots, w.backups},
		{"restores", e.Restores.Requested, w.restores},
		{"start jobs", e.StartJobs.Requested, w.startJobs},
	} {
		if c.want >= 0 && c.got != c.want {
			t.Errorf("%d %s on the sandbox, want exactly %d (inventory %+v)", c.got, c.what, c.want, inv)
		}
	}
	if w.restores > 0 {
		if e.Restored == nil || e.Restored.SnapshotID == "" {
			t.Errorf("the v4 environment records no completed restore: %+v", e)
		}
	}
}

// mxCrash is one place a run is stopped, and what must hold after the next apply.
type mxCrash struct {
	name   string
	config string
	hold   sandbox.HoldRule
	kills  []e2e.Kill
	want   mxWant
}

func mxBackups(rest string) string {
	return "/mendix/deploy/api/v2/apps/" + mxSpare + "/environments/" + mxV4ProdEnv + rest
}

var mxCrashes = []mxCrash{
	{
		name: "TemporaryAppCreateProcessedAnswerHeld", config: mxTempConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: "/mendix/projects/v2/projects", When: sandbox.HoldAfter},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider, e2e.KillTerraform},
		want:  mxWant{tempApps: 1, packages: -1, backups: -1, restores: -1, startJobs: -1},
	},
	{
		name: "TemporaryAppWaitingForTheJob", config: mxTempConfig,
		hold:  sandbox.HoldRule{Method: http.MethodGet, PathPrefix: "/mendix/projects/v2/projects/jobs/"},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider},
		want:  mxWant{tempApps: 1, packages: -1, backups: -1, restores: -1, startJobs: -1},
	},
	{
		name: "PackageUploadProcessedAnswerHeld", config: mxTransferConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: "/mendix/deploy/api/v2/apps/calc-v4/packages/upload", When: sandbox.HoldAfter},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider, e2e.KillTerraform},
		want:  mxWant{tempApps: -1, packages: 1, backups: -1, restores: -1, startJobs: -1},
	},
	{
		// The body was sent in full, the server never acted on it: the next apply uploads once.
		name: "PackageUploadSentNotProcessed", config: mxTransferConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: "/mendix/deploy/api/v2/apps/calc-v4/packages/upload", When: sandbox.HoldBefore},
		kills: []e2e.Kill{e2e.KillProvider},
		want:  mxWant{tempApps: -1, packages: 1, backups: -1, restores: -1, startJobs: -1},
	},
	{
		name: "BackupUploadSentNotProcessed", config: mxRestoreConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: mxBackups("/snapshots/upload"), When: sandbox.HoldBefore},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillTerraform},
		want:  mxWant{tempApps: -1, packages: 1, backups: 1, restores: 1, startJobs: -1},
	},
	{
		name: "BackupUploadProcessedAnswerHeld", config: mxRestoreConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: mxBackups("/snapshots/upload"), When: sandbox.HoldAfter},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider},
		want:  mxWant{tempApps: -1, packages: 1, backups: 1, restores: 1, startJobs: -1},
	},
	{
		name: "RestoreRequestProcessedAnswerHeld", config: mxRestoreConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: mxBackups("/restores"), When: sandbox.HoldAfter},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider, e2e.KillTerraform},
		want:  mxWant{tempApps: -1, packages: 1, backups: 1, restores: 1, startJobs: -1},
	},
	{
		name: "WaitingForTheRestore", config: mxRestoreConfig,
		hold:  sandbox.HoldRule{Method: http.MethodGet, PathPrefix: mxBackups("/restores/")},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider},
		want:  mxWant{tempApps: -1, packages: 1, backups: 1, restores: 1, startJobs: -1},
	},
	{
		name: "StartRequestProcessedAnswerHeld", config: mxStartConfig,
		hold:  sandbox.HoldRule{Method: http.MethodPost, PathPrefix: "/mendix/deploy/api/1/apps/calc-v4/environments/Production/start", When: sandbox.HoldAfter},
		kills: []e2e.Kill{e2e.Interrupt, e2e.KillProvider},
		want:  mxWant{tempApps: -1, packages: 1, backups: 1, restores: 1, startJobs: 1},
	},
}

func TestMendixCrash_NextApplyConvergesWithOneOfEach(t *testing.T) {
	e2e.PreCheck(t)
	for _, c := range mxCrashes {
		for _, kill := range c.kills {
			t.Run(c.name+"/"+kill.String(), func(t *testing.T) {
				t.Parallel()
				sb := e2e.StartSandbox(t, sandbox.Options{})
				if c.config != mxTempConfig {
					if err := sb.LinkMendixNode(mxV4Node, mxSpare); err != nil {
						t.Fatal(err)
					}
				}
				w := e2e.NewWorkspace(t, sb, map[string]string{"main.tf": c.config})
				crashed := w.CrashApply(t, c.hold, kill)
				if crashed.ExitCode == 0 {
					t.Fatalf("the stopped apply reported success: %s", crashed)
				}
				if kill == e2e.Interrupt {
					checkInterruptedUntainted(t, w, crashed)
				}
				w.MustApply(t)
				w.MustPlanEmpty(t)
				c.want.check(t, sb)
				if c.config == mxRestoreConfig {
					checkRestoredOutputs(t, w)
				}
			})
		}
	}
}

// checkInterruptedUntainted asserts Ctrl-C left the step in state, saved as unfinished and not
// tainted: the next plan updates it in place instead of replacing it.
func checkInterruptedUntainted(t *testing.T, w *e2e.Workspace, crashed e2e.Result) {
	t.Helper()
	if !strings.Contains(crashed.Output, "interrupted") {
		t.Fatalf("Ctrl-C must end the step with the interrupted warning: %s", crashed)
	}
	plan := w.Plan(t)
	if plan.ExitCode != 2 {
		t.Fatalf("after Ctrl-C the plan must resume the step: %s", plan)
	}
	if strings.Contains(plan.Output, "tainted") || strings.Contains(plan.Output, "must be replaced") {
		t.Fatalf("Ctrl-C must not taint (the step is resumed, not replaced): %s\n\nthe interrupted apply: %s", plan, crashed)
	}
}

// checkRestoredOutputs asserts the digest read from v3 equals the digest of what v4 restored.
func checkRestoredOutputs(t *testing.T, w *e2e.Workspace) {
	t.Helper()
	raw := w.Outputs(t)["restore"]
	var out struct {
		SHA256   string `json:"sha256"`
		Restored string `json:"restored"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || out.SHA256 == "" || out.SHA256 != out.Restored {
		t.Fatalf("restore output %s: sha256 and restored_sha256 must be equal (%v)", raw, err)
	}
}

func TestMendixCrash_RefreshKeepsARunningCreateJobAndTheNextApplyAwaitsIt(t *testing.T) {
	e2e.PreCheck(t)
	dir := t.TempDir()
	// Jobs take an hour: the create job is still running when terraform looks again.
	slow, err := sandbox.New(sandbox.Options{DataDir: dir, JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if err := slow.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(slow.URL(), "http://")
	w := e2e.NewWorkspace(t, slow, map[string]string{"main.tf": mxTempConfig})
	crashed := w.CrashApply(t, sandbox.HoldRule{Method: http.MethodGet, PathPrefix: "/mendix/projects/v2/projects/jobs/"}, e2e.Interrupt)
	checkInterruptedUntainted(t, w, crashed)

	// A refresh sees the job still running: the resource stays, recorded as the job.
	refresh := w.Run(t, "apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	if refresh.ExitCode != 0 {
		t.Fatalf("refresh: %s", refresh)
	}
	show := w.Run(t, "state", "show", "-no-color", "appmigrate_mendix_temporary_app.temp")
	if show.ExitCode != 0 || !strings.Contains(show.Output, `"job:`) {
		t.Fatalf("the refresh must keep the running job's placeholder: %s", show)
	}
	if inv := slow.Inventory().Mendix; inv.ProjectJobs.Requested != 1 || inv.ProjectsByName[mxTempName] != 0 {
		t.Fatalf("one job, still running, no app yet: %+v", inv)
	}

	// The platform finishes the job (here: the sandbox restarts with instant jobs).
	if err := slow.Close(); err != nil {
		t.Fatal(err)
	}
	fast, err := sandbox.New(sandbox.Options{DataDir: dir, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := fast.Start(addr); err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = fast.Close() })

	w.MustApply(t)
	w.MustPlanEmpty(t)
	inv := fast.Inventory().Mendix
	if inv.ProjectJobs.Requested != 1 || inv.ProjectsByName[mxTempName] != 1 {
		t.Fatalf("want the one job awaited and one app, got %+v", inv)
	}
}

func TestMendixExample_ImportIntoTheShippedExampleThenPlan(t *testing.T) {
	e2e.PreCheck(t)
	sb := e2e.StartSandbox(t, sandbox.Options{})
	if err := sb.LinkMendixNode(mxV4Node, mxSpare); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		root, err := e2e.RepoRoot()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(root, "examples", "mendix-cloud-v3-to-v4", f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(raw)
	}
	w := e2e.NewWorkspace(t, sb, files)
	// An operator adopts the v4 settings by hand: only they are in state, so source_constants and
	// every other step's attributes are null when the outputs are evaluated.
	imp := w.Run(t, "import", "-input=false", "-no-color", "appmigrate_mendix_environment_settings.app", mxV4App+"/"+mxMode)
	if imp.ExitCode != 0 {
		t.Fatalf("import into the shipped example: %s", imp)
	}
	if out := w.Run(t, "output", "-json"); out.ExitCode != 0 {
		t.Fatalf("outputs after the import: %s", out)
	}
	plan := w.Plan(t)
	if plan.ExitCode != 2 || strings.Contains(plan.Output, "null value") {
		t.Fatalf("the plan after the import must work and show the remaining steps: %s", plan)
	}
}
