package mendix

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestMendixAuth_EachAPIRefusesWrongCredentialsInItsOwnStyle(t *testing.T) {
	m := newMx(t, 0)
	for _, c := range []struct {
		name string
		h    http.Header
	}{
		{"no headers", nil},
		{"wrong key", http.Header{"Mendix-Username": {mxTestUser}, "Mendix-Apikey": {"nope"}}},
		{"unknown user", http.Header{"Mendix-Username": {"x@example.com"}, "Mendix-Apikey": {mxAPIKey}}},
		{"PAT instead of API key", patHeaders()},
	} {
		for _, path := range []string{"/api/1/apps", "/api/v2/apps/calc/jobs/x", "/api/v2/apps/" + mxCalcProject + "/environments/" + mxCalcEnv + "/snapshots"} {
			m.expectCode("deploy "+c.name+" "+path, http.StatusUnauthorized, "UNAUTHORIZED")(m.do("GET", "/mendix/deploy"+path, c.h, nil))
		}
	}
	for _, h := range []http.Header{nil, {"Authorization": {"Bearer " + mxPAT}}, {"Authorization": {"MxToken wrong"}}, apiKeyHeaders()} {
		body := m.expect("v4 without a PAT", http.StatusUnauthorized)(m.do("GET", "/mendix/cloud/api/v4/apps", h, nil))
		e := decodeAs[mxV4ErrorBody](t, body)
		if e.Error.Code != 401 || e.Error.Message == "" {
			t.Errorf("v4 401 body %s", body)
		}
		body = m.expect("projects without a PAT", http.StatusUnauthorized)(m.do("POST", "/mendix/projects/v2/projects", h, map[string]string{"name": "x"}))
		pe := decodeAs[mxProjectsErrorBody](t, body)
		if pe.Error.Code != 401 || pe.Error.Detail == "" || pe.Error.Instance != "/mendix/projects/v2/projects" {
			t.Errorf("projects 401 body %s", body)
		}
	}
	// And the right credentials pass.
	m.expect("deploy with API key", http.StatusOK)(m.deploy("GET", "/api/1/apps", nil))
	m.expect("v4 with PAT", http.StatusOK)(m.cloud("GET", "/apps", nil))
}

