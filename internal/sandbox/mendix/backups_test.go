package mendix

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMendixBackupsV2_AnswersNotSupportedForACloudV3Environment(t *testing.T) {
	m := newMx(t, 0)
	base := "/api/v2/apps/" + mxCalcProject + "/environments/" + mxCalcEnv
	m.expectCode("list", 400, "NOT_SUPPORTED")(m.deploy("GET", base+"/snapshots", nil))
	m.expectCode("create", 400, "NOT_SUPPORTED")(m.deploy("POST", base+"/snapshots", nil))
	m.expectCode("archive", 400, "NOT_SUPPORTED")(m.deploy("POST", base+"/snapshots/"+mxNewSnapshot+"/archives", nil))
	m.expectCode("restore", 400, "NOT_SUPPORTED")(m.deploy("POST", base+"/restores?source_snapshot_id="+mxNewSnapshot, nil))
	m.expectCode("upload", 400, "NOT_SUPPORTED")(m.upload(base+"/snapshots/upload", []byte("x")))
	if _, err := m.s.UploadMendixBackup(mxCalcEnv, strings.NewReader("x")); err == nil {
		t.Error("portal upload to a v3 environment accepted")
	}
	m.expectCode("unknown env", 404, "ENVIRONMENT_NOT_FOUND")(m.deploy("GET", "/api/v2/apps/"+mxCalcProject+"/environments/"+mxV4ProdEnv+"/snapshots", nil))
}

