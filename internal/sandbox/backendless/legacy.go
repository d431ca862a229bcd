package backendless

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// bk3CodeWrongAppInfo is backendless-console-api.md §6: code 2002, "version disabled / wrong app
// id or key". The 401 status that carries it is inferred.
const bk3CodeWrongAppInfo = 2002

// bk3WrongAppInfoMessage is the 2002 message (plans/issue3-contract.md).
const bk3WrongAppInfoMessage = "Version is disabled or provided wrong application info (application id or secret key)"

// bk3App is a Backendless 3.x app: one secret key, several versions (runbook step 2: "If you
// have more than one version in your Backendless Cloud backend, make sure to select the
// version"). The secret key is a fixture value, kept in clear like developer passwords.
type bk3App struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	SecretKey string        `json:"secret_key"`
	Owner     string        `json:"owner,omitempty"`
	Versions  []*bk3Version `json:"versions"`
}

// bk3Version is one version of a 3.x app: its data and its file storage.
type bk3Version struct {
	Name  string     `json:"name"`
	Data  bkDataset  `json:"data"`
	Files bkFileTree `json:"files"`
}

// normalizeMigration fills the maps the 3.x and 5.0 data sections may lack after decoding.
func (b *backendlessState) normalizeMigration() {
	if b.Legacy == nil {
		b.Legacy = []*bk3App{}
	}
	if b.AppData == nil {
		b.AppData = map[string]*bkAppData{}
	}
	for _, a := range b.Legacy {
		for _, v := range a.Versions {
			v.Data.normalize()
			v.Files.normalize()
		}
	}
	for _, d := range b.AppData {
		d.Data.normalize()
		d.Files.normalize()
	}
}

// bk3Version finds a 3.x app by id and one of its versions by name (both without regard to
// case, as the fixture keeps them unique that way).
func (st *state) bk3Version(appID, version string) (*bk3App, *bk3Version) {
	for _, a := range st.Backendless.Legacy {
		if !strings.EqualFold(a.ID, appID) {
			continue
		}
		for _, v := range a.Versions {
			if strings.EqualFold(v.Name, version) {
				return a, v
			}
		}
		return a, nil
	}
	return nil, nil
}

// bk3Files locates a 3.x version's file storage.
func bk3Files(appID, version string) bkTreeLocator {
	return func(st *state, write bool) (*bkFileTree, error) {
		a, v := st.bk3Version(appID, version)
		if v == nil {
			return nil, errBkFileNotFound()
		}
		if write {
			st.touch(collLegacy, a.ID)
		}
		return &v.Files, nil
	}
}

func errBk3WrongAppInfo() *bkError {
	return &bkError{status: http.StatusUnauthorized, code: bk3CodeWrongAppInfo, message: bk3WrongAppInfoMessage, kind: core.ErrInvalid}
}

// --- the 3.x client REST host: mounted at /backendless3/api, which stands for api.backendless.com
// as 3.x apps used it (backendless-console-api.md §2: version name first in the path) ---

// The 3.x route patterns (below the mount; bk3PathRoute names the one of a path).
const (
	bk3RouteFiles      = "/{version}/files/{path...}"
	bk3RouteArchive    = "/{version}/" + bk3ArchiveDir + "/archive"
	bk3RouteArchiveJob = "/{version}/" + bk3ArchiveDir + "/archive/{jobId}"
	bk3RoutePublic     = "/{appId}/{version}/files/{path...}"
)

