package mendix

import (
	"net/http"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

func TestInventory_MendixCountsProjectsPackagesSnapshotsRestoresAndStarts(t *testing.T) {
	m := newMx(t, 0)
	before := m.s.Inventory()
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

	inv := m.s.Inventory()
	if inv.ProjectsByName["Calc temporary"] != 1 || inv.ProjectJobs != (core.JobCounts{Requested: 1, Completed: 1}) {
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
	if prod.Restores != (core.JobCounts{Requested: 1, Completed: 1}) || prod.StartJobs != (core.JobCounts{Requested: 1, Completed: 1}) {
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
