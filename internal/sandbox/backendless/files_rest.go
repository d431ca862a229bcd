package backendless

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// bkCodeTableNotFound is the Data API's unknown-table code (plans/issue3-contract.md: 1009).
const bkCodeTableNotFound = 1009

// bkAppData is what a 5.0 app holds besides its settings: data tables and file storage.
type bkAppData struct {
	Data  bkDataset  `json:"data"`
	Files bkFileTree `json:"files"`
	// Imports are the ids of the imports loaded into the app, so an import job resumed after a
	// restart does not load twice.
	Imports []string `json:"imports,omitempty"`
}

// bkAppDataFor returns app id's data; with create it makes an empty entry (inside store.update
// only). nil when the app does not exist, or has no data and create is false.
func (st *state) bkAppDataFor(id string, create bool) *bkAppData {
	if st.bkApp(id) == nil {
		return nil
	}
	d := st.Backendless.AppData[id]
	if create {
		st.touch(collAppData, id) // created here, or changed by the caller
	}
	if d == nil && create {
		d = &bkAppData{}
		d.Data.normalize()
		d.Files.normalize()
		st.Backendless.AppData[id] = d
	}
	return d
}

// bkDropAppData removes a deleted app's files and tables and returns their blobs, which the
// caller deletes once the state change is saved.
func (st *state) bkDropAppData(id string) []string {
	d := st.Backendless.AppData[id]
	if d == nil {
		return nil
	}
	st.touch(collAppData, id)
	delete(st.Backendless.AppData, id)
	return append(d.Files.blobs(), d.Data.blobs()...)
}

// bkAppFiles locates a 5.0 app's file storage; an app without files reads as an empty root.
func bkAppFiles(appID string) bkTreeLocator {
	return func(st *state, write bool) (*bkFileTree, error) {
		d := st.bkAppDataFor(appID, write)
		if st.bkApp(appID) == nil {
			return nil, errBkFileNotFound()
		}
		if d == nil {
			empty := &bkFileTree{}
			empty.normalize()
			return empty, nil
		}
		return &d.Files, nil
	}
}

// --- the 5.x client REST host: mounted at /backendless/api, which stands for api.backendless.com
// (backendless-console-api.md §2, §3.2: /{appId}/{REST-API-key}/...) ---

// routeBackendlessAPI registers the Files and Data routes the runbook needs.
func (s *Backendless) routeBackendlessAPI(mux *core.Mount) {
	// The slash-less root is registered explicitly: ServeMux would otherwise redirect it to a URL
	// without the mount prefix. A trailing slash or a directory answers its listing (§4 Step 6).
	for _, files := range []string{"/{appId}/{key}/files", "/{appId}/{key}/files/{path...}"} {
		mux.Route(core.Documented, "§4 Step 4, §4 Step 6", "GET "+files, s.bkAPIFilesGet)
		mux.Route(core.SDK, "§5", "GET "+files+"?action=exists", s.bkAPIFilesGet)
		mux.Route(core.SDK, "§4 Step 6", "GET "+files+"?action=count", s.bkAPIFilesGet)
	}
	mux.Route(core.Documented, "§4 Step 4", "POST /{appId}/{key}/files/{path...}", s.bkAPIUpload)
	mux.Route(core.Documented, "§5", "DELETE /{appId}/{key}/files/{path...}", s.bkAPIDelete)
	mux.Route(core.Documented, "§5.1", "GET /{appId}/{key}/data/{table}/count", s.bkAPICount)
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeBkError(w, http.StatusNotFound, bkCodeNotServed, fmt.Sprintf("sandbox: %s %s is not a 5.x route this sandbox serves", r.Method, mountBackendlessAPI+redactBackendlessAPIPath(r.URL.Path)))
	})
}

