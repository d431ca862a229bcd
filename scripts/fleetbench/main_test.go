package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// repoFile reads a file of the repository (tests run in scripts/fleetbench).
func repoFile(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestFleetFixture_GrowsEveryFleetOfTheExample(t *testing.T) {
	fx, err := fleetFixture(repoFile(t, "examples/fleet/sandbox-fleet.json"), 7)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := sandbox.New(sandbox.Options{DataDir: t.TempDir(), Fixture: fx, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	vars, keys := buildVars(sb.LegacyApps(), sb.MendixApps(), sb.MendixNodes())
	if len(vars.BackendlessApps) != 7 || len(vars.MendixApps) != 7 || len(keys) != 7 {
		t.Fatalf("vars %+v, %d keys", vars, len(keys))
	}
	if a := vars.BackendlessApps["crm-007"]; a.LegacyAppID != "B3000000-0000-4000-8000-000000000007" || keys[a.LegacyAppID] != "LEGACY-REST-SECRET-crm-007" {
		t.Errorf("crm-007: %+v, key %q", a, keys[a.LegacyAppID])
	}
	if a := vars.MendixApps["calc-003"]; a.AppProjectID != "f1ee7000-0000-4000-8000-000000000003" || a.V4NodeID != "node-v4-calc-003" {
		t.Errorf("calc-003: %+v", a)
	}
	if _, err := fleetFixture([]byte(`{"backendless": {"apps": []}}`), 3); err == nil {
		t.Error("a fixture without fleets was grown")
	}
}

// The example's tfvars for the sandbox name exactly the apps its fixture holds.
func TestFleetExample_TfvarsNameTheFixturesApps(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{DataDir: t.TempDir(), Fixture: repoFile(t, "examples/fleet/sandbox-fleet.json"), JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	vars, _ := buildVars(sb.LegacyApps(), sb.MendixApps(), sb.MendixNodes())
	tfvars := string(repoFile(t, "examples/fleet/sandbox-fleet.tfvars"))
	for key, a := range vars.BackendlessApps {
		if !strings.Contains(tfvars, `"`+key+`" = { legacy_app_id = "`+a.LegacyAppID+`" }`) {
			t.Errorf("sandbox-fleet.tfvars lacks %s = %+v", key, a)
		}
	}
	for key, a := range vars.MendixApps {
		if !strings.Contains(tfvars, `"`+key+`" = { app_project_id = "`+a.AppProjectID+`", v4_node_id = "`+a.V4NodeID+`" }`) {
			t.Errorf("sandbox-fleet.tfvars lacks %s = %+v", key, a)
		}
	}
	if n := strings.Count(tfvars, "legacy_app_id") + strings.Count(tfvars, "app_project_id"); n != len(vars.BackendlessApps)+len(vars.MendixApps) {
		t.Errorf("sandbox-fleet.tfvars names %d apps, the fixture has %d", n, len(vars.BackendlessApps)+len(vars.MendixApps))
	}
}

func TestExampleBlocks_FindsEachModulesOrderAndABaseForEachBlock(t *testing.T) {
	blocks, err := exampleBlocks(filepath.Join("..", "..", exampleDir))
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]block{}
	for _, b := range blocks {
		by[b.Addr] = b
	}
	if len(blocks) != 12 {
		t.Fatalf("%d blocks: %v", len(blocks), blocks)
	}
	const bk, mx = "module.backendless.", "module.mendix."
	for addr, want := range map[string][]string{
		bk + "appmigrate_backendless_migration_archive.source": nil,
		bk + "appmigrate_backendless_data_import.data": {bk + "appmigrate_backendless_migration_archive.source", bk + "appmigrate_backendless_app.target",
			bk + "appmigrate_backendless_file_upload.files"},
		mx + "appmigrate_mendix_node_link.temporary": {mx + "appmigrate_mendix_temporary_app.temp"},
		mx + "appmigrate_mendix_environment_start.app": {mx + "appmigrate_mendix_temporary_app.temp", mx + "appmigrate_mendix_node_link.temporary",
			mx + "appmigrate_mendix_package_transfer.package", mx + "appmigrate_mendix_environment_deployment.app",
			mx + "appmigrate_mendix_environment_settings.app", mx + "appmigrate_mendix_backup_restore.data"},
	} {
		if got := by[addr].Deps; !slices.Equal(got, want) {
			t.Errorf("%s depends on %v, want %v", addr, got, want)
		}
	}
	for addr, want := range map[string][]string{
		bk + "appmigrate_backendless_migration_archive.source": {bk + "appmigrate_backendless_app.target"},
		bk + "appmigrate_backendless_app.target":               {bk + "appmigrate_backendless_migration_archive.source"},
		mx + "appmigrate_mendix_temporary_app.temp":            nil, // the only root of its runbook
		bk + "appmigrate_backendless_file_upload.files":        {bk + "appmigrate_backendless_migration_archive.source", bk + "appmigrate_backendless_app.target"},
	} {
		if got := by[addr].Base; !slices.Equal(got, want) {
			t.Errorf("%s: base %v, want %v", addr, got, want)
		}
	}
	for _, b := range blocks {
		if v := blockVendor(b.Addr); !strings.HasPrefix(b.Addr, "module."+v+".") || runbookOf(b.Addr) != v {
			t.Errorf("%s: vendor %q, runbook %q", b.Addr, v, runbookOf(b.Addr))
		}
	}
	if by[mx+"appmigrate_mendix_node_link.app"].Type() != "appmigrate_mendix_node_link" {
		t.Errorf("type of %+v", by[mx+"appmigrate_mendix_node_link.app"])
	}
	if _, err := parseBlocks("locals {}\n"); err == nil {
		t.Error("a configuration without resources parsed")
	}
}

// A block in a for_each module is targeted in each instance: terraform plans nothing for
// -target=module.<call>.<type>.<name>, the instance without a key.
func TestTargetArgs_NameABlockInEveryInstanceOfItsModule(t *testing.T) {
	keys := moduleKeys(fleetVars{
		BackendlessApps: map[string]backendlessApp{"crm-002": {}, "crm-001": {}},
		MendixApps:      map[string]mendixApp{},
	})
	got := targetArgs([]string{"module.backendless.appmigrate_backendless_app.target", "module.mendix.appmigrate_mendix_temporary_app.temp", "terraform_data.r"}, keys)
	want := []string{
		`-target=module.backendless["crm-001"].appmigrate_backendless_app.target`,
		`-target=module.backendless["crm-002"].appmigrate_backendless_app.target`,
		"-target=terraform_data.r",
	}
	if !slices.Equal(got, want) {
		t.Errorf("targetArgs %q, want %q", got, want)
	}
	if r := resourceOf(`module.a.module.b.appmigrate_x.y`); r != "appmigrate_x.y" {
		t.Errorf("resourceOf %q", r)
	}
}

func TestProc_ParsesStatAndStatus(t *testing.T) {
	stat := "4242 (terraform-provider (x) y) S 1 2 3 4 5 6 7 8 9 10 250 130 0 0 20 0 12 0 100 1000 50"
	if cpu, ok := parseStatCPU(stat); !ok || cpu != 3800*time.Millisecond {
		t.Errorf("cpu %v %v, want 3.8s", cpu, ok)
	}
	if _, ok := parseStatCPU("garbage"); ok {
		t.Error("garbage parsed")
	}
	if kb := parseHWM("Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t   34816 kB\nVmRSS:\t 100 kB\n"); kb != 34816 {
		t.Errorf("VmHWM %d", kb)
	}
	if cpu, ok := procCPU(os.Getpid()); ok && cpu < 0 {
		t.Errorf("own cpu %v", cpu)
	}
}

func TestSpread_MinMedianMax(t *testing.T) {
	if s := spread([]float64{3, 1, 2, 5, 4}); s != (Spread{1, 3, 5}) {
		t.Errorf("odd: %+v", s)
	}
	if s := spread([]float64{4, 1, 2, 3}); s != (Spread{1, 2.5, 4}) {
		t.Errorf("even: %+v", s)
	}
	if medianInt([]int{1001, 999, 1000, 1002}) != 1000 || medianInt(nil) != 0 {
		t.Error("medianInt")
	}
	if got := union([]string{"a", "b"}, []string{"b", "c"}); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("union %v", got)
	}
}

func TestReport_PrintsEveryFigure(t *testing.T) {
	r := &Results{N: 20, Backendless: 20, Mendix: 20, JobDuration: "2s", Terraform: "Terraform v1.11.4", CPUs: 2, LoadBefore: "0.10 0.20 0.30", LoadAfter: "1.00 0.90 0.80",
		Applies: []ApplyResult{{Parallelism: 10, Resources: 240, WallS: 61.25, TerraformCPUS: 12.5, ProviderCPUS: 9.5, SandboxCPUS: 3.25,
			ProviderPeakRSSKiB: 40 << 10, SandboxPeakRSSKiB: 80 << 10, Proven: map[string]string{"backendless": "20/20 proven", "mendix": "20/20 proven"},
			Lag: map[string]sandbox.JobLagSummary{"mendix.start": {Jobs: 20, Seen: 20, LagP50MS: 120, LagP95MS: 1900, LagMaxMS: 2100, ReadsToSeenAvg: 1.5, ReadsToSeenMax: 3, DurationP50MS: 2000}}}},
		Plans: &PlanResult{Runs: 5, Resources: 240, Fleet: Spread{1.1, 1.2, 1.5}, Data: Spread{0.3, 0.4, 0.5}, Ratio: 3, FleetCPUS: 2.5, ProviderPeakRSSKiB: 50 << 10},
		Requests: &RequestStats{Whole: 401, WholeGET: 400, Blocks: []BlockRequests{
			{Address: "appmigrate_backendless_app.target", Instances: 20, Requests: 20, PerResource: 1, Base: []string{"x"}},
			{Address: "appmigrate_mendix_temporary_app.temp", Instances: 20, Requests: 20, PerResource: 1}}},
	}
	var out bytes.Buffer
	report(&out, r)
	for _, want := range []string{
		"20 Backendless + 20 Mendix migrations, 240 resources", "load 0.10 0.20 0.30 → 1.00 0.90 0.80",
		"10            61.2", "20/20 proven, 20/20 proven", "ratio of medians 3.00",
		"401 in one plan of the whole configuration (10.0 per migration), 400 of them GETs",
		"appmigrate_mendix_temporary_app.temp", "(with once-per-process costs)", "backendless: 1.00 GETs per migration",
		"mendix.start", "1.90", "2.10",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFlags_RefuseSettingsThatCannotBeMeant(t *testing.T) {
	for _, name := range []string{"FLEET_N", "FLEET_PARALLELISM", "FLEET_PLAN_RUNS", "FLEET_JOB_DURATION", "FLEET_BREAKDOWN", "FLEET_TIMEOUT", "FLEET_VENDORS"} {
		t.Setenv(name, "") // the defaults, whatever the caller's environment says
	}
	for _, args := range [][]string{
		{"-n", "0"}, {"-n", "many"}, {"-parallelism", "10,x"}, {"-parallelism", "0"}, {"-plan-runs", "0"},
		{"-job-duration", "-1s"}, {"-breakdown", "perhaps"}, {"-timeout", "0"}, {"-vendors", "backendless,sap"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
	c, err := parseFlags([]string{"-n", "20", "-parallelism", "10, 30"})
	if err != nil || c.n != 20 || !slices.Equal(c.parallelism, []int{10, 30}) || c.planRuns != 5 || c.jobDuration != 2*time.Second || !c.breakdown || !c.vendors["backendless"] || !c.vendors["mendix"] {
		t.Fatalf("%+v %v", c, err)
	}
	if c, err := parseFlags([]string{"-vendors", "backendless"}); err != nil || !c.vendors["backendless"] || c.vendors["mendix"] {
		t.Fatalf("-vendors backendless: %+v %v", c, err)
	}
}