// v1Snapshot downloads one part of a v3 snapshot through Backups v1.
func (m *mxSandbox) v1Snapshot(id string) (mxV1SnapshotLinks, []byte) {
	m.t.Helper()
	links := decodeAs[mxV1SnapshotLinks](m.t, m.expect("v1 snapshot", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/snapshots/"+id, nil)))
	return links, m.expect("download full", 200)(m.get(links.DatabaseAndFiles, nil))
}

func TestMendixBackupsV1_ListsSnapshotsAndServesRealArchives(t *testing.T) {
	m := newMx(t, 0)
	list := decodeAs[[]mxV1Snapshot](t, m.expect("list", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/snapshots", nil)))
	if len(list) != 2 || list[0].SnapshotID != mxOldSnapshot || list[1].SnapshotID != mxNewSnapshot || list[1].State != "Completed" || list[1].ModelVersion != "2.5.4.63" {
		t.Fatalf("snapshots %+v", list)
	}
	if list[0].CreatedOn >= list[1].CreatedOn || list[1].ExpiresOn <= list[1].CreatedOn {
		t.Errorf("times %+v: want the newest last and expiry after creation (epoch ms)", list)
	}
	links, full := m.v1Snapshot(mxNewSnapshot)
	info, err := inspectMxBackup(bytes.NewReader(full))
	if err != nil {
		t.Fatalf("full archive: %v", err)
	}
	if info.DBTables != 4 || info.DBRows != 5000 || info.Files != 20 || info.FileBytes != 3145728 || info.ModelVersion != "2.5.4.63" {
		t.Errorf("full archive holds %+v", info)
	}
	checkBackupLayout(t, full)
	d, err := m.s.MendixSnapshotDigest("calc", "Production", "")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(full)
	if d.SnapshotID != mxNewSnapshot || d.SHA256 != hex.EncodeToString(sum[:]) || d.Bytes != int64(len(full)) || d.DBRows != 5000 || d.Files != 20 {
		t.Errorf("digest %+v", d)
	}
	db := m.expect("download db", 200)(m.get(links.DatabaseOnly, nil))
	if !bytes.HasPrefix(db, []byte("PGDMP")) || int64(len(db)) != d.DBBytes {
		t.Errorf("database-only download: %d bytes, starts %q; want %d bytes of PGDMP", len(db), db[:min(len(db), 5)], d.DBBytes)
	}
	files := m.expect("download files", 200)(m.get(links.FilesOnly, nil))
	fi, err := inspectMxBackup(bytes.NewReader(files))
	if err != nil || fi.HasDB || fi.Files != 20 || fi.FileBytes != 3145728 {
		t.Errorf("files-only download %+v %v", fi, err)
	}
	m.expectCode("unknown snapshot", 404, "SNAPSHOT_NOT_FOUND")(m.deploy("GET", "/api/1/apps/calc/environments/Production/snapshots/00000000-0000-4000-8000-000000000000", nil))
	// Backup links expire too.
	if err := m.s.ExpireMendixDownloadURLs(); err != nil {
		t.Fatal(err)
	}
	m.expect("expired backup link", 403)(m.get(links.DatabaseAndFiles, nil))
}

// checkBackupLayout checks the restore-backup page's format: .metadata with string fields,
// db/db.backup starting with PGDMP, tree/xx/yy/<uuid> file objects.
func checkBackupLayout(t *testing.T, archive []byte) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	seen := map[string]bool{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		switch {
		case h.Name == ".metadata":
			var meta map[string]any
			if err := json.Unmarshal(body, &meta); err != nil {
				t.Fatalf(".metadata: %v", err)
			}
			for _, k := range []string{"duration", "dumpSize", "modelVersion", "databaseSize", "filesSize"} {
				if _, ok := meta[k].(string); !ok {
					t.Errorf(".metadata %s = %v, want a string", k, meta[k])
				}
			}
			seen["meta"] = true
		case h.Name == "db/db.backup":
			if !bytes.HasPrefix(body, []byte("PGDMP")) {
				t.Errorf("db/db.backup starts %q", body[:5])
			}
			seen["db"] = true
		case strings.HasPrefix(h.Name, "tree/"):
			p := strings.Split(h.Name, "/")
			if len(p) != 4 || len(p[1]) != 2 || len(p[2]) != 2 || !strings.HasPrefix(p[3], p[1]+p[2]) || len(p[3]) != 36 {
				t.Errorf("file object %s is not tree/xx/yy/<uuid>", h.Name)
			}
			seen["tree"] = true
		default:
			t.Errorf("unexpected entry %s", h.Name)
		}
	}
	if len(seen) != 3 {
		t.Errorf("archive entries %v", seen)
	}
}

// deployToV4 links a temporary app, uploads and transports the v3 package to v4 Production,
// and returns the temporary app's project id.
func (m *mxSandbox) deployToV4() string {
	m.t.Helper()
	temp := m.linkTemp()
	up := decodeAs[uploadAnswer](m.t, m.expect("upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=calc.mda", m.calcPackage())))
	m.waitJobs()
	m.expect("transport", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{"PackageId": up.PackageID}))
	return temp
}

func TestMendixBackupUpload_SnapshotCompletesAndRestoreRecordsTheSourceDigest(t *testing.T) {
	m := newMx(t, 0)
	_, full := m.v1Snapshot(mxNewSnapshot)
	temp := m.linkTemp()
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv

	// Modeled upload: 202 with a queued snapshot in Backups v2 shape.
	body := m.expect("upload", http.StatusAccepted)(m.upload(base+"/snapshots/upload", full))
	sn := decodeAs[mxV2Snapshot](t, body)
	if sn.State != "queued" || sn.Comment == nil || *sn.Comment != "Uploaded snapshot" || sn.FinishedAt != nil {
		t.Fatalf("uploaded snapshot %s", body)
	}
	m.waitJobs()
	got := decodeAs[mxV2Snapshot](t, m.expect("snapshot", 200)(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID, nil)))
	if got.State != "completed" || got.StatusMessage == nil || *got.StatusMessage != "Completed extraction" || got.FinishedAt == nil || got.ModelVersion == nil || *got.ModelVersion != "2.5.4.63" {
		t.Fatalf("after extraction %+v", got)
	}
	restore := base + "/restores?source_snapshot_id=" + sn.SnapshotID
	// No app deployed yet: refused.
	m.expectCode("restore before deploy", 400, "ERROR_NOT_ALLOWED")(m.deploy("POST", restore, nil))

	up := decodeAs[uploadAnswer](t, m.expect("package upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=calc.mda", m.calcPackage())))
	m.waitJobs()
	m.expect("transport", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{"PackageId": up.PackageID}))
	m.expect("start", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/start", nil))
	m.waitJobs()
	m.expectCode("restore while running", 400, "ERROR_NOT_ALLOWED")(m.deploy("POST", restore, nil))
	m.expect("stop", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/stop", nil))

	rs := decodeAs[mxV2Restore](t, m.expect("restore", 200)(m.deploy("POST", restore, nil)))
	if rs.State != "queued" || rs.SourceSnapshotID != sn.SnapshotID || rs.TargetEnvironmentID != mxV4ProdEnv || rs.SourceEnvironmentID != mxV4ProdEnv {
		t.Fatalf("restore %+v", rs)
	}
	m.waitJobs()
	rs = decodeAs[mxV2Restore](t, m.expect("restore status", 200)(m.deploy("GET", base+"/restores/"+rs.RestoreID, nil)))
	if rs.State != "completed" || rs.FinishedAt == nil {
		t.Fatalf("restore after the job %+v", rs)
	}
	env, err := m.s.MendixEnvironment("calc-v4", "Production")
	if err != nil || env.Restored == nil {
		t.Fatalf("environment %+v %v", env, err)
	}
	src, err := m.s.MendixSnapshotDigest("calc", "Production", "")
	if err != nil {
		t.Fatal(err)
	}
	r := env.Restored
	if r.ArchiveSHA256 != src.SHA256 || r.ArchiveBytes != src.Bytes || r.DBRows != src.DBRows || r.DBTables != src.DBTables || r.Files != src.Files || r.FileBytes != src.FileBytes || r.SnapshotID != sn.SnapshotID {
		t.Fatalf("restored %+v, source %+v", r, src)
	}
	m.expectCode("unknown restore", 400, "NOT_FOUND")(m.deploy("GET", base+"/restores/00000000-0000-4000-8000-000000000000", nil))
	m.expectCode("unknown source", 400, "NOT_FOUND")(m.deploy("POST", base+"/restores?source_snapshot_id="+mxNewSnapshot, nil))
	m.expectCode("no source", 400, "INVALID_PARAMETERS")(m.deploy("POST", base+"/restores", nil))

	// The Acceptance environment (same app) may restore Production's snapshot once deployed.
	m.expect("transport accp", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Acceptance/transport", map[string]string{"PackageId": up.PackageID}))
	accp := "/api/v2/apps/" + temp + "/environments/" + mxV4AccpEnv
	rs = decodeAs[mxV2Restore](t, m.expect("restore into accp", 200)(m.deploy("POST", accp+"/restores?source_snapshot_id="+sn.SnapshotID+"&db_only=true", nil)))
	m.waitJobs()
	if e, _ := m.s.MendixEnvironment("calc-v4", "Acceptance"); e.Restored == nil || !e.Restored.DBOnly || e.Restored.DBRows != src.DBRows || e.Restored.Files != 0 {
		t.Fatalf("db-only restore %+v", e.Restored)
	}
}

func TestMendixBackupUpload_BrokenArchivesFailAndFilesOnlyCannotBeRestored(t *testing.T) {
	m := newMx(t, 0)
	links, full := m.v1Snapshot(mxOldSnapshot)
	temp := m.deployToV4()
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv
	for name, content := range map[string][]byte{
		"not an archive": []byte("hello"),
		"truncated":      full[:len(full)/2],
		"no metadata":    tarGz(t, map[string][]byte{"db/db.backup": append([]byte("PGDMP\x01\x0e\x00\x04\x08\x01"), "\n"...)}),
		"newer pg_dump":  tarGz(t, map[string][]byte{".metadata": []byte(`{"modelVersion":"1"}`), "db/db.backup": []byte("PGDMP\x01\x10\x00\x04\x08\x01\n")}),
	} {
		sn := decodeAs[mxV2Snapshot](t, m.expect("upload "+name, 202)(m.upload(base+"/snapshots/upload", content)))
		m.waitJobs()
		got := decodeAs[mxV2Snapshot](t, m.expect("snapshot", 200)(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID, nil)))
		if got.State != "failed" || got.StatusMessage == nil || !strings.HasPrefix(*got.StatusMessage, "Extraction failed: ") {
			t.Errorf("%s: %+v", name, got)
		}
	}
	files := m.expect("files only", 200)(m.get(links.FilesOnly, nil))
	sn := decodeAs[mxV2Snapshot](t, m.expect("upload files only", 202)(m.upload(base+"/snapshots/upload", files)))
	m.waitJobs()
	if got := decodeAs[mxV2Snapshot](t, m.expect("snapshot", 200)(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID, nil))); got.State != "completed" {
		t.Fatalf("files-only upload %+v", got)
	}
	m.expectCode("restore files only", 400, "ERROR_NOT_ALLOWED")(m.deploy("POST", base+"/restores?source_snapshot_id="+sn.SnapshotID, nil))
	// A database dump alone is a valid upload (the portal takes a .db/.backup file too).
	db := m.expect("db only", 200)(m.get(links.DatabaseOnly, nil))
	id, err := m.s.UploadMendixBackup(mxV4ProdEnv, bytes.NewReader(db))
	if err != nil {
		t.Fatal(err)
	}
	m.waitJobs()
	m.expect("restore dump", 200)(m.deploy("POST", base+"/restores?source_snapshot_id="+id, nil))
	m.waitJobs()
	if e, _ := m.s.MendixEnvironment("calc-v4", "Production"); e.Restored == nil || e.Restored.DBRows != 4000 {
		t.Fatalf("restored dump %+v", e.Restored)
	}
}