// bkAPIAuth checks the REST API key in the path against the app's REST key
// (backendless-console-api.md §3.2); a wrong key or app is the documented 2002.
func (s *Backendless) bkAPIAuth(r *http.Request) (string, error) {
	id, key := r.PathValue("appId"), r.PathValue("key")
	ok := false
	s.store.read(func(st *state) {
		if a := st.bkApp(id); a != nil && key != "" {
			ok = subtle.ConstantTimeCompare([]byte(key), []byte(a.restKey())) == 1
		}
	})
	if !ok {
		return "", errBk3WrongAppInfo()
	}
	return id, nil
}

// bkAPIPublicURL is a file's documented public URL: {host}/{appId}/{REST-key}/files/{path}
// (backendless-console-api.md §2).
func bkAPIPublicURL(r *http.Request, appID, key, p string, dir bool) string {
	u := requestBase(r) + mountBackendlessAPI + "/" + url.PathEscape(appID) + "/" + url.PathEscape(key) + "/files/" + escapeFilePath(p)
	if dir {
		u += "/"
	}
	return u
}

// bkAPIFilesGet is GET /{appId}/{key}/files/{path}: a file's bytes (DOCUMENTED; Range and HEAD
// through http.ServeContent), a directory's listing (DOCUMENTED: trailing slash or a directory),
// action=exists (SDK: true/false) and action=count (SDK: a number).
func (s *Backendless) bkAPIFilesGet(w http.ResponseWriter, r *http.Request) {
	appID, err := s.bkAPIAuth(r)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	raw := r.PathValue("path")
	p, ok := cleanFilePath(raw)
	if !ok {
		writeBkJSONErr(w, errBkBadPath(raw, "'.' and '..' segments are not allowed"))
		return
	}
	locate, key := bkAppFiles(appID), r.PathValue("key")
	kind, err := s.bkLookup(locate, p)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	q := r.URL.Query()
	switch q.Get("action") {
	case "exists":
		core.WriteJSON(w, http.StatusOK, kind != "")
	case "count":
		lq, err := parseListQuery(q)
		if err != nil {
			writeBkJSONErr(w, errBkBadRequest(err.Error()))
			return
		}
		writeCount(w, s, locate, p, lq)
	case "":
		switch {
		case kind == "file" && !strings.HasSuffix(raw, "/"):
			if err := s.bkServeFile(w, r, locate, p); err != nil {
				writeBkJSONErr(w, err)
			}
		case kind == "dir":
			s.bkWriteListing(w, r, locate, p, func(fp string, dir bool) string { return bkAPIPublicURL(r, appID, key, fp, dir) })
		default:
			writeBkJSONErr(w, errBkFileNotFound())
		}
	default:
		writeBkJSONErr(w, errBkBadRequest(fmt.Sprintf("action %q: this sandbox serves exists and count", q.Get("action"))))
	}
}

// writeCount answers the number of entries a listing would have over all its pages. The REST
// action=count counts files only unless countDirectories=true (JS SDK); the console's /count
// counts what its listing shows, directories included.
func writeCount(w http.ResponseWriter, s *Backendless, locate bkTreeLocator, dir string, lq bkListQuery) {
	lq.offset, lq.size = 0, int(^uint(0)>>1)
	page, _, err := s.bkList(locate, dir, lq)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	n := 0
	for _, e := range page {
		if !e.Dir || lq.countDirs {
			n++
		}
	}
	core.WriteBody(w, http.StatusOK, "application/json", []byte(strconv.Itoa(n)))
}

// bkAPIUpload is the DOCUMENTED upload POST /{appId}/{key}/files/{path}?overwrite=: one
// multipart/form-data part named file, streamed into a blob (never buffered), answered with
// {"fileURL"}. An existing file without overwrite=true is 400 code 6016; a body cut off part-way
// stores nothing.
func (s *Backendless) bkAPIUpload(w http.ResponseWriter, r *http.Request) {
	appID, err := s.bkAPIAuth(r)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	raw := r.PathValue("path")
	p, ok := cleanFilePath(raw)
	if !ok || p == "" || strings.HasSuffix(raw, "/") {
		writeBkJSONErr(w, errBkBadPath(raw, "name the file to upload, e.g. files/archive.zip"))
		return
	}
	overwrite, err := parseBoolParam(r.URL.Query(), "overwrite")
	if err != nil {
		writeBkJSONErr(w, errBkBadRequest(err.Error()))
		return
	}
	part, _, err := multipartFile(r)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	if err := s.bkStoreFile(bkAppFiles(appID), p, part, overwrite); err != nil {
		writeBkJSONErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"fileURL": bkAPIPublicURL(r, appID, r.PathValue("key"), p, false)})
}

