package backendless

// Shape tests: answers and request bodies as sources we did not write show them, not as the
// sandbox emits them. Each test names its source:
//
//   - Console-SDK (github.com/Backendless/Console-SDK): src/user.js (login: token in the auth-key
//     response header, body has otpCreated under 2FA), src/apps.js (createApp posts {appName}
//     and renames appId/appName of the answer), src/settings.js (appsettings apiKeys[].deviceType/
//     apiKey, custom keys too), src/tables.js (get() reads resp.tables), src/constants/data.js
//     (USERS_TABLE = 'Users'), src/files.js (loadFullDirectory of backendless-console-sdk 2.49.0
//     spreads each page: the directory view answers a bare array).
//   - Swift-SDK Sources/SwiftSDK/Files/BackendlessFileInfo.swift and FileService.swift, Flutter-SDK
//     lib/files/file_info.dart and file_service.dart: a REST listing is an array of
//     {name, createdOn (number), publicUrl, url, size (optional)}; exists answers a boolean;
//     getFileCount a bare number.
//   - JS-SDK backendless.d.ts: upload answers {fileURL}; src/files/index.js: multipart field `file`.
//   - backendless.com/docs/rest/users_about_user_properties.html: "Users" is a system table every
//     app has; docs/rest/push_managing_registrations.html: the DeviceRegistration table.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// Console-SDK src/user.js: POST /console/home/login {login, password}; the developer profile in
// the body (name, email and more), the session in the auth-key response header.
func TestShape_LoginBodyAndAuthKeyHeader(t *testing.T) {
	var posted map[string]any
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&posted)
		w.Header().Set("auth-key", "B1C2D3E4-SESSION")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"name":"Dev","email":"dev@example.com","id":"DEV-1","lastLoginDate":1700000000000,"otpCreated":false}`)
	})
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("auth-key") != "B1C2D3E4-SESSION" {
			t.Errorf("console call without the session: %v", r.Header)
		}
		_, _ = io.WriteString(w, `[]`)
	})
	c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
	if _, err := c.ListApps(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(posted) != 2 || posted["login"] != "dev@example.com" || posted["password"] != "pw" {
		t.Fatalf("login body %v", posted)
	}
}

// Console-SDK src/user.js: with two-factor login the body carries otpCreated and no header.
func TestShape_LoginOTPCreated(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"otpCreated":true}`)
	})
	c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
	var le *LoginError
	if err := c.Login(context.Background()); err == nil || !asLoginError(err, &le) {
		t.Fatalf("err = %v", err)
	}
}

func asLoginError(err error, target **LoginError) bool {
	e, ok := err.(*LoginError)
	*target = e
	return ok
}

