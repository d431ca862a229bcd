package backendless

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// reLogLine is the modeled migration log line: RFC 3339 UTC time, level padded to five, message.
var reLogLine = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (INFO |ERROR) (.+)$`)

// logMessages checks every line's shape and returns "LEVEL message" per line.
func logMessages(t *testing.T, lines []string) []string {
	t.Helper()
	var out []string
	for _, l := range lines {
		m := reLogLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("log line %q does not have the modeled format", l)
		}
		out = append(out, strings.TrimSpace(m[1])+" "+m[2])
	}
	return out
}

func TestImport_ConsoleRouteLoadsExactCountsAndWritesTheLog(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	data, files := archiveVersion(t, s, crmID, "v1")
	app := mustCreate(t, s, devLogin, "crm-v5", "US")

	// Runbook step 6: the files archive into the root, through the documented upload.
	filesName := filepath.Base(files)
	if resp, body := upload(t, apiURL(srv, app, "/files/"+filesName+"?overwrite=true"), "", filesName, bytes.NewReader(legacyBytes(t, s, crmID, "v1", files))); resp.StatusCode != http.StatusOK {
		t.Fatalf("upload files archive: %d %s", resp.StatusCode, body)
	}
	// Step 7: import the data archive, downloaded from the 3.x public URL.
	resp, archive := call(t, "GET", legacyURL(srv, "/"+crmID+"/v1/files"+data), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download data archive: %d", resp.StatusCode)
	}
	dataName := filepath.Base(data)
	resp, body := upload(t, consoleURL(srv.URL, "/"+app.ID+"/console/import/backendless-app?allowNonEmpty=false"), key, dataName, bytes.NewReader(archive))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("import: %d %s", resp.StatusCode, body)
	}
	started := decode[map[string]string](t, body)
	id := started["importId"]
	if started["status"] != "IN_PROGRESS" || started["logPath"] != "/migration/import-"+id+".log" || id == "" {
		t.Fatalf("202 body %s", body)
	}
	waitIdle(t, s)

	if got, want := s.BackendlessTableCounts(app.ID), s.LegacyTableCounts(crmID, "v1"); !equalCounts(got, want) {
		t.Fatalf("5.0 tables %v, 3.x tables %v", got, want)
	}
	for table, want := range map[string]string{"Person": "250", "Order": "1200", "Product": "40", "Users": "2"} {
		if _, body := call(t, "GET", apiURL(srv, app, "/data/"+table+"/count"), "", nil); string(body) != want {
			t.Errorf("count %s = %s, want %s", table, body, want)
		}
	}
	resp, body = call(t, "GET", apiURL(srv, app, "/data/Nope/count"), "", nil)
	if resp.StatusCode != http.StatusNotFound || string(body) != `{"code":1009,"message":"Table not found by name 'Nope'"}` {
		t.Errorf("unknown table: %d %s", resp.StatusCode, body)
	}
	_, body = call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/data/tables"), key, nil)
	// §5.1: the SDK's shape, an object with "tables", and no row count in it; the system tables
	// every Backendless app has (Users, DeviceRegistration) are listed with the user tables.
	var listed struct {
		Tables []map[string]json.RawMessage `json:"tables"`
	}
	if err := json.Unmarshal(body, &listed); err != nil || len(listed.Tables) != 5 {
		t.Fatalf("console tables %s: %v", body, err)
	}
	for i, want := range []string{"DeviceRegistration", "Order", "Person", "Product", "Users"} {
		tb := listed.Tables[i]
		if string(tb["name"]) != strconv.Quote(want) || tb["tableId"] == nil || tb["columns"] == nil {
			t.Errorf("console table %d: %s", i, body)
		}
		if _, ok := tb["count"]; ok {
			t.Errorf("the SDK's table objects carry no row count: %s", body)
		}
	}

	msgs := logMessages(t, logLines(t, s, app.ID, id))
	first := fmt.Sprintf("INFO import %s started: archive %s (%d bytes, sha256 %s)", id, dataName, len(archive), sha256Hex(archive))
	want := []string{
		first,
		"INFO archive validated: 12 entries match the manifest",
		"INFO table Order: 1200 rows imported",
		"INFO table Person: 250 rows imported",
		"INFO table Product: 40 rows imported",
		"INFO users: 2 imported",
		"INFO roles: 2, permissions: 5 imported",
		"INFO MIGRATION COMPLETED",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if lines := logLines(t, s, app.ID, id); !strings.Contains(lines[0], " INFO  import ") {
		t.Errorf("level not padded to five: %q", lines[0])
	}
	// The log is readable by the REST file route and the console, and listed in /migration.
	raw := backendlessBytes(t, s, app.ID, started["logPath"])
	if _, body := call(t, "GET", apiURL(srv, app, "/files"+started["logPath"]), "", nil); !bytes.Equal(body, raw) {
		t.Error("REST download of the log differs")
	}
	if _, body := call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/files/download"+started["logPath"]), key, nil); !bytes.Equal(body, raw) {
		t.Error("console download of the log differs")
	}
	_, body = call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/files/directory/view/migration?sortBy=createdOn&sortDirection=desc"), key, nil)
	if items := decode[[]bkFileItem](t, body); len(items) != 1 || items[0].Name != "import-"+id+".log" {
		t.Errorf("migration dir %s", body)
	}
	// The files archive the runbook uploaded is still there, byte for byte.
	if _, sum, _ := s.BackendlessFile(app.ID, filesName); sum != sha256Hex(legacyBytes(t, s, crmID, "v1", files)) {
		t.Error("files archive changed")
	}
	// The imported rows are the archive's rows.
	zr := openZip(t, archive)
	s.store.read(func(st *state) {
		d := st.bkAppDataFor(app.ID, false)
		for _, tb := range d.Data.Tables {
			if tb.RowsBlob.SHA256 != sha256Hex(zipEntry(t, zr, "tables/"+tb.Name+".json")) || len(tb.Columns) != 4 {
				t.Errorf("table %s: rows blob %s, %d columns", tb.Name, tb.RowsBlob.SHA256, len(tb.Columns))
			}
		}
		if d.Data.Users != 2 || d.Data.Roles != 2 || d.Data.Permissions != 5 || len(d.Data.Sections) != 6 {
			t.Errorf("dataset %+v", d.Data)
		}
	})
	for _, j := range s.Jobs() {
		if j.Kind == bkImportJobKind && j.State != core.JobCompleted {
			t.Errorf("import job %+v", j)
		}
	}
}

func TestImport_CorruptArchivesFailWithAClearLineAndLoadNothing(t *testing.T) {
	for how, want := range map[string]*regexp.Regexp{
		CorruptNotZip:           regexp.MustCompile(`^ERROR archive is not a zip file$`),
		CorruptEscapeEntry:      regexp.MustCompile(`^ERROR entry "\.\./x" escapes the archive folder$`),
		CorruptManifestMismatch: regexp.MustCompile(`^ERROR manifest disagrees with content: tables/Person\.json sha256 [0-9a-f]{64} != manifest [0-9a-f]{64}$`),
	} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := newTestSandbox(t, Options{DataDir: dir})
			data, _ := archiveVersion(t, s, crmID, "v1")
			if err := s.CorruptLegacyFile(crmID, "v1", data, how); err != nil {
				t.Fatal(err)
			}
			app := mustCreate(t, s, devLogin, "target", "US")
			blobs := blobCount(t, dir)
			id, err := s.ImportBackendlessArchiveWith(app.ID, bytes.NewReader(legacyBytes(t, s, crmID, "v1", data)), ImportOptions{FileName: filepath.Base(data)})
			if err != nil {
				t.Fatal(err)
			}
			waitIdle(t, s)
			msgs := logMessages(t, logLines(t, s, app.ID, id))
			if len(msgs) != 3 || !want.MatchString(msgs[1]) || msgs[2] != "ERROR MIGRATION FAILED" {
				t.Fatalf("log:\n%s", strings.Join(msgs, "\n"))
			}
			assertNothingLoaded(t, s, app.ID)
			// Only the log remains: the uploaded archive's blob is gone, nothing was staged.
			if n := blobCount(t, dir); n != blobs+1 {
				t.Fatalf("%d blobs, want %d (the log only)", n, blobs+1)
			}
			if j := s.Jobs()[len(s.Jobs())-1]; j.Kind != bkImportJobKind || j.State != core.JobFailed || !strings.Contains(msgs[1], j.Message) {
				t.Errorf("job %+v", j)
			}
		})
	}
}

func assertNothingLoaded(t *testing.T, s *Backendless, appID string) {
	t.Helper()
	if c := s.BackendlessTableCounts(appID); len(c) != 0 {
		t.Fatalf("tables %v after a failed import", c)
	}
	s.store.read(func(st *state) {
		if d := st.bkAppDataFor(appID, false); d != nil && (d.Data.Users != 0 || len(d.Data.Sections) != 0 || len(d.Imports) != 0) {
			t.Errorf("dataset %+v after a failed import", d.Data)
		}
	})
	if files := s.BackendlessFiles(appID, ""); len(files) != 1 || !strings.HasPrefix(files[0], "migration/import-") {
		t.Errorf("files %v after a failed import, want the log only", files)
	}
}

// craftEntry is one entry of a hand-made archive.
type craftEntry struct{ name, body string }

var craftBase = []craftEntry{
	{"tables/Person.schema.json", `{"name":"Person","columns":[{"name":"name","type":"STRING"}]}`},
	{"tables/Person.json", `[{"name":"Ada"},{"name":"Grace"}]`},
	{"users.json", `[{"email":"ada@example.com"}]`},
	{"roles.json", `[{"name":"Manager"}]`},
}

// craftArchive builds a data archive whose manifest describes entries truthfully, then lets
// tweak change the manifest and extra add entries after it was computed.
func craftArchive(t *testing.T, entries []craftEntry, tweak func(m map[string]any), extra ...craftEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var listed []map[string]any
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(e.body))
		listed = append(listed, map[string]any{"path": e.name, "size": len(e.body), "sha256": sha256Hex([]byte(e.body))})
	}
	for _, e := range extra {
		w, _ := zw.Create(e.name)
		_, _ = w.Write([]byte(e.body))
	}
	m := map[string]any{
		"format": bkMigrationFormat, "kind": "data", "app": map[string]string{"id": "X", "name": "x"}, "version": "v1",
		"created": "2026-01-01T00:00:00Z", "tables": map[string]int{"Person": 2}, "users": 1, "roles": 1, "entries": listed,
	}
	if tweak != nil {
		tweak(m)
	}
	if m != nil && m["drop"] == nil {
		w, _ := zw.Create("manifest.json")
		_ = json.NewEncoder(w).Encode(m)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImport_EachValidationRuleHasItsOwnReason(t *testing.T) {
	withEntry := func(name, body string) []craftEntry {
		out := append([]craftEntry(nil), craftBase...)
		for i, e := range out {
			if e.name == name {
				out[i].body = body
				return out
			}
		}
		return append(out, craftEntry{name, body})
	}
	without := func(name string) []craftEntry {
		var out []craftEntry
		for _, e := range craftBase {
			if e.name != name {
				out = append(out, e)
			}
		}
		return out
	}
	entriesOf := func(m map[string]any) []map[string]any {
		e, _ := m["entries"].([]map[string]any)
		return e
	}
	cases := map[string]struct {
		archive []byte
		reason  string
	}{
		"row count": {craftArchive(t, craftBase, func(m map[string]any) { m["tables"] = map[string]int{"Person": 3} }),
			"manifest disagrees with content: tables/Person.json rows 2 != manifest 3"},
		"size": {craftArchive(t, craftBase, func(m map[string]any) { entriesOf(m)[1]["size"] = 99 }),
			"manifest disagrees with content: tables/Person.json size 33 != manifest 99"},
		"unlisted entry": {craftArchive(t, craftBase, nil, craftEntry{"geo.json", "{}"}),
			"manifest disagrees with content: geo.json is not listed in the manifest"},
		"listed but missing": {craftArchive(t, craftBase, func(m map[string]any) {
			m["entries"] = append(entriesOf(m), map[string]any{"path": "geo.json", "size": 2, "sha256": sha256Hex([]byte("{}"))})
		}), "manifest disagrees with content: geo.json is missing from the archive"},
		"users count": {craftArchive(t, craftBase, func(m map[string]any) { m["users"] = 5 }),
			"manifest disagrees with content: users.json count 1 != manifest 5"},
		"rows without count": {craftArchive(t, append(append([]craftEntry(nil), craftBase...), craftEntry{"tables/Order.json", "[]"}), nil),
			"manifest disagrees with content: tables/Order.json has no row count in the manifest"},
		"no manifest":       {craftArchive(t, craftBase, func(m map[string]any) { m["drop"] = true }), "archive has no manifest.json"},
		"files archive":     {craftArchive(t, craftBase, func(m map[string]any) { m["kind"] = "files" }), "archive is a files archive, not a data archive"},
		"wrong format":      {craftArchive(t, craftBase, func(m map[string]any) { m["format"] = "other/2" }), `manifest.json format "other/2" is not backendless-migration/1`},
		"absolute entry":    {craftArchive(t, craftBase, nil, craftEntry{"/etc/passwd", "x"}), `entry "/etc/passwd" escapes the archive folder`},
		"nested escape":     {craftArchive(t, craftBase, nil, craftEntry{"tables/../../x", "x"}), `entry "tables/../../x" escapes the archive folder`},
		"rows not objects":  {craftArchive(t, withEntry("tables/Person.json", `[1,2]`), nil), "tables/Person.json is not a JSON array of objects"},
		"no schema":         {craftArchive(t, without("tables/Person.schema.json"), nil), "archive has no schema for table Person (tables/Person.schema.json)"},
		"rows missing":      {craftArchive(t, without("tables/Person.json"), nil), "manifest disagrees with content: tables/Person.json is missing from the archive"},
		"invalid table":     {craftArchive(t, craftBase, func(m map[string]any) { m["tables"] = map[string]int{"Person": 2, "../x": 0} }), `manifest.json names an invalid table "../x"`},
		"manifest not json": {zipOf(t, craftEntry{"manifest.json", "{"}), "manifest.json is not valid JSON"},
	}
	s, _ := newTestSandbox(t, Options{})
	// The same builder without a flaw imports: the cases fail for their flaw alone.
	good := mustCreate(t, s, devLogin, "good", "US")
	if _, err := s.ImportBackendlessArchive(good.ID, bytes.NewReader(craftArchive(t, craftBase, nil))); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	if c := s.BackendlessTableCounts(good.ID); c["Person"] != 2 {
		t.Fatalf("flawless crafted archive: %v", c)
	}
	i := 0
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			i++
			app := mustCreate(t, s, devLogin, fmt.Sprintf("t%d", i), "US")
			id, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(c.archive))
			if err != nil {
				t.Fatal(err)
			}
			waitIdle(t, s)
			msgs := logMessages(t, logLines(t, s, app.ID, id))
			if len(msgs) != 3 || !strings.HasPrefix(msgs[1], "ERROR "+c.reason) || msgs[2] != "ERROR MIGRATION FAILED" {
				t.Fatalf("log:\n%s\nwant reason %q", strings.Join(msgs, "\n"), c.reason)
			}
			assertNothingLoaded(t, s, app.ID)
		})
	}
}

func zipOf(t *testing.T, entries ...craftEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, _ := zw.Create(e.name)
		_, _ = w.Write([]byte(e.body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImport_NonEmptyTargetIsRefusedUnlessAllowed(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	data, _ := archiveVersion(t, s, crmID, "v1")
	archive := legacyBytes(t, s, crmID, "v1", data)
	app := mustCreate(t, s, devLogin, "target", "US")
	if _, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(archive)); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	counts := s.BackendlessTableCounts(app.ID)

	// The same archive again: refused, nothing changes.
	id, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	msgs := logMessages(t, logLines(t, s, app.ID, id))
	if len(msgs) != 4 || msgs[2] != "ERROR target app is not empty (tables: Order, Person, Product); import into a blank app or set allowNonEmpty=true" || msgs[3] != "ERROR MIGRATION FAILED" {
		t.Fatalf("log:\n%s", strings.Join(msgs, "\n"))
	}
	if got := s.BackendlessTableCounts(app.ID); !equalCounts(got, counts) {
		t.Fatalf("counts %v after a refused import, want %v", got, counts)
	}

	// allowNonEmpty=true through the control route: tables are replaced, not doubled.
	resp, body := upload(t, srv.URL+"/_sandbox/backendless/apps/"+app.ID+"/import?allowNonEmpty=true", "", "again.zip", bytes.NewReader(archive))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("control import: %d %s", resp.StatusCode, body)
	}
	id = decode[bkImportStarted](t, body).ImportID
	waitIdle(t, s)
	msgs = logMessages(t, logLines(t, s, app.ID, id))
	if msgs[len(msgs)-1] != "INFO MIGRATION COMPLETED" || !strings.Contains(msgs[0], "archive again.zip") {
		t.Fatalf("log:\n%s", strings.Join(msgs, "\n"))
	}
	if got := s.BackendlessTableCounts(app.ID); !equalCounts(got, counts) {
		t.Fatalf("counts %v after allowNonEmpty, want %v", got, counts)
	}
	// Files alone do not make an app non-empty: the runbook uploads the files archive first.
	fresh := mustCreate(t, s, devLogin, "fresh", "US")
	upload(t, apiURL(srv, fresh, "/files/files.zip"), "", "files.zip", strings.NewReader("zip"))
	id, _ = s.ImportBackendlessArchive(fresh.ID, bytes.NewReader(archive))
	waitIdle(t, s)
	if msgs := logMessages(t, logLines(t, s, fresh.ID, id)); msgs[len(msgs)-1] != "INFO MIGRATION COMPLETED" {
		t.Fatalf("import next to a file:\n%s", strings.Join(msgs, "\n"))
	}
}

func TestImport_LogGrowsWhileTheJobRuns(t *testing.T) {
	var mu sync.Mutex
	var snapshots []string
	var visible []bool
	var s *Backendless
	var appID string
	bkImportLogHook = func(importID, content string) {
		// Each write is visible in the target's Files at once.
		var onDisk []byte
		if rc, err := s.OpenBackendlessFile(appID, BackendlessImportLogPath(importID)); err == nil {
			onDisk, _ = io.ReadAll(rc)
			rc.Close()
		}
		mu.Lock()
		defer mu.Unlock()
		snapshots = append(snapshots, content)
		visible = append(visible, string(onDisk) == content)
	}
	t.Cleanup(func() { bkImportLogHook = nil })
	s, _ = newTestSandbox(t, Options{JobDuration: 40 * time.Millisecond})
	data, _ := archiveVersion(t, s, crmID, "v1")
	app := mustCreate(t, s, devLogin, "target", "US")
	appID = app.ID
	id, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(legacyBytes(t, s, crmID, "v1", data)))
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	mu.Lock()
	defer mu.Unlock()
	final := string(backendlessBytes(t, s, app.ID, BackendlessImportLogPath(id)))
	if len(snapshots) < 8 || snapshots[len(snapshots)-1] != final {
		t.Fatalf("%d writes; last %q, file %q", len(snapshots), snapshots[len(snapshots)-1], final)
	}
	if strings.Count(snapshots[0], "\n") != 1 || !strings.Contains(snapshots[0], "started: archive") {
		t.Fatalf("first write %q", snapshots[0])
	}
	progressBeforeEnd := false
	for _, snap := range snapshots {
		if !strings.HasPrefix(final, snap) {
			t.Fatalf("write %q is not a prefix of the final log", snap)
		}
		if strings.Contains(snap, "table Person: 250 rows imported") && !strings.Contains(snap, "MIGRATION COMPLETED") {
			progressBeforeEnd = true
		}
	}
	if !progressBeforeEnd {
		t.Fatal("no write showed progress lines before the final line")
	}
	for _, v := range visible {
		if !v {
			t.Fatal("a log write was not visible in the target's Files")
		}
	}
}

func TestImport_ResumedAfterRestartLoadsOnceAndFinishesTheLog(t *testing.T) {
	dir := t.TempDir()
	s1, err := newSandbox(Options{DataDir: dir, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := archiveVersion(t, s1, crmID, "v1")
	archive := legacyBytes(t, s1, crmID, "v1", data)
	app, _ := s1.CreateBackendlessApp(devLogin, "target")
	_ = s1.Close()

	// The import is accepted, then the sandbox stops before the job runs.
	s3, err := newSandbox(Options{DataDir: dir, JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s3.ImportBackendlessArchive(app.ID, bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	if lines := logLines(t, s3, app.ID, id); len(lines) != 1 {
		t.Fatalf("log before the job ran: %v", lines)
	}
	_ = s3.Close()

	s4, _ := newTestSandbox(t, Options{DataDir: dir})
	waitIdle(t, s4)
	msgs := logMessages(t, logLines(t, s4, app.ID, id))
	log := strings.Join(msgs, "\n")
	if strings.Count(log, "started: archive") != 1 || strings.Count(log, "MIGRATION COMPLETED") != 1 || len(msgs) != 8 {
		t.Fatalf("log after resume:\n%s", log)
	}
	if got := s4.BackendlessTableCounts(app.ID); !equalCounts(got, s4.LegacyTableCounts(crmID, "v1")) {
		t.Fatalf("counts %v", got)
	}
	var uploads int
	for _, j := range s4.Jobs() {
		if j.Kind == bkImportJobKind {
			uploads++
			if j.Resumed != 1 || j.State != core.JobCompleted {
				t.Errorf("import job %+v", j)
			}
		}
	}
	if uploads != 1 {
		t.Fatalf("%d import jobs", uploads)
	}
}

func TestImport_RouteRefusals(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	app := mustCreate(t, s, devLogin, "target", "US")
	url := consoleURL(srv.URL, "/"+app.ID+"/console/import/")
	for _, c := range []struct {
		path, key string
		status    int
	}{
		{"backendless-app", "", http.StatusUnauthorized},
		{"json", key, http.StatusBadRequest},
		{"backendless-app?allowNonEmpty=perhaps", key, http.StatusBadRequest},
	} {
		resp, body := upload(t, url+c.path, c.key, "a.zip", strings.NewReader("zip"))
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d %s, want %d", c.path, resp.StatusCode, body, c.status)
		}
	}
	resp, body := upload(t, consoleURL(srv.URL, "/NOPE/console/import/backendless-app"), key, "a.zip", strings.NewReader("zip"))
	if resp.StatusCode != http.StatusNotFound || len(body) != 0 {
		t.Errorf("unknown app: %d %q", resp.StatusCode, body)
	}
	resp, body = call(t, "POST", url+"backendless-app", key, "not multipart")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("not multipart: %d %s", resp.StatusCode, body)
	}
	if _, err := s.ImportBackendlessArchive("NOPE", strings.NewReader("zip")); err == nil {
		t.Error("import into an unknown app succeeded")
	}
	if files := s.BackendlessFiles(app.ID, ""); len(files) != 0 {
		t.Errorf("refused imports left files %v", files)
	}
}

func TestImport_TargetDeletedBeforeTheJobRunsFailsAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	s, _ := newTestSandbox(t, Options{DataDir: dir, JobDuration: time.Hour})
	before := blobCount(t, dir)
	app := mustCreate(t, s, devLogin, "target", "US")
	if _, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(craftArchive(t, craftBase, nil))); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBackendlessApp(app.ID); err != nil {
		t.Fatal(err)
	}
	// Run the queued job now, in a sandbox with instant jobs on the same data dir.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, _ := newTestSandbox(t, Options{DataDir: dir})
	waitIdle(t, s2)
	jobs := s2.Jobs()
	if j := jobs[len(jobs)-1]; j.State != core.JobFailed || !strings.Contains(j.Message, "no longer exists") {
		t.Fatalf("job %+v", j)
	}
	if n := blobCount(t, dir); n != before {
		t.Fatalf("%d blobs, want %d", n, before)
	}
}

func TestControl_BackendlessRoutesMirrorTheHelpers(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	upload(t, apiURL(srv, app, "/files/dir/a.txt"), "", "a.txt", strings.NewReader("abc"))
	resp, body := call(t, "GET", srv.URL+"/_sandbox/backendless/apps/"+app.ID+"/files/dir/a.txt", "", nil)
	if d := decode[fileDigest](t, body); resp.StatusCode != http.StatusOK || d.Size != 3 || d.SHA256 != sha256Hex([]byte("abc")) {
		t.Fatalf("digest: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", srv.URL+"/_sandbox/backendless/apps/"+app.ID+"/tables", "", nil)
	if resp.StatusCode != http.StatusOK || string(body) != "{}" {
		t.Fatalf("tables: %d %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, "DELETE", srv.URL+"/_sandbox/backendless/apps/"+app.ID+"/files/dir/a.txt", "", nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	for _, c := range [][2]string{
		{"GET", "/_sandbox/backendless/apps/" + app.ID + "/files/dir/a.txt"},
		{"DELETE", "/_sandbox/backendless/apps/" + app.ID + "/files/dir/a.txt"},
		{"GET", "/_sandbox/backendless/apps/NOPE/tables"},
	} {
		if resp, _ := call(t, c[0], srv.URL+c[1], "", nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d", c[0], c[1], resp.StatusCode)
		}
	}
	if resp, _ := upload(t, srv.URL+"/_sandbox/backendless/apps/NOPE/import", "", "a.zip", strings.NewReader("zip")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("import into unknown app: %d", resp.StatusCode)
	}
}