// multipartFile returns the part named file of a multipart/form-data body as a stream, and its
// file name. Parts before it are skipped without being kept.
func multipartFile(r *http.Request) (io.Reader, string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", errBkBadRequest("Expected a multipart/form-data body with a part named 'file'")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", errBkBadRequest("The multipart body has no part named 'file'")
		}
		if err != nil {
			return nil, "", errBkBadRequest("Could not read the multipart body: " + err.Error())
		}
		if part.FormName() == "file" {
			return part, part.FileName(), nil
		}
	}
}

// bkAPIDelete is the DOCUMENTED DELETE /{appId}/{key}/files/{path}: {"deletionTime"}; a
// directory goes with everything below it; missing is 404 JSON.
func (s *Backendless) bkAPIDelete(w http.ResponseWriter, r *http.Request) {
	appID, err := s.bkAPIAuth(r)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	raw := r.PathValue("path")
	p, ok := cleanFilePath(raw)
	if !ok || p == "" {
		writeBkJSONErr(w, errBkBadPath(raw, "name a file or directory below the root"))
		return
	}
	if err := s.bkRemoveFile(bkAppFiles(appID), p); err != nil {
		writeBkJSONErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, bkDeletion{DeletionTime: time.Now().UnixMilli()})
}

// bkAPICount is the DOCUMENTED Data API "Get Object Count" GET /{appId}/{key}/data/{table}/count:
// a bare number. Users is the system table of the app's users.
func (s *Backendless) bkAPICount(w http.ResponseWriter, r *http.Request) {
	appID, err := s.bkAPIAuth(r)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	table := r.PathValue("table")
	n, ok := 0, false
	s.store.read(func(st *state) {
		d := st.bkAppDataFor(appID, false)
		if d == nil {
			return
		}
		if table == "Users" {
			n, ok = d.Data.Users, true
		} else if table == "DeviceRegistration" {
			n, ok = 0, true // a system table every app has; the sandbox registers no devices
		} else if t := d.Data.table(table); t != nil {
			n, ok = t.Rows, true
		}
	})
	if !ok {
		writeBkError(w, http.StatusNotFound, bkCodeTableNotFound, fmt.Sprintf("Table not found by name '%s'", table))
		return
	}
	core.WriteBody(w, http.StatusOK, "application/json", []byte(strconv.Itoa(n)))
}

// --- console additions (mount /backendless/console, auth-key) ---

// routeBackendlessConsoleMigration registers the console routes the 5.0 half of the runbook
// reads and the modeled import.
func (s *Backendless) routeBackendlessConsoleMigration(mux *core.Mount) {
	mux.Route(core.SDK, "§5.1", "GET /{appId}/console/data/tables", s.bkAuth(s.bkConsoleTables))
	mux.Route(core.SDK, "§4 Step 6", "GET /{appId}/console/files/directory/view", s.bkAuth(s.bkConsoleDirView))
	mux.Route(core.SDK, "§4 Step 6", "GET /{appId}/console/files/directory/view/{path...}", s.bkAuth(s.bkConsoleDirView))
	mux.Route(core.SDK, "§4 Step 2, §4 Step 6", "GET /{appId}/console/files/download/{path...}", s.bkAuth(s.bkConsoleDownload))
	// modeled: the route family is the Console SDK's, the import type and its body are ours.
	mux.Route(core.Modeled, "§4 Step 5", "POST /{appId}/console/import/{type}", s.bkAuth(s.bkConsoleImport))
}