// Console-SDK src/apps.js: createApp posts {appName} and reads appId/appName from the answer
// (2016–2019); the 2025 shape is id/name with other keys (version, zoneId, dbVersion, …).
func TestShape_CreateAppBodyAndAnswer(t *testing.T) {
	var posted map[string]any
	answer := `{"appId":"0F1E2D3C-AAAA-4BBB-8CCC-000000000001","appName":"crm5","version":"v1","created":1733130000000}`
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/applications", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&posted)
		_, _ = io.WriteString(w, answer)
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	a, err := c.CreateApp(context.Background(), "crm5", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(posted) != 1 || posted["appName"] != "crm5" {
		t.Fatalf("create body %v", posted)
	}
	if a.ID != "0F1E2D3C-AAAA-4BBB-8CCC-000000000001" || a.Name != "crm5" || !a.Created.Equal(time.UnixMilli(1733130000000)) {
		t.Fatalf("CreateApp = %+v", a)
	}
	answer = `{"id":"0F1E2D3C-AAAA-4BBB-8CCC-000000000002","name":"crm6","zoneId":1,"dbVersion":"8.0","created":1733130000000}`
	a, err = c.CreateApp(context.Background(), "crm6", "")
	if err != nil || a.ID != "0F1E2D3C-AAAA-4BBB-8CCC-000000000002" || a.Name != "crm6" {
		t.Fatalf("CreateApp (2025 casing) = %+v, %v", a, err)
	}
}

// Console-SDK src/settings.js: apiKeys items carry deviceType and apiKey among other keys; system
// types ANDROID, IOS, JS, REST, WP, AS, BL, and custom keys with other device types.
func TestShape_AppSettingsAPIKeys(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP/console/appsettings", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"appId":"APP","appName":"crm5","apiKeys":[
			{"id":"k1","name":"Android","deviceType":"ANDROID","apiKey":"AND-KEY-000001"},
			{"id":"k2","name":"My server","deviceType":"CUSTOM","apiKey":"CUSTOM-KEY-000001"},
			{"id":"k3","name":"REST","deviceType":"REST","apiKey":"REST-KEY-000001"}],"versions":[]}`)
	})
	key, err := newTestClient(t, mux, Config{AuthKey: "k"}).RESTAPIKey(context.Background(), "APP")
	if err != nil || key != "REST-KEY-000001" {
		t.Fatalf("RESTAPIKey = %q, %v", key, err)
	}
}

// Console-SDK src/tables.js reads resp.tables (an object with other keys beside it); every app
// has the system tables Users (Console-SDK src/constants/data.js USERS_TABLE; REST docs "About
// User Properties") and DeviceRegistration (REST docs "Managing Registrations"). They are not
// tables a migration put there: a new app listing only them is blank, and they are not "user
// tables" to refuse an import over.
func TestShape_ConsoleTablesSkipSystemTables(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP/console/data/tables", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"tables":[
			{"tableId":"T-1","name":"Users","columns":[{"name":"email"},{"name":"password"}],"relations":[],"geoRelations":[]},
			{"tableId":"T-2","name":"DeviceRegistration","columns":[],"relations":[{"name":"user","toTableName":"Users"}]}],
			"connectors":[]}`)
	})
	mux.HandleFunc("GET /APP/console/files/directory/view/", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `[{"name":"web","createdOn":1733130000000,"updatedOn":1733130000000,"publicUrl":"https://x.backendless.app/api/files/web","url":"web"}]`)
	})
	mux.HandleFunc("GET /APP/console/files/directory/view/migration", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	tables, err := c.ListTables(context.Background(), "APP")
	if err != nil || len(tables) != 0 {
		t.Fatalf("ListTables = %+v, %v", tables, err)
	}
	content, err := c.ReadAppContent(context.Background(), "APP")
	if err != nil || !content.Blank() {
		t.Fatalf("a new app (system tables, the web folder) = %v, %v", content, err)
	}
}

// Console-SDK src/tables.js with a user table beside the system ones.
func TestShape_ConsoleTablesKeepUserTables(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP/console/data/tables", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"tables":[{"tableId":"T-1","name":"Users"},{"tableId":"T-3","name":"Person","columns":[],"relations":[]}]}`)
	})
	tables, err := newTestClient(t, mux, Config{AuthKey: "k"}).ListTables(context.Background(), "APP")
	if err != nil || len(tables) != 1 || tables[0].Name != "Person" {
		t.Fatalf("ListTables = %+v, %v", tables, err)
	}
}