// routeBackendless3 lists the 3.x routes. One handler, bk3Serve, parses the path itself: the
// public download /{appId}/{version}/files/... and the header-authenticated /{version}/files/...
// overlap in ways http.ServeMux patterns cannot tell apart, so bk3PathRoute names the route of
// a path for both the handler and the route table.
func (s *Backendless) routeBackendless3(mux *core.Mount) {
	mux.Route(core.Inferred, "§4 Step 2", "GET "+bk3RouteFiles, nil)
	mux.Route(core.Inferred, "§4 Step 2", "DELETE "+bk3RouteFiles, nil)
	mux.Route(core.Modeled, "§4 Step 1", "POST "+bk3RouteArchive, nil)
	mux.Route(core.Modeled, "§4 Step 1", "GET "+bk3RouteArchive, nil)
	mux.Route(core.Modeled, "§4 Step 1", "GET "+bk3RouteArchiveJob, nil)
	mux.Route(core.Documented, "§2, §4 Step 2", "GET "+bk3RoutePublic, nil)
}

// bk3PathRoute names the 3.x route of a path below the mount, "" for none.
func bk3PathRoute(p string) string {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	switch {
	case len(segs) >= 2 && segs[1] == "files":
		return bk3RouteFiles
	case len(segs) == 3 && segs[1] == bk3ArchiveDir && segs[2] == "archive":
		return bk3RouteArchive
	case len(segs) == 4 && segs[1] == bk3ArchiveDir && segs[2] == "archive":
		return bk3RouteArchiveJob
	case len(segs) >= 3 && segs[2] == "files":
		return bk3RoutePublic
	}
	return ""
}

func (s *Backendless) bk3Serve(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch bk3PathRoute(r.URL.Path) {
	case bk3RouteFiles:
		s.bk3FilesRoute(w, r, segs[0], strings.Join(segs[2:], "/"))
	case bk3RouteArchive:
		switch r.Method {
		case http.MethodPost:
			s.bk3PostArchive(w, r, segs[0])
		case http.MethodGet, http.MethodHead:
			s.bk3ListArchivesRoute(w, r, segs[0])
		default:
			bkMethodNotAllowed(w, "GET, POST")
		}
	case bk3RouteArchiveJob:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			bkMethodNotAllowed(w, "GET")
			return
		}
		s.bk3ArchiveStatusRoute(w, r, segs[0], segs[3])
	case bk3RoutePublic:
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			bkMethodNotAllowed(w, "GET")
			return
		}
		s.bk3PublicDownload(w, r, segs[0], segs[1], strings.Join(segs[3:], "/"))
	default:
		writeBkError(w, http.StatusNotFound, bkCodeNotServed, fmt.Sprintf("sandbox: %s %s is not a 3.x route this sandbox serves", r.Method, mountBackendlessLegacy+r.URL.Path))
	}
}

func bkMethodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	writeBkError(w, http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method not allowed")
}

// bk3Auth checks backendless-console-api.md §3.3's headers: application-id, secret-key and
// application-type REST (the contract fixes REST), and that the version exists; anything wrong is
// the documented 2002. It returns the app id and version name as stored.
func (s *Backendless) bk3Auth(r *http.Request, version string) (appID, versionName string, err error) {
	id, key, typ := r.Header.Get("application-id"), r.Header.Get("secret-key"), r.Header.Get("application-type")
	s.store.read(func(st *state) {
		a, v := st.bk3Version(id, version)
		if a == nil || v == nil || key == "" || !strings.EqualFold(typ, "REST") {
			return
		}
		if subtle.ConstantTimeCompare([]byte(key), []byte(a.SecretKey)) == 1 {
			appID, versionName = a.ID, v.Name
		}
	})
	if appID == "" {
		return "", "", errBk3WrongAppInfo()
	}
	return appID, versionName, nil
}

