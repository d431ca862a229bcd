package mendix

// Shape tests: every answer this client decodes and every body it sends, fed or checked AS THE
// VENDOR'S OWN SOURCE SHOWS IT (whitespace, key order, nulls, extra keys and typos included), not
// as the sandbox emits it. Each test names its source:
//
//   - Deploy API v1:  mendix/docs content/en/docs/apidocs-mxsdk/apidocs/deployment/deploy-api-1.md
//   - Build API:      mendix/docs content/en/docs/apidocs-mxsdk/apidocs/deployment/build-api.md
//   - Deploy API v2:  mendix/docs content/en/docs/apidocs-mxsdk/apidocs/deployment/deploy-api-2.md
//   - Backups API v1: mendix/docs content/en/docs/apidocs-mxsdk/apidocs/deploy-api/backups-api-v1.md
//   - Backups API v2: mendix/docs content/en/docs/apidocs-mxsdk/apidocs/deployment/backups-api-v2.md
//   - Deploy API v4:  mendix/docs static/openapi-spec/cloud-portal-v4.yaml
//   - Projects API:   mendix/docs static/openapi-spec/projects-v2.yaml

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// shapeAnswer is one canned vendor answer: a status and the body verbatim.
type shapeAnswer struct {
	status int
	body   string
}

// shapeServer answers "METHOD /path" (path below the test server's root, query ignored) with the
// canned answer, records request bodies by the same key, and fails the test on anything else.
func shapeServer(t *testing.T, answers map[string]shapeAnswer) (*httptest.Server, map[string][]byte) {
	t.Helper()
	sent := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		b, _ := io.ReadAll(r.Body)
		sent[key] = b
		a, ok := answers[key]
		if !ok {
			t.Errorf("unexpected request %s?%s", key, r.URL.RawQuery)
			w.WriteHeader(http.StatusTeapot)
			return
		}
		if a.body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(a.status)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	return srv, sent
}

func ms(v int64) time.Time { return time.UnixMilli(v).UTC() }

