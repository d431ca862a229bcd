package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// Weather-proofing of the Mendix steps: each create POST and each read of a step meets a fault,
// the first apply must still succeed, the sandbox must hold exactly one of each object the step
// makes, and a second plan must be empty.

// mxFault is one scripted fault aimed at the requests whose path starts with path.
type mxFault struct {
	method, path string
	fault        sandbox.Fault
	n            int
}

func (f mxFault) String() string {
	segs := strings.Split(strings.Trim(f.path, "/"), "/")
	return fmt.Sprintf("%s_%s_%s_x%d", f.method, segs[len(segs)-1], f.fault, f.n)
}

// mxCreateFaults are the ways a POST that creates something goes wrong on the way: before the
// handler (nothing happened), after it (happened, answer lost or replaced by a 5xx), delivered
// twice; uploads also lose their request body part-way.
func mxCreateFaults(path string, upload bool) []mxFault {
	fs := []sandbox.Fault{sandbox.FaultResetResponse, sandbox.Fault500After, sandbox.Fault502After, sandbox.FaultDropAnswer,
		sandbox.FaultDuplicate, sandbox.Fault502, sandbox.Fault429}
	if upload {
		fs = append(fs, sandbox.FaultResetRequest)
	}
	out := make([]mxFault, 0, len(fs))
	for _, f := range fs {
		out = append(out, mxFault{method: http.MethodPost, path: path, fault: f, n: 1})
	}
	return out
}

// mxInventory is the sandbox's count of the v4 node's objects.
func mxInventory(env *mxEnv) (sandbox.MendixNodeInventory, sandbox.MendixEnvironmentInventory) {
	n := env.sb.Inventory().Mendix.Nodes[mxV4App]
	return n, n.Environments[mxMode]
}

// mxCounts is what a step must leave on the v4 node; -1 means not checked.
type mxCounts struct {
	packages, uploadedBackups, restores, startJobs int
}

func checkCounts(env *mxEnv, want mxCounts) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n, e := mxInventory(env)
		for _, c := range []struct {
			what      string
			got, want int
		}{
			{"uploaded packages", n.UploadedPackages, want.packages},
			{"uploaded backups", e.UploadedSnapshots, want.uploadedBackups},
			{"restores", e.Restores.Requested, want.restores},
			{"start jobs", e.StartJobs.Requested, want.startJobs},
		} {
			if c.want >= 0 && c.got != c.want {
				return fmt.Errorf("the v4 node holds %d %s, want exactly %d (inventory %+v)", c.got, c.what, c.want, n)
			}
		}
		return nil
	}
}

