package mendix

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// lagsByKind returns the jobs' poll lags of each kind.
func (m *mxSandbox) lagsByKind() map[string][]core.JobLag {
	out := map[string][]core.JobLag{}
	for _, l := range m.s.JobLags() {
		out[l.Kind] = append(out[l.Kind], l)
	}
	return out
}

func TestMendixLag_EveryStatusRouteTheRunbookPollsCountsItsJob(t *testing.T) {
	m := newMx(t, 0)
	_, full := m.v1Snapshot(mxNewSnapshot)
	temp := m.linkTemp() // the project job, read once by createTempApp
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv
	twice := func(what, path string) {
		m.expect(what, 200)(m.deploy("GET", path, nil))
		m.expect(what, 200)(m.deploy("GET", path, nil))
	}

	up := decodeAs[uploadAnswer](t, m.expect("package upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=calc.mda", m.calcPackage())))
	m.waitJobs()
	twice("package job", "/api/v2/apps/calc-v4/jobs/"+up.JobID)

	sn := decodeAs[mxV2Snapshot](t, m.expect("backup upload", http.StatusAccepted)(m.upload(base+"/snapshots/upload", full)))
	m.waitJobs()
	twice("uploaded snapshot", base+"/snapshots/"+sn.SnapshotID)

	m.expect("transport", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{"PackageId": up.PackageID}))
	rs := decodeAs[mxV2Restore](t, m.expect("restore", 200)(m.deploy("POST", base+"/restores?source_snapshot_id="+sn.SnapshotID, nil)))
	m.waitJobs()
	twice("restore", base+"/restores/"+rs.RestoreID)

	created := decodeAs[mxV2Snapshot](t, m.expect("snapshot", 200)(m.deploy("POST", base+"/snapshots", map[string]string{"comment": "lag"})))
	m.waitJobs()
	twice("snapshot", base+"/snapshots/"+created.SnapshotID)
	ar := decodeAs[mxV2Archive](t, m.expect("archive", 200)(m.deploy("POST", base+"/snapshots/"+created.SnapshotID+"/archives", nil)))
	m.waitJobs()
	twice("archive", base+"/snapshots/"+created.SnapshotID+"/archives/"+ar.ArchiveID)

	start := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/start", nil)))["JobId"]
	m.waitJobs()
	twice("start job", "/api/1/apps/calc-v4/environments/Production/start/"+start)

	// A fixture snapshot has no job; reading it counts for nothing.
	m.expect("v3 snapshot list", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/snapshots", nil))

	lags := m.lagsByKind()
	for kind, reads := range map[string]int{
		mxJobProject: 1, mxJobPackage: 2, mxJobUpload: 2, mxJobRestore: 2, mxJobSnapshot: 2, mxJobArchive: 2, mxJobStart: 2,
	} {
		if len(lags[kind]) != 1 {
			t.Errorf("%s: %d jobs, want 1", kind, len(lags[kind]))
			continue
		}
		l := lags[kind][0]
		if l.Seen == nil || l.LagMS == nil || *l.LagMS < 0 || l.ReadsToSeen != 1 || l.Reads != reads {
			t.Errorf("%s: %+v; want seen at the first read, %d reads in all", kind, l, reads)
		}
	}
}

func TestMendixLag_AnAnswerBeforeTheEndIsAReadNotASighting(t *testing.T) {
	m := newMx(t, time.Hour)
	body := m.expect("create project", http.StatusAccepted)(m.projects("POST", "/projects", map[string]string{"name": "Calc temporary"}))
	var job struct {
		JobID string `json:"jobId"`
	}
	if err := json.Unmarshal(body, &job); err != nil {
		t.Fatal(err)
	}
	m.expect("project job", 200)(m.projects("GET", "/projects/jobs/"+job.JobID, nil))

	const env = "/api/1/apps/calc/environments/Production"
	m.expect("stop", 200)(m.deploy("POST", env+"/stop", nil))
	start := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", env+"/start", nil)))["JobId"]
	m.expect("start status", 200)(m.deploy("GET", env+"/start/"+start, nil))
	m.expect("start status", 200)(m.deploy("GET", env+"/start/"+start, nil))

	lags := m.lagsByKind()
	for kind, reads := range map[string]int{mxJobProject: 1, mxJobStart: 2} {
		if len(lags[kind]) != 1 {
			t.Fatalf("%s: %d jobs", kind, len(lags[kind]))
		}
		l := lags[kind][0]
		if l.Seen != nil || l.Finished != nil || l.Reads != reads || l.ReadsToSeen != reads {
			t.Errorf("%s: %+v; want %d reads and no sighting", kind, l, reads)
		}
	}
}

func TestMendixLag_AFailedStartIsSeenThroughItsHTTP500(t *testing.T) {
	m := newMx(t, 0)
	const env = "/api/1/apps/calc/environments/Production"
	if err := m.s.ScriptMendixStartFailure("calc", "Production", "MISSING_CONSTANT"); err != nil {
		t.Fatal(err)
	}
	m.expect("stop", 200)(m.deploy("POST", env+"/stop", nil))
	job := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", env+"/start", nil)))["JobId"]
	m.waitJobs()
	m.expectCode("failed start", 500, "MISSING_CONSTANT")(m.deploy("GET", env+"/start/"+job, nil))
	m.expectCode("unknown job", 404, "NO_SUCH_STARTJOB")(m.deploy("GET", env+"/start/00000000-0000-4000-8000-000000000000", nil))
	l := m.lagsByKind()[mxJobStart]
	if len(l) != 1 || l[0].State != core.JobFailed || l[0].Seen == nil || l[0].Reads != 1 {
		t.Fatalf("lags %+v", l)
	}
}
