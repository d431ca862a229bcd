package mendix

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

func TestMendixProjects_CreateJobAndDeleteRefusedWhileLinked(t *testing.T) {
	m := newMx(t, time.Hour)
	body := m.expect("create", http.StatusAccepted)(m.projects("POST", "/projects", map[string]string{"name": "Calc temporary", "summary": "for the migration"}))
	wantKeys(t, "create answer", keysOf(t, body), "jobId")
	job := decodeAs[map[string]string](t, body)["jobId"]
	st := decodeAs[mxProjectJobView](t, m.expect("job", 200)(m.projects("GET", "/projects/jobs/"+job, nil)))
	if st.Status != "scheduled" && st.Status != "running" || st.ProjectID != nil {
		t.Fatalf("pending job %+v", st)
	}
	m.restart(-1)
	m.waitJobs()
	body = m.expect("job", 200)(m.projects("GET", "/projects/jobs/"+job, nil))
	wantKeys(t, "job", keysOf(t, body), "status", "errorMessage", "projectId")
	st = decodeAs[mxProjectJobView](t, body)
	if st.Status != "completed" || st.ProjectID == nil || st.ErrorMessage != nil {
		t.Fatalf("job %s", body)
	}
	temp := *st.ProjectID
	app := decodeAs[mxV4App](t, m.expect("v4 app", 200)(m.cloud("GET", "/apps/"+temp, nil)))
	if app.Name != "Calc temporary" || app.LicenseType != "free" || app.Subdomain != "" || app.TechnicalContact.UserID != mxTestUser {
		t.Fatalf("new app %+v", app)
	}
	// A new project has no environments (no Free App environment either).
	envs := decodeAs[struct {
		Environments []mxV4Env `json:"environments"`
	}](t, m.expect("envs", 200)(m.cloud("GET", "/apps/"+temp+"/environments", nil)))
	if len(envs.Environments) != 0 {
		t.Fatalf("environments of a new project %+v", envs)
	}

	m.expect("link", 200)(m.cloud("POST", "/apps/"+temp+"/node", map[string]string{"nodeId": mxV4Node}))
	body = m.expect("delete linked", http.StatusConflict)(m.projects("DELETE", "/projects/"+temp, nil))
	if e := decodeAs[mxProjectsErrorBody](t, body); e.Error.Code != 409 || !strings.Contains(e.Error.Detail, mxV4Node) {
		t.Errorf("409 body %s", body)
	}
	// Linking another app to the node unlinks the temporary app, which can then be deleted.
	m.expect("link other", 200)(m.cloud("POST", "/apps/"+mxOtherProject+"/node", map[string]string{"nodeId": mxV4Node}))
	m.expect("delete", http.StatusAccepted)(m.projects("DELETE", "/projects/"+temp, nil))
	m.expect("deleted", 404)(m.cloud("GET", "/apps/"+temp, nil))
	m.expect("delete again", 404)(m.projects("DELETE", "/projects/"+temp, nil))

	// Validation names the field.
	body = m.expect("no name", 400)(m.projects("POST", "/projects", map[string]string{"summary": "x"}))
	if e := decodeAs[mxProjectsErrorBody](t, body); len(e.Error.InvalidParams) != 1 || e.Error.InvalidParams[0].Name != "name" {
		t.Errorf("400 body %s", body)
	}
	if !strings.Contains(string(body), `"invalid-params"`) {
		t.Errorf("invalid-params spelled differently: %s", body)
	}
	m.expect("long name", 400)(m.projects("POST", "/projects", map[string]string{"name": strings.Repeat("x", 101)}))
	m.expect("bad template", 400)(m.projects("POST", "/projects", map[string]string{"name": "x", "templateId": "nope"}))
	m.expect("unknown job", 404)(m.projects("GET", "/projects/jobs/00000000-0000-4000-8000-000000000000", nil))
}