// runThroughFault applies cfg once with f scripted, checks, then asserts an empty second plan.
func runThroughFault(t *testing.T, env *mxEnv, f mxFault, cfg string, check resource.TestCheckFunc) {
	env.sb.ScriptFault(f.method, f.path, f.fault, f.n)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(check, func(*terraform.State) error {
					if got := env.sb.Faulted(f.method, f.path); got < 1 {
						return fmt.Errorf("the fault %v never met a request", f)
					}
					return nil
				}),
			},
			{
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

func TestAccMendixTemporaryApp_ThroughFaultsExactlyOneApp(t *testing.T) {
	faults := append(mxCreateFaults("/mendix/projects/v2/projects", false),
		mxFault{http.MethodGet, "/mendix/projects/v2/projects/jobs/", sandbox.Fault500, 5},
		mxFault{http.MethodGet, "/mendix/projects/v2/projects/jobs/", sandbox.FaultResetResponse, 3},
		mxFault{http.MethodGet, "/mendix/projects/v2/accounts/", sandbox.FaultResetResponse, 2},
		mxFault{http.MethodGet, "/mendix/projects/v2/projects", sandbox.Fault503, 2},
	)
	for _, f := range faults {
		t.Run(f.String(), func(t *testing.T) {
			env := startMendixSandbox(t)
			name := "calc-temp-" + f.fault.String()
			runThroughFault(t, env, f, tempAppConfig(env, name), func(s *terraform.State) error {
				id, n := mxAppNamed(env, name)
				if n != 1 || s.RootModule().Resources[tempAppAddr].Primary.ID != id {
					return fmt.Errorf("want exactly one app %s, the one in state; the sandbox has %d (%s)", name, n, id)
				}
				marker, _ := mxStateAttr(s, tempAppAddr, "marker")
				if len(marker) == 0 {
					return fmt.Errorf("no marker in state")
				}
				return nil
			})
		})
	}
}

func TestAccMendixPackageTransfer_ThroughFaultsExactlyOnePackage(t *testing.T) {
	faults := append(mxCreateFaults("/mendix/deploy/api/v2/apps/calc-v4/packages/upload", true),
		mxFault{http.MethodGet, "/mendix/deploy/api/1/apps/calc-v4/packages", sandbox.FaultResetResponse, 3},
		mxFault{http.MethodGet, "/mendix/deploy/api/v2/apps/calc-v4/jobs/", sandbox.Fault500, 5},
		mxFault{http.MethodGet, mxStoragePrefix, sandbox.FaultResetResponse, 2},
	)
	for _, f := range faults {
		t.Run(f.String(), func(t *testing.T) {
			env := startMendixSandbox(t)
			env.linkSpareApp(t)
			runThroughFault(t, env, f, transferConfig(env), resource.ComposeTestCheckFunc(checkSameBytesAsV3(t, env),
				checkCounts(env, mxCounts{packages: 1, uploadedBackups: -1, restores: -1, startJobs: -1})))
		})
	}
}

func TestAccMendixBackupRestore_ThroughFaultsExactlyOneUploadAndOneRestore(t *testing.T) {
	base := "/mendix/deploy/api/v2/apps/" + mxSpareProject + "/environments/" + mxV4ProdEnv
	faults := append(mxCreateFaults(base+"/snapshots/upload", true), mxCreateFaults(base+"/restores", false)...)
	faults = append(faults,
		mxFault{http.MethodGet, base + "/snapshots", sandbox.FaultResetResponse, 3},
		mxFault{http.MethodPut, base + "/snapshots/", sandbox.FaultResetResponse, 2},
		mxFault{http.MethodGet, base + "/restores/", sandbox.Fault500, 5},
		mxFault{http.MethodPost, base + "/snapshots/", sandbox.FaultResetResponse, 1}, // the archive request of the verification
	)
	for _, f := range faults {
		t.Run(f.String(), func(t *testing.T) {
			opts := sandbox.Options{JobDuration: -1}
			if f.fault == sandbox.FaultDuplicate && f.path == base+"/restores" {
				// A restore takes a while (minutes on Mendix): the second delivery then finds the
				// environment busy, as it would there, rather than racing an instant job.
				opts.JobDuration = 300 * time.Millisecond
			}
			env := startMendixSandboxWith(t, opts)
			env.linkSpareApp(t)
			runThroughFault(t, env, f, restoreConfig(env, "api", "10m"), resource.ComposeTestCheckFunc(checkRestoredLikeV3(env),
				checkCounts(env, mxCounts{packages: 1, uploadedBackups: 1, restores: 1, startJobs: -1})))
		})
	}
}

func TestAccMendixEnvironmentStart_ThroughFaultsExactlyOneStartJob(t *testing.T) {
	env0 := "/mendix/deploy/api/1/apps/calc-v4/environments/Production"
	faults := append(mxCreateFaults(env0+"/start", false),
		mxFault{http.MethodGet, env0 + "/start/", sandbox.Fault500, 5},
		mxFault{http.MethodGet, env0 + "/start/", sandbox.FaultResetResponse, 2},
		mxFault{http.MethodPost, env0 + "/settings", sandbox.FaultResetResponse, 1},
		mxFault{http.MethodPost, env0 + "/transport", sandbox.Fault502After, 1},
		mxFault{http.MethodPost, "/mendix/cloud/api/v4/apps/", sandbox.FaultResetResponse, 1},
	)
	for _, f := range faults {
		t.Run(f.String(), func(t *testing.T) {
			env := startMendixSandbox(t)
			env.linkSpareApp(t)
			check := resource.ComposeTestCheckFunc(checkRunningWithAPIURL(env, "https://calc-api.example.com"),
				checkCounts(env, mxCounts{packages: 1, uploadedBackups: 1, restores: 1, startJobs: 1}))
			cfg := startConfig(env, "")
			if f.path == "/mendix/cloud/api/v4/apps/" {
				cfg = nodeLinkThenStartConfig(env)
			}
			runThroughFault(t, env, f, cfg, check)
		})
	}
}

// nodeLinkThenStartConfig is startConfig after the modeled node link of the spare app (already
// linked: the link is repeated, as a re-run would).
func nodeLinkThenStartConfig(env *mxEnv) string {
	return startConfig(env, "") + fmt.Sprintf(`
resource "appmigrate_mendix_node_link" "again" {
  project_id = %q
  node_id    = %q
}
`, mxSpareProject, mxV4Node)
}

// mxOutage is more failures in a row than a read's attempts and rounds (the transport's five,
// four rounds): an outage that outlasts the refresh.
const mxOutage = 100

// checkFaultsMet asserts n scripted faults met requests with that prefix (the step really ran
// through them).
func checkFaultsMet(env *mxEnv, method, prefix string, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := env.sb.Faulted(method, prefix); got < n {
			return fmt.Errorf("want %d faults met on %s %s, got %d", n, method, prefix, got)
		}
		return nil
	}
}

