package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/e2e"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// The Backendless 3.x → 5.0 runbook (examples/backendless-v3-to-v5, as shipped) through crashes,
// Ctrl-C and a faulty network, with the provider built from this repository and the real
// terraform CLI. Each test asserts the same end: exactly one object of each kind on the sandbox
// side (one archive job, one app, one uploaded files archive with the source's bytes, one import
// that loaded the source's rows), tables_match and files_archive_match true, and an empty plan.

// backendlessExample is the example runbook with short polls; credentials and URLs come from
// the workspace's environment, as they do for a user.
func backendlessExample(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "examples", "backendless-v3-to-v5")
	files := map[string]string{}
	for _, name := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	if !strings.Contains(files["main.tf"], `provider "appmigrate" {}`) {
		t.Fatal("the example has no empty provider block to give short polls")
	}
	files["main.tf"] = strings.Replace(files["main.tf"], `provider "appmigrate" {}`, e2e.FastProvider, 1)
	return files
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// Paths of the runbook's calls, from the sandbox root.
const (
	bkArchivePOST  = "/backendless3/api/v1/migration-to-4/archive"
	bkArchiveJob   = "/backendless3/api/v1/migration-to-4/archive/"
	bkAppsPOST     = "/backendless/console/console/applications"
	bkFilesAPI     = "/backendless/api/"
	bkConsoleApps  = "/backendless/console/"
	bkTargetName   = "crm-v5"
	bkSourceApp    = "A1B2C3D4-0000-4000-8000-000000000301"
	bkSourceName   = "crm"
	bkSourceVer    = "v1"
	bkImportMarker = "/console/import/"
)

// checkBackendlessRunbook asserts one object of each kind, nothing lost, both verification
// outputs true and an empty plan.
func checkBackendlessRunbook(t *testing.T, w *e2e.Workspace) {
	t.Helper()
	sb := w.Sandbox
	inv := sb.Inventory().Backendless
	if n := inv.AppsByName[bkTargetName]; n != 1 {
		t.Errorf("want 1 app named %s, the sandbox has %d", bkTargetName, n)
	}
	if jobs := inv.ArchiveJobs[bkSourceName+"/"+bkSourceVer]; jobs.Requested != 1 || jobs.Completed != 1 {
		t.Errorf("want 1 archive job, completed: %+v", jobs)
	}
	for _, app := range inv.Apps {
		if app.Name != bkTargetName {
			continue
		}
		if len(app.Files) != 1 {
			t.Errorf("want 1 uploaded files archive, the app holds %v", app.Files)
		}
		for p := range app.Files {
			size, sum, _ := sb.BackendlessFile(app.ID, p)
			srcSize, srcSum, ok := sb.LegacyFileDigest(bkSourceApp, bkSourceVer, "migration-to-4/"+p)
			if !ok || size != srcSize || sum != srcSum {
				t.Errorf("uploaded %s: %d bytes %s; source %d bytes %s", p, size, sum, srcSize, srcSum)
			}
		}
		if app.Loaded != 1 || app.Imports.Completed != 1 {
			t.Errorf("want 1 import that loaded data: loaded %d, imports %+v", app.Loaded, app.Imports)
		}
		want := sb.LegacyTableCounts(bkSourceApp, bkSourceVer)
		if len(app.Tables) != len(want) {
			t.Errorf("tables: source %v, target %v", want, app.Tables)
		}
		for table, rows := range want {
			if app.Tables[table] != rows {
				t.Errorf("table %s: source %d rows, target %d", table, rows, app.Tables[table])
			}
		}
	}
	out := w.Outputs(t)
	for _, name := range []string{"tables_match", "files_archive_match"} {
		if string(out[name]) != "true" {
			t.Errorf("output %s = %s", name, out[name])
		}
	}
	w.MustPlanEmpty(t)
}

// bkCrashPoint is a request of the runbook at which a run is cut short.
type bkCrashPoint struct {
	name string
	hold sandbox.HoldRule
	// once is the create call the vendor acted on at the hold: it must not be sent again.
	once string
}