func TestMendixNodeLink_ReplacesThePreviouslyLinkedApp(t *testing.T) {
	m := newMx(t, 0)
	temp := m.createTempApp()
	res := decodeAs[mxV4LinkResult](t, m.expect("link temp", 200)(m.cloud("POST", "/apps/"+temp+"/node", map[string]string{"nodeId": mxV4Node})))
	if res.AppID != temp || res.NodeID != mxV4Node || res.Subdomain != "calc-v4" || res.LinkedAt == "" {
		t.Fatalf("link answer %+v", res)
	}
	app := decodeAs[mxV4App](t, m.expect("temp", 200)(m.cloud("GET", "/apps/"+temp, nil)))
	if app.LicenseType != "licensed" || app.Subdomain != "calc-v4" || app.Region != "prod2-eu-central-1" {
		t.Fatalf("linked temp %+v", app)
	}
	envs := decodeAs[struct {
		Environments []mxV4Env      `json:"environments"`
		Pagination   mxV4Pagination `json:"pagination"`
	}](t, m.expect("envs", 200)(m.cloud("GET", "/apps/"+temp+"/environments?sort=%2Bname", nil)))
	if len(envs.Environments) != 2 || envs.Environments[0].Name != "Acceptance" || envs.Environments[1].ID != mxV4ProdEnv || envs.Environments[1].State != "notdeployed" || !envs.Environments[1].IsProduction || envs.Pagination.Size != 2 {
		t.Fatalf("envs %+v", envs)
	}

	// The real app is linked next: the temporary app is unlinked and becomes free.
	m.expect("link calc", 200)(m.cloud("POST", "/apps/"+mxCalcProject+"/node", map[string]string{"nodeId": mxV4Node}))
	if a := decodeAs[mxV4App](t, m.expect("temp", 200)(m.cloud("GET", "/apps/"+temp, nil))); a.LicenseType != "free" || a.Subdomain != "" {
		t.Errorf("temp after relink %+v", a)
	}
	if a := decodeAs[mxV4App](t, m.expect("calc", 200)(m.cloud("GET", "/apps/"+mxCalcProject, nil))); a.LicenseType != "licensed" || a.Subdomain != "calc-v4" {
		t.Errorf("calc after relink %+v", a)
	}
	// Calc moved: its v3 node has no app now, and Deploy v1 shows calc-v4 with Calc's ProjectId.
	apps := decodeAs[[]mxV1App](t, m.expect("v1 apps", 200)(m.deploy("GET", "/api/1/apps", nil)))
	if len(apps) != 1 || apps[0].AppID != "calc-v4" || apps[0].ProjectID != mxCalcProject {
		t.Errorf("v1 apps %+v", apps)
	}
	for _, a := range m.s.MendixApps() {
		if a.ProjectID == mxCalcProject && a.NodeID != mxV4Node || a.ProjectID == temp && a.LicenseType != "free" {
			t.Errorf("MendixApps %+v", a)
		}
	}
	// Linking again changes nothing; unknown ids answer 404 in the v4 shape.
	again := decodeAs[mxV4LinkResult](t, m.expect("link again", 200)(m.cloud("POST", "/apps/"+mxCalcProject+"/node", map[string]string{"nodeId": mxV4Node})))
	if again.LinkedAt == "" {
		t.Error("no linkedAt")
	}
	m.expect("unknown node", 404)(m.cloud("POST", "/apps/"+mxCalcProject+"/node", map[string]string{"nodeId": "node-nope"}))
	m.expect("unknown app", 404)(m.cloud("POST", "/apps/00000000-0000-4000-8000-000000000000/node", map[string]string{"nodeId": mxV4Node}))
	m.expect("no node id", 400)(m.cloud("POST", "/apps/"+mxCalcProject+"/node", map[string]string{}))
	// The portal helper links too.
	if err := m.s.LinkMendixNode(mxV3Node, temp); err != nil {
		t.Fatal(err)
	}
	if a := decodeAs[mxV4App](t, m.expect("temp", 200)(m.cloud("GET", "/apps/"+temp, nil))); a.Subdomain != "calc" {
		t.Errorf("temp on v3 node %+v", a)
	}
}