func iso(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// deploy-api-1.md "Retrieve Apps", "Retrieve App": the documented examples, key order and spacing
// as published (the App example's ProjectId is not even a UUID).
func TestShape_DeployV1AppsAndApp(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps": {200, `[{
    "Name": "Calculation App",
    "Url": "https://calc.mendixcloud.com",
    "ProjectId": "fae5de74-69c2-4488-a4de-abf89daac63e",
    "AppId": "calc"
},{
    "Name": "Tic Tac Toc",
    "Url": "https://tictactoc.mendixcloud.com",
    "ProjectId": "f5129445-b638-42f4-8108-5f370c85dc57",
    "AppId": "tictactoc"
}]`},
		"GET /deploy/api/1/apps/calc": {200, `{
    "AppId": "calc",
    "ProjectId": "543857rfds-dfsfsd12c5e24-3224d32eg",
    "Url": "https://calc.mendixcloud.com",
    "Name": "Calculation App"
}`},
	})
	c := newTestClient(t, srv)
	apps, err := c.Apps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []App{
		{AppID: "calc", Name: "Calculation App", ProjectID: "fae5de74-69c2-4488-a4de-abf89daac63e", URL: "https://calc.mendixcloud.com"},
		{AppID: "tictactoc", Name: "Tic Tac Toc", ProjectID: "f5129445-b638-42f4-8108-5f370c85dc57", URL: "https://tictactoc.mendixcloud.com"},
	}
	if len(apps) != 2 || apps[0] != want[0] || apps[1] != want[1] {
		t.Fatalf("Apps = %+v", apps)
	}
	app, err := c.App(context.Background(), "calc")
	if err != nil {
		t.Fatal(err)
	}
	if *app != (App{AppID: "calc", Name: "Calculation App", ProjectID: "543857rfds-dfsfsd12c5e24-3224d32eg", URL: "https://calc.mendixcloud.com"}) {
		t.Fatalf("App = %+v", app)
	}
}

// deploy-api-1.md "Retrieve Environments", "Retrieve Environment": spaces before the colons, a
// flexible environment name in Mode, Production a JSON boolean.
func TestShape_DeployV1Environments(t *testing.T) {
	one := `{
     "Status" :  "Stopped" ,
     "EnvironmentId" :  "cd5fc610-edb0-43c5-a374-0439a6411ace",
     "Mode" :  "Acceptance",
     "Url" :  "https://calc-accp.mendixcloud.com",
     "ModelVersion" :  "1.1.0.253",
     "MendixVersion" :  "6.10.10",
     "Production" :  false
}`
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/environments": {200, `[
    {
        "Status" :  "Stopped" ,
        "EnvironmentId" :  "cd5fc610-edb0-43c5-a374-0439a6411ace",
        "Mode" :  "Acceptance",
        "Url" :  "https://calc-accp.mendixcloud.com",
        "ModelVersion" :  "1.1.0.253",
        "MendixVersion" :  "6.10.10",
        "Production" :  false

    },
    {
        "Status" :  "Running" ,
        "EnvironmentId" :  "867c9f56-84ec-438b-b1ae-9f9c50377cba",
        "Mode" :  "Production",
        "Url" :  "https://calc.mendixcloud.com",
        "ModelVersion" :  "175.0.0.3702",
        "MendixVersion" :  "6.10.12",
        "Production" :  true
    }
]`},
		"GET /deploy/api/1/apps/calc/environments/Acceptance": {200, one},
	})
	c := newTestClient(t, srv)
	envs, err := c.Environments(context.Background(), "calc")
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 2 || envs[0] != (Environment{EnvironmentID: "cd5fc610-edb0-43c5-a374-0439a6411ace", Mode: "Acceptance", Status: EnvStopped,
		URL: "https://calc-accp.mendixcloud.com", ModelVersion: "1.1.0.253", MendixVersion: "6.10.10"}) ||
		envs[1].Status != EnvRunning || !envs[1].Production || envs[1].Mode != "Production" {
		t.Fatalf("Environments = %+v", envs)
	}
	env, err := c.Environment(context.Background(), "calc", "Acceptance")
	if err != nil {
		t.Fatal(err)
	}
	if *env != envs[0] {
		t.Fatalf("Environment = %+v, want %+v", env, envs[0])
	}
}

// deploy-api-1.md "Retrieve Environment Package": CreationDate epoch ms, an ExpiryDate null the
// client does not know, Size a number, Url{Location, TTL}.
func TestShape_DeployV1EnvironmentPackage(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/environments/Acceptance/package": {200, `{
    "Status" :  "Succeeded",
    "CreationDate" :  1404990271835,
    "ExpiryDate": null,
    "Description" :  "Add scientific mode" ,
    "Version" :  "2.5.4.63" ,
    "Size" :  15342295,
    "PackageId" :  "b3d14e53-2654-4534-b374-9179a69ef3cf" ,
    "Creator" :  "Richard Ford" ,
    "Name" :  "Main line-2.5.4.63.mda",
    "Url": {
        "Location": "https://url/to/download/the/package/file",
        "TTL": 900
    }
}`},
	})
	p, err := newTestClient(t, srv).DeployedPackage(context.Background(), "calc", "Acceptance", true)
	if err != nil {
		t.Fatal(err)
	}
	want := Package{PackageID: "b3d14e53-2654-4534-b374-9179a69ef3cf", Name: "Main line-2.5.4.63.mda", Description: "Add scientific mode",
		Version: "2.5.4.63", Creator: "Richard Ford", Created: ms(1404990271835), Status: PackageSucceeded, Size: 15342295,
		DownloadURL: "https://url/to/download/the/package/file", URLTTL: 900 * time.Second}
	if *p != want {
		t.Fatalf("DeployedPackage = %+v, want %+v", *p, want)
	}
}

// build-api.md "Retrieve Packages" and "Retrieve Package". The published single-package example
// carries `"Size" :  15342295S,` — not JSON (a Java long literal); it is fed here with the S
// removed, and TestShape_BuildPackageLiteralTypoIsReported shows what the typo itself gives.
func TestShape_BuildPackages(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/packages": {200, `[{
     "Name" :  "Main line-1.1.5.9.mda" ,
     "Status" :  "Succeeded" ,
     "Description" :  "Initial app" ,
     "Creator" :  "Richard Ford" ,
     "CreationDate" :  1404739654045 ,
     "Version" :  "1.1.5.9" ,
     "PackageId" :  "4ee10492-6cfc-4582-b825-a9040c0988ad" ,
     "Size" :  1999059
},{
     "Name" :  "Main line-2.5.4.63.mda" ,
     "Status" :  "Succeeded" ,
     "Description" :  "Add scientific mode" ,
     "Creator" :  "Richard Ford" ,
     "CreationDate" :  1404990271835 ,
     "Version" :  "2.5.4.63" ,
     "PackageId" :  "b3d14e53-2654-4534-b374-9179a69ef3cf" ,
     "Size" :  7731521
}]`},
		"GET /deploy/api/1/apps/calc/packages/b3d14e53-2654-4534-b374-9179a69ef3cf": {200, `{
    "Name" :  "Main line-2.5.4.63.mda" ,
    "Status" :  "Succeeded" ,
    "Description" :  "Add scientific mode" ,
    "Creator" :  "Richard Ford" ,
    "CreationDate" :  1404990271835 ,
    "Version" :  "2.5.4.63" ,
    "PackageId" :  "b3d14e53-2654-4534-b374-9179a69ef3cf" ,
    "Size" :  15342295,
    "Url": {
        "Location": "https://url/to/download/the/package/file",
        "TTL": 900
    }
}`},
	})
	c := newTestClient(t, srv)
	pkgs, err := c.Packages(context.Background(), "calc")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 2 || pkgs[0].PackageID != "4ee10492-6cfc-4582-b825-a9040c0988ad" || pkgs[0].Size != 1999059 ||
		!pkgs[0].Created.Equal(ms(1404739654045)) || pkgs[1].Name != "Main line-2.5.4.63.mda" || pkgs[1].DownloadURL != "" {
		t.Fatalf("Packages = %+v", pkgs)
	}
	like, err := c.PackagesLike(context.Background(), "calc", "Main line-2.5.4.63.mda", 7731521, ms(1404990271835))
	if err != nil || len(like) != 1 || like[0].PackageID != "b3d14e53-2654-4534-b374-9179a69ef3cf" {
		t.Fatalf("PackagesLike = %+v, %v", like, err)
	}
	p, err := c.Package(context.Background(), "calc", "b3d14e53-2654-4534-b374-9179a69ef3cf", true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Size != 15342295 || p.DownloadURL != "https://url/to/download/the/package/file" || p.URLTTL != 900*time.Second || p.Status != PackageSucceeded {
		t.Fatalf("Package = %+v", p)
	}
}

// build-api.md "Retrieve Package" verbatim: `15342295S` cannot be read as JSON by anyone. The
// client must say the answer is not JSON rather than report a package with made-up values.
func TestShape_BuildPackageLiteralTypoIsReported(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/packages/b3d": {200, `{
    "Name" :  "Main line-2.5.4.63.mda" ,
    "PackageId" :  "b3d14e53-2654-4534-b374-9179a69ef3cf" ,
    "Size" :  15342295S,
    "Url": {"Location": "https://url/to/download/the/package/file", "TTL": 900}
}`},
	})
	_, err := newTestClient(t, srv).Package(context.Background(), "calc", "b3d", true)
	if err == nil || !strings.Contains(err.Error(), "not the documented JSON") {
		t.Fatalf("err = %v", err)
	}
}

// deploy-api-1.md "Start Environment" and "Get Start Environment Status": the request body
// {"AutoSyncDb": true}; both published answers end in a trailing comma (`"JobId" : "…" ,}`,
// `"Status" : "Starting" ,}`), which strict JSON refuses.
func TestShape_DeployV1StartAndStartStatus(t *testing.T) {
	srv, sent := shapeServer(t, map[string]shapeAnswer{
		"POST /deploy/api/1/apps/calc/environments/Acceptance/start": {200, `{
     "JobId" :  "02df2e50-0e79-11e4-9191-0800200c9a66" ,
}`},
		"GET /deploy/api/1/apps/calc/environments/Acceptance/start/02df2e50-0e79-11e4-9191-0800200c9a66": {200, `{
     "Status" :  "Starting" ,
}`},
	})
	c := newTestClient(t, srv)
	res, err := c.Start(context.Background(), "calc", "Acceptance", true)
	if err != nil {
		t.Fatal(err)
	}
	if res.JobID != "02df2e50-0e79-11e4-9191-0800200c9a66" || res.AlreadyStarted || res.InFlight {
		t.Fatalf("Start = %+v", res)
	}
	var body map[string]any
	if err := json.Unmarshal(sent["POST /deploy/api/1/apps/calc/environments/Acceptance/start"], &body); err != nil || len(body) != 1 || body["AutoSyncDb"] != true {
		t.Fatalf("start body %s (%v)", sent["POST /deploy/api/1/apps/calc/environments/Acceptance/start"], err)
	}
	st, err := c.StartStatus(context.Background(), "calc", "Acceptance", "02df2e50-0e79-11e4-9191-0800200c9a66")
	if err != nil || st != StartStarting {
		t.Fatalf("StartStatus = %q, %v", st, err)
	}
}

// A trailing comma inside a string is data, not JSON punctuation: the tolerance for the
// documented trailing commas must leave strings alone.
func TestShape_TrailingCommaToleranceKeepsStrings(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/environments/Acceptance/start/j": {200, `{"Status": "Started", "Note": "a ,} b \", ]", }`},
	})
	st, err := newTestClient(t, srv).StartStatus(context.Background(), "calc", "Acceptance", "j")
	if err != nil || st != StartStarted {
		t.Fatalf("StartStatus = %q, %v", st, err)
	}
}

// deploy-api-1.md "Transport" and "Set Environment Settings": the request bodies the client sends
// carry the documented PascalCase keys, and the settings document round-trips the documented
// example (CustomSettings an empty list, DeployedValue present on GET).
func TestShape_DeployV1TransportAndSettings(t *testing.T) {
	doc := `{
     "Constants" : [{
         "Name" :  "MyFirstModule.BooleanConstant" ,
         "DataType" :  "_Boolean" ,
         "Value" :  "false" ,
         "DeployedValue" :  "false"
     },{
         "Name" :  "MyFirstModule.DateTime" ,
         "DataType" :  "DateTime" ,
         "Value" :  "2013-12-20T16:02:32" ,
         "DeployedValue" :  "2013-12-20T16:02:32"
     }],
     "CustomSettings" : [],
     "ScheduledEvents" : [{
         "Name" :  "MyFirstModule.Monitor_Scheduled_event" ,
         "DeployedValue" :  "Disabled" ,
         "Value" :  "Disabled"
     }]
}`
	srv, sent := shapeServer(t, map[string]shapeAnswer{
		"POST /deploy/api/1/apps/calc/environments/acceptance/transport": {200, ``},
		"GET /deploy/api/1/apps/calc/environments/acceptance/settings":   {200, doc},
		"POST /deploy/api/1/apps/calc/environments/acceptance/settings":  {200, doc},
	})
	c := newTestClient(t, srv)
	if err := c.Transport(context.Background(), "calc", "acceptance", "b3d14e53-2654-4534-b374-9179a69ef3cf"); err != nil {
		t.Fatal(err)
	}
	if got := string(sent["POST /deploy/api/1/apps/calc/environments/acceptance/transport"]); !jsonEqual(got, `{"PackageId":"b3d14e53-2654-4534-b374-9179a69ef3cf"}`) {
		t.Fatalf("transport body %s", got)
	}
	s, err := c.Settings(context.Background(), "calc", "acceptance")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Constants) != 2 || s.Constants[0] != (Constant{Name: "MyFirstModule.BooleanConstant", DataType: "_Boolean", Value: "false", DeployedValue: "false"}) ||
		s.Constants[1].Value != "2013-12-20T16:02:32" || len(s.CustomSettings) != 0 ||
		len(s.ScheduledEvents) != 1 || s.ScheduledEvents[0] != (ScheduledEvent{Name: "MyFirstModule.Monitor_Scheduled_event", Value: EventDisabled, DeployedValue: EventDisabled}) {
		t.Fatalf("Settings = %+v", s)
	}
	s.Constants[0].Value = "true"
	s.ScheduledEvents[0].Value = EventEnabled
	if err := c.SetSettings(context.Background(), "calc", "acceptance", s); err != nil {
		t.Fatal(err)
	}
	var posted map[string][]map[string]any
	if err := json.Unmarshal(sent["POST /deploy/api/1/apps/calc/environments/acceptance/settings"], &posted); err != nil {
		t.Fatal(err)
	}
	if len(posted) != 3 || posted["CustomSettings"] == nil || len(posted["Constants"]) != 2 ||
		posted["Constants"][0]["Name"] != "MyFirstModule.BooleanConstant" || posted["Constants"][0]["Value"] != "true" || posted["Constants"][0]["DataType"] != "_Boolean" ||
		posted["ScheduledEvents"][0]["Name"] != "MyFirstModule.Monitor_Scheduled_event" || posted["ScheduledEvents"][0]["Value"] != EventEnabled {
		t.Fatalf("settings body %s", sent["POST /deploy/api/1/apps/calc/environments/acceptance/settings"])
	}
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// backups-api-v1.md "List Environment Backups" and "Download a Backup": capital ID in
// SnapshotID, epoch-ms ExpiresOn/CreatedOn, and the three links.
func TestShape_BackupsV1(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/environments/acceptance/snapshots": {200, `[
    {
        "SnapshotID": "c879c6b1-3aa5-4e10-aaab-cb145841862f",
        "Comment": "Manually created snapshot",
        "State": "Completed",
        "ExpiresOn": 1509804470000,
        "CreatedOn": 1501855670000,
        "ModelVersion": "1.0.11.50"
    },
    {
        "SnapshotID": "3e8ed3c6-6cbf-4818-bcaa-078e9c85b3c7",
        "Comment": "Manually created snapshot",
        "State": "Completed",
        "ExpiresOn": 1509804208000,
        "CreatedOn": 1501855408000,
        "ModelVersion": "1.0.11.48"
    }
]`},
		"GET /deploy/api/1/apps/calc/environments/acceptance/snapshots/201703221355": {200, `{
  "FilesOnly": "https://cloud.home.mendix.com/backups/d4bf9d5d-cf3e-4561-9f7f-31b1c580a3d5",
  "DatabaseOnly": "https://cloud.home.mendix.com/backups/5524ec0b-fdf1-460b-87c2-75bb06ec98ff",
  "DatabaseAndFiles": "https://cloud.home.mendix.com/backups/24783a6c-30c4-49b4-8cb9-13b57cfec4cc"
}`},
	})
	c := newTestClient(t, srv)
	snaps, err := c.SnapshotsV1(context.Background(), "calc", "acceptance")
	if err != nil {
		t.Fatal(err)
	}
	want := V1Snapshot{SnapshotID: "c879c6b1-3aa5-4e10-aaab-cb145841862f", Comment: "Manually created snapshot", State: V1SnapshotCompleted,
		CreatedOn: ms(1501855670000), ExpiresOn: ms(1509804470000), ModelVersion: "1.0.11.50"}
	if len(snaps) != 2 || snaps[0] != want || snaps[1].SnapshotID != "3e8ed3c6-6cbf-4818-bcaa-078e9c85b3c7" {
		t.Fatalf("SnapshotsV1 = %+v", snaps)
	}
	if n := NewestCompletedV1(snaps); n == nil || n.SnapshotID != want.SnapshotID {
		t.Fatalf("NewestCompletedV1 = %+v", n)
	}
	urls, err := c.SnapshotURLsV1(context.Background(), "calc", "acceptance", "201703221355")
	if err != nil {
		t.Fatal(err)
	}
	if urls.FilesOnly != "https://cloud.home.mendix.com/backups/d4bf9d5d-cf3e-4561-9f7f-31b1c580a3d5" ||
		urls.DatabaseOnly != "https://cloud.home.mendix.com/backups/5524ec0b-fdf1-460b-87c2-75bb06ec98ff" ||
		urls.DatabaseAndFiles != "https://cloud.home.mendix.com/backups/24783a6c-30c4-49b4-8cb9-13b57cfec4cc" {
		t.Fatalf("SnapshotURLsV1 = %+v", urls)
	}
}

// deploy-api-2.md "Upload Package" ({"PackageId","JobId"}) and "Job Status" ({"Status"}).
func TestShape_DeployV2UploadAndJob(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /deploy/api/1/apps/calc/packages": {200, `[]`},
		"POST /deploy/api/v2/apps/calc/packages/upload": {200, `{
    "PackageId": "b3d14e53-2654-4534-b374-9179a69ef3cf",
    "JobId": "66046953-ecf7-4550-a889-4b7e9f1e1705"
}`},
		"GET /deploy/api/v2/apps/calc/jobs/66046953-ecf7-4550-a889-4b7e9f1e1705": {200, `{
    "Status": "Completed"
}`},
	})
	c := newTestClient(t, srv)
	up, err := c.UploadPackage(context.Background(), "calc", PackageUpload{FileName: "calc_1.0.0.45.mda"}, bytesSource([]byte("mda bytes")))
	if err != nil {
		t.Fatal(err)
	}
	if up.PackageID != "b3d14e53-2654-4534-b374-9179a69ef3cf" || up.JobID != "66046953-ecf7-4550-a889-4b7e9f1e1705" || up.Adopted {
		t.Fatalf("UploadPackage = %+v", up)
	}
	st, err := c.Job(context.Background(), "calc", up.JobID)
	if err != nil || st != JobCompleted {
		t.Fatalf("Job = %q, %v", st, err)
	}
}

// backups-api-v2.md "List Environment Snapshots": tab-indented, ".000Z" timestamps, and a page
// whose "limit" (5) is not what was asked (100) while "total" (32) says more follow: paging must
// go on by total, not stop at a short page.
func TestShape_BackupsV2SnapshotListPagesByTotal(t *testing.T) {
	var offsets []string
	page := "{\n\t\"limit\": 5,\n\t\"offset\": 0,\n\t\"total\": 3,\n\t\"snapshots\": [\n\t\t{\n\t\t\t\"snapshot_id\": \"5deda9e2-f882-4925-830c-45e73c57366e\",\n\t\t\t\"model_version\": \"8.12.7.11687\",\n\t\t\t\"comment\": \"Uploaded snapshot\",\n\t\t\t\"expires_at\": \"2021-08-05T18:38:41.000Z\",\n\t\t\t\"state\": \"completed\",\n\t\t\t\"status_message\": \"Completed extraction\",\n\t\t\t\"created_at\": \"2021-05-05T18:38:41.000Z\",\n\t\t\t\"finished_at\": \"2021-05-05T18:40:12.000Z\",\n\t\t\t\"updated_at\": \"2021-05-05T18:40:12.000Z\"\n\t\t},\n\t\t{\n\t\t\t\"snapshot_id\": \"bf45ed4d-3308-4fb9-876b-36453ba149bf\",\n\t\t\t\"model_version\": \"8.12.7.11687\",\n\t\t\t\"comment\": \"Automatically created nightly snapshot\",\n\t\t\t\"expires_at\": \"2021-05-18T01:41:27.000Z\",\n\t\t\t\"state\": \"completed\",\n\t\t\t\"status_message\": \"Completed backup creation\",\n\t\t\t\"created_at\": \"2021-05-04T01:41:27.000Z\",\n\t\t\t\"finished_at\": \"2021-05-04T01:45:47.000Z\",\n\t\t\t\"updated_at\": \"2021-05-04T01:45:47.000Z\"\n\t\t}\n\t]\n}"
	last := `{"limit": 5, "offset": 2, "total": 3, "snapshots": [{"snapshot_id": "51dc7872-771e-4c3e-853b-352359444db6", "status_message": null, "model_version": null,
  "expires_at": "2020-05-18T16:00:18.000Z", "finished_at": null, "updated_at": null, "created_at": "2020-02-18T16:00:18.000Z", "comment": "My snapshot", "state": "queued"}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		offsets = append(offsets, r.URL.Query().Get("offset"))
		if r.URL.Query().Get("offset") == "0" {
			_, _ = io.WriteString(w, page)
			return
		}
		_, _ = io.WriteString(w, last)
	}))
	defer srv.Close()
	snaps, err := newTestClient(t, srv).Snapshots(context.Background(), "p", "e")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 3 || strings.Join(offsets, ",") != "0,2" {
		t.Fatalf("Snapshots = %+v after offsets %v", snaps, offsets)
	}
	// Newest first: the uploaded one (2021-05-05), the nightly (2021-05-04), the queued (2020-02-18).
	up := snaps[0]
	if up.SnapshotID != "5deda9e2-f882-4925-830c-45e73c57366e" || up.Comment != "Uploaded snapshot" || up.State != StateCompleted ||
		up.StatusMessage != "Completed extraction" || up.ModelVersion != "8.12.7.11687" ||
		!up.CreatedAt.Equal(iso(t, "2021-05-05T18:38:41Z")) || !up.FinishedAt.Equal(iso(t, "2021-05-05T18:40:12Z")) ||
		!up.ExpiresAt.Equal(iso(t, "2021-08-05T18:38:41Z")) || !up.UpdatedAt.Equal(iso(t, "2021-05-05T18:40:12Z")) {
		t.Fatalf("first snapshot = %+v", up)
	}
	q := snaps[2]
	if q.State != StateQueued || q.StatusMessage != "" || q.ModelVersion != "" || !q.FinishedAt.IsZero() || !q.UpdatedAt.IsZero() {
		t.Fatalf("queued snapshot (nulls) = %+v", q)
	}
	if found, err := newTestClient(t, srv).SnapshotsCommented(context.Background(), "p", "e", "Uploaded"); err != nil || len(found) != 1 {
		t.Fatalf("SnapshotsCommented = %+v, %v", found, err)
	}
}