var bkCrashPoints = []bkCrashPoint{
	{"archive_requested_answer_lost", sandbox.HoldRule{Method: "POST", PathPrefix: bkArchivePOST, When: sandbox.HoldAfter}, bkArchivePOST},
	{"archive_waiting", sandbox.HoldRule{Method: "GET", PathPrefix: bkArchiveJob}, ""},
	{"app_created_answer_lost", sandbox.HoldRule{Method: "POST", PathPrefix: bkAppsPOST, When: sandbox.HoldAfter}, bkAppsPOST},
	{"upload_sent_not_stored", sandbox.HoldRule{Method: "POST", PathPrefix: bkFilesAPI}, ""},
	{"upload_stored_answer_lost", sandbox.HoldRule{Method: "POST", PathPrefix: bkFilesAPI, When: sandbox.HoldAfter}, bkFilesAPI},
	{"import_sent_not_started", sandbox.HoldRule{Method: "POST", PathPrefix: bkConsoleApps + "*" + bkImportMarker}, ""},
	{"import_started_answer_lost", sandbox.HoldRule{Method: "POST", PathPrefix: bkConsoleApps + "*" + bkImportMarker, When: sandbox.HoldAfter}, bkImportMarker},
	{"import_following_the_log", sandbox.HoldRule{Method: "GET", PathPrefix: bkConsoleApps + "*/console/files/download/migration/"}, ""},
}

// TestBackendlessRunbook_CrashAnywhereConvergesWithOneOfEach kills the provider, kills
// terraform, or interrupts it (Ctrl-C) at each create POST of the runbook (before the vendor saw
// it, and after it acted but before the answer) and at each wait. The next apply converges with
// exactly one object of each kind, and a create the vendor had acted on is never sent again.
// After Ctrl-C the step cut short is saved untainted, so the next apply resumes it in place.
func TestBackendlessRunbook_CrashAnywhereConvergesWithOneOfEach(t *testing.T) {
	e2e.PreCheck(t)
	for _, kill := range []e2e.Kill{e2e.KillProvider, e2e.KillTerraform, e2e.Interrupt} {
		for _, p := range bkCrashPoints {
			t.Run(kill.String()+"/"+p.name, func(t *testing.T) {
				t.Parallel()
				sb := e2e.StartSandbox(t, sandbox.Options{})
				w := e2e.NewWorkspace(t, sb, backendlessExample(t))
				hold := p.hold
				if strings.Contains(hold.PathPrefix, "*") {
					hold.PathPrefix = resolveImportPrefix(t, w, hold.PathPrefix)
				}
				crashed := w.CrashApply(t, hold, kill)
				if crashed.ExitCode == 0 {
					t.Fatalf("the cut-short apply succeeded: %s", crashed)
				}
				if kill == e2e.Interrupt {
					if tainted := taintedIn(t, w); len(tainted) > 0 {
						t.Errorf("Ctrl-C must not taint: %v\n%s", tainted, crashed)
					}
				}
				sent := 0
				if p.once != "" {
					sent = acted(sb, p.once)
				}
				w.MustApply(t)
				if p.once != "" {
					if after := acted(sb, p.once); after != sent {
						t.Errorf("%s: sent %d time(s) before the crash, %d after the next apply", p.once, sent, after)
					}
				}
				checkBackendlessRunbook(t, w)
			})
		}
	}
}

// acted counts the POST requests the sandbox received whose path contains part.
func acted(sb *sandbox.Sandbox, part string) int {
	switch part {
	case bkImportMarker:
		return sb.Requests("POST", bkConsoleApps) - sb.Requests("POST", bkConsoleApps+"console/")
	default:
		return sb.Requests("POST", part)
	}
}

// resolveImportPrefix turns a pattern with the target app's id as "*" into the path: the
// steps before the import are applied first (they are not what the test cuts short), and the
// app id is read from the state.
func resolveImportPrefix(t *testing.T, w *e2e.Workspace, pattern string) string {
	t.Helper()
	w.MustApply(t, "-target=appmigrate_backendless_file_upload.files")
	id := stateAttr(t, w, "appmigrate_backendless_app", "target", "id")
	return strings.Replace(pattern, "*", id, 1)
}

// stateAttr reads one attribute of a managed resource from the local state file.
func stateAttr(t *testing.T, w *e2e.Workspace, typ, name, attr string) string {
	t.Helper()
	for _, r := range readState(t, w) {
		if r.Type == typ && r.Name == name && len(r.Instances) > 0 {
			if v, ok := r.Instances[0].Attributes[attr].(string); ok {
				return v
			}
		}
	}
	t.Fatalf("%s.%s.%s is not in the state", typ, name, attr)
	return ""
}

type stateResource struct {
	Mode, Type, Name string
	Instances        []struct {
		Status     string         `json:"status"`
		Attributes map[string]any `json:"attributes"`
	}
}

func readState(t *testing.T, w *e2e.Workspace) []stateResource {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Resources []stateResource }
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	return st.Resources
}