func TestMendixV4_ListsFilterPageAndExpandThePackage(t *testing.T) {
	m := newMx(t, 0)
	type appList struct {
		Apps       []mxV4App      `json:"apps"`
		Pagination mxV4Pagination `json:"pagination"`
	}
	all := decodeAs[appList](t, m.expect("apps", 200)(m.cloud("GET", "/apps", nil)))
	if len(all.Apps) != 2 || all.Apps[0].ID != mxCalcProject || all.Apps[0].LicenseType != "licensed" || all.Apps[1].LicenseType != "free" || all.Pagination.Size != 2 {
		t.Fatalf("apps %+v", all)
	}
	free := decodeAs[appList](t, m.expect("free", 200)(m.cloud("GET", "/apps?licenseType=free", nil)))
	if len(free.Apps) != 1 || free.Apps[0].ID != mxOtherProject {
		t.Errorf("free %+v", free)
	}
	page := decodeAs[appList](t, m.expect("page", 200)(m.cloud("GET", "/apps?offset=1&limit=100000", nil)))
	if len(page.Apps) != 1 || page.Pagination.Offset != 1 || page.Pagination.Limit != 100 {
		t.Errorf("page %+v", page)
	}
	m.expect("bad license type", 400)(m.cloud("GET", "/apps?licenseType=gold", nil))
	envs := decodeAs[struct {
		Environments []mxV4Env `json:"environments"`
	}](t, m.expect("envs", 200)(m.cloud("GET", "/apps/"+mxCalcProject+"/environments?expand=package", nil)))
	p := envs.Environments[0].Package
	if envs.Environments[0].State != "running" || p == nil || p.ModelVersion != "2.5.4.63" || p.RuntimeVersion != "9.24.0" || p.FileName != "Main line-2.5.4.63.mda" || p.FileSize < 2_000_000 || p.AppID != mxCalcProject {
		t.Fatalf("expanded env %+v %+v", envs.Environments[0], p)
	}
	if plain := decodeAs[struct {
		Environments []mxV4Env `json:"environments"`
	}](t, m.expect("envs", 200)(m.cloud("GET", "/apps/"+mxCalcProject+"/environments", nil))); plain.Environments[0].Package != nil {
		t.Error("package without expand=package")
	}
	one := decodeAs[mxV4Env](t, m.expect("env", 200)(m.cloud("GET", "/apps/"+mxCalcProject+"/environments/"+mxCalcEnv, nil)))
	if one.ID != mxCalcEnv || one.Package == nil {
		t.Errorf("env %+v", one)
	}
	m.expect("unknown env", 404)(m.cloud("GET", "/apps/"+mxCalcProject+"/environments/"+mxV4ProdEnv, nil))
}

// oversizedUpload is a multipart body whose file part is limit+1 bytes, generated as it is
// read.
type patternReader struct{ left int64 }

var pattern64k = bytes.Repeat([]byte("0123456789abcdef"), 4096)

func (p *patternReader) Read(b []byte) (int, error) {
	if p.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.left {
		b = b[:p.left]
	}
	n := 0
	for n < len(b) {
		n += copy(b[n:], pattern64k)
	}
	p.left -= int64(n)
	return n, nil
}

func TestMendixUpload_OverTheLimitIsRefusedWhileStreamingWithoutBuffering(t *testing.T) {
	m := newMx(t, 0)
	m.linkOther()
	const boundary = "sandboxboundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.mda\"\r\nContent-Type: application/octet-stream\r\n\r\n"
	tail := "\r\n--" + boundary + "--\r\n"
	size := mxUploadLimit + 1
	body := io.MultiReader(strings.NewReader(head), &patternReader{left: size}, strings.NewReader(tail))
	req, err := http.NewRequest("POST", m.srv.URL+"/mendix/deploy/api/v2/apps/calc-v4/packages/upload?name=huge.mda", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(head)+len(tail)) + size // within the slack: the limit is found while streaming
	req.Header = apiKeyHeaders()
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	runtime.ReadMemStats(&after)
	wantCode(t, "upload over the limit", resp, raw, http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE")
	// TotalAlloc only grows: everything allocated while ~1 GB streamed through both ends.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("allocated %d MiB while streaming %d bytes: the upload was buffered", grew>>20, size)
	}
	if pkgs, _ := m.s.MendixPackages("calc-v4"); len(pkgs) != 0 {
		t.Errorf("packages after a refused upload %+v", pkgs)
	}
	entries, _ := os.ReadDir(filepath.Join(m.dir, core.BlobDir))
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Size() > 1<<30/2 {
			t.Errorf("a refused upload left %s (%d bytes) behind", e.Name(), info.Size())
		}
	}
}