// bkTableView is one table of the console's table list, as the Console SDK's src/tables.js reads
// it (backendless-console-api.md §5.1): no row count (the REST count route gives it).
type bkTableView struct {
	TableID   string     `json:"tableId"`
	Name      string     `json:"name"`
	Columns   []bkColumn `json:"columns"`
	Relations []string   `json:"relations"`
}

// bkTablesView is the answer of GET /{appId}/console/data/tables: an object with "tables" (§5.1, SDK).
type bkTablesView struct {
	Tables []bkTableView `json:"tables"`
}

// bkSystemTables are the tables Backendless gives every app, listed by the console with the user
// tables: Users (Console-SDK src/constants/data.js USERS_TABLE; REST docs "About User Properties":
// built-in email, name, password) and DeviceRegistration (REST docs "Managing Registrations":
// deviceId, deviceToken, channelName). modeled: their tableId and column types.
func bkSystemTables() []bkTableView {
	return []bkTableView{
		{TableID: "table-devicer", Name: "DeviceRegistration", Relations: []string{},
			Columns: []bkColumn{{Name: "channelName", Type: "STRING"}, {Name: "deviceId", Type: "STRING"}, {Name: "deviceToken", Type: "STRING"}}},
		{TableID: "table-users", Name: "Users", Relations: []string{},
			Columns: []bkColumn{{Name: "email", Type: "STRING"}, {Name: "name", Type: "STRING"}, {Name: "password", Type: "STRING"}}},
	}
}

// bkConsoleTables is GET /{appId}/console/data/tables (SDK route): the tables by name, the system
// tables every app has included, in the SDK's shape {"tables":[{"tableId","name","columns",
// "relations"}]}, without row counts. modeled: the tableId and the column objects (the fixture's
// own), and relations (always empty).
func (s *Backendless) bkConsoleTables(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("appId")
	if !s.bkOwns(caller(r).login, id) {
		errBkAppNotFound(id).write(w)
		return
	}
	out := bkTablesView{Tables: bkSystemTables()}
	s.store.read(func(st *state) {
		if d := st.bkAppDataFor(id, false); d != nil {
			for _, t := range d.Data.Tables {
				out.Tables = append(out.Tables, bkTableView{TableID: "table-" + strings.ToLower(t.Name), Name: t.Name, Columns: nonNil(t.Columns), Relations: []string{}})
			}
		}
	})
	slices.SortFunc(out.Tables, func(a, b bkTableView) int { return strings.Compare(a.Name, b.Name) })
	core.WriteJSON(w, http.StatusOK, out)
}

// bkConsoleDirView is GET /{appId}/console/files/directory/view/{path} with pattern, sub,
// sortBy, sortDirection, pageSize, offset, and .../{path}/count for the total
// (backendless-console-api.md §Step 6, SDK). A directory literally named "count" cannot be
// listed this way: the SDK's URL shape makes the two indistinguishable, and the count wins.
func (s *Backendless) bkConsoleDirView(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("appId")
	if !s.bkOwns(caller(r).login, id) {
		errBkAppNotFound(id).write(w)
		return
	}
	raw := r.PathValue("path")
	count := false
	if trimmed := strings.TrimSuffix(raw, "/"); trimmed == "count" || strings.HasSuffix(trimmed, "/count") {
		raw, count = strings.TrimSuffix(trimmed, "count"), true
	}
	p, ok := cleanFilePath(raw)
	if !ok {
		writeBkErr(w, errBkBadPath(raw, "'.' and '..' segments are not allowed"))
		return
	}
	lq, err := parseListQuery(r.URL.Query())
	if err != nil {
		writeBkErr(w, errBkBadRequest(err.Error()))
		return
	}
	locate := bkAppFiles(id)
	if count {
		_, n, err := s.bkList(locate, p, lq)
		if err != nil {
			writeBkErr(w, err)
			return
		}
		core.WriteBody(w, http.StatusOK, "application/json", []byte(strconv.Itoa(n)))
		return
	}
	page, _, err := s.bkList(locate, p, lq)
	if err != nil {
		writeBkErr(w, err)
		return
	}
	key := ""
	s.store.read(func(st *state) {
		if a := st.bkApp(id); a != nil {
			key = a.restKey()
		}
	})
	core.WriteJSON(w, http.StatusOK, items(page, func(fp string, dir bool) string { return bkAPIPublicURL(r, id, key, fp, dir) }))
}