func TestMendixCasing_EachAPIUsesItsOwnFieldNames(t *testing.T) {
	m := newMx(t, 0)
	// Deploy v1: PascalCase.
	apps := decodeAs[[]map[string]json.RawMessage](t, m.expect("v1 apps", 200)(m.deploy("GET", "/api/1/apps", nil)))
	if len(apps) != 1 {
		t.Fatalf("v1 apps %v: want only the licensed calc", apps)
	}
	wantKeys(t, "v1 app", apps[0], "AppId", "Name", "ProjectId", "Url")
	envs := decodeAs[[]map[string]json.RawMessage](t, m.expect("v1 envs", 200)(m.deploy("GET", "/api/1/apps/calc/environments", nil)))
	wantKeys(t, "v1 env", envs[0], "Status", "EnvironmentId", "Url", "Mode", "ModelVersion", "MendixVersion", "Production")
	wantKeys(t, "v1 package", keysOf(t, m.expect("v1 package", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/package?url=true", nil))),
		"PackageId", "Name", "Description", "Version", "Creator", "CreationDate", "ExpiryDate", "Status", "Size", "Url")
	settings := keysOf(t, m.expect("v1 settings", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/settings", nil)))
	wantKeys(t, "v1 settings", settings, "Constants", "CustomSettings", "ScheduledEvents")
	snaps := decodeAs[[]map[string]json.RawMessage](t, m.expect("v1 snapshots", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/snapshots", nil)))
	wantKeys(t, "v1 snapshot", snaps[0], "SnapshotID", "Comment", "State", "ExpiresOn", "CreatedOn", "ModelVersion")
	wantKeys(t, "v1 snapshot links", keysOf(t, m.expect("v1 snapshot", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/snapshots/"+mxNewSnapshot, nil))),
		"FilesOnly", "DatabaseOnly", "DatabaseAndFiles")

	// Projects v2 and Deploy v4: camelCase.
	temp := m.createTempApp()
	m.expect("link", 200)(m.cloud("POST", "/apps/"+temp+"/node", map[string]string{"nodeId": mxV4Node}))
	apps4 := keysOf(t, m.expect("v4 apps", 200)(m.cloud("GET", "/apps", nil)))
	wantKeys(t, "v4 apps", apps4, "apps", "pagination")
	wantKeys(t, "v4 app", keysOf(t, m.expect("v4 app", 200)(m.cloud("GET", "/apps/"+temp, nil))), "id", "name", "licenseType", "subdomain", "technicalContact", "region")
	envs4 := decodeAs[struct {
		Environments []map[string]json.RawMessage `json:"environments"`
	}](t, m.expect("v4 envs", 200)(m.cloud("GET", "/apps/"+temp+"/environments", nil)))
	wantKeys(t, "v4 env", envs4.Environments[0], "id", "appId", "name", "state", "isProduction", "url", "dbVersion", "planName")

	// Deploy v2: PascalCase.
	up := keysOf(t, m.expect("v2 upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=x.mda", []byte("not a zip"))))
	wantKeys(t, "v2 upload", up, "PackageId", "JobId")
	var jobID string
	_ = json.Unmarshal(up["JobId"], &jobID)
	wantKeys(t, "v2 job", keysOf(t, m.expect("v2 job", 200)(m.deploy("GET", "/api/v2/apps/calc-v4/jobs/"+jobID, nil))), "Status")

	// Backups v2: snake_case.
	list := keysOf(t, m.expect("v2 snapshots", 200)(m.deploy("GET", "/api/v2/apps/"+temp+"/environments/"+mxV4ProdEnv+"/snapshots", nil)))
	wantKeys(t, "v2 snapshot list", list, "snapshots", "total", "offset", "limit")
	sn := keysOf(t, m.expect("v2 create snapshot", 200)(m.deploy("POST", "/api/v2/apps/"+temp+"/environments/"+mxV4ProdEnv+"/snapshots", map[string]string{"comment": "c"})))
	wantKeys(t, "v2 snapshot", sn, "snapshot_id", "comment", "state", "status_message", "model_version", "expires_at", "created_at", "updated_at", "finished_at")
}

func TestMendixPackageURL_WorksThenExpiresAndAFreshOneWorks(t *testing.T) {
	m := newMx(t, 0)
	pkg := decodeAs[mxV1Package](t, m.expect("package", 200)(m.deploy("GET", "/api/1/apps/calc/environments/production/package?url=true", nil)))
	if pkg.URL == nil || pkg.URL.TTL != 900 || pkg.Name != "Main line-2.5.4.63.mda" || pkg.Status != "Succeeded" || pkg.Version != "2.5.4.63" || pkg.ExpiryDate != nil {
		t.Fatalf("package %+v", pkg)
	}
	if pkg.Size < 2_000_000 || pkg.Size > 2_200_000 {
		t.Errorf("size %d, want about 2 MiB", pkg.Size)
	}
	if pkg.CreationDate != time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("CreationDate %d is not epoch milliseconds of the fixture's date", pkg.CreationDate)
	}
	resp, content := m.get(pkg.URL.Location, nil)
	want(t, "download", resp, content, 200)
	if int64(len(content)) != pkg.Size || resp.Header.Get("Content-Length") != "" && resp.Header.Get("Content-Length") != strconv.FormatInt(pkg.Size, 10) {
		t.Fatalf("downloaded %d bytes, package says %d", len(content), pkg.Size)
	}
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		t.Fatalf("package is not a zip: %v", err)
	}
	meta, err := readMDAMetadata(bytes.NewReader(content), int64(len(content)))
	if err != nil || meta.ModelVersion != "2.5.4.63" || meta.RuntimeVersion != "9.24.0" || len(meta.Constants) != 3 || len(meta.ScheduledEvents) != 2 {
		t.Fatalf("metadata %+v, %v (%d entries)", meta, err, len(zr.File))
	}
	// Range requests are served from the blob.
	resp, part := m.get(pkg.URL.Location, http.Header{"Range": {"bytes=10-19"}})
	want(t, "range", resp, part, http.StatusPartialContent)
	if !bytes.Equal(part, content[10:20]) {
		t.Errorf("range bytes differ")
	}
	// Mendix credentials must not travel to storage: S3 refuses a second auth mechanism.
	resp, body := m.get(pkg.URL.Location, http.Header{"Authorization": {"MxToken " + mxPAT}})
	want(t, "download with Authorization", resp, body, http.StatusBadRequest)

	if err := m.s.ExpireMendixDownloadURLs(); err != nil {
		t.Fatal(err)
	}
	resp, body = m.get(pkg.URL.Location, nil)
	want(t, "expired download", resp, body, http.StatusForbidden)
	if !strings.Contains(string(body), "<Code>AccessDenied</Code>") || !strings.Contains(string(body), "<Message>Request has expired</Message>") || resp.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("expired answer %s (%s)", body, resp.Header.Get("Content-Type"))
	}
	fresh := decodeAs[mxV1Package](t, m.expect("fresh package", 200)(m.deploy("GET", "/api/1/apps/calc/packages/"+mxCalcPackage+"?url=true", nil)))
	if fresh.URL == nil || fresh.URL.Location == pkg.URL.Location {
		t.Fatalf("fresh URL %+v", fresh.URL)
	}
	resp, again := m.get(fresh.URL.Location, nil)
	want(t, "fresh download", resp, again, 200)
	if !bytes.Equal(again, content) {
		t.Error("fresh download differs")
	}
	// Without url=true there is no link.
	if p := decodeAs[mxV1Package](t, m.expect("no url", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/package", nil))); p.URL != nil {
		t.Errorf("url without url=true: %+v", p.URL)
	}
}

// linkTemp creates a temporary app and links it to the v4 node, as the runbook's first steps do.
func (m *mxSandbox) linkTemp() string {
	m.t.Helper()
	temp := m.createTempApp()
	if err := m.s.LinkMendixNode(mxV4Node, temp); err != nil {
		m.t.Fatal(err)
	}
	return temp
}

// calcPackage downloads the v3 app's deployed package.
func (m *mxSandbox) calcPackage() []byte {
	m.t.Helper()
	pkg := decodeAs[mxV1Package](m.t, m.expect("package", 200)(m.deploy("GET", "/api/1/apps/calc/environments/Production/package?url=true", nil)))
	return m.expect("download", 200)(m.get(pkg.URL.Location, nil))
}

// linkOther links the fixture's unrelated free app to the v4 node (no job involved).
func (m *mxSandbox) linkOther() {
	m.t.Helper()
	if err := m.s.LinkMendixNode(mxV4Node, mxOtherProject); err != nil {
		m.t.Fatal(err)
	}
}

type uploadAnswer struct {
	PackageID string `json:"PackageId"`
	JobID     string `json:"JobId"`
}

func TestMendixUpload_JobCompletesAndThePackageIsListed(t *testing.T) {
	m := newMx(t, 0)
	m.linkTemp()
	mda := m.calcPackage()
	up := decodeAs[uploadAnswer](t, m.expect("upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=Main%20line-2.5.4.63.mda", mda)))
	m.waitJobs()
	if st := decodeAs[map[string]string](t, m.expect("job", 200)(m.deploy("GET", "/api/v2/apps/calc-v4/jobs/"+up.JobID, nil))); st["Status"] != "Completed" {
		t.Fatalf("job status %v", st)
	}
	list := decodeAs[[]mxV1Package](t, m.expect("packages", 200)(m.deploy("GET", "/api/1/apps/calc-v4/packages/", nil)))
	if len(list) != 1 || list[0].PackageID != up.PackageID || list[0].Status != "Succeeded" || list[0].Name != "Main line-2.5.4.63.mda" || list[0].Size != int64(len(mda)) || list[0].Version != "2.5.4.63" {
		t.Fatalf("packages %+v", list)
	}
	pkgs, err := m.s.MendixPackages("calc-v4")
	if err != nil || len(pkgs) != 1 || pkgs[0].ModelVersion != "2.5.4.63" || pkgs[0].MendixVersion != "9.24.0" || len(pkgs[0].Constants) != 3 {
		t.Fatalf("MendixPackages %+v %v", pkgs, err)
	}
	sum := sha256.Sum256(mda)
	if pkgs[0].SHA256 != hex.EncodeToString(sum[:]) {
		t.Error("stored package digest differs from the uploaded bytes")
	}
	// A job of another app is not found; the name defaults to default.mda.
	m.expectCode("job of calc", 404, "JOB_NOT_FOUND")(m.deploy("GET", "/api/v2/apps/calc/jobs/"+up.JobID, nil))
	up2 := decodeAs[uploadAnswer](t, m.expect("upload without name", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload", mda)))
	m.waitJobs()
	p2 := decodeAs[mxV1Package](t, m.expect("package 2", 200)(m.deploy("GET", "/api/1/apps/calc-v4/packages/"+up2.PackageID, nil)))
	if p2.Name != "default.mda" {
		t.Errorf("name %q", p2.Name)
	}
}

func TestMendixUpload_RefusesWhatIsNotAMultipartFile(t *testing.T) {
	m := newMx(t, 0)
	m.linkTemp()
	m.expectCode("json body", 400, "INVALID_PARAMETERS")(m.deploy("POST", "/api/v2/apps/calc-v4/packages/upload", map[string]string{"x": "y"}))
	body, ct := mxMultipart(t, "package", "x.mda", []byte("abc"))
	h := apiKeyHeaders()
	h.Set("Content-Type", ct)
	m.expectCode("wrong field", 400, "INVALID_PARAMETERS")(m.do("POST", "/mendix/deploy/api/v2/apps/calc-v4/packages/upload", h, body))
	m.expectCode("unlinked node", 404, "APP_NOT_FOUND")(m.upload("/api/v2/apps/nosuchapp/packages/upload", []byte("x")))
	m.expectCode("bad app id", 400, "INVALID_APPID")(m.upload("/api/v2/apps/bad_app!/packages/upload", []byte("x")))
	// A broken package uploads, then its job fails and transport says NOT ALLOWED.
	up := decodeAs[uploadAnswer](t, m.expect("broken upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=broken.mda", []byte("not a zip"))))
	m.waitJobs()
	if st := decodeAs[map[string]string](t, m.expect("job", 200)(m.deploy("GET", "/api/v2/apps/calc-v4/jobs/"+up.JobID, nil))); st["Status"] != "Failed" {
		t.Fatalf("job %v", st)
	}
	m.expectCode("transport broken", 403, "NOT ALLOWED")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{"PackageId": up.PackageID}))
}

func TestMendixTransport_Answers503WhileThePackageIsProcessedThenSucceeds(t *testing.T) {
	m := newMx(t, time.Hour) // jobs wait: the package stays "Uploading"
	m.linkOther()
	mda := m.calcPackage()
	up := decodeAs[uploadAnswer](t, m.expect("upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=calc.mda", mda)))
	if st := decodeAs[map[string]string](t, m.expect("job", 200)(m.deploy("GET", "/api/v2/apps/calc-v4/jobs/"+up.JobID, nil))); st["Status"] != "Queued" && st["Status"] != "Running" {
		t.Fatalf("job %v", st)
	}
	transport := map[string]string{"PackageId": up.PackageID}
	m.expectCode("transport while processing", 503, "SERVICE UNAVAILABLE")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", transport))
	if p := decodeAs[mxV1Package](t, m.expect("package", 200)(m.deploy("GET", "/api/1/apps/calc-v4/packages/"+up.PackageID, nil))); p.Status != "Uploading" {
		t.Errorf("status while processing %q", p.Status)
	}
	// Settings do not exist before a transport.
	one := "x"
	m.expectCode("constant before transport", 400, "CONSTANT_NOT_FOUND")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/settings",
		map[string]any{"Constants": []mxSettingIn{{Name: "MyFirstModule.ApiUrl", Value: &one}}}))

	m.restart(-1) // the processing job resumes and finishes at once
	m.waitJobs()
	m.expect("transport", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/production/transport", transport))
	env, err := m.s.MendixEnvironment("calc-v4", "Production")
	if err != nil {
		t.Fatal(err)
	}
	if env.Status != "Stopped" || env.PackageID != up.PackageID || env.ModelVersion != "2.5.4.63" || env.MendixVersion != "9.24.0" {
		t.Fatalf("environment after transport %+v", env)
	}
	// Constants and events come from the package's model, at their defaults, not yet deployed.
	if len(env.Constants) != 3 || env.Constants[0].Value != "https://api.example.com" || env.Constants[0].DeployedValue != "" || len(env.ScheduledEvents) != 2 || env.ScheduledEvents[0].Value != "Disabled" {
		t.Fatalf("settings after transport %+v %+v", env.Constants, env.ScheduledEvents)
	}
	v1 := decodeAs[mxV1Env](t, m.expect("v1 env", 200)(m.deploy("GET", "/api/1/apps/calc-v4/environments/Production", nil)))
	if v1.Status != "Stopped" || v1.ModelVersion != "2.5.4.63" {
		t.Errorf("v1 env %+v", v1)
	}
	m.expectCode("unknown package", 404, "PACKAGE_NOT_FOUND")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{"PackageId": mxCalcPackage}))
	m.expectCode("no package id", 400, "INVALID_PARAMETERS")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/transport", map[string]string{}))
	m.expectCode("unknown env", 404, "ENVIRONMENT_NOT_FOUND")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Test/transport", transport))
}