func TestAccMendixBackupRestore_RefreshErrorsNeverDropTheRestore(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	cfg := restoreConfig(env, "api", "10m")
	base := "/mendix/deploy/api/v2/apps/" + mxSpareProject + "/environments/" + mxV4ProdEnv
	v4App := "/mendix/cloud/api/v4/apps/" + mxSpareProject
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, Check: checkRestoredLikeV3(env)},
			{
				// Five 500s in a row on the restore read: the refresh rides them out.
				PreConfig:        func() { env.sb.ScriptFault(http.MethodGet, base+"/restores/", sandbox.Fault500, 5) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkFaultsMet(env, http.MethodGet, base+"/restores/", 5),
			},
			{
				// The final link retires the app the restore ran under: Backups v2 answers 404
				// for it now, and Deploy v4 keeps failing when asked why. The case: such
				// a 500 once dropped the restore from state. The refresh fails and keeps it.
				PreConfig: func() {
					env.sb.ClearFaults()
					if err := env.sb.LinkMendixNode(mxV4Node, mxCalcProject); err != nil {
						t.Fatal(err)
					}
					env.sb.ScriptFault(http.MethodGet, v4App, sandbox.Fault500, mxOutage)
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`(?s)Backups API v2 no longer shows it.*HTTP\s+500`),
			},
			{
				// The outage over: the restore is kept as the record of a retired app, and
				// nothing plans a second restore over the live data.
				PreConfig: env.sb.ClearFaults,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(restoreAddr, plancheck.ResourceActionNoop),
				}},
				Check: checkCounts(env, mxCounts{packages: -1, uploadedBackups: 1, restores: 1, startJobs: -1}),
			},
		},
	})
}

func TestAccMendixTemporaryApp_RefreshErrorsNeverDropTheApp(t *testing.T) {
	env := startMendixSandbox(t)
	cfg := tempAppConfig(env, "calc-temp-refresh")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:        func() { env.sb.ScriptFault(http.MethodGet, "/mendix/projects/v2/projects/", sandbox.Fault500, 5) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkFaultsMet(env, http.MethodGet, "/mendix/projects/v2/projects/", 5),
			},
			{
				PreConfig: func() {
					env.sb.ScriptFault(http.MethodGet, "/mendix/projects/v2/projects/", sandbox.Fault500, mxOutage)
				},
				Config:      cfg,
				ExpectError: regexp.MustCompile(`HTTP\s+500`),
			},
			{
				PreConfig:        env.sb.ClearFaults,
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if _, n := mxAppNamed(env, "calc-temp-refresh"); n != 1 {
						return fmt.Errorf("want the one app kept, the sandbox has %d", n)
					}
					return nil
				},
			},
		},
	})
}

func TestAccMendixPackageTransfer_RefreshErrorsNeverDropThePackage(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	cfg := transferConfig(env)
	pkgs := "/mendix/deploy/api/1/apps/calc-v4/packages/"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig:        func() { env.sb.ScriptFault(http.MethodGet, pkgs, sandbox.Fault500, 5) },
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkFaultsMet(env, http.MethodGet, pkgs, 5),
			},
			{
				PreConfig:   func() { env.sb.ScriptFault(http.MethodGet, pkgs, sandbox.Fault500, mxOutage) },
				Config:      cfg,
				ExpectError: regexp.MustCompile(`HTTP\s+500`),
			},
			{
				PreConfig:        env.sb.ClearFaults,
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkCounts(env, mxCounts{packages: 1, uploadedBackups: -1, restores: -1, startJobs: -1}),
			},
		},
	})
}

func TestAccMendixEnvironmentStart_PermanentStartFailureIsNotAskedAgain(t *testing.T) {
	env := startMendixSandbox(t)
	env.linkSpareApp(t)
	if err := env.sb.ScriptMendixStartFailure(mxV4App, mxMode, "DB_SYNC_FAILED"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      startConfig(env, ""),
				ExpectError: regexp.MustCompile(`start failed with DB_SYNC_FAILED`),
			},
			{
				Config: startConfig(env, ""),
				Check: resource.ComposeTestCheckFunc(checkRunningWithAPIURL(env, "https://calc-api.example.com"), func(*terraform.State) error {
					reads := env.tap.requests(func(r mxRequest) bool {
						return r.Method == http.MethodGet && r.Status == http.StatusInternalServerError && strings.Contains(r.Path, "/environments/Production/start/")
					})
					if len(reads) != 1 {
						return fmt.Errorf("the documented start failure must be read once, not retried: %d reads answered 500", len(reads))
					}
					_, e := mxInventory(env)
					if e.StartJobs.Requested != 2 || e.StartJobs.Failed != 1 {
						return fmt.Errorf("start jobs %+v: want the failed one and the one of the re-apply", e.StartJobs)
					}
					return nil
				}),
			},
		},
	})
}