func TestMendixUpload_AContentLengthOverTheLimitIsRefusedAtOnce(t *testing.T) {
	m := newMx(t, 0)
	m.linkOther()
	conn, err := net.Dial("tcp", strings.TrimPrefix(m.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /mendix/deploy/api/v2/apps/calc-v4/packages/upload HTTP/1.1\r\nHost: x\r\nMendix-Username: %s\r\nMendix-ApiKey: %s\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 2000000000\r\n\r\n--b\r\n", mxTestUser, mxAPIKey)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	wantCode(t, "declared 2 GB", resp, raw, http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE")
}

func TestMendixState_SurvivesARestart(t *testing.T) {
	m := newMx(t, 0)
	temp := m.deployToV4()
	s := func(v string) *string { return &v }
	m.expect("settings", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/settings", map[string]any{"Constants": []mxSettingIn{{Name: "MyFirstModule.MaxRetries", Value: s("9")}}}))
	if err := m.s.ScriptMendixStartFailure("calc-v4", "Production", "START_FAILED"); err != nil {
		t.Fatal(err)
	}
	before, _ := m.s.MendixEnvironment("calc-v4", "Production")
	pkgsBefore, _ := m.s.MendixPackages("calc-v4")
	m.restart(0)
	after, err := m.s.MendixEnvironment("calc-v4", "Production")
	if err != nil {
		t.Fatal(err)
	}
	if after.PackageID != before.PackageID || after.ProjectID != temp || after.Status != "Stopped" || after.Constants[1].Value != "9" {
		t.Fatalf("after restart %+v", after)
	}
	if pkgs, _ := m.s.MendixPackages("calc-v4"); len(pkgs) != 1 || pkgs[0].SHA256 != pkgsBefore[0].SHA256 {
		t.Fatalf("packages after restart %+v", pkgs)
	}
	// The scripted failure survived too.
	job := decodeAs[map[string]string](t, m.expect("start", 200)(m.deploy("POST", "/api/1/apps/calc-v4/environments/Production/start", nil)))["JobId"]
	m.waitJobs()
	m.expectCode("start", 500, "START_FAILED")(m.deploy("GET", "/api/1/apps/calc-v4/environments/Production/start/"+job, nil))
	if a := decodeAs[mxV4App](t, m.expect("v4 app", 200)(m.cloud("GET", "/apps/"+temp, nil))); a.LicenseType != "licensed" {
		t.Errorf("link lost on restart: %+v", a)
	}
}

func TestMendixControl_PortalRoutesPlayTheHuman(t *testing.T) {
	m := newMx(t, 0)
	_, full := m.v1Snapshot(mxNewSnapshot)
	temp := m.createTempApp()
	m.expect("link", 200)(m.do("POST", "/_sandbox/mendix/nodes/"+mxV4Node+"/link", nil, map[string]string{"projectId": temp}))
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "calc.tar.gz")
	_, _ = fw.Write(full)
	_ = mw.Close()
	body := m.expect("upload-backup", 202)(m.do("POST", "/_sandbox/mendix/environments/"+mxV4ProdEnv+"/upload-backup", http.Header{"Content-Type": {mw.FormDataContentType()}}, &buf))
	sn := decodeAs[mxV2Snapshot](t, body)
	m.waitJobs()
	if got := decodeAs[mxV2Snapshot](t, m.expect("snapshot", 200)(m.deploy("GET", "/api/v2/apps/"+temp+"/environments/"+mxV4ProdEnv+"/snapshots/"+sn.SnapshotID, nil))); got.State != "completed" {
		t.Errorf("uploaded through the control route %+v", got)
	}
	m.expect("upload-backup v3", 400)(m.do("POST", "/_sandbox/mendix/environments/"+mxCalcEnv+"/upload-backup", nil, bytes.NewReader(full)))
	env := decodeAs[MendixEnvironment](t, m.expect("env", 200)(m.do("GET", "/_sandbox/mendix/apps/calc/environments/production", nil, nil)))
	if env.EnvironmentID != mxCalcEnv || env.Status != "Running" || len(env.Constants) != 3 {
		t.Errorf("env %+v", env)
	}
	m.expect("env by id", 200)(m.do("GET", "/_sandbox/mendix/environments/"+mxV4ProdEnv, nil, nil))
	m.expect("setting", 204)(m.do("POST", "/_sandbox/mendix/apps/calc/environments/Production/settings", nil, map[string]string{"kind": "custom_setting", "name": "SessionTimeout", "value": "1"}))
	m.expect("bad setting", 400)(m.do("POST", "/_sandbox/mendix/apps/calc/environments/Production/settings", nil, map[string]string{"kind": "constant", "name": "Nope", "value": "1"}))
	m.expect("start failure", 204)(m.do("POST", "/_sandbox/mendix/apps/calc/environments/Production/start-failure", nil, map[string]string{"code": "DB_SYNC_FAILED"}))
	d := decodeAs[MendixArchiveDigest](t, m.expect("digest", 200)(m.do("GET", "/_sandbox/mendix/apps/calc/environments/Production/snapshots/latest/digest", nil, nil)))
	if d.SnapshotID != mxNewSnapshot || d.Bytes != int64(len(full)) {
		t.Errorf("digest %+v", d)
	}
	m.expect("expire", 204)(m.do("POST", "/_sandbox/mendix/storage/expire", nil, nil))
	m.expect("ttl", 204)(m.do("PUT", "/_sandbox/mendix/archive-url-ttl", nil, map[string]int{"seconds": 60}))
	for _, path := range []string{"/_sandbox/mendix/apps", "/_sandbox/mendix/nodes", "/_sandbox/mendix/users", "/_sandbox/mendix/apps/calc/packages"} {
		var v []json.RawMessage
		if err := json.Unmarshal(m.expect(path, 200)(m.do("GET", path, nil, nil)), &v); err != nil || len(v) == 0 {
			t.Errorf("%s: %v %d", path, err, len(v))
		}
	}
	m.expect("unknown env", 404)(m.do("GET", "/_sandbox/mendix/apps/nope/environments/Production", nil, nil))
}

func TestMendixFaults_UseEachHostsErrorStyle(t *testing.T) {
	m := newMx(t, 0)
	links, _ := m.v1Snapshot(mxOldSnapshot)
	m.s.ScriptFault("", "/mendix/deploy/api/1/apps", core.Fault503, 1)
	m.s.ScriptFault("", "/mendix/storage/", core.Fault503, 1)
	m.s.ScriptFault("", "/mendix/projects/", core.Fault500, 1)
	m.expectCode("deploy fault", 503, "SERVICE_UNAVAILABLE")(m.deploy("GET", "/api/1/apps", nil))
	resp, body := m.get(links.DatabaseOnly, nil)
	if resp.StatusCode != 503 || !strings.Contains(string(body), "<Code>SlowDown</Code>") {
		t.Errorf("storage fault %d %s", resp.StatusCode, body)
	}
	body = m.expect("projects fault", 500)(m.projects("GET", "/projects/jobs/x", nil))
	if e := decodeAs[mxProjectsErrorBody](t, body); e.Error.Code != 500 {
		t.Errorf("projects fault %s", body)
	}
	// Storage tokens never reach the log.
	var sink logSink
	s, err := newSandbox(Options{DataDir: t.TempDir(), JobDuration: -1, Logf: sink.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rec := httptest.NewRecorder()
	tok := strings.Split(strings.TrimPrefix(links.DatabaseOnly, m.srv.URL+"/mendix/storage/"), "/")[0]
	req, _ := http.NewRequest("GET", links.DatabaseOnly, nil)
	s.Handler().ServeHTTP(rec, req)
	if strings.Contains(sink.all(), tok) || !strings.Contains(sink.all(), "/mendix/storage/***/") {
		t.Errorf("log %q shows the storage token", sink.all())
	}
}

func TestMendixUpload_ABodyThatBreaksOffStoresNothing(t *testing.T) {
	m := newMx(t, 0)
	m.linkOther()
	head := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.mda\"\r\n\r\n"
	body := head + strings.Repeat("x", 3<<20) // no closing boundary
	h := apiKeyHeaders()
	h.Set("Content-Type", "multipart/form-data; boundary=b")
	m.expectCode("truncated upload", 500, "UPLOAD_COPY_FAILED")(m.do("POST", "/mendix/deploy/api/v2/apps/calc-v4/packages/upload", h, strings.NewReader(body)))
	if pkgs, _ := m.s.MendixPackages("calc-v4"); len(pkgs) != 0 {
		t.Errorf("packages after a broken upload %+v", pkgs)
	}
}
