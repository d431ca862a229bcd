package provider

import (
	"net/http"
	"os"
	"strings"
	"testing"
)

// exampleWith is examples/backendless-v3-to-v5 with the given provider block.
func exampleWith(t *testing.T, provider string) string {
	t.Helper()
	return exampleConfig(t, "backendless-v3-to-v5", provider)
}

// isGET matches GET requests whose path starts with prefix and does not end with the list
// route's own path (so ".../archive/" matches a job's status, not the job list).
func isGET(prefix string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, prefix) && len(r.URL.Path) > len(prefix)
	}
}

// TestAccBackendlessRunbook_InterruptedArchiveThenImportIntoExample is what users hit: an apply
// cut short leaves the archive unfinished (its results null) and the app name taken, and the
// suggested `terraform import` of the app must work with the example's outputs, after which one
// apply finishes the runbook.
func TestAccBackendlessRunbook_InterruptedArchiveThenImportIntoExample(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	// The app exists already and is in use, so it is not adopted silently: "name taken, import it".
	app, err := sb.CreateBackendlessApp(sandboxLogin, "crm-v5")
	if err != nil {
		t.Fatal(err)
	}
	putTargetFile(t, sb, app, "notes.txt", "kept")
	proxy := newHoldProxy(t, sb)
	w := newTFWorkdir(t, exampleWith(t, proxy.providerBlock(crm)))
	w.init()

	// Ctrl-C while the provider waits for the archive job (the first step, applied alone: the
	// plan of the whole runbook stops at the taken name).
	hold, fired := holdOnce(isGET("/backendless3/api/v1/migration-to-4/archive/"), nil)
	proxy.hooks(hold, nil)
	r := w.applyUntil(fired, os.Interrupt, "-target="+archiveAddr)
	proxy.hooks(nil, nil)
	if !strings.Contains(r.all(), "interrupted") {
		t.Fatalf("the apply should say it was interrupted:\n%s", r.all())
	}
	if r := w.run(nil, "plan", "-input=false", "-no-color"); !strings.Contains(r.all(), "name already taken") {
		t.Fatalf("the plan should stop at the taken name:\n%s", r.all())
	}
	archive := w.instance(archiveAddr)
	if archive == nil || archive.Status == "tainted" || archive.Attributes["job_id"] == nil || archive.Attributes["tables"] != nil {
		t.Fatalf("after Ctrl-C the archive must be recorded, untainted, with its job and no results yet: %+v\n%s", archive, r.all())
	}

	// The import the diagnostic suggests works although the outputs' inputs are null.
	w.must("import", "-input=false", "-no-color", appAddr, app.ID)

	// One apply finishes everything: the archive job resumed, one upload, one import.
	w.apply()
	out := w.outputs()
	if out["tables_match"] != true || out["files_archive_match"] != true {
		t.Fatalf("outputs after the resumed apply: %v", out)
	}
	if jobs := sb.MigrationArchiveJobs(crm.id, "v1"); len(jobs) != 1 {
		t.Fatalf("want 1 archive job, got %d", len(jobs))
	}
	if n := appsNamed(sb, "crm-v5"); n != 1 {
		t.Fatalf("want 1 app, got %d", n)
	}
	if empty, plan := w.planIsEmpty(); !empty {
		t.Fatalf("second plan not empty:\n%s", plan)
	}
}