// backups-api-v2.md: snapshot read, comment update (PUT {"comment"}), archive create (url null)
// and archive read (url set), restore start (nulls) and restore read.
func TestShape_BackupsV2SnapshotArchiveRestore(t *testing.T) {
	base := "/deploy/api/v2/apps/b5f19af7-7453-465e-b9a1-d7556f524c1e/environments/d436e0cd-6200-4ac5-b858-849a6ddbb56a"
	snap := `{
   "status_message":"Completed backup creation",
   "model_version":"1.0.0.7",
   "expires_at":"2020-05-18T16:00:18.000Z",
   "finished_at":"2020-02-18T16:00:19.000Z",
   "updated_at":"2020-02-18T16:00:19.000Z",
   "snapshot_id":"51dc7872-771e-4c3e-853b-352359444db6",
   "created_at":"2020-02-18T16:00:18.000Z",
   "comment":"Manually created snapshot",
   "state":"completed"
}`
	srv, sent := shapeServer(t, map[string]shapeAnswer{
		"GET " + base + "/snapshots/51dc7872-771e-4c3e-853b-352359444db6": {200, snap},
		"PUT " + base + "/snapshots/51dc7872-771e-4c3e-853b-352359444db6": {200, strings.Replace(snap, "Manually created snapshot", "Hello", 1)},
		"POST " + base + "/snapshots/5f8ace23-19df-4134-bd67-c338142a6097/archives": {200, `{
   "status_message":null,
   "finished_at":null,
   "updated_at":null,
   "snapshot_id":"5f8ace23-19df-4134-bd67-c338142a6097",
   "data_type":"database_only",
   "created_at":"2020-02-18T17:01:56.000Z",
   "state":"queued",
   "archive_id":"a6f519aa-a68e-4054-9341-2cfec72ea184",
   "url":null
}`},
		"GET " + base + "/snapshots/5f8ace23-19df-4134-bd67-c338142a6097/archives/a6f519aa-a68e-4054-9341-2cfec72ea184": {200, `{
   "status_message":"Done preparing download archive",
   "finished_at":"2020-02-18T17:01:57.000Z",
   "updated_at":"2020-02-18T17:01:57.000Z",
   "snapshot_id":"5f8ace23-19df-4134-bd67-c338142a6097",
   "data_type":"database_only",
   "created_at":"2020-02-18T17:01:56.000Z",
   "state":"completed",
   "archive_id":"a6f519aa-a68e-4054-9341-2cfec72ea184",
   "url":"https://…"
}`},
		"POST " + base + "/restores": {200, `{
   "status_message":null,
   "restore_id":"11076b79-9df4-45d8-ac4b-dd79617138f5",
   "source_snapshot_id":"5f8ace23-19df-4134-bd67-c338142a6097",
   "finished_at":null,
   "updated_at":null,
   "target_environment_id":"d436e0cd-6200-4ac5-b858-849a6ddbb56a",
   "created_at":"2020-02-18T16:46:26.000Z",
   "state":"queued",
   "source_environment_id":"d436e0cd-6200-4ac5-b858-849a6ddbb56a"
}`},
		"GET " + base + "/restores/11076b79-9df4-45d8-ac4b-dd79617138f5": {200, `{
   "status_message":"Restore completed",
   "restore_id":"11076b79-9df4-45d8-ac4b-dd79617138f5",
   "source_snapshot_id":"5f8ace23-19df-4134-bd67-c338142a6097",
   "finished_at":"2020-02-18T16:46:26.000Z",
   "updated_at":"2020-02-18T16:46:26.000Z",
   "target_environment_id":"d436e0cd-6200-4ac5-b858-849a6ddbb56a",
   "created_at":"2020-02-18T16:46:26.000Z",
   "state":"completed",
   "source_environment_id":"d436e0cd-6200-4ac5-b858-849a6ddbb56a"
}`},
	})
	c := newTestClient(t, srv)
	ctx := context.Background()
	const p, e = "b5f19af7-7453-465e-b9a1-d7556f524c1e", "d436e0cd-6200-4ac5-b858-849a6ddbb56a"
	s, err := c.Snapshot(ctx, p, e, "51dc7872-771e-4c3e-853b-352359444db6")
	if err != nil || s.State != StateCompleted || s.ModelVersion != "1.0.0.7" || !s.FinishedAt.Equal(iso(t, "2020-02-18T16:00:19Z")) {
		t.Fatalf("Snapshot = %+v, %v", s, err)
	}
	if err := c.SetSnapshotComment(ctx, p, e, s.SnapshotID, "Hello"); err != nil {
		t.Fatal(err)
	}
	if got := string(sent["PUT "+base+"/snapshots/51dc7872-771e-4c3e-853b-352359444db6"]); !jsonEqual(got, `{"comment":"Hello"}`) {
		t.Fatalf("PUT body %s", got)
	}
	a, err := c.CreateArchive(ctx, p, e, "5f8ace23-19df-4134-bd67-c338142a6097", DataDatabaseOnly)
	if err != nil || a.ArchiveID != "a6f519aa-a68e-4054-9341-2cfec72ea184" || a.URL != "" || a.State != StateQueued || a.DataType != DataDatabaseOnly || a.StatusMessage != "" {
		t.Fatalf("CreateArchive = %+v, %v", a, err)
	}
	a, err = c.Archive(ctx, p, e, "5f8ace23-19df-4134-bd67-c338142a6097", a.ArchiveID)
	if err != nil || a.URL != "https://…" || a.State != StateCompleted || !a.FinishedAt.Equal(iso(t, "2020-02-18T17:01:57Z")) {
		t.Fatalf("Archive = %+v, %v", a, err)
	}
	r, err := c.StartRestore(ctx, p, e, "5f8ace23-19df-4134-bd67-c338142a6097", false, false)
	if err != nil || r.RestoreID != "11076b79-9df4-45d8-ac4b-dd79617138f5" || r.State != StateQueued || r.SourceEnvironmentID != e || r.TargetEnvironmentID != e || r.Adopted {
		t.Fatalf("StartRestore = %+v, %v", r, err)
	}
	done, err := c.Restore(ctx, p, e, r.RestoreID)
	if err != nil || done.State != StateCompleted || done.StatusMessage != "Restore completed" || done.SourceSnapshotID != "5f8ace23-19df-4134-bd67-c338142a6097" {
		t.Fatalf("Restore = %+v, %v", done, err)
	}
}

