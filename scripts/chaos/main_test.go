package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/faultproxy"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/tfrun"
)

func TestJudge_NamesEveryKindAboveWhatOneMigrationCreates(t *testing.T) {
	objects, dups := judge([]counted{{"apps", 2, 1}, {"files", 1, 1}, {"temp_left", 0, 0}, {"imports", 3, 1}})
	if objects != "apps=2 files=1 temp_left=0 imports=3" {
		t.Fatalf("objects %q", objects)
	}
	if strings.Join(dups, " ") != "apps=2 imports=3" {
		t.Fatalf("duplicates %v", dups)
	}
}

func TestSummary_FailsOnAnyRunThatDidNotConvergeOrDuplicatedOrLost(t *testing.T) {
	good := result{runbook: "backendless", seed: 1, firstOK: true, converged: true, planEmpty: "yes", lost: "rows=0 bytes=0"}
	for name, bad := range map[string]func(r *result){
		"not converged": func(r *result) { r.converged, r.planEmpty = false, "-" },
		"plan changes":  func(r *result) { r.planEmpty = "no" },
		"plan error":    func(r *result) { r.planEmpty = "error" },
		"duplicate":     func(r *result) { r.dupKinds = []string{"apps=2"} },
		"lost":          func(r *result) { r.lostAny = true },
		"harness":       func(r *result) { r.harnessError = "sandbox did not start" },
		"leak":          func(r *result) { r.leaks = []string{"the Mendix PAT in apply-1.debug.log"} },
	} {
		r := good
		bad(&r)
		var out bytes.Buffer
		if code := summarize(&out, []result{good, r}); code == 0 {
			t.Errorf("%s: exit 0\n%s", name, out.String())
		}
	}
	var out bytes.Buffer
	if code := summarize(&out, []result{good, good}); code != 0 || !strings.Contains(out.String(), "first applies ok 2/2, converged 2/2") {
		t.Fatalf("exit %d\n%s", code, out.String())
	}
}

func TestRow_ShowsReappliesAndWhereTheLogsAre(t *testing.T) {
	var out bytes.Buffer
	printRow(&out, result{runbook: "mendix", seed: 3, reapplies: 2, planEmpty: "-", objects: "projects=2", dupKinds: []string{"projects=2"}, lost: "rows=5 bytes=0", lostAny: true, dir: "/w/mendix-seed3", failedLog: "/w/mendix-seed3/apply-3.log"})
	for _, want := range []string{"mendix", ">2", "1 (projects=2)", "rows=5 bytes=0", "logs: /w/mendix-seed3 (start with /w/mendix-seed3/apply-3.log)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("row lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFlags_RefuseSettingsThatCannotBeMeant(t *testing.T) {
	for _, args := range [][]string{
		{"-seeds", "0"}, {"-max-reapplies", "-1"}, {"-profile", "apocalypse"}, {"-runbooks", "sap"}, {"-apply-timeout", "soon"},
		{"-first-seed", "0"}, {"-network", "wifi"}, {"-network", "proxy", "-proxy-profile", "apocalypse"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// fakeRoot is a repository root with the two binaries parseFlags looks for.
func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, name := range []string{tfrun.BinaryName, "appmigrate-sandbox"} {
		if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "bin", name), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestFlags_NetworkProxyTurnsTheSandboxFaultsOff(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	t.Setenv("CHAOS_NETWORK", "")
	t.Setenv("CHAOS_PROXY_PROFILE", "")
	c, err := parseFlags([]string{"-root", fakeRoot(t), "-network", "proxy", "-profile", "double"})
	if err != nil {
		t.Fatal(err)
	}
	if c.network != "proxy" || c.profile != "none" || c.proxyProfile.Name != faultproxy.DefaultProfile {
		t.Fatalf("network %q, sandbox profile %q, proxy profile %q", c.network, c.profile, c.proxyProfile.Name)
	}
	c, err = parseFlags([]string{"-root", fakeRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	if c.network != "sandbox" || c.profile != "moderate" {
		t.Fatalf("default: network %q, sandbox profile %q", c.network, c.profile)
	}
}

func TestRow_ShowsWhatTheProxyDidAndTheSummaryAddsItUp(t *testing.T) {
	r := result{runbook: "backendless", seed: 1, firstOK: true, converged: true, planEmpty: "yes", lost: "rows=0 bytes=0",
		proxy: &faultproxy.Stats{Connections: 40, Faults: map[string]int64{faultproxy.KindResetDown: 1, faultproxy.KindDripUp: 2}}}
	var out bytes.Buffer
	printRow(&out, r)
	if !strings.Contains(out.String(), "proxy: conns=40 drip_up=2 reset_down=1") {
		t.Fatalf("row:\n%s", out.String())
	}
	out.Reset()
	summarize(&out, []result{r, r})
	if !strings.Contains(out.String(), "proxy, all runs: conns=80 drip_up=4 reset_down=2 (6 faults)") {
		t.Fatalf("summary:\n%s", out.String())
	}
}

func TestFindLeaks_NamesTheSecretAndTheFileNeverTheValue(t *testing.T) {
	dir := t.TempDir()
	creds := tfrun.DefaultCredentials()
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("apply-1.log", "Error: 401 for token ***")
	write("apply-2.debug.log", "Authorization: "+creds.MendixPAT)
	write("sandbox.log", creds.BackendlessPassword) // the sandbox's own log is not terraform's
	write("tf/terraform.tfstate", `{"password": "`+creds.BackendlessPassword+`"}`)
	leaks, err := findLeaks(dir, creds)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"the Backendless password in tf/terraform.tfstate", "the Mendix PAT in apply-2.debug.log"}
	if strings.Join(leaks, "|") != strings.Join(want, "|") {
		t.Fatalf("leaks %q, want %q", leaks, want)
	}
	r := result{runbook: "mendix", seed: 1, converged: true, planEmpty: "yes", leaks: leaks}
	var out bytes.Buffer
	printRow(&out, r)
	if strings.Contains(out.String(), creds.MendixPAT) || !strings.Contains(out.String(), "secrets leaked: the Backendless password in tf/terraform.tfstate") {
		t.Fatalf("row:\n%s", out.String())
	}
}
