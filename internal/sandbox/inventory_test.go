package sandbox

import (
	"bytes"
	"net/http"
	"path/filepath"
	"testing"
)

func TestInventory_BackendlessCountsAppsByNameFilesImportsAndArchiveJobs(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	if inv := s.Inventory(); len(inv.Backendless.Apps) != 0 || len(inv.Backendless.ArchiveJobs) != 0 {
		t.Fatalf("fresh sandbox %+v", inv.Backendless)
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

	inv := s.Inventory().Backendless
	if inv.AppsByName["crm-v5"] != 2 || len(inv.Apps) != 2 || inv.Apps[0].ID != app.ID {
		t.Fatalf("apps %+v by name %v", inv.Apps, inv.AppsByName)
	}
	got := inv.Apps[0]
	size, _, _ := s.BackendlessFile(app.ID, filesName)
	if len(got.Files) != 1 || got.Files[filesName] != size || got.MigrationLogs != 1 {
		t.Fatalf("files %v, logs %d: want the uploaded archive alone, and one log", got.Files, got.MigrationLogs)
	}
	if got.Imports != (JobCounts{Requested: 1, Completed: 1}) || got.Loaded != 1 {
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
	if jobs := inv.ArchiveJobs["crm/v1"]; jobs != (JobCounts{Requested: 1, Completed: 1}) {
		t.Fatalf("archive jobs %v", inv.ArchiveJobs)
	}
	if all := s.Inventory().Jobs; all[bkImportJobKind][JobCompleted] != 1 || all[bk3ArchiveJobKind][JobCompleted] != 1 {
		t.Fatalf("jobs %v", all)
	}
}

func TestInventory_MendixCountsProjectsPackagesSnapshotsRestoresAndStarts(t *testing.T) {
	m := newMx(t, 0)
	before := m.s.Inventory().Mendix
	if before.ProjectsByName["Calc"] != 1 || before.Nodes["calc"].Packages != 1 || before.Nodes["calc"].UploadedPackages != 0 || before.Nodes["calc-v4"].Packages != 0 {
		t.Fatalf("fixture inventory %+v", before)
	}
	_, full := m.v1Snapshot(mxNewSnapshot)
	temp := m.linkTemp()
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv
	sn := decodeAs[mxV2Snapshot](t, m.expect("upload", http.StatusAccepted)(m.upload(base+"/snapshots/upload", full)))
	up := decodeAs[uploadAnswer](t, m.expect("package upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=calc.mda", m.calcPackage())))
	m.waitJobs()
	m.expect("transport", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{"PackageId": up.PackageID}))
	m.expect("restore", 200)(m.deploy("POST", base+"/restores?source_snapshot_id="+sn.SnapshotID, nil))
	m.waitJobs()
	m.expect("start", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/start", nil))
	m.waitJobs()

	inv := m.s.Inventory().Mendix
	if inv.ProjectsByName["Calc temporary"] != 1 || inv.ProjectJobs != (JobCounts{Requested: 1, Completed: 1}) {
		t.Fatalf("projects %v, jobs %+v", inv.ProjectsByName, inv.ProjectJobs)
	}
	v4 := inv.Nodes["calc-v4"]
	if v4.LinkedProjectID != temp || v4.Packages != 1 || v4.UploadedPackages != 1 {
		t.Fatalf("v4 node %+v", v4)
	}
	prod := v4.Environments["Production"]
	if prod.ID != mxV4ProdEnv || prod.Status != "Running" || prod.PackageID != up.PackageID || prod.Snapshots != 1 || prod.UploadedSnapshots != 1 {
		t.Fatalf("production %+v", prod)
	}
	if prod.Restores != (JobCounts{Requested: 1, Completed: 1}) || prod.StartJobs != (JobCounts{Requested: 1, Completed: 1}) {
		t.Fatalf("restores %+v, starts %+v", prod.Restores, prod.StartJobs)
	}
	src, err := m.s.MendixSnapshotDigest("calc", "Production", "")
	if err != nil {
		t.Fatal(err)
	}
	if r := prod.Restored; r == nil || r.ArchiveSHA256 != src.SHA256 || r.DBRows != src.DBRows || r.FileBytes != src.FileBytes || r.SnapshotID != sn.SnapshotID {
		t.Fatalf("restored %+v, source %+v", prod.Restored, src)
	}
	if accp := v4.Environments["Acceptance"]; accp.Snapshots != 0 || accp.Restores.Requested != 0 || accp.Restored != nil {
		t.Fatalf("acceptance %+v", accp)
	}
	if v3 := inv.Nodes["calc"].Environments["Production"]; v3.Snapshots != 2 || v3.UploadedSnapshots != 0 {
		t.Fatalf("v3 production %+v", v3)
	}
}

func TestControl_InventoryOverHTTP(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{Rate5xx: 1}})
	mustCreate(t, s, devLogin, "listed", "US")
	resp, body := call(t, "GET", srv.URL+"/_sandbox/inventory", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	inv := decode[Inventory](t, body)
	if inv.Backendless.AppsByName["listed"] != 1 || inv.Mendix.ProjectsByName["Calc"] != 1 || inv.Mendix.Nodes["calc-v4"].Environments["Production"].ID != mxV4ProdEnv {
		t.Fatalf("%s", body)
	}
}
