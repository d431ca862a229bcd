package backendless

import (
	"bytes"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

func TestInventory_BackendlessCountsAppsByNameFilesImportsAndArchiveJobs(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	if inv := s.Inventory(); len(inv.Apps) != 0 || len(inv.ArchiveJobs) != 0 {
		t.Fatalf("fresh sandbox %+v", inv)
	}
	data, files := archiveVersion(t, s, crmID, "v1")
	app := mustCreate(t, s, devLogin, "crm-v5", "US")
	mustCreate(t, s, "other@example.com", "crm-v5", "EU") // same name, another developer
	filesName := filepath.Base(files)
	if resp, body := upload(t, apiURL(srv, app, "/files/"+filesName), "", filesName, bytes.NewReader(legacyBytes(t, s, crmID, "v1", files))); resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	if _, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(legacyBytes(t, s, crmID, "v1", data))); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)

	inv := s.Inventory()
	if inv.AppsByName["crm-v5"] != 2 || len(inv.Apps) != 2 || inv.Apps[0].ID != app.ID {
		t.Fatalf("apps %+v by name %v", inv.Apps, inv.AppsByName)
	}
	got := inv.Apps[0]
	size, _, _ := s.BackendlessFile(app.ID, filesName)
	if len(got.Files) != 1 || got.Files[filesName] != size || got.MigrationLogs != 1 {
		t.Fatalf("files %v, logs %d: want the uploaded archive alone, and one log", got.Files, got.MigrationLogs)
	}
	if got.Imports != (core.JobCounts{Requested: 1, Completed: 1}) || got.Loaded != 1 {
		t.Fatalf("imports %+v, loaded %d", got.Imports, got.Loaded)
	}
	source := s.LegacyTableCounts(crmID, "v1")
	rows := 0
	for table, n := range source {
		rows += n
		if got.Tables[table] != n {
			t.Errorf("table %s: %d rows, source %d", table, got.Tables[table], n)
		}
	}
	if got.Rows != rows {
		t.Errorf("rows %d, source %d", got.Rows, rows)
	}
	if other := inv.Apps[1]; len(other.Files) != 0 || other.Imports.Requested != 0 || other.Rows != 0 {
		t.Fatalf("the other app %+v", other)
	}
	if jobs := inv.ArchiveJobs["crm/v1"]; jobs != (core.JobCounts{Requested: 1, Completed: 1}) {
		t.Fatalf("archive jobs %v", inv.ArchiveJobs)
	}
	var all map[string]map[core.JobState]int
	s.Read(func(tx *core.Tx) { all = core.JobsByKind(tx) })
	if all[bkImportJobKind][core.JobCompleted] != 1 || all[bk3ArchiveJobKind][core.JobCompleted] != 1 {
		t.Fatalf("jobs %v", all)
	}
}