func tarGz(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range entries {
		if err := tw.WriteHeader(&tar.Header{Name: name, Size: int64(len(body)), Mode: 0o644, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(body)
	}
	_ = tw.Close()
	_ = gz.Close()
	return buf.Bytes()
}

func TestMendixBackupsV2_SnapshotsArchivesAndExpiringURLs(t *testing.T) {
	m := newMx(t, 0)
	_, full := m.v1Snapshot(mxNewSnapshot)
	temp := m.deployToV4()
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv
	up, err := m.s.UploadMendixBackup(mxV4ProdEnv, bytes.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	m.waitJobs()
	m.expect("restore", 200)(m.deploy("POST", base+"/restores?source_snapshot_id="+up, nil))
	m.waitJobs()

	// A new snapshot captures what the environment now holds.
	sn := decodeAs[mxV2Snapshot](t, m.expect("create", 200)(m.deploy("POST", base+"/snapshots", map[string]string{"comment": "before go-live"})))
	if sn.State != "queued" || sn.UpdatedAt != nil || sn.StatusMessage != nil {
		t.Fatalf("new snapshot %+v", sn)
	}
	m.waitJobs()
	list := decodeAs[struct {
		Snapshots []mxV2Snapshot `json:"snapshots"`
		Total     int            `json:"total"`
		Offset    int            `json:"offset"`
		Limit     int            `json:"limit"`
	}](t, m.expect("list", 200)(m.deploy("GET", base+"/snapshots?offset=1&limit=5", nil)))
	if list.Total != 2 || list.Offset != 1 || list.Limit != 5 || len(list.Snapshots) != 1 || list.Snapshots[0].SnapshotID != sn.SnapshotID || list.Snapshots[0].State != "completed" {
		t.Fatalf("list %+v", list)
	}
	m.expectCode("bad limit", 400, "INVALID_PARAMETERS")(m.deploy("GET", base+"/snapshots?limit=-1", nil))

	// Archive it: url is null until the archive is completed, then the bytes equal the source's.
	if err := m.s.SetMendixArchiveURLTTL(time.Hour); err != nil {
		t.Fatal(err)
	}
	ar := decodeAs[mxV2Archive](t, m.expect("archive", 200)(m.deploy("POST", base+"/snapshots/"+sn.SnapshotID+"/archives", nil)))
	if ar.State != "queued" || ar.URL != nil || ar.DataType != "files_and_database" {
		t.Fatalf("archive %+v", ar)
	}
	m.waitJobs()
	ar = decodeAs[mxV2Archive](t, m.expect("archive status", 200)(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID+"/archives/"+ar.ArchiveID, nil)))
	if ar.State != "completed" || ar.URL == nil {
		t.Fatalf("archive after the job %+v", ar)
	}
	got := m.expect("archive download", 200)(m.get(*ar.URL, nil))
	if !bytes.Equal(got, full) {
		t.Error("archive of the restored data differs from the archive that was restored")
	}
	if err := m.s.ExpireMendixDownloadURLs(); err != nil {
		t.Fatal(err)
	}
	m.expect("expired archive", 403)(m.get(*ar.URL, nil))
	dbAr := decodeAs[mxV2Archive](t, m.expect("db archive", 200)(m.deploy("POST", base+"/snapshots/"+sn.SnapshotID+"/archives?data_type=database_only", nil)))
	m.waitJobs()
	dbAr = decodeAs[mxV2Archive](t, m.expect("db archive status", 200)(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID+"/archives/"+dbAr.ArchiveID, nil)))
	if dbAr.URL == nil || !bytes.HasPrefix(m.expect("db download", 200)(m.get(*dbAr.URL, nil)), []byte("PGDMP")) {
		t.Errorf("database_only archive %+v", dbAr)
	}
	m.expectCode("bad data type", 400, "UNSUPPORTED")(m.deploy("POST", base+"/snapshots/"+sn.SnapshotID+"/archives?data_type=files_only", nil))
	m.expectCode("unknown archive", 404, "NOT_FOUND")(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID+"/archives/00000000-0000-4000-8000-000000000000", nil))

	// Comment update keeps updated_at; delete answers 204.
	before := decodeAs[mxV2Snapshot](t, m.expect("get", 200)(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID, nil)))
	after := decodeAs[mxV2Snapshot](t, m.expect("put", 200)(m.deploy("PUT", base+"/snapshots/"+sn.SnapshotID, map[string]string{"comment": "renamed"})))
	if after.Comment == nil || *after.Comment != "renamed" || *after.UpdatedAt != *before.UpdatedAt {
		t.Errorf("after PUT %+v (before %+v)", after, before)
	}
	m.expect("delete", 204)(m.deploy("DELETE", base+"/snapshots/"+sn.SnapshotID, nil))
	m.expectCode("deleted", 404, "NOT_FOUND")(m.deploy("GET", base+"/snapshots/"+sn.SnapshotID, nil))
	// The restored environment still holds its data (shared blobs are kept).
	if d, err := m.s.MendixSnapshotDigest("calc-v4", "Production", up); err != nil || d.Bytes != int64(len(full)) {
		t.Errorf("uploaded snapshot after deleting another %+v %v", d, err)
	}
}

