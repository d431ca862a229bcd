package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/e2e"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

func TestMain(m *testing.M) { os.Exit(e2e.Main(m)) }

// exampleFiles is examples/fleet as a workspace: its .tf files and its modules' (which the
// workspace installs with terraform get), its sandbox tfvars loaded automatically, and short
// polls merged into its provider block.
func exampleFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{"fast_override.tf": e2e.FastProvider}
	for _, name := range []string{"main.tf", "variables.tf", "outputs.tf"} {
		files[name] = string(repoFile(t, filepath.Join(exampleDir, name)))
		for _, m := range fleetModules {
			files[m.Dir+"/"+name] = string(repoFile(t, filepath.Join(exampleDir, m.Dir, name)))
		}
	}
	files["sandbox-fleet.auto.tfvars"] = string(repoFile(t, filepath.Join(exampleDir, "sandbox-fleet.tfvars")))
	return files
}

func TestFleetExample_AppliesAgainstItsFixtureAndProvesEveryApp(t *testing.T) {
	e2e.PreCheck(t)
	sb := e2e.StartSandbox(t, sandbox.Options{Fixture: repoFile(t, filepath.Join(exampleDir, "sandbox-fleet.json"))})
	w := e2e.NewWorkspace(t, sb, exampleFiles(t))
	applied := w.MustApply(t)
	// One module instance per app, and still waves (main.tf's header, the "Migrate a fleet"
	// guide): Terraform orders a module's resource blocks across all its instances, so no app's
	// upload starts before every app's archive is done.
	lastArchive := strings.LastIndex(applied.Output, ".appmigrate_backendless_migration_archive.source: Creation complete")
	firstUpload := strings.Index(applied.Output, ".appmigrate_backendless_file_upload.files: Creating...")
	if !strings.Contains(applied.Output, `module.backendless["crm-005"].appmigrate_backendless_file_upload.files: Creating...`) || lastArchive < 0 || firstUpload < lastArchive {
		t.Errorf("want every archive done before the first upload (last archive at %d, first upload at %d):\n%s", lastArchive, firstUpload, applied.Output)
	}

	outs := w.Outputs(t)
	var summary map[string]string
	var unverified map[string][]string
	var bk map[string]map[string]any
	if err := json.Unmarshal(outs["summary"], &summary); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(outs["unverified_apps"], &unverified); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(outs["backendless_proof"], &bk); err != nil {
		t.Fatal(err)
	}
	if summary["backendless"] != "5/5 proven" || summary["mendix"] != "5/5 proven" || len(unverified) != 0 {
		t.Fatalf("summary %v, unverified %v", summary, unverified)
	}
	if p := bk["crm-003"]; p["tables_match"] != true || p["files_match"] != true || p["import_status"] != "COMPLETED" {
		t.Fatalf("crm-003 proof %v", p)
	}
	inv := sb.Inventory()
	if len(inv.Backendless.Apps) != 5 || inv.Jobs["mendix.start"][sandbox.JobCompleted] != 5 {
		t.Fatalf("inventory %+v", inv)
	}
	w.MustPlanEmpty(t)
}

func TestFleetBench_MeasuresATinyFleetEndToEnd(t *testing.T) {
	e2e.PreCheck(t)
	// A repository root of its own: bin/ with the provider and the sandbox built from this
	// repository, examples/ from it.
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(e2e.ProviderDir(t), tfrun.BinaryName), filepath.Join(bin, tfrun.BinaryName)); err != nil {
		t.Fatal(err)
	}
	repo, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "appmigrate-sandbox"), "./cmd/appmigrate-sandbox")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the sandbox: %v\n%s", err, out)
	}
	if err := os.Symlink(filepath.Join(repo, "examples"), filepath.Join(root, "examples")); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	cfg := &config{root: root, n: 1, parallelism: []int{10}, planRuns: 1, breakdown: true, timeout: 5 * time.Minute, vendors: map[string]bool{"backendless": true, "mendix": true}}
	if err := run(cfg, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	raw, err := os.ReadFile(filepath.Join(root, ".bench", "fleet", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res Results
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Applies) != 1 || res.Applies[0].Resources != 12 || res.Applies[0].Proven["mendix"] != "1/1 proven" || res.Plans == nil || res.Requests == nil {
		t.Fatalf("results %s", raw)
	}
	if len(res.Requests.Blocks) != 12 || res.Requests.WholeGET == 0 || res.Plans.NotEmpty != 0 {
		t.Fatalf("requests %+v, plans %+v", res.Requests, res.Plans)
	}
	// The blocks' GETs add up to the whole plan's unless concurrent refreshes race for a shared
	// read; the figures are measured, not asserted.
	sum := 0
	for _, b := range res.Requests.Blocks {
		if b.Requests < 0 {
			t.Errorf("block %+v", b)
		}
		sum += b.Requests
	}
	t.Logf("the blocks' GETs add up to %d, the whole plan made %d", sum, res.Requests.WholeGET)
	if lag := res.Applies[0].Lag["backendless.import"]; lag.Jobs != 1 || lag.Seen != 1 {
		t.Errorf("import lag %+v", lag)
	}
	for _, want := range []string{"FLEET BENCH", "apply (each on a fresh sandbox)", "plan (refresh) of 12 resources", "requests per refresh", "poll lag at -parallelism=10"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