// bk3FilesRoute is /{version}/files/{path}: GET lists a directory (INFERRED shape) or, for a
// file, answers its bytes; DELETE removes a file or directory (INFERRED).
func (s *Backendless) bk3FilesRoute(w http.ResponseWriter, r *http.Request, version, rawPath string) {
	appID, versionName, err := s.bk3Auth(r, version)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	p, ok := cleanFilePath(rawPath)
	if !ok {
		writeBkJSONErr(w, errBkBadPath(rawPath, "'.' and '..' segments are not allowed"))
		return
	}
	locate := bk3Files(appID, versionName)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		kind, err := s.bkLookup(locate, p)
		switch {
		case err != nil:
			writeBkJSONErr(w, err)
		case kind == "file":
			if err := s.bkServeFile(w, r, locate, p); err != nil {
				writeBkJSONErr(w, err)
			}
		case kind == "dir":
			s.bkWriteListing(w, r, locate, p, func(fp string, dir bool) string {
				return bk3PublicURL(r, appID, versionName, fp, dir)
			})
		default:
			writeBkJSONErr(w, errBkFileNotFound())
		}
	case http.MethodDelete:
		if p == "" {
			writeBkJSONErr(w, errBkBadPath("/", "the root directory cannot be deleted"))
			return
		}
		if err := s.bkRemoveFile(locate, p); err != nil {
			writeBkJSONErr(w, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, bkDeletion{DeletionTime: time.Now().UnixMilli()})
	default:
		bkMethodNotAllowed(w, "GET, DELETE")
	}
}

// bkDeletion is the delete answer (INFERRED for 3.x, DOCUMENTED for 5.x: {"deletionTime"}).
type bkDeletion struct {
	DeletionTime int64 `json:"deletionTime"`
}

// bkWriteListing answers a directory listing with the client REST query (pattern, sub, pagesize,
// offset) and, on the REST hosts, action=count.
func (s *Backendless) bkWriteListing(w http.ResponseWriter, r *http.Request, locate bkTreeLocator, dir string, publicURL func(string, bool) string) {
	lq, err := parseListQuery(r.URL.Query())
	if err != nil {
		writeBkJSONErr(w, errBkBadRequest(err.Error()))
		return
	}
	page, _, err := s.bkList(locate, dir, lq)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, items(page, publicURL))
}

// bk3PublicURL is the documented 3.x public file URL: {host}/{appId}/{version}/files/{path}.
func bk3PublicURL(r *http.Request, appID, version, p string, dir bool) string {
	u := requestBase(r) + mountBackendlessLegacy + "/" + escapeFilePath(appID) + "/" + escapeFilePath(version) + "/files/" + escapeFilePath(p)
	if dir {
		u += "/"
	}
	return u
}

// bk3PublicDownload is the DOCUMENTED 3.x download URL GET /{appId}/{version}/files/{path}: no
// headers needed, Range and HEAD supported. Directories and unknown apps are 404 6007.
func (s *Backendless) bk3PublicDownload(w http.ResponseWriter, r *http.Request, appID, version, rawPath string) {
	p, ok := cleanFilePath(rawPath)
	if !ok || p == "" {
		writeBkJSONErr(w, errBkFileNotFound())
		return
	}
	if err := s.bkServeFile(w, r, bk3Files(appID, version), p); err != nil {
		writeBkJSONErr(w, err)
	}
}

// bk3PostArchive is the MODELED POST /{version}/migration-to-4/archive: 202 with the job, or
// 409 code 6100 naming the job that is already running for the version.
func (s *Backendless) bk3PostArchive(w http.ResponseWriter, r *http.Request, version string) {
	appID, versionName, err := s.bk3Auth(r, version)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	var body map[string]any
	if err := core.DecodeJSON(w, r, &body); err != nil && !errors.Is(err, core.ErrEmptyBody) {
		writeBkError(w, http.StatusBadRequest, bkCodeMalformedRequest, "Could not parse request: "+err.Error())
		return
	}
	j, err := s.bk3StartArchive(appID, versionName)
	var running *bk3ArchiveRunningError
	switch {
	case errors.As(err, &running):
		writeBk3ArchiveRunning(w, running)
	case err != nil:
		writeBkJSONErr(w, err)
	default:
		core.WriteJSON(w, http.StatusAccepted, map[string]string{"jobId": j.ID, "status": "IN_PROGRESS"})
	}
}