// backendless-console-sdk 2.49.0 src/files.js loadFullDirectory: each page of the directory view
// is an array; items per the 2025 SDK samples (name, createdOn/updatedOn epoch ms, publicUrl,
// url, size for files only), plus keys the client does not know.
func TestShape_ConsoleDirectoryView(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP/console/files/directory/view/migration", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("pageSize") == "" || r.URL.Query().Get("pagesize") != "" {
			t.Errorf("the console view pages with pageSize (camel case): %s", r.URL.RawQuery)
		}
		_, _ = io.WriteString(w, `[
			{"name":"import-2.log","createdOn":1733130060000,"updatedOn":1733130090000,"publicUrl":"https://x/api/files/migration/import-2.log","url":"migration/import-2.log","size":2048,"isDirectory":false},
			{"name":"old","createdOn":1733120000000,"updatedOn":1733120000000,"publicUrl":"https://x/api/files/migration/old","url":"migration/old"},
			{"name":"import-1.log","createdOn":1733130000000,"updatedOn":1733130000000,"publicUrl":"https://x/api/files/migration/import-1.log","url":"migration/import-1.log","size":10}]`)
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	files, err := c.ConsoleListFiles(context.Background(), "APP", "/migration")
	if err != nil || len(files) != 3 {
		t.Fatalf("ConsoleListFiles = %+v, %v", files, err)
	}
	f := files[0]
	if f.Name != "import-2.log" || f.Size != 2048 || f.IsDir || !f.Created.Equal(time.UnixMilli(1733130060000)) || !f.Updated.Equal(time.UnixMilli(1733130090000)) ||
		f.URL != "migration/import-2.log" || f.PublicURL != "https://x/api/files/migration/import-2.log" || files[2].Name != "old" || !files[2].IsDir {
		t.Fatalf("ConsoleListFiles = %+v", files)
	}
	logs, err := c.ImportLogs(context.Background(), "APP")
	if err != nil || len(logs) != 2 || logs[0].Name != "import-2.log" {
		t.Fatalf("ImportLogs = %+v, %v", logs, err)
	}
}

// Swift-SDK BackendlessFileInfo / Flutter-SDK FileInfo: the REST listing is an array of
// {name, createdOn, publicUrl, url, size?} (size null or absent for a directory); JS-SDK
// backendless.d.ts upload → {fileURL}; Flutter-SDK exists → a boolean; Data API count → a number.
func TestShape_RESTFilesListingUploadExistsCount(t *testing.T) {
	const key = "REST-KEY-000001"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP/console/appsettings", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"apiKeys":[{"deviceType":"REST","apiKey":"`+key+`"}]}`)
	})
	mux.HandleFunc("GET /APP/"+key+"/files/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("action") == "exists" {
			_, _ = io.WriteString(w, `true`)
			return
		}
		if r.URL.Query().Get("pagesize") == "" {
			t.Errorf("the REST listing pages with lowercase pagesize: %s", r.URL.RawQuery)
		}
		_, _ = io.WriteString(w, `[
			{"name":"web","createdOn":1733120000000,"publicUrl":"https://api.backendless.com/APP/`+key+`/files/web","url":"web","size":null},
			{"name":"crm_files.zip","createdOn":1733130000000,"publicUrl":"https://api.backendless.com/APP/`+key+`/files/crm_files.zip","url":"crm_files.zip","size":1048576}]`)
	})
	mux.HandleFunc("POST /APP/"+key+"/files/crm_files.zip", func(w http.ResponseWriter, r *http.Request) {
		if f, _, err := r.FormFile("file"); err != nil {
			t.Errorf("no multipart part `file`: %v", err)
		} else {
			_ = f.Close()
		}
		_, _ = io.WriteString(w, `{"fileURL":"https://api.backendless.com/APP/`+key+`/files/crm_files.zip"}`)
	})
	mux.HandleFunc("GET /APP/"+key+"/data/Person/count", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `250`)
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	ctx := context.Background()
	files, err := c.ListFiles(ctx, "APP", "/")
	if err != nil || len(files) != 2 || !files[0].IsDir || files[1].IsDir || files[1].Size != 1048576 ||
		!files[1].Created.Equal(time.UnixMilli(1733130000000)) || files[1].PublicURL != "https://api.backendless.com/APP/"+RESTKeyPlaceholder+"/files/crm_files.zip" {
		t.Fatalf("ListFiles = %+v, %v", files, err)
	}
	st, err := c.StatFile(ctx, "APP", "/crm_files.zip")
	if err != nil || st.Size != 1048576 {
		t.Fatalf("StatFile = %+v, %v", st, err)
	}
	up, err := c.UploadFile(ctx, "APP", "/crm_files.zip", true, bytesSource([]byte("zip")))
	if err != nil || up.FileURL != "https://api.backendless.com/APP/"+RESTKeyPlaceholder+"/files/crm_files.zip" {
		t.Fatalf("UploadFile = %+v, %v", up, err)
	}
	if ok, err := c.FileExists(ctx, "APP", "/crm_files.zip"); err != nil || !ok {
		t.Fatalf("FileExists = %v, %v", ok, err)
	}
	if n, err := c.CountRows(ctx, "APP", "Person"); err != nil || n != 250 {
		t.Fatalf("CountRows = %d, %v", n, err)
	}
}