// cloud-portal-v4.yaml: the `apps` and `environments` schemas with their examples (pagination
// object, technicalContact a membership with name and status, package with expiresOn).
func TestShape_DeployV4(t *testing.T) {
	app := `{"id": "c533ee0b-f7db-4e62-868b-1192d392ccec", "name": "My fabulous app", "licenseType": "licensed", "subdomain": "myfabulousapp",
  "technicalContact": {"userId": "jane.doe@domain.tld", "name": "Jane Doe", "status": "active"}, "region": "prod2-eu-central-1"}`
	env := `{
  "id": "22064f8f-ee55-438c-9ab2-182f2f8e5f2f",
  "appId": "c533ee0b-f7db-4e62-868b-1192d392ccec",
  "name": "Test",
  "state": "stopped",
  "isProduction": false,
  "url": "http://example.com",
  "dbVersion": "string",
  "planName": "XL21-PREMIUM",
  "package": {
    "id": "3bda6b5b-f038-4c09-8697-d065446b7084",
    "appId": "c533ee0b-f7db-4e62-868b-1192d392ccec",
    "modelVersion": "1.3.0.623",
    "runtimeVersion": "9.12.0.41679",
    "createdOn": "2019-08-24T14:15:22Z",
    "expiresOn": "2019-08-24T14:15:22Z",
    "description": "string",
    "fileName": "MainLine-1.3.0.623.mda",
    "fileSize": 42364523
  }
}`
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requirePAT(t, r)
		calls[r.URL.Path+"?"+r.URL.Query().Get("offset")]++
		switch {
		case r.URL.Path == "/cloud/api/v4/apps" && r.URL.Query().Get("offset") == "0":
			_, _ = io.WriteString(w, `{"apps": [`+app+`], "pagination": {"offset": 0, "limit": 20, "size": 1}}`)
		case r.URL.Path == "/cloud/api/v4/apps":
			_, _ = io.WriteString(w, `{"apps": [], "pagination": {"offset": 1, "limit": 20, "size": 0}}`)
		case r.URL.Path == "/cloud/api/v4/apps/c533ee0b-f7db-4e62-868b-1192d392ccec":
			_, _ = io.WriteString(w, app)
		case r.URL.Path == "/cloud/api/v4/apps/c533ee0b-f7db-4e62-868b-1192d392ccec/environments" && r.URL.Query().Get("offset") == "0":
			if r.URL.Query().Get("expand") != "package" {
				t.Errorf("environments without expand=package: %s", r.URL.RawQuery)
			}
			_, _ = io.WriteString(w, `{"environments": [`+env+`], "pagination": {"offset": 60, "limit": 20, "size": 17}}`)
		case r.URL.Path == "/cloud/api/v4/apps/c533ee0b-f7db-4e62-868b-1192d392ccec/environments":
			_, _ = io.WriteString(w, `{"environments": [], "pagination": {"offset": 1, "limit": 20, "size": 0}}`)
		case r.URL.Path == "/cloud/api/v4/apps/c533ee0b-f7db-4e62-868b-1192d392ccec/environments/22064f8f-ee55-438c-9ab2-182f2f8e5f2f":
			_, _ = io.WriteString(w, env)
		default:
			t.Errorf("unexpected %s", r.URL)
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	wantApp := V4App{ID: "c533ee0b-f7db-4e62-868b-1192d392ccec", Name: "My fabulous app", LicenseType: LicenseLicensed, Subdomain: "myfabulousapp",
		Region: "prod2-eu-central-1", TechnicalContact: "jane.doe@domain.tld"}
	apps, err := c.AppsV4(ctx, "")
	if err != nil || len(apps) != 1 || apps[0] != wantApp {
		t.Fatalf("AppsV4 = %+v, %v", apps, err)
	}
	a, err := c.AppV4(ctx, wantApp.ID)
	if err != nil || *a != wantApp {
		t.Fatalf("AppV4 = %+v, %v", a, err)
	}
	wantPkg := V4Package{ID: "3bda6b5b-f038-4c09-8697-d065446b7084", ModelVersion: "1.3.0.623", RuntimeVersion: "9.12.0.41679",
		FileName: "MainLine-1.3.0.623.mda", FileSize: 42364523, CreatedOn: iso(t, "2019-08-24T14:15:22Z")}
	envs, err := c.EnvironmentsV4(ctx, wantApp.ID)
	if err != nil || len(envs) != 1 || envs[0].ID != "22064f8f-ee55-438c-9ab2-182f2f8e5f2f" || envs[0].State != V4Stopped || envs[0].IsProduction ||
		envs[0].Name != "Test" || envs[0].URL != "http://example.com" || envs[0].AppID != wantApp.ID || envs[0].Package == nil || *envs[0].Package != wantPkg {
		t.Fatalf("EnvironmentsV4 = %+v, %v", envs, err)
	}
	e, err := c.EnvironmentV4(ctx, wantApp.ID, envs[0].ID)
	if err != nil || e.Package == nil || *e.Package != wantPkg || e.State != V4Stopped {
		t.Fatalf("EnvironmentV4 = %+v, %v", e, err)
	}
}

// cloud-portal-v4.yaml `environment` without the optional package (not expanded, or nothing
// deployed: state notdeployed) and with isProduction as the string one spec example shows.
func TestShape_DeployV4EnvironmentWithoutPackage(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /cloud/api/v4/apps/a/environments/e": {200, `{"id": "e", "appId": "a", "name": "Production", "state": "notdeployed", "isProduction": "true", "url": "https://x.mendixcloud.com"}`},
	})
	e, err := newTestClient(t, srv).EnvironmentV4(context.Background(), "a", "e")
	if err != nil || e.Package != nil || e.State != V4NotDeployed || !e.IsProduction {
		t.Fatalf("EnvironmentV4 = %+v, %v", e, err)
	}
}