func TestMendixTransport_RefusedWhileTheEnvironmentRuns(t *testing.T) {
	m := newMx(t, 0)
	m.expectCode("transport on running calc", 403, "APP_IS_RUNNING")(m.deploy("POST", "/api/1/apps/calc/environments/Production/transport", map[string]string{"PackageId": mxCalcPackage}))
	m.expect("stop", 200)(m.deploy("POST", "/api/1/apps/calc/environments/Production/stop", nil))
	m.expect("transport when stopped", 200)(m.deploy("POST", "/api/1/apps/calc/environments/Production/transport", map[string]string{"PackageId": mxCalcPackage}))
}

func TestMendixStart_GoesFromStartingToStartedAndAnswersAlreadyStarted(t *testing.T) {
	m := newMx(t, time.Hour)
	const env = "/api/1/apps/calc/environments/Production"
	m.expectCode("start running", 200, "ALREADY_STARTED")(m.deploy("POST", env+"/start", map[string]bool{"AutoSyncDb": true}))
	m.expect("stop", 200)(m.deploy("POST", env+"/stop", nil))
	if e, _ := m.s.MendixEnvironment("calc", "Production"); e.Status != "Stopped" {
		t.Fatalf("after stop %+v", e)
	}
	job := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", env+"/start", map[string]bool{"AutoSyncDb": true})))["JobId"]
	if st := decodeAs[map[string]string](t, m.expect("status", 200)(m.deploy("GET", env+"/start/"+job, nil))); st["Status"] != "Starting" {
		t.Fatalf("status %v", st)
	}
	m.expectCode("second start", 500, "APP_ALREADY_HAS_A_STARTING_JOB")(m.deploy("POST", env+"/start", nil))
	m.expectCode("transport while starting", 403, "APP_IS_RUNNING")(m.deploy("POST", env+"/transport", map[string]string{"PackageId": mxCalcPackage}))

	m.restart(-1)
	m.waitJobs()
	if st := decodeAs[map[string]string](t, m.expect("status", 200)(m.deploy("GET", env+"/start/"+job, nil))); st["Status"] != "Started" {
		t.Fatalf("status after the job %v", st)
	}
	if e, _ := m.s.MendixEnvironment("calc", "Production"); e.Status != "Running" || e.Starting {
		t.Fatalf("after start %+v", e)
	}
	m.expectCode("start again", 200, "ALREADY_STARTED")(m.deploy("POST", env+"/start", nil))
	m.expectCode("unknown job", 404, "NO_SUCH_STARTJOB")(m.deploy("GET", env+"/start/00000000-0000-4000-8000-000000000000", nil))
	m.linkOther()
	m.expectCode("empty env", 500, "NO_MDA_HAS_BEEN_DEPLOYED")(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/start", nil))
}

func TestMendixStart_AScriptedFailureComesBackAsHTTP500WithTheVendorCode(t *testing.T) {
	m := newMx(t, 0)
	const env = "/api/1/apps/calc/environments/Production"
	if err := m.s.ScriptMendixStartFailure("calc", "production", "MISSING_CONSTANT"); err != nil {
		t.Fatal(err)
	}
	if err := m.s.ScriptMendixStartFailure("calc", "Production", "lower"); err == nil {
		t.Error("a lower-case code was accepted")
	}
	m.expect("stop", 200)(m.deploy("POST", env+"/stop", nil))
	job := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", env+"/start", nil)))["JobId"]
	m.waitJobs()
	m.expectCode("failed start", 500, "MISSING_CONSTANT")(m.deploy("GET", env+"/start/"+job, nil))
	if e, _ := m.s.MendixEnvironment("calc", "Production"); e.Status != "Stopped" {
		t.Fatalf("after a failed start %+v", e)
	}
	// The script is used up: the next start works.
	job = decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", env+"/start", nil)))["JobId"]
	m.waitJobs()
	if st := decodeAs[map[string]string](t, m.expect("status", 200)(m.deploy("GET", env+"/start/"+job, nil))); st["Status"] != "Started" {
		t.Fatalf("second start %v", st)
	}
}

func TestMendixSettings_TakeEffectAtTheNextStartAndRefuseUnknownNames(t *testing.T) {
	m := newMx(t, 0)
	const env = "/api/1/apps/calc/environments/Production"
	got := decodeAs[mxV1Settings](t, m.expect("settings", 200)(m.deploy("GET", env+"/settings", nil)))
	types := map[string]string{}
	for _, c := range got.Constants {
		types[c.Name] = c.DataType
		if c.Value != c.DeployedValue {
			t.Errorf("running fixture env: %s value %q deployed %q", c.Name, c.Value, c.DeployedValue)
		}
	}
	if types["MyFirstModule.ApiUrl"] != "String" || types["MyFirstModule.MaxRetries"] != "Integer" || types["MyFirstModule.FeatureEnabled"] != "Boolean" {
		t.Errorf("constants %+v", got.Constants)
	}
	if len(got.ScheduledEvents) != 2 || got.ScheduledEvents[0].Value != "Enabled" || len(got.CustomSettings) != 1 || got.CustomSettings[0] != (mxV1Custom{Name: "ConnectionPoolingMaxActive", Value: "50"}) {
		t.Fatalf("settings %+v", got)
	}

	// Edit the GET document and post it back, as the docs describe.
	got.Constants[1].Value = "7"
	got.ScheduledEvents[1].Value = "Enabled"
	got.CustomSettings = append(got.CustomSettings, mxV1Custom{Name: "SessionTimeout", Value: "600000"})
	after := decodeAs[mxV1Settings](t, m.expect("post", 200)(m.deploy("POST", env+"/settings", got)))
	if after.Constants[1].Value != "7" || after.Constants[1].DeployedValue != "5" || after.ScheduledEvents[1].Value != "Enabled" || after.ScheduledEvents[1].DeployedValue != "Disabled" || len(after.CustomSettings) != 2 {
		t.Fatalf("after post %+v", after)
	}
	s := func(v string) *string { return &v }
	m.expectCode("unknown constant", 400, "CONSTANT_NOT_FOUND")(m.deploy("POST", env+"/settings", map[string]any{"Constants": []mxSettingIn{{Name: "MyFirstModule.Nope", Value: s("1")}}}))
	m.expectCode("bad event value", 500, "INVALID_SCHEDULED_EVENT_PARAMETER")(m.deploy("POST", env+"/settings", map[string]any{"ScheduledEvents": []mxSettingIn{{Name: "MyFirstModule.HourlySync", Value: s("On")}}}))
	m.expectCode("unknown event", 400, "SCHEDULED_EVENT_NOT_FOUND")(m.deploy("POST", env+"/settings", map[string]any{"ScheduledEvents": []mxSettingIn{{Name: "MyFirstModule.Nope", Value: s("Enabled")}}}))
	m.expectCode("platform setting", 400, "CUSTOM_SETTING_NOT_SUPPORTED")(m.deploy("POST", env+"/settings", map[string]any{"CustomSettings": []mxSettingIn{{Name: "DatabasePassword", Value: s("x")}}}))
	// A refused document changes nothing.
	if e, _ := m.s.MendixEnvironment("calc", "Production"); e.Constants[1].Value != "7" || len(e.CustomSettings) != 2 {
		t.Fatalf("after refused posts %+v", e)
	}

	// Restart: the values are now deployed.
	m.expect("stop", 200)(m.deploy("POST", env+"/stop", nil))
	m.expect("start", 200)(m.deploy("POST", env+"/start", nil))
	m.waitJobs()
	e, _ := m.s.MendixEnvironment("calc", "Production")
	for _, c := range append(append(e.Constants, e.ScheduledEvents...), e.CustomSettings...) {
		if c.Value != c.DeployedValue {
			t.Errorf("after restart %s: value %q deployed %q", c.Name, c.Value, c.DeployedValue)
		}
	}

	// Out-of-band drift through the portal helper.
	if err := m.s.SetMendixEnvironmentSetting("calc", "Production", MendixConstant, "MyFirstModule.ApiUrl", "https://drift.example.com"); err != nil {
		t.Fatal(err)
	}
	if err := m.s.SetMendixEnvironmentSetting("calc", "Production", MendixScheduledEvent, "MyFirstModule.HourlySync", "Sometimes"); err == nil {
		t.Error("invalid event value accepted")
	}
	got = decodeAs[mxV1Settings](t, m.expect("settings", 200)(m.deploy("GET", env+"/settings", nil)))
	if got.Constants[0].Value != "https://drift.example.com" || got.Constants[0].DeployedValue != "https://calc-api.example.com" {
		t.Errorf("drift %+v", got.Constants[0])
	}
}

func TestMendixPackages_DeleteRefusedWhileInUse(t *testing.T) {
	m := newMx(t, 0)
	m.expectCode("delete deployed", 409, "PACKAGE_IN_USE")(m.deploy("DELETE", "/api/1/apps/calc/packages/"+mxCalcPackage, nil))
	m.linkTemp()
	up := decodeAs[uploadAnswer](t, m.expect("upload", 200)(m.upload("/api/v2/apps/calc-v4/packages/upload?name=a.mda", m.calcPackage())))
	m.waitJobs()
	m.expect("delete unused", 200)(m.deploy("DELETE", "/api/1/apps/calc-v4/packages/"+up.PackageID, nil))
	m.expectCode("get deleted", 404, "PACKAGE_NOT_FOUND")(m.deploy("GET", "/api/1/apps/calc-v4/packages/"+up.PackageID, nil))
	m.expectCode("delete again", 404, "PACKAGE_NOT_FOUND")(m.deploy("DELETE", "/api/1/apps/calc-v4/packages/"+up.PackageID, nil))
	if l := decodeAs[[]mxV1Package](t, m.expect("list", 200)(m.deploy("GET", "/api/1/apps/calc-v4/packages", nil))); len(l) != 0 {
		t.Errorf("packages after delete %+v", l)
	}
}

func TestMendixV1_AppsAndEnvironmentsFollowTheNotes(t *testing.T) {
	m := newMx(t, 0)
	app := decodeAs[mxV1App](t, m.expect("app", 200)(m.deploy("GET", "/api/1/apps/CALC", nil)))
	if app != (mxV1App{AppID: "calc", Name: "Calc", ProjectID: mxCalcProject, URL: "https://calc.mendixcloud.com"}) {
		t.Errorf("app %+v", app)
	}
	m.expectCode("unknown app", 404, "APP_NOT_FOUND")(m.deploy("GET", "/api/1/apps/nope", nil))
	m.expectCode("unlinked node", 404, "APP_NOT_FOUND")(m.deploy("GET", "/api/1/apps/calc-v4", nil))
	m.expectCode("invalid app id", 400, "INVALID_APPID")(m.deploy("GET", "/api/1/apps/no_such!", nil))
	env := decodeAs[mxV1Env](t, m.expect("env", 200)(m.deploy("GET", "/api/1/apps/calc/environments/pRoDuCtIoN", nil)))
	if env != (mxV1Env{Status: "Running", EnvironmentID: mxCalcEnv, URL: "https://calc.mendixcloud.com", Mode: "Production", ModelVersion: "2.5.4.63", MendixVersion: "9.24.0", Production: true}) {
		t.Errorf("env %+v", env)
	}
	m.expectCode("unknown env", 404, "ENVIRONMENT_NOT_FOUND")(m.deploy("GET", "/api/1/apps/calc/environments/Acceptance", nil))
	m.expectCode("bad mode", 400, "INVALID_ENVIRONMENT")(m.deploy("GET", "/api/1/apps/calc/environments/%20x", nil))
	m.linkOther()
	m.expectCode("no package", 404, "PACKAGE_NOT_FOUND")(m.deploy("GET", "/api/1/apps/calc-v4/environments/Production/package", nil))
}