// The 3.x listing's shape is INFERRED (no published 3.x example): the 5.x array (Swift/Flutter SDK
// FileInfo) and the 3.x-era BackendlessCollection {"totalObjects","offset","data":[…]} (3.x .NET
// docs: BackendlessCollection<FileInfo> Listing(...)) are both read; anything else is an error.
func TestShape_LegacyListingArrayOrCollection(t *testing.T) {
	var body string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/files/migration-to-4", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, body)
	})
	c := newTestClient(t, mux, legacyConfig())
	item := `{"name":"crm_data.zip","createdOn":1733130000000,"publicUrl":"https://api.backendless.com/` + testLegacyApp + `/v1/files/migration-to-4/crm_data.zip","url":"migration-to-4/crm_data.zip","size":4096}`
	for _, b := range []string{`[` + item + `]`, `{"totalObjects":1,"offset":0,"data":[` + item + `]}`} {
		body = b
		files, err := c.ListMigrationArchives(context.Background(), testLegacyApp, "v1")
		if err != nil || len(files) != 1 || files[0].Name != "crm_data.zip" || files[0].Size != 4096 || !files[0].Created.Equal(time.UnixMilli(1733130000000)) {
			t.Fatalf("%s: ListMigrationArchives = %+v, %v", b, files, err)
		}
	}
	body = `{"totalObjects":1}`
	if _, err := c.ListMigrationArchives(context.Background(), testLegacyApp, "v1"); err == nil {
		t.Fatal("an object without data was read as an empty listing")
	}
}

// backendless-console-sdk 2.57.2 definitions.json, getApps sampleResult (verbatim): id/name,
// created epoch ms, and zoneId a NUMBER with no "zone" string. Which zoneId is EU is not published,
// so the zone stays unknown ("") rather than guessed.
func TestShape_ListApps2025SampleResult(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `[{"version":"6.0.0","created":1700000000000,"subscriptionId":null,"originDomains":"*","customDomains":[],"showKitApiKey":null,"dbVersion":165,"lastDayOfUse":1700000001000,"ownerDeveloperId":"DEV-ID-123","zoneId":1,"oldGeoServiceEnabled":false,"type":"general","metaInfo":{"source":null,"enabledPanicModes":[],"compliance":{"hipaa":null},"mongoDbVersion":10,"useOldTableRelationsFormat":false},"id":"APP-ID-123","name":"MyApp"},{"version":"6.0.0","created":1700000002000,"subscriptionId":"SUB-456","originDomains":"*","customDomains":[],"showKitApiKey":null,"dbVersion":165,"lastDayOfUse":1700000003000,"ownerDeveloperId":"DEV-ID-123","zoneId":1,"oldGeoServiceEnabled":false,"type":"general","metaInfo":{"source":null,"enabledPanicModes":[],"compliance":{"hipaa":null},"mongoDbVersion":10,"useOldTableRelationsFormat":false},"id":"APP-ID-456","name":"TestApp"}]`)
	})
	apps, err := newTestClient(t, mux, Config{AuthKey: "k"}).ListApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || apps[0].ID != "APP-ID-123" || apps[0].Name != "MyApp" || !apps[0].Created.Equal(time.UnixMilli(1700000000000)) || apps[0].Zone != "" ||
		apps[1].ID != "APP-ID-456" || apps[1].Name != "TestApp" {
		t.Fatalf("ListApps = %+v", apps)
	}
}