// projects-v2.yaml: POST /projects body {name, summary} → 202 {jobId}; the job read in the
// schema's camelCase and in the x-example's snake_case; GET /projects/{id} (ProjectResponse
// example, with members, categories and other keys the client does not read); DELETE → 202, no body.
func TestShape_ProjectsAPI(t *testing.T) {
	srv, sent := shapeServer(t, map[string]shapeAnswer{
		"POST /projects/v2/projects":                                          {202, `{"jobId": "bbb9c2b3-18f3-43ab-b149-c0dabf946f4b"}`},
		"GET /projects/v2/projects/jobs/bbb9c2b3-18f3-43ab-b149-c0dabf946f4b": {200, `{"status": "completed", "errorMessage": "", "projectId": "123e4567-e89b-12d3-a456-426614174000"}`},
		"GET /projects/v2/projects/jobs/x-example":                            {200, `{"status": "failed", "error_message": "String", "project_id": "String"}`},
		"GET /projects/v2/projects/123e4567-e89b-12d3-a456-426614174000": {200, `{
  "projectId": "123e4567-e89b-12d3-a456-426614174000",
  "name": "Example Project",
  "description": "An example project.",
  "logo": "https://example.com/logo.png",
  "createdOn": "2025-01-28T15:05:58Z",
  "active": true,
  "createdBy": {"userId": "123e4567-e89b-12d3-a456-426614174000", "fullName": "John Doe"},
  "versionStudioPro": "9.24.32",
  "storyTool": "Epics",
  "cloudProvider": "Mendix",
  "targetCloud": "https://cloud.example.com",
  "members": [{"userId": "123e4567-e89b-12d3-a456-426614174001", "fullName": "John Doe", "isActive": true, "role": {"roleId": "r", "roleName": "Developer"}}],
  "technicalContact": {"userId": "123e4567-e89b-12d3-a456-426614174003", "fullName": "Technical Contact"},
  "account": {"accountId": "123e4567-e89b-12d3-a456-426614174004", "accountName": "Example Account"},
  "categories": [{"categoryName": "Country", "categoryId": "c", "values": [{"code": "NLD", "value": "The Netherlands"}]}]
}`},
		"DELETE /projects/v2/projects/123e4567-e89b-12d3-a456-426614174000": {202, ``},
	})
	c := newTestClient(t, srv)
	ctx := context.Background()
	created, err := c.CreateProject(ctx, ProjectSpec{Name: "temp-app", Summary: "appmigrate marker m-1"})
	if err != nil || created.JobID != "bbb9c2b3-18f3-43ab-b149-c0dabf946f4b" {
		t.Fatalf("CreateProject = %+v, %v", created, err)
	}
	if got := string(sent["POST /projects/v2/projects"]); !jsonEqual(got, `{"name":"temp-app","summary":"appmigrate marker m-1"}`) {
		t.Fatalf("create body %s", got)
	}
	job, err := c.ProjectJob(ctx, created.JobID)
	if err != nil || *job != (ProjectJob{Status: ProjectJobCompleted, ProjectID: "123e4567-e89b-12d3-a456-426614174000"}) {
		t.Fatalf("ProjectJob = %+v, %v", job, err)
	}
	job, err = c.ProjectJob(ctx, "x-example")
	if err != nil || *job != (ProjectJob{Status: ProjectJobFailed, ErrorMessage: "String", ProjectID: "String"}) {
		t.Fatalf("ProjectJob (x-example casing) = %+v, %v", job, err)
	}
	p, err := c.Project(ctx, "123e4567-e89b-12d3-a456-426614174000")
	if err != nil || *p != (Project{ProjectID: "123e4567-e89b-12d3-a456-426614174000", Name: "Example Project", Description: "An example project.",
		CreatedOn: iso(t, "2025-01-28T15:05:58Z"), Active: true}) {
		t.Fatalf("Project = %+v, %v", p, err)
	}
	if err := c.DeleteProject(ctx, p.ProjectID); err != nil {
		t.Fatal(err)
	}
}