// bk3ArchiveStatusRoute is the MODELED GET /{version}/migration-to-4/archive/{jobId}.
func (s *Backendless) bk3ArchiveStatusRoute(w http.ResponseWriter, r *http.Request, version, jobID string) {
	appID, versionName, err := s.bk3Auth(r, version)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	v, ok := s.bk3ArchiveJob(appID, versionName, jobID)
	if !ok {
		writeBkError(w, http.StatusNotFound, bk3CodeArchiveJobNotFound, fmt.Sprintf("Migration archive job %s not found", jobID))
		return
	}
	s.NoteStatusRead(v.JobID, v.Completed != nil)
	core.WriteJSON(w, http.StatusOK, v)
}

// bk3ListArchivesRoute is the MODELED GET /{version}/migration-to-4/archive: every archive job of
// the version (the app is the application-id header's), newest first, each as the status route
// shows it. It is the read that finds a job without its id: after a lost answer to the POST, or
// when an interrupted apply never recorded the id. In the vendor's style: a bare JSON array, like
// the console's app list and the Files listings.
func (s *Backendless) bk3ListArchivesRoute(w http.ResponseWriter, r *http.Request, version string) {
	appID, versionName, err := s.bk3Auth(r, version)
	if err != nil {
		writeBkJSONErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, s.bk3ArchiveJobs(appID, versionName))
}

// --- "a human at the 3.x console" and assertions: in-process helpers, mirrored under /_sandbox/ ---

// LegacyApp is a Backendless 3.x app as the sandbox holds it.
type LegacyApp struct {
	ID        string          `json:"app_id"`
	Name      string          `json:"name"`
	SecretKey string          `json:"secret_key"`
	Owner     string          `json:"owner,omitempty"`
	Versions  []LegacyVersion `json:"versions"`
}

// LegacyVersion is one version of a 3.x app: its table row counts and file totals.
type LegacyVersion struct {
	Name        string         `json:"name"`
	Tables      map[string]int `json:"tables"`
	Users       int            `json:"users"`
	Roles       int            `json:"roles"`
	Permissions int            `json:"permissions"`
	Files       int            `json:"files"`
	Bytes       int64          `json:"bytes"`
}

// LegacyApps returns every 3.x app in fixture order.
func (s *Backendless) LegacyApps() []LegacyApp {
	out := []LegacyApp{}
	s.store.read(func(st *state) {
		for _, a := range st.Backendless.Legacy {
			la := LegacyApp{ID: a.ID, Name: a.Name, SecretKey: a.SecretKey, Owner: a.Owner, Versions: []LegacyVersion{}}
			for _, v := range a.Versions {
				lv := LegacyVersion{Name: v.Name, Tables: v.Data.counts(), Users: v.Data.Users, Roles: v.Data.Roles, Permissions: v.Data.Permissions}
				for _, f := range v.Files.Files {
					lv.Files++
					lv.Bytes += f.Size
				}
				la.Versions = append(la.Versions, lv)
			}
			out = append(out, la)
		}
	})
	return out
}

// LegacyTableCounts returns table → rows of a 3.x app version; nil when there is no such version.
func (s *Backendless) LegacyTableCounts(appID, version string) map[string]int {
	var out map[string]int
	s.store.read(func(st *state) {
		if _, v := st.bk3Version(appID, version); v != nil {
			out = v.Data.counts()
		}
	})
	return out
}

// LegacyFileDigest returns the size and SHA-256 of a file in a 3.x version's storage
// ("/migration-to-4/x.zip" and "migration-to-4/x.zip" name the same file).
func (s *Backendless) LegacyFileDigest(appID, version, path string) (size int64, sha256 string, ok bool) {
	p, valid := cleanFilePath(path)
	if !valid {
		return 0, "", false
	}
	s.store.read(func(st *state) {
		if _, v := st.bk3Version(appID, version); v != nil {
			if f, found := v.Files.file(p); found {
				size, sha256, ok = f.Size, f.SHA256, true
			}
		}
	})
	return size, sha256, ok
}