func TestMendixRestore_HoldsTheEnvironmentAgainstStartsAndNewRestores(t *testing.T) {
	m := newMx(t, 0)
	_, full := m.v1Snapshot(mxOldSnapshot)
	temp := m.deployToV4()
	id, err := m.s.UploadMendixBackup(mxV4ProdEnv, bytes.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	m.waitJobs()
	m.restart(time.Hour) // the restore stays in progress
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv
	rs := decodeAs[mxV2Restore](t, m.expect("restore", 200)(m.deploy("POST", base+"/restores?source_snapshot_id="+id, nil)))
	m.expectCode("second restore", 400, "ENVIRONMENT_BUSY")(m.deploy("POST", base+"/restores?source_snapshot_id="+id, nil))
	m.expectCode("snapshot while restoring", 400, "ENVIRONMENT_BUSY")(m.deploy("POST", base+"/snapshots", nil))
	job := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/start", nil)))["JobId"]
	m.restart(-1)
	m.waitJobs()
	m.expectCode("start during the restore", 500, "ALREADY_LOCKED")(m.deploy("GET", "/api/1/apps/calc-v4/environments/Production/start/"+job, nil))
	if got := decodeAs[mxV2Restore](t, m.expect("restore", 200)(m.deploy("GET", base+"/restores/"+rs.RestoreID, nil))); got.State != "completed" {
		t.Fatalf("restore %+v", got)
	}
}