// projects-v2.yaml: the deprecated GET /projects answers 308 to GET /accounts/{account-id}/projects,
// whose AccountProjectsResponse x-example has `page {totalElements, offset, elements}` and a
// createdOn of "Jun 29, 2023 4:39 PM" (the other example: ISO-8601).
func TestShape_ProjectsAccountListing(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requirePAT(t, r)
		switch r.URL.Path {
		case "/projects/v2/projects":
			w.Header().Set("Location", "/projects/v2/accounts/0a69e0e7-50c9-437d-83f8-83f0367df4db/projects?"+r.URL.RawQuery)
			w.WriteHeader(http.StatusPermanentRedirect)
		case "/projects/v2/accounts/0a69e0e7-50c9-437d-83f8-83f0367df4db/projects":
			_, _ = io.WriteString(w, `{
  "page": {"totalElements": 2, "offset": 0, "elements": 2},
  "items": [
    {"projectId": "p-1", "name": "Project Name", "description": "Project with a lovely description m-7", "logo": "Image URL",
     "createdOn": "Jun 29, 2023 4:39 PM", "active": true, "createdBy": {"userId": "u", "fullName": "John Doe"}},
    {"projectId": "p-2", "name": "Other", "description": "no marker", "createdOn": "2023-06-30T08:00:00Z", "active": true}
  ]
}`)
		default:
			t.Errorf("unexpected %s", r.URL)
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	defer srv.Close()
	found, err := newTestClient(t, srv).FindProjects(context.Background(), "m-7", time.Date(2023, 6, 29, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].ProjectID != "p-1" || !found[0].CreatedOn.Equal(time.Date(2023, 6, 29, 16, 39, 0, 0, time.UTC)) || !found[0].Active {
		t.Fatalf("FindProjects = %+v", found)
	}
}

// backups-api-v2.md "Delete an Existing Snapshot": no content on success.
func TestShape_BackupsV2DeleteSnapshotNoContent(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"DELETE /deploy/api/v2/apps/p/environments/e/snapshots/s": {204, ``},
	})
	if err := newTestClient(t, srv).DeleteSnapshot(context.Background(), "p", "e", "s"); err != nil {
		t.Fatal(err)
	}
}