// LegacyFiles returns the paths of the files below dir ("" for all) in a 3.x version's storage,
// sorted; nil when there is no such version or directory.
func (s *Backendless) LegacyFiles(appID, version, dir string) []string {
	d, ok := cleanFilePath(dir)
	if !ok {
		return nil
	}
	var out []string
	s.store.read(func(st *state) {
		_, v := st.bk3Version(appID, version)
		if v == nil || !v.Files.isDir(d) {
			return
		}
		out = []string{}
		for p := range v.Files.Files {
			if d == "" || strings.HasPrefix(p, d+"/") {
				out = append(out, p)
			}
		}
	})
	slices.Sort(out)
	return out
}

// DeleteLegacyFile deletes a file (or directory) from a 3.x version's storage out of band, as a
// developer in the 3.x console would; core.ErrNotFound when there is none.
func (s *Backendless) DeleteLegacyFile(appID, version, path string) error {
	p, ok := cleanFilePath(path)
	if !ok || p == "" {
		return fmt.Errorf("sandbox: 3.x file path %q: %w", path, core.ErrInvalid)
	}
	return s.bkRemoveFile(bk3Files(appID, version), p)
}

// CorruptLegacyFile rewrites an archive in a 3.x version's storage in place, for corrupt-archive
// tests. how is CorruptNotZip ("not-zip": the bytes are no zip at all), CorruptEscapeEntry
// ("escape-entry": an entry "../x" is added), CorruptAbsoluteEntry ("absolute-entry": "/etc/x"),
// CorruptBackslashEntry ("backslash-entry": `..\x`) or CorruptManifestMismatch ("manifest-mismatch": the
// first table's rows lose their last row, so size, SHA-256 and row count no longer match the
// manifest). core.ErrNotFound for a missing file, core.ErrInvalid for an unknown how or a file that is not
// an archive.
func (s *Backendless) CorruptLegacyFile(appID, version, path string, how string) error {
	p, ok := cleanFilePath(path)
	if !ok || p == "" {
		return fmt.Errorf("sandbox: 3.x file path %q: %w", path, core.ErrInvalid)
	}
	locate := bk3Files(appID, version)
	f, err := s.bkStat(locate, p)
	if err != nil {
		return err
	}
	ref, err := s.corruptArchive(f.Blob, how)
	if err != nil {
		return err
	}
	return s.bkLinkBlob(locate, p, ref)
}

// MigrationArchiveStatus is an archive job as the modeled status route reports it.
type MigrationArchiveStatus struct {
	JobID        string `json:"jobId"`
	Status       string `json:"status"` // IN_PROGRESS | COMPLETED | FAILED
	Message      string `json:"message"`
	DataArchive  string `json:"dataArchive"`  // "/migration-to-4/<name>"
	FilesArchive string `json:"filesArchive"` // "/migration-to-4/<name>"
}

// MigrationArchiveJob returns the status of an archive job started by
// PressCreateMigrationArchive or the modeled REST call.
func (s *Backendless) MigrationArchiveJob(jobID string) (MigrationArchiveStatus, bool) {
	j, ok := s.Job(jobID)
	if !ok || j.Kind != bk3ArchiveJobKind {
		return MigrationArchiveStatus{}, false
	}
	v := bk3ArchiveViewOfJob(j)
	return MigrationArchiveStatus{JobID: v.JobID, Status: v.Status, Message: v.Message, DataArchive: v.DataArchive, FilesArchive: v.FilesArchive}, true
}

// MigrationArchiveJobs returns every archive job of a 3.x app version, newest first, as the
// modeled list route reports them (tests count them: one request, one job).
func (s *Backendless) MigrationArchiveJobs(appID, version string) []MigrationArchiveStatus {
	out := []MigrationArchiveStatus{}
	for _, v := range s.bk3ArchiveJobs(appID, version) {
		out = append(out, MigrationArchiveStatus{JobID: v.JobID, Status: v.Status, Message: v.Message, DataArchive: v.DataArchive, FilesArchive: v.FilesArchive})
	}
	return out
}
