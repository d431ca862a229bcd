package main

import (
	"bytes"
	"strings"
	"testing"
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
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