// taintedIn lists the tainted resources of the state.
func taintedIn(t *testing.T, w *e2e.Workspace) []string {
	t.Helper()
	var out []string
	for _, r := range readState(t, w) {
		for _, i := range r.Instances {
			if i.Status == "tainted" {
				out = append(out, r.Type+"."+r.Name)
			}
		}
	}
	return out
}

// TestBackendlessRunbook_ImportIntoTheExampleWhileAStepIsUnfinished is what users hit: an apply
// cut short leaves the archive unfinished (its results null) and the app's name is taken by an
// app in use, so the plan says "import it". The import must work with the example's outputs
// (which iterated over the null results and failed), and one apply then finishes the runbook.
func TestBackendlessRunbook_ImportIntoTheExampleWhileAStepIsUnfinished(t *testing.T) {
	e2e.PreCheck(t)
	sb := e2e.StartSandbox(t, sandbox.Options{})
	app, err := sb.CreateBackendlessApp("dev@example.com", bkTargetName)
	if err != nil {
		t.Fatal(err)
	}
	// In use (not blank), so it is not taken over silently: "name taken, import it".
	uploadTo(t, sb, app, "notes.txt", "kept")
	w := e2e.NewWorkspace(t, sb, backendlessExample(t))

	// Ctrl-C while the archive job is awaited; only that step runs (the whole plan stops at the name).
	if err := sb.Hold(sandbox.HoldRule{Method: "GET", PathPrefix: bkArchiveJob}); err != nil {
		t.Fatal(err)
	}
	run := w.Start(t, "apply", "-auto-approve", "-input=false", "-no-color", "-target=appmigrate_backendless_migration_archive.source")
	if _, err := sb.WaitHeld(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if err := run.Kill(e2e.Interrupt); err != nil {
		t.Fatal(err)
	}
	sb.ReleaseHolds()
	if r := run.Wait(t, e2eWait); !strings.Contains(r.Output, "interrupted") {
		t.Fatalf("want the interruption reported: %s", r)
	}
	if r := w.Plan(t); r.ExitCode != 1 || !regexp.MustCompile(`name already taken[\s\S]*terraform import appmigrate_backendless_app`).MatchString(r.Output) {
		t.Fatalf("want the plan to stop at the taken name: %s", r)
	}

	if r := w.Run(t, "import", "-input=false", "-no-color", "appmigrate_backendless_app.target", app.ID); r.ExitCode != 0 {
		t.Fatalf("terraform import into the example: %s", r)
	}
	w.MustApply(t)
	inv := sb.Inventory().Backendless
	if jobs := inv.ArchiveJobs[bkSourceName+"/"+bkSourceVer]; jobs.Requested != 1 {
		t.Errorf("the interrupted archive job must be resumed, not requested again: %+v", jobs)
	}
	out := w.Outputs(t)
	if string(out["tables_match"]) != "true" || string(out["files_archive_match"]) != "true" || string(out["target_app_id"]) != fmt.Sprintf("%q", app.ID) {
		t.Errorf("outputs: %s %s %s", out["tables_match"], out["files_archive_match"], out["target_app_id"])
	}
	w.MustPlanEmpty(t)
}

// TestBackendlessRunbook_FirstApplySucceedsThroughTheModerateProfile applies the example once per
// fixed seed through the moderate profile (10 % 502/503, 5 % 429, 5 % resets part-way
// through a request or an answer, 2 % slow answers, 5 % of POSTs delivered twice), plus 2 % 502
// after the vendor acted and 2 % answers dropped. The first apply must succeed.
func TestBackendlessRunbook_FirstApplySucceedsThroughTheModerateProfile(t *testing.T) {
	e2e.PreCheck(t)
	for _, seed := range []int64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			faults, err := sandbox.FaultProfile("moderate")
			if err != nil {
				t.Fatal(err)
			}
			faults.Seed, faults.Rate5xxAfter, faults.RateDrop = seed, 0.02, 0.02
			faults.TrickleInterval = time.Millisecond // slow, not minutes: nothing here measures time
			sb := e2e.StartSandbox(t, sandbox.Options{Faults: faults})
			w := e2e.NewWorkspace(t, sb, backendlessExample(t))
			w.MustApply(t)
			if sb.Faulted("", "/") == 0 {
				t.Fatal("no fault was injected: the test proves nothing")
			}
			t.Logf("seed %d: %d of %d vendor requests faulted", seed, sb.Faulted("", "/"), sb.Requests("", "/"))
			checkBackendlessRunbook(t, w)
		})
	}
}

// uploadTo puts a file into a 5.0 app through the documented REST upload, as its owner would.
func uploadTo(t *testing.T, sb *sandbox.Sandbox, app sandbox.BackendlessApp, name, content string) {
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
