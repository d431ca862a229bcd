package backendless

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

func TestLegacyFixture_DefaultHasCrmAndInventoryWithTheContractsCounts(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	apps := s.LegacyApps()
	if len(apps) != 2 || apps[0].Name != "crm" || apps[1].Name != "inventory" {
		t.Fatalf("legacy apps %+v", apps)
	}
	crm := apps[0]
	if crm.ID != crmID || crm.SecretKey != crmSecret || crm.Owner != devLogin || len(crm.Versions) != 2 {
		t.Fatalf("crm %+v", crm)
	}
	v1 := crm.Versions[0]
	if want := map[string]int{"Person": 250, "Order": 1200, "Product": 40}; !equalCounts(v1.Tables, want) {
		t.Errorf("crm v1 tables %v, want %v", v1.Tables, want)
	}
	if v1.Users != 2 || v1.Roles != 2 || v1.Permissions != 5 || v1.Files != 6 {
		t.Errorf("crm v1 %+v", v1)
	}
	if v1.Bytes < 2<<20 || v1.Bytes > 4<<20 {
		t.Errorf("crm v1 holds %d bytes of files, want about 3 MiB", v1.Bytes)
	}
	if v2 := crm.Versions[1]; v2.Name != "v2" || v2.Tables["Person"] >= 250 || v2.Files == 0 {
		t.Errorf("crm v2 %+v, want a smaller version", v2)
	}
	inv := apps[1]
	if inv.ID != inventoryID || len(inv.Versions) != 1 || len(inv.Versions[0].Tables) != 2 {
		t.Errorf("inventory %+v", inv)
	}
	if got := s.LegacyTableCounts(crmID, "v1"); !equalCounts(got, v1.Tables) {
		t.Errorf("LegacyTableCounts %v", got)
	}
	if s.LegacyTableCounts(crmID, "v9") != nil || s.LegacyTableCounts("nope", "v1") != nil {
		t.Error("counts for an unknown version")
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestLegacyFixture_GeneratedContentIsTheSameOnEverySeed(t *testing.T) {
	s1, _ := newTestSandbox(t, Options{})
	s2, _ := newTestSandbox(t, Options{})
	for _, p := range []string{"images/logo.png", "media/intro.mp4", "/docs/readme.txt"} {
		n1, h1, ok1 := s1.LegacyFileDigest(crmID, "v1", p)
		n2, h2, ok2 := s2.LegacyFileDigest(crmID, "v1", p)
		if !ok1 || !ok2 || n1 != n2 || h1 != h2 {
			t.Errorf("%s: %d %s vs %d %s", p, n1, h1, n2, h2)
		}
	}
	if n, h, _ := s1.LegacyFileDigest(crmID, "v1", "docs/readme.txt"); n != 5 || h != sha256Hex([]byte("hello")) {
		t.Errorf("readme.txt %d %s, want the literal content hello", n, h)
	}
	if n, _, _ := s1.LegacyFileDigest(crmID, "v1", "images/logo.png"); n != 200000 {
		t.Errorf("logo.png has %d bytes, want 200000", n)
	}
	rows := func(s *Backendless) (out []string) {
		s.store.read(func(st *state) {
			_, v := st.bk3Version(crmID, "v1")
			for _, tb := range v.Data.Tables {
				out = append(out, tb.RowsBlob.SHA256)
			}
		})
		return out
	}
	if r1, r2 := rows(s1), rows(s2); !slices.Equal(r1, r2) {
		t.Errorf("generated rows differ between seeds: %v vs %v", r1, r2)
	}
}

func TestLegacyFixture_RejectsMistakesWithTheirLocation(t *testing.T) {
	app := func(version string) string {
		return `{"backendless":{"developers":[{"login":"a@x","password":"p"}],"legacy_apps":[
			{"app_id":"APP-1","name":"crm","secret_key":"k","versions":[` + version + `]}]}}`
	}
	table := func(tbl string) string { return app(`{"name":"v1","tables":[` + tbl + `]}`) }
	for name, c := range map[string]struct{ fixture, want string }{
		"unknown app key": {`{"backendless":{"legacy_apps":[{"app_id":"A","label":"x"}]}}`,
			`backendless.legacy_apps[0]: unknown key "label"`},
		"unknown nested key": {table(`{"name":"Person","colums":[]}`),
			`backendless.legacy_apps[0].versions[0].tables[0]: unknown key "colums"`},
		"unknown file key": {app(`{"name":"v1","files":[{"path":"a.txt","sha":"x"}]}`),
			`backendless.legacy_apps[0].versions[0].files[0]: unknown key "sha"`},
		"unknown generate key": {table(`{"name":"P","generate_rows":{"count":1,"seeds":2}}`),
			`tables[0].generate_rows: unknown key "seeds"`},
		"wrong value type":   {app(`{"name":"v1","roles":"Manager"}`), `backendless.legacy_apps`},
		"no app id":          {`{"backendless":{"legacy_apps":[{"name":"crm","secret_key":"k","versions":[{"name":"v1"}]}]}}`, `legacy_apps[0]: app_id`},
		"no secret":          {`{"backendless":{"legacy_apps":[{"app_id":"A","name":"crm","versions":[{"name":"v1"}]}]}}`, `legacy_apps[0]: secret_key is required`},
		"no versions":        {`{"backendless":{"legacy_apps":[{"app_id":"A","name":"crm","secret_key":"k"}]}}`, `versions: at least one`},
		"unknown owner":      {`{"backendless":{"legacy_apps":[{"app_id":"A","name":"crm","secret_key":"k","owner":"z@x","versions":[{"name":"v1"}]}]}}`, `owner "z@x"`},
		"duplicate version":  {app(`{"name":"v1"},{"name":"V1"}`), `versions[1]: name "V1" appears twice`},
		"bad version name":   {app(`{"name":"v 1"}`), `versions[0]: name "v 1"`},
		"bad column type":    {table(`{"name":"P","columns":[{"name":"a","type":"STR"}]}`), `tables[0].columns[0]: type "STR" is not one of`},
		"system column":      {table(`{"name":"P","columns":[{"name":"objectId","type":"STRING"}]}`), `columns[0]: name "objectId"`},
		"row key not column": {table(`{"name":"P","columns":[{"name":"a","type":"INT"}],"rows":[{"b":1}]}`), `tables[0].rows[0]: key "b" is not a column`},
		"row value type":     {table(`{"name":"P","columns":[{"name":"a","type":"INT"}],"rows":[{"a":"x"}]}`), `rows[0]: a: value x does not fit column type INT`},
		"non-integer INT":    {table(`{"name":"P","columns":[{"name":"a","type":"INT"}],"rows":[{"a":1.5}]}`), `does not fit column type INT`},
		"users table":        {table(`{"name":"Users"}`), `Users is the system table`},
		"negative count":     {table(`{"name":"P","generate_rows":{"count":-1,"seed":1}}`), `generate_rows: count -1`},
		"permission role":    {app(`{"name":"v1","tables":[{"name":"P"}],"permissions":[{"role":"Boss","table":"P","operation":"FIND","access":"GRANT"}]}`), `permissions[0]: role "Boss"`},
		"permission table":   {app(`{"name":"v1","roles":["R"],"permissions":[{"role":"R","table":"Q","operation":"FIND","access":"GRANT"}]}`), `permissions[0]: table "Q"`},
		"permission access":  {app(`{"name":"v1","roles":["R"],"tables":[{"name":"P"}],"permissions":[{"role":"R","table":"P","operation":"FIND","access":"MAYBE"}]}`), `access "MAYBE"`},
		"escaping file":      {app(`{"name":"v1","files":[{"path":"../etc/passwd","content":"x"}]}`), `files[0]: path "../etc/passwd"`},
		"content and size":   {app(`{"name":"v1","files":[{"path":"a","content":"x","size":3}]}`), `files[0]: give either content or size`},
		"file below file":    {app(`{"name":"v1","files":[{"path":"a","content":"x"},{"path":"a/b","content":"y"}]}`), `"a" is a file`},
		"bad geopoint":       {app(`{"name":"v1","geopoints":[{"latitude":95,"longitude":0,"categories":[]}]}`), `geopoints[0]: latitude`},
		"duplicate app name": {`{"backendless":{"legacy_apps":[{"app_id":"A","name":"crm","secret_key":"k","versions":[{"name":"v1"}]},{"app_id":"B","name":"CRM","secret_key":"k","versions":[{"name":"v1"}]}]}}`, `legacy_apps[1]: name "CRM" appears twice`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := newSandbox(Options{DataDir: t.TempDir(), Fixture: []byte(c.fixture)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v\nwant mention of %q", err, c.want)
			}
		})
	}
}

func TestLegacyFixture_ExplicitRowsKeepTheirValuesAndObjectID(t *testing.T) {
	fx := `{"backendless":{"developers":[],"legacy_apps":[{"app_id":"APP","name":"shop","secret_key":"k","versions":[{"name":"v1",
		"tables":[{"name":"Item","columns":[{"name":"n","type":"INT"},{"name":"when","type":"DATETIME"}],
		"rows":[{"objectId":"FIXED","n":9007199254740993,"when":"2017-01-02T03:04:05Z"}],"generate_rows":{"count":2,"seed":7}}]}]}]}}`
	s, _ := newTestSandbox(t, Options{Fixture: []byte(fx)})
	data, _ := archiveVersion(t, s, "APP", "v1")
	zr := openZip(t, legacyBytes(t, s, "APP", "v1", data))
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(zipEntry(t, zr, "tables/Item.json"), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || string(rows[0]["objectId"]) != `"FIXED"` || string(rows[0]["n"]) != "9007199254740993" {
		t.Fatalf("rows %s", zipEntry(t, zr, "tables/Item.json"))
	}
	if string(rows[1]["objectId"]) == string(rows[2]["objectId"]) {
		t.Error("generated rows share an objectId")
	}
}

// --- 3.x REST: credentials ---

func TestLegacyREST_WrongAppInfoIs401Code2002(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	wantBody := `{"code":2002,"message":"Version is disabled or provided wrong application info (application id or secret key)"}`
	for name, c := range map[string]struct{ id, secret, typ, path, method string }{
		"no headers":        {"", "", "", "/v1/files/", "GET"},
		"wrong secret":      {crmID, "nope", "REST", "/v1/files/", "GET"},
		"other app secret":  {crmID, inventorySecret, "REST", "/v1/files/", "GET"},
		"unknown app":       {"NOPE", crmSecret, "REST", "/v1/files/", "GET"},
		"no type":           {crmID, crmSecret, "", "/v1/files/", "GET"},
		"JS type":           {crmID, crmSecret, "JS", "/v1/files/", "GET"},
		"unknown version":   {crmID, crmSecret, "REST", "/v7/files/", "GET"},
		"delete":            {crmID, "nope", "REST", "/v1/files/docs/readme.txt", "DELETE"},
		"archive":           {crmID, "nope", "REST", "/v1/migration-to-4/archive", "POST"},
		"archive status":    {crmID, "nope", "REST", "/v1/migration-to-4/archive/JOB", "GET"},
		"inventory version": {inventoryID, inventorySecret, "REST", "/v2/files/", "GET"},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := call3As(t, c.method, legacyURL(srv, c.path), c.id, c.secret, c.typ)
			if resp.StatusCode != http.StatusUnauthorized || string(body) != wantBody {
				t.Fatalf("status %d body %s", resp.StatusCode, body)
			}
		})
	}
	// application-type is compared without regard to case; the right headers pass.
	if resp, body := call3As(t, "GET", legacyURL(srv, "/v1/files/"), crmID, crmSecret, "rest"); resp.StatusCode != http.StatusOK {
		t.Fatalf("right headers: %d %s", resp.StatusCode, body)
	}
}

// --- 3.x REST: listing, download, delete ---

func TestLegacyREST_ListingShowsFilesAndDirectoriesSortedByName(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	resp, body := call3(t, "GET", legacyURL(srv, "/v1/files/?pattern=*&sub=false&pagesize=100&offset=0"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d %s", resp.StatusCode, body)
	}
	var root []map[string]any
	if err := json.Unmarshal(body, &root); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range root {
		name, _ := it["name"].(string)
		names = append(names, name)
		if _, hasSize := it["size"]; hasSize {
			t.Errorf("directory %v carries a size", it)
		}
	}
	if want := []string{"docs", "exports", "images", "media"}; !slices.Equal(names, want) {
		t.Fatalf("root %v, want %v", names, want)
	}

	resp, body = call3(t, "GET", legacyURL(srv, "/v1/files/images"))
	items := decode[[]bkFileItem](t, body)
	if resp.StatusCode != http.StatusOK || len(items) != 2 || items[0].Name != "banner.jpg" || items[1].Name != "logo.png" {
		t.Fatalf("images: %d %s", resp.StatusCode, body)
	}
	logo := items[1]
	if logo.URL != "images/logo.png" || logo.Size == nil || *logo.Size != 200000 || logo.CreatedOn == 0 || logo.UpdatedOn < logo.CreatedOn {
		t.Errorf("logo item %+v", logo)
	}
	if want := srv.URL + "/backendless3/api/" + crmID + "/v1/files/images/logo.png"; logo.PublicURL != want {
		t.Errorf("publicUrl %q, want %q", logo.PublicURL, want)
	}
	// The public URL downloads without headers.
	pub, raw := call(t, "GET", logo.PublicURL, "", nil)
	if _, sum, _ := s.LegacyFileDigest(crmID, "v1", "images/logo.png"); pub.StatusCode != http.StatusOK || sha256Hex(raw) != sum {
		t.Fatalf("public download %d, %d bytes", pub.StatusCode, len(raw))
	}
}

func TestLegacyREST_ListingPatternsSubdirectoriesAndPaging(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	names := func(q string) []string {
		t.Helper()
		resp, body := call3(t, "GET", legacyURL(srv, "/v1/files/"+q))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", q, resp.StatusCode, body)
		}
		var out []string
		for _, it := range decode[[]bkFileItem](t, body) {
			out = append(out, it.URL)
		}
		return out
	}
	all := names("?sub=true")
	want := []string{"docs", "docs/readme.txt", "docs/terms.txt", "exports", "exports/orders.csv", "images", "images/banner.jpg", "images/logo.png", "media", "media/intro.mp4"}
	if !slices.Equal(all, want) {
		t.Fatalf("sub=true: %v", all)
	}
	if got := names("?sub=true&pattern=*.txt"); !slices.Equal(got, []string{"docs/readme.txt", "docs/terms.txt"}) {
		t.Errorf("pattern *.txt: %v", got)
	}
	var paged []string
	for off := 0; off < 12; off += 3 {
		paged = append(paged, names(fmt.Sprintf("?sub=true&pagesize=3&offset=%d", off))...)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("pages of 3: %v", paged)
	}
	if got := names("?sub=true&offset=50"); len(got) != 0 {
		t.Errorf("offset past the end: %v", got)
	}
	for _, q := range []string{"?pagesize=0", "?pagesize=x", "?offset=-1", "?sub=maybe", "?pattern=[", "?sortBy=colour"} {
		resp, body := call3(t, "GET", legacyURL(srv, "/v1/files/"+q))
		if resp.StatusCode != http.StatusBadRequest || decode[bkErrorBody](t, body).Code != bkCodeBadFileRequest {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}
	resp, body := call3(t, "GET", legacyURL(srv, "/v1/files/migration-to-4?pattern=*&sub=false&pagesize=100&offset=0"))
	if resp.StatusCode != http.StatusNotFound || string(body) != `{"code":6007,"message":"The specified resource was not found"}` {
		t.Errorf("missing directory: %d %s", resp.StatusCode, body)
	}
}

func TestLegacyREST_PageSizeIsCappedAt100(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	for i := range 105 {
		if err := s.bkStoreFile(bk3Files(crmID, "v1"), fmt.Sprintf("many/f%03d.txt", i), strings.NewReader("x"), false); err != nil {
			t.Fatal(err)
		}
	}
	_, body := call3(t, "GET", legacyURL(srv, "/v1/files/many?pagesize=1000"))
	if n := len(decode[[]bkFileItem](t, body)); n != 100 {
		t.Fatalf("pagesize=1000 gave %d items, want 100", n)
	}
	_, body = call3(t, "GET", legacyURL(srv, "/v1/files/many?offset=100"))
	if n := len(decode[[]bkFileItem](t, body)); n != 5 {
		t.Fatalf("second page %d items, want 5", n)
	}
}

func TestLegacyREST_DownloadServesRangesAndHEAD(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	url := legacyURL(srv, "/"+crmID+"/v1/files/images/logo.png")
	full := legacyBytes(t, s, crmID, "v1", "images/logo.png")
	_, sum, _ := s.LegacyFileDigest(crmID, "v1", "images/logo.png")

	resp, body := call(t, "GET", url, "", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Length") != "200000" || sha256Hex(body) != sum {
		t.Fatalf("GET: %d, length %s", resp.StatusCode, resp.Header.Get("Content-Length"))
	}
	if resp.Header.Get("Accept-Ranges") != "bytes" || resp.Header.Get("ETag") != `"`+sum+`"` {
		t.Errorf("headers %v", resp.Header)
	}

	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Range", "bytes=1000-1999")
	resp, body = do(t, req)
	if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Range") != "bytes 1000-1999/200000" || string(body) != string(full[1000:2000]) {
		t.Fatalf("range: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Range"), len(body))
	}
	// A resumed download: the rest from an offset, guarded by If-Range.
	req, _ = http.NewRequest("GET", url, nil)
	req.Header.Set("Range", "bytes=150000-")
	req.Header.Set("If-Range", `"`+sum+`"`)
	resp, body = do(t, req)
	if resp.StatusCode != http.StatusPartialContent || string(body) != string(full[150000:]) {
		t.Fatalf("open range: %d, %d bytes", resp.StatusCode, len(body))
	}

	resp, body = call(t, "HEAD", url, "", nil)
	if resp.StatusCode != http.StatusOK || resp.ContentLength != 200000 || len(body) != 0 {
		t.Fatalf("HEAD: %d, length %d, %d body bytes", resp.StatusCode, resp.ContentLength, len(body))
	}
	// The sandbox accepts the 3.x headers on the public URL too.
	if resp, _ := call3(t, "GET", url); resp.StatusCode != http.StatusOK {
		t.Fatalf("with headers: %d", resp.StatusCode)
	}
	for _, p := range []string{"/" + crmID + "/v1/files/images/nope.png", "/" + crmID + "/v1/files/images", "/NOPE/v1/files/images/logo.png", "/" + crmID + "/v9/files/images/logo.png"} {
		resp, body := call(t, "GET", legacyURL(srv, p), "", nil)
		if resp.StatusCode != http.StatusNotFound || decode[bkErrorBody](t, body).Code != bkCodeFileNotFound {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
}

func TestLegacyREST_DeleteRemovesTheFileAndItsBlob(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	before := blobCount(t, dir)
	resp, body := call3(t, "DELETE", legacyURL(srv, "/v1/files/docs/readme.txt"))
	if resp.StatusCode != http.StatusOK || decode[bkDeletion](t, body).DeletionTime == 0 {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	if _, _, ok := s.LegacyFileDigest(crmID, "v1", "docs/readme.txt"); ok {
		t.Fatal("file still there")
	}
	if n := blobCount(t, dir); n != before-1 {
		t.Fatalf("%d blobs, want %d", n, before-1)
	}
	resp, body = call3(t, "DELETE", legacyURL(srv, "/v1/files/docs/readme.txt"))
	if resp.StatusCode != http.StatusNotFound || decode[bkErrorBody](t, body).Code != bkCodeFileNotFound {
		t.Fatalf("second delete: %d %s", resp.StatusCode, body)
	}
	if err := s.DeleteLegacyFile(crmID, "v1", "docs/readme.txt"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("DeleteLegacyFile of a missing file: %v", err)
	}
	if err := s.DeleteLegacyFile(crmID, "v1", "/images"); err != nil {
		t.Fatalf("DeleteLegacyFile of a directory: %v", err)
	}
	if _, _, ok := s.LegacyFileDigest(crmID, "v1", "images/logo.png"); ok {
		t.Fatal("directory delete left its files")
	}
	if s.LegacyTableCounts(crmID, "v2")["Person"] == 0 {
		t.Fatal("v2 was touched")
	}
}

// --- the modeled migration archive ---

var reArchiveName = regexp.MustCompile(`^/migration-to-4/crm_v1_(data|files)_(\d{14})\.zip$`)

func TestMigrationArchive_ModeledCallBuildsBothArchivesIntoMigrationTo4(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	resp, body := call3(t, "POST", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	started := decode[map[string]string](t, body)
	if started["status"] != "IN_PROGRESS" || started["jobId"] == "" || len(started) != 2 {
		t.Fatalf("202 body %s", body)
	}
	waitIdle(t, s)
	resp, body = call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive/"+started["jobId"]))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status: %d %s", resp.StatusCode, body)
	}
	var st map[string]any
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatal(err)
	}
	if st["jobId"] != started["jobId"] || st["status"] != "COMPLETED" || st["completed"] == nil || st["created"] == nil || st["message"] == "" {
		t.Fatalf("status body %s", body)
	}
	data, _ := st["dataArchive"].(string)
	files, _ := st["filesArchive"].(string)
	md, mf := reArchiveName.FindStringSubmatch(data), reArchiveName.FindStringSubmatch(files)
	if md == nil || mf == nil || md[1] != "data" || mf[1] != "files" || md[2] != mf[2] {
		t.Fatalf("archive names %q %q", data, files)
	}

	resp, body = call3(t, "GET", legacyURL(srv, "/v1/files/migration-to-4?pattern=*&sub=false&pagesize=100&offset=0"))
	items := decode[[]bkFileItem](t, body)
	if resp.StatusCode != http.StatusOK || len(items) != 2 {
		t.Fatalf("listing %d %s", resp.StatusCode, body)
	}
	for _, it := range items {
		size, _, ok := s.LegacyFileDigest(crmID, "v1", it.URL)
		if !ok || it.Size == nil || *it.Size != size || "/"+it.URL != map[bool]string{true: data, false: files}[strings.Contains(it.Name, "_data_")] {
			t.Errorf("item %+v", it)
		}
		// Downloadable from the documented public URL with the advertised size.
		resp, raw := call(t, "GET", it.PublicURL, "", nil)
		if resp.StatusCode != http.StatusOK || int64(len(raw)) != size {
			t.Errorf("download %s: %d, %d bytes", it.PublicURL, resp.StatusCode, len(raw))
		}
	}
}

func TestMigrationArchive_DataManifestMatchesTheContent(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	data, _ := archiveVersion(t, s, crmID, "v1")
	resp, raw := call(t, "GET", legacyURL(srv, "/"+crmID+"/v1/files"+data), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	_, sum, _ := s.LegacyFileDigest(crmID, "v1", data)
	if sha256Hex(raw) != sum {
		t.Fatal("downloaded bytes differ from the stored digest")
	}
	zr := openZip(t, raw)
	var m bkDataManifest
	if err := json.Unmarshal(zipEntry(t, zr, "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Format != "backendless-migration/1" || m.App.ID != crmID || m.App.Name != "crm" || m.Version != "v1" || m.Users != 2 || m.Roles != 2 {
		t.Fatalf("manifest head %+v", m)
	}
	if _, err := time.Parse(time.RFC3339, m.Created); err != nil {
		t.Errorf("created %q: %v", m.Created, err)
	}
	if !equalCounts(m.Tables, s.LegacyTableCounts(crmID, "v1")) {
		t.Errorf("manifest tables %v", m.Tables)
	}
	// Every entry but the manifest is listed, with its real size and SHA-256.
	listed := map[string]bkManifestEntry{}
	for _, e := range m.Entries {
		listed[e.Path] = e
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "manifest.json" {
			continue
		}
		e, ok := listed[f.Name]
		content := zipEntry(t, zr, f.Name)
		if !ok || e.Size != int64(len(content)) || e.SHA256 != sha256Hex(content) {
			t.Errorf("entry %s: manifest %+v, content %d bytes %s", f.Name, e, len(content), sha256Hex(content))
		}
	}
	if len(listed) != len(zr.File)-1 {
		t.Errorf("manifest lists %d entries, the zip has %d besides the manifest", len(listed), len(zr.File)-1)
	}
	for _, want := range []string{"settings.json", "tables/Person.schema.json", "tables/Person.json", "tables/Order.json", "tables/Product.json", "users.json", "roles.json", "permissions.json", "business-logic.json", "geo.json"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	// Row counts: the rows entries hold exactly the manifest's number of objects.
	for table, n := range m.Tables {
		var rows []map[string]any
		if err := json.Unmarshal(zipEntry(t, zr, "tables/"+table+".json"), &rows); err != nil || len(rows) != n {
			t.Errorf("%s: %d rows (%v), manifest %d", table, len(rows), err, n)
		}
	}
	var schema bkTableSchema
	if err := json.Unmarshal(zipEntry(t, zr, "tables/Person.schema.json"), &schema); err != nil || schema.Name != "Person" || len(schema.Columns) != 4 {
		t.Errorf("schema %+v %v", schema, err)
	}
	var users []map[string]any
	if err := json.Unmarshal(zipEntry(t, zr, "users.json"), &users); err != nil || len(users) != 2 || users[0]["email"] != "ada@example.com" {
		t.Errorf("users %v %v", users, err)
	}
	if strings.Contains(string(raw), crmSecret) {
		t.Error("the data archive carries the 3.x secret key")
	}
}

func TestMigrationArchive_FilesArchiveHoldsEveryFileByteForByte(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	// An earlier archive in /migration-to-4 must not end up inside the next one.
	archiveVersion(t, s, crmID, "v1")
	_, files := archiveVersion(t, s, crmID, "v1")
	zr := openZip(t, legacyBytes(t, s, crmID, "v1", files))
	var m bkFilesManifest
	if err := json.Unmarshal(zipEntry(t, zr, "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"docs/readme.txt", "docs/terms.txt", "exports/orders.csv", "images/banner.jpg", "images/logo.png", "media/intro.mp4"}
	if m.Format != bkMigrationFormat || m.Files != len(want) || len(m.Entries) != len(want) {
		t.Fatalf("manifest %+v", m)
	}
	var total int64
	for i, p := range want {
		size, sum, _ := s.LegacyFileDigest(crmID, "v1", p)
		e := m.Entries[i]
		content := zipEntry(t, zr, "files/"+p)
		if e.Path != "files/"+p || e.Size != size || e.SHA256 != sum || sha256Hex(content) != sum {
			t.Errorf("%s: entry %+v, source %d %s", p, e, size, sum)
		}
		total += size
	}
	if m.Bytes != total {
		t.Errorf("manifest bytes %d, files total %d", m.Bytes, total)
	}
	for _, f := range zr.File {
		if strings.Contains(f.Name, "migration-to-4") {
			t.Errorf("archive contains %s", f.Name)
		}
	}
}

func TestMigrationArchive_SecondRequestWhileOneRunsIs409WithTheRunningJob(t *testing.T) {
	s, srv := newTestSandbox(t, Options{JobDuration: time.Hour})
	resp, body := call3(t, "POST", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("first: %d %s", resp.StatusCode, body)
	}
	first := decode[map[string]string](t, body)["jobId"]
	resp, body = call3(t, "POST", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("second: %d %s", resp.StatusCode, body)
	}
	conflict := decode[bk3ArchiveRunningBody](t, body)
	if conflict.Code != 6100 || conflict.Message != "A migration archive is already being created for this version" || conflict.JobID != first {
		t.Fatalf("409 body %s", body)
	}
	if id, err := s.PressCreateMigrationArchive(crmID, "v1"); !errors.Is(err, core.ErrConflict) || id != first {
		t.Fatalf("press while running: %q %v", id, err)
	}
	// Another version is another job.
	if resp, body := call3(t, "POST", legacyURL(srv, "/v2/migration-to-4/archive")); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("v2: %d %s", resp.StatusCode, body)
	}
	// While it runs: IN_PROGRESS, not completed, and nothing in /migration-to-4 yet.
	_, body = call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive/"+first))
	var st map[string]any
	_ = json.Unmarshal(body, &st)
	if st["status"] != "IN_PROGRESS" || st["completed"] != nil {
		t.Fatalf("running status %s", body)
	}
	if resp, _ := call3(t, "GET", legacyURL(srv, "/v1/files/migration-to-4")); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("migration-to-4 exists before the archive is complete: %d", resp.StatusCode)
	}
}

func TestMigrationArchive_StatusOfAnotherVersionsOrUnknownJobIs404(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	id, err := s.PressCreateMigrationArchive(crmID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	for _, p := range []string{"/v2/migration-to-4/archive/" + id, "/v1/migration-to-4/archive/NOPE"} {
		resp, body := call3(t, "GET", legacyURL(srv, p))
		if resp.StatusCode != http.StatusNotFound || decode[bkErrorBody](t, body).Code != bk3CodeArchiveJobNotFound {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
	if _, err := s.PressCreateMigrationArchive(crmID, "v9"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("unknown version: %v", err)
	}
	if resp, _ := call3(t, "PUT", legacyURL(srv, "/v1/migration-to-4/archive")); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT archive: %d", resp.StatusCode)
	}
}

func TestMigrationArchive_JobResumesAfterRestartAndWritesTheArchives(t *testing.T) {
	dir := t.TempDir()
	s1, err := newSandbox(Options{DataDir: dir, JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s1.PressCreateMigrationArchive(crmID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2, _ := newTestSandbox(t, Options{DataDir: dir})
	waitIdle(t, s2)
	st, ok := s2.MigrationArchiveJob(id)
	if !ok || st.Status != "COMPLETED" {
		t.Fatalf("after restart: %+v", st)
	}
	if files := s2.LegacyFiles(crmID, "v1", "migration-to-4"); len(files) != 2 || "/"+files[0] != st.DataArchive {
		t.Fatalf("migration-to-4 holds %v", files)
	}
}

func TestMigrationArchive_FaultsApplyToTheLegacyMount(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	s.ScriptFault("GET", "/backendless3/api/v1/files", core.Fault503, 1)
	resp, body := call3(t, "GET", legacyURL(srv, "/v1/files/"))
	if resp.StatusCode != http.StatusServiceUnavailable || decode[bkErrorBody](t, body).Code != 503 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if resp, _ := call3(t, "GET", legacyURL(srv, "/v1/files/")); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the fault: %d", resp.StatusCode)
	}
}

func TestCorruptLegacyFile_RefusesUnknownKindsAndMissingFiles(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	data, _ := archiveVersion(t, s, crmID, "v1")
	if err := s.CorruptLegacyFile(crmID, "v1", data, "shred"); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("unknown how: %v", err)
	}
	if err := s.CorruptLegacyFile(crmID, "v1", "/migration-to-4/nope.zip", CorruptNotZip); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}
	if err := s.CorruptLegacyFile(crmID, "v1", "docs/readme.txt", CorruptEscapeEntry); !errors.Is(err, core.ErrInvalid) {
		t.Errorf("not an archive: %v", err)
	}
	before, sumBefore, _ := s.LegacyFileDigest(crmID, "v1", data)
	if err := s.CorruptLegacyFile(crmID, "v1", data, CorruptEscapeEntry); err != nil {
		t.Fatal(err)
	}
	after, sumAfter, _ := s.LegacyFileDigest(crmID, "v1", data)
	if sumAfter == sumBefore || after == before {
		t.Fatal("escape-entry did not change the file")
	}
	zr := openZip(t, legacyBytes(t, s, crmID, "v1", data))
	if last := zr.File[len(zr.File)-1].Name; last != "../x" {
		t.Fatalf("last entry %q", last)
	}
}

func TestControl_LegacyRoutesMirrorTheHelpers(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	ctl := func(method, p string) (*http.Response, []byte) {
		return call(t, method, srv.URL+"/_sandbox/backendless3"+p, "", nil)
	}
	resp, body := ctl("GET", "/apps")
	if apps := decode[[]LegacyApp](t, body); resp.StatusCode != http.StatusOK || len(apps) != 2 || apps[0].Versions[0].Tables["Order"] != 1200 {
		t.Fatalf("apps: %d %s", resp.StatusCode, body)
	}
	resp, body = ctl("POST", "/apps/"+crmID+"/versions/v1/migration-archive")
	job := decode[bk3ArchiveJobView](t, body)
	if resp.StatusCode != http.StatusAccepted || job.JobID == "" || !reArchiveName.MatchString(job.DataArchive) {
		t.Fatalf("press: %d %s", resp.StatusCode, body)
	}
	waitIdle(t, s)
	resp, body = ctl("GET", "/apps/"+crmID+"/versions/v1/files"+job.DataArchive)
	size, sum, _ := s.LegacyFileDigest(crmID, "v1", job.DataArchive)
	if d := decode[fileDigest](t, body); resp.StatusCode != http.StatusOK || d.Size != size || d.SHA256 != sum {
		t.Fatalf("digest: %d %s", resp.StatusCode, body)
	}
	if resp, body := ctl("POST", "/apps/"+crmID+"/versions/v1/corrupt"+job.DataArchive+"?how=not-zip"); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("corrupt: %d %s", resp.StatusCode, body)
	}
	if _, after, _ := s.LegacyFileDigest(crmID, "v1", job.DataArchive); after == sum {
		t.Fatal("corrupt route did not change the file")
	}
	if resp, _ := ctl("POST", "/apps/"+crmID+"/versions/v1/corrupt"+job.DataArchive+"?how=bogus"); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bogus corrupt: %d", resp.StatusCode)
	}
	resp, body = ctl("GET", "/apps/"+crmID+"/versions/v1/tables")
	if c := decode[map[string]int](t, body); resp.StatusCode != http.StatusOK || c["Person"] != 250 {
		t.Fatalf("tables: %d %s", resp.StatusCode, body)
	}
	if resp, _ := ctl("DELETE", "/apps/"+crmID+"/versions/v1/files"+job.FilesArchive); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	for _, c := range [][2]string{
		{"DELETE", "/apps/" + crmID + "/versions/v1/files" + job.FilesArchive},
		{"GET", "/apps/" + crmID + "/versions/v1/files" + job.FilesArchive},
		{"GET", "/apps/" + crmID + "/versions/v9/tables"},
		{"POST", "/apps/NOPE/versions/v1/migration-archive"},
	} {
		if resp, body := ctl(c[0], c[1]); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d %s", c[0], c[1], resp.StatusCode, body)
		}
	}
	// Pressing twice while a job runs is 409 with the job id.
	s2, srv2 := newTestSandbox(t, Options{JobDuration: time.Hour})
	_ = s2
	call(t, "POST", srv2.URL+"/_sandbox/backendless3/apps/"+crmID+"/versions/v1/migration-archive", "", nil)
	resp, body = call(t, "POST", srv2.URL+"/_sandbox/backendless3/apps/"+crmID+"/versions/v1/migration-archive", "", nil)
	if resp.StatusCode != http.StatusConflict || decode[map[string]string](t, body)["jobId"] == "" {
		t.Fatalf("second press: %d %s", resp.StatusCode, body)
	}
}

func TestMigrationArchive_EachVersionIsArchivedFromItsOwnContent(t *testing.T) {
	s, _ := newTestSandbox(t, Options{})
	data, files := archiveVersion(t, s, crmID, "v2")
	if !strings.HasPrefix(data, "/migration-to-4/crm_v2_data_") || !strings.HasPrefix(files, "/migration-to-4/crm_v2_files_") {
		t.Fatalf("names %s %s", data, files)
	}
	var m bkDataManifest
	if err := json.Unmarshal(zipEntry(t, openZip(t, legacyBytes(t, s, crmID, "v2", data)), "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Version != "v2" || !equalCounts(m.Tables, s.LegacyTableCounts(crmID, "v2")) || m.Users != 1 {
		t.Fatalf("v2 manifest %+v", m)
	}
	readme := zipEntry(t, openZip(t, legacyBytes(t, s, crmID, "v2", files)), "files/docs/readme.txt")
	if string(readme) != "hello from v2" {
		t.Fatalf("v2 readme %q", readme)
	}
	if got := s.LegacyFiles(crmID, "v1", "migration-to-4"); got != nil {
		t.Fatalf("v1 got archives %v", got)
	}
}

func TestMigrationArchive_ListRouteShowsTheVersionsJobsNewestFirst(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	resp, body := call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("no job yet: %d %s", resp.StatusCode, body)
	}
	first, err := s.PressCreateMigrationArchive(crmID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	second, err := s.PressCreateMigrationArchive(crmID, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PressCreateMigrationArchive(crmID, "v2"); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	resp, body = call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %s", resp.StatusCode, body)
	}
	jobs := decode[[]bk3ArchiveJobView](t, body)
	if len(jobs) != 2 || jobs[0].JobID != second || jobs[1].JobID != first {
		t.Fatalf("want v1's jobs %s then %s, got %s", second, first, body)
	}
	if jobs[0].Status != "COMPLETED" || jobs[0].DataArchive == "" || jobs[0].Completed == nil {
		t.Fatalf("a finished job shows its archives: %+v", jobs[0])
	}
	if got := s.MigrationArchiveJobs(crmID, "v1"); len(got) != 2 || got[0].JobID != second {
		t.Fatalf("Go API: %+v", got)
	}
	if resp, _ := call3As(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive"), crmID, "wrong", "REST"); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong secret key: %d", resp.StatusCode)
	}
}