// cloud-portal-v4.yaml error404_Patch_App / error500: {"error": {"code": <int>, "message",
// "invalid-params": [{"name": "", "reason": ""}]}} — an empty placeholder entry adds nothing to
// the message a user reads.
func TestShape_DeployV4ErrorBody(t *testing.T) {
	srv, _ := shapeServer(t, map[string]shapeAnswer{
		"GET /cloud/api/v4/apps/a": {404, `{"error": {"code": 404, "message": "Application <appId> not found", "invalid-params": [{"name": "", "reason": ""}]}}`},
		"GET /cloud/api/v4/apps":   {400, `{"error": {"code": 400, "message": "Validation errors", "invalid-params": [{"name": "Query parameter", "reason": "Value 'fre' of 'licenseType' is not supported"}]}}`},
	})
	c := newTestClient(t, srv)
	_, err := c.AppV4(context.Background(), "a")
	if StatusOf(err) != http.StatusNotFound || err == nil || strings.HasSuffix(err.Error(), "; : ") || !strings.Contains(err.Error(), "Application <appId> not found") {
		t.Fatalf("err = %v", err)
	}
	_, err = c.AppsV4(context.Background(), "fre")
	if StatusOf(err) != http.StatusBadRequest || err == nil || !strings.Contains(err.Error(), "Query parameter: Value 'fre' of 'licenseType' is not supported") {
		t.Fatalf("err = %v", err)
	}
}

// deploy-api-1.md: "most API calls—with the exception of Upload Package—require that the
// Content-Type header be set to application/json", and every example request there (GETs and
// the body-less stop included) and in backups-api-v2.md carries it.
func TestShape_DeployCallsCarryJSONContentType(t *testing.T) {
	var missing []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" {
			missing = append(missing, r.Method+" "+r.URL.Path)
		}
		switch {
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/environments/Acceptance"):
			_, _ = io.WriteString(w, `{"Status": "Stopped", "Mode": "Acceptance"}`)
		case strings.HasSuffix(r.URL.Path, "/snapshots"):
			_, _ = io.WriteString(w, `{"snapshots": [], "total": 0, "offset": 0, "limit": 100}`)
		default:
			_, _ = io.WriteString(w, `{}`)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	ctx := context.Background()
	_, _ = c.Environment(ctx, "calc", "Acceptance")
	_ = c.Stop(ctx, "calc", "Acceptance")
	_, _ = c.Snapshots(ctx, "p", "e")
	_ = c.DeleteSnapshot(ctx, "p", "e", "s")
	if len(missing) > 0 {
		t.Fatalf("calls without Content-Type: application/json: %v", missing)
	}
}