// bkConsoleDownload is GET /{appId}/console/files/download/{path} (SDK): the raw bytes.
func (s *Backendless) bkConsoleDownload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("appId")
	if !s.bkOwns(caller(r).login, id) {
		errBkAppNotFound(id).write(w)
		return
	}
	p, ok := cleanFilePath(r.PathValue("path"))
	if !ok || p == "" {
		errBkFileNotFound().write(w)
		return
	}
	if importID, isLog := importLogID(p); isLog && r.Method == http.MethodGet {
		// A migration log is the import's status: the read is counted for its poll lag.
		lw := &logTailWriter{ResponseWriter: w}
		if err := s.bkServeFile(lw, r, bkAppFiles(id), p); err != nil {
			writeBkErr(w, err)
			return
		}
		s.NoteStatusRead(importID, lw.showsEnd())
		return
	}
	if err := s.bkServeFile(w, r, bkAppFiles(id), p); err != nil {
		writeBkErr(w, err)
	}
}

// --- "a human at the 5.0 console" and assertions: in-process helpers, mirrored under /_sandbox/ ---

// BackendlessTableCounts returns table → rows of a 5.0 app's user tables (empty for an app
// without tables; nil for an unknown app).
func (s *Backendless) BackendlessTableCounts(appID string) map[string]int {
	var out map[string]int
	s.store.read(func(st *state) {
		if st.bkApp(appID) == nil {
			return
		}
		out = map[string]int{}
		if d := st.bkAppDataFor(appID, false); d != nil {
			out = d.Data.counts()
		}
	})
	return out
}

// BackendlessFile returns the size and SHA-256 of a file in a 5.0 app's storage
// ("/x.zip" and "x.zip" name the same file).
func (s *Backendless) BackendlessFile(appID, path string) (size int64, sha256 string, ok bool) {
	p, valid := cleanFilePath(path)
	if !valid || p == "" {
		return 0, "", false
	}
	f, err := s.bkStat(bkAppFiles(appID), p)
	if err != nil {
		return 0, "", false
	}
	return f.Size, f.SHA256, true
}

// OpenBackendlessFile opens a file of a 5.0 app's storage for reading (tests read migration
// logs with it); the caller closes it.
func (s *Backendless) OpenBackendlessFile(appID, path string) (io.ReadCloser, error) {
	p, ok := cleanFilePath(path)
	if !ok || p == "" {
		return nil, fmt.Errorf("sandbox: file path %q: %w", path, core.ErrInvalid)
	}
	rc, _, err := s.bkOpenFile(bkAppFiles(appID), p)
	return rc, err
}

// DeleteBackendlessFile deletes a file (or directory) of a 5.0 app out of band, as a developer
// in the console would; core.ErrNotFound when there is none.
func (s *Backendless) DeleteBackendlessFile(appID, path string) error {
	p, ok := cleanFilePath(path)
	if !ok || p == "" {
		return fmt.Errorf("sandbox: file path %q: %w", path, core.ErrInvalid)
	}
	return s.bkRemoveFile(bkAppFiles(appID), p)
}

// BackendlessFiles returns the paths of the files below dir ("" for all) of a 5.0 app, sorted.
func (s *Backendless) BackendlessFiles(appID, dir string) []string {
	d, ok := cleanFilePath(dir)
	if !ok {
		return nil
	}
	entries, _, err := s.bkList(bkAppFiles(appID), d, bkListQuery{pattern: "*", sub: true, size: int(^uint(0) >> 1)})
	if err != nil {
		return nil
	}
	out := []string{}
	for _, e := range entries {
		if !e.Dir {
			out = append(out, e.Path)
		}
	}
	return out
}
