package backendless

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// The MODELED import (plans/issue3-contract.md): POST /{appId}/console/import/backendless-app
// stores the uploaded data archive as a blob and starts a job that validates it completely,
// then loads it in one state change, writing the migration log into the target's Files as it
// goes.
const (
	bkImportJobKind = "backendless.import"
	// bkImportType is the modeled {type} of the "Backendless app" importer
	// (backendless-console-api.md §Step 5: the real value is unknown).
	bkImportType = "backendless-app"
	// bkImportLogDir holds the migration logs in the target's Files.
	bkImportLogDir = "migration"
	// bkMaxManifest bounds manifest.json; a real one is a few kilobytes per hundred tables.
	bkMaxManifest = 16 << 20
)

// bkImportLogHook, when set (by tests only, before the sandbox starts), sees the migration log's
// whole content after every write.
var bkImportLogHook func(importID, content string)

// bkImportParams is the import job's input.
type bkImportParams struct {
	ImportID      string    `json:"import_id"`
	AppID         string    `json:"app_id"`
	Upload        string    `json:"upload"` // blob of the uploaded archive, deleted when the job ends
	Archive       string    `json:"archive"`
	Size          int64     `json:"size"`
	SHA256        string    `json:"sha256"`
	AllowNonEmpty bool      `json:"allow_non_empty"`
	Started       time.Time `json:"started"`
}

func (p bkImportParams) logPath() string { return bkImportLogDir + "/import-" + p.ImportID + ".log" }

// bkImportResult is the job's record of blobs staged but not yet committed, so a run resumed
// after a restart can delete what an interrupted one left.
type bkImportResult struct {
	ImportID string   `json:"import_id"`
	Staged   []string `json:"staged,omitempty"`
}

// bkImportStarted is the import call's 202 body.
type bkImportStarted struct {
	ImportID string `json:"importId"`
	Status   string `json:"status"`
	LogPath  string `json:"logPath"`
}

// bkStartImport stores the archive r (streamed, never buffered), writes the log's first line and
// starts the job. name is the uploaded file's name, for the log.
func (s *Backendless) bkStartImport(appID, name string, r io.Reader, allowNonEmpty bool) (bkImportStarted, error) {
	exists := false
	s.store.read(func(st *state) { exists = st.bkApp(appID) != nil })
	if !exists {
		return bkImportStarted{}, errBkAppNotFound(appID)
	}
	id, size, sum, err := s.PutBlob(r)
	if err != nil {
		return bkImportStarted{}, errBkBadRequest("Could not read the uploaded archive: " + err.Error())
	}
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		name = "archive.zip"
	}
	p := bkImportParams{
		ImportID: core.NewUUID(), AppID: appID, Upload: id, Archive: name, Size: size, SHA256: sum,
		AllowNonEmpty: allowNonEmpty, Started: time.Now().UTC().Truncate(time.Second),
	}
	// The first line exists before the job can run, so a client that reads the log right after
	// the 202 finds it.
	if err := s.newImportLog(p).write(); err != nil {
		_ = s.DeleteBlob(id)
		return bkImportStarted{}, err
	}
	job, err := s.SubmitJob(bkImportJobKind, p)
	if err != nil {
		_ = s.DeleteBlob(id)
		return bkImportStarted{}, err
	}
	s.AliasJob(p.ImportID, job.ID) // its migration log is its status (poll lag)
	return bkImportStarted{ImportID: p.ImportID, Status: "IN_PROGRESS", LogPath: "/" + p.logPath()}, nil
}

// bkImportLog is the migration log file (MODELED format, plans/issue3-contract.md): one
// "<RFC3339 UTC> <LEVEL padded to 5> <message>" line each. The whole file is rewritten on every
// line; it stays small.
type bkImportLog struct {
	s     *Backendless
	p     bkImportParams
	lines []string
	pace  time.Duration // wait before each progress line, so a reader sees the log grow
}

func (s *Backendless) newImportLog(p bkImportParams) *bkImportLog {
	l := &bkImportLog{s: s, p: p}
	l.lines = []string{logLine(p.Started, "INFO", fmt.Sprintf("import %s started: archive %s (%d bytes, sha256 %s)", p.ImportID, p.Archive, p.Size, p.SHA256))}
	return l
}

func logLine(t time.Time, level, msg string) string {
	return fmt.Sprintf("%s %-5s %s", t.UTC().Format(time.RFC3339), level, msg)
}

func (l *bkImportLog) write() error {
	content := strings.Join(l.lines, "\n") + "\n"
	if err := l.s.bkStoreFile(bkAppFiles(l.p.AppID), l.p.logPath(), strings.NewReader(content), true); err != nil {
		return fmt.Errorf("write the migration log: %w", err)
	}
	if hook := bkImportLogHook; hook != nil {
		hook(l.p.ImportID, content)
	}
	return nil
}

func (l *bkImportLog) add(level, msg string) error {
	l.lines = append(l.lines, logLine(time.Now(), level, msg))
	return l.write()
}

// step waits the pace, then adds a progress line.
func (l *bkImportLog) step(ctx context.Context, msg string) error {
	if l.pace > 0 {
		t := time.NewTimer(l.pace)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	return l.add("INFO", msg)
}

// bkImportWork validates the archive completely, refuses a non-empty target unless allowed,
// stages rows and sections into blobs, commits them in one state change, and logs each step.
// Resumed after a restart it starts the log over; an import already committed is not loaded
// again, only logged to its end.
func bkImportWork(ctx context.Context, s *Backendless, run *core.JobRun) error {
	var p bkImportParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	s.AliasJob(p.ImportID, run.ID()) // again, for a job resumed by a new sandbox process
	applied, exists := false, false
	s.store.read(func(st *state) {
		if st.bkApp(p.AppID) == nil {
			return
		}
		exists = true
		if d := st.bkAppDataFor(p.AppID, false); d != nil {
			applied = slices.Contains(d.Imports, p.ImportID)
		}
	})
	// However the job ends, the uploaded archive goes; only a shutdown keeps it for the resumed run.
	defer func() {
		if ctx.Err() == nil {
			_ = s.DeleteBlob(p.Upload)
		}
	}()
	if !exists {
		return fmt.Errorf("target app %s no longer exists", p.AppID)
	}
	rc, size, err := s.OpenBlob(p.Upload)
	if err != nil {
		if applied && errors.Is(err, core.ErrNotFound) {
			return nil // a previous run finished everything but the job record
		}
		return fmt.Errorf("open the uploaded archive: %w", err)
	}
	defer rc.Close()
	if !applied {
		s.bkDiscardStaged(run)
	}
	lg := s.newImportLog(p)
	if err := lg.write(); err != nil {
		return err
	}
	fail := func(reason error) error {
		_ = lg.add("ERROR", reason.Error())
		_ = lg.add("ERROR", "MIGRATION FAILED")
		return reason
	}
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		return fail(errors.New("sandbox: blob does not support random access"))
	}
	arch, err := checkDataArchive(ra, size)
	if err != nil {
		return fail(err)
	}
	lg.pace = s.JobDuration() / time.Duration(2*(len(arch.tables)+4))
	if err := lg.step(ctx, fmt.Sprintf("archive validated: %d entries match the manifest", arch.entries)); err != nil {
		return err
	}
	if !applied {
		if !p.AllowNonEmpty {
			if names := s.bkTableNames(p.AppID); len(names) > 0 {
				return fail(errTargetNotEmpty(names))
			}
		}
		staged, err := s.bkStageImport(ctx, run, p, arch)
		if err != nil {
			s.deleteBlobs(staged.blobs())
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fail(err)
		}
		if err := s.bkCommitImport(p, staged); err != nil {
			s.deleteBlobs(staged.blobs())
			return fail(err)
		}
		_ = run.SetResult(bkImportResult{ImportID: p.ImportID})
	}
	for _, t := range arch.tables {
		if err := lg.step(ctx, fmt.Sprintf("table %s: %d rows imported", t.name, t.rows)); err != nil {
			return err
		}
	}
	if err := lg.step(ctx, fmt.Sprintf("users: %d imported", arch.users)); err != nil {
		return err
	}
	if err := lg.step(ctx, fmt.Sprintf("roles: %d, permissions: %d imported", arch.roles, arch.permissions)); err != nil {
		return err
	}
	if err := lg.add("INFO", "MIGRATION COMPLETED"); err != nil {
		return err
	}
	return run.Progress(100, "MIGRATION COMPLETED")
}

func errTargetNotEmpty(tables []string) error {
	return fmt.Errorf("target app is not empty (tables: %s); import into a blank app or set allowNonEmpty=true", strings.Join(tables, ", "))
}

// bkTableNames lists a 5.0 app's tables by name.
func (s *Backendless) bkTableNames(appID string) []string {
	var out []string
	s.store.read(func(st *state) {
		if d := st.bkAppDataFor(appID, false); d != nil {
			for _, t := range d.Data.Tables {
				out = append(out, t.Name)
			}
		}
	})
	slices.Sort(out)
	return out
}

// bkDiscardStaged deletes blobs an interrupted earlier run of the job staged.
func (s *Backendless) bkDiscardStaged(run *core.JobRun) {
	j, ok := s.Job(run.ID())
	if !ok || len(j.Result) == 0 {
		return
	}
	var res bkImportResult
	if json.Unmarshal(j.Result, &res) == nil {
		s.deleteBlobs(res.Staged)
	}
	_ = run.SetResult(bkImportResult{ImportID: res.ImportID})
}

// bkStaged is an import loaded into blobs but not yet visible in the app.
type bkStaged struct {
	tables   []*bkTable
	sections map[string]bkBlobRef
	arch     *bkArchive
}

func (st bkStaged) blobs() []string {
	var out []string
	for _, t := range st.tables {
		out = append(out, t.RowsBlob.ID)
	}
	for _, ref := range st.sections {
		out = append(out, ref.ID)
	}
	return out
}

// bkStageImport copies each table's rows and each section from the archive into blobs,
// recording every blob in the job so a restart can clean up after an interruption.
func (s *Backendless) bkStageImport(ctx context.Context, run *core.JobRun, p bkImportParams, arch *bkArchive) (bkStaged, error) {
	staged := bkStaged{sections: map[string]bkBlobRef{}, arch: arch}
	put := func(f *zip.File) (bkBlobRef, error) {
		if err := ctx.Err(); err != nil {
			return bkBlobRef{}, err
		}
		rc, err := f.Open()
		if err != nil {
			return bkBlobRef{}, fmt.Errorf("archive entry %s is damaged: %v", f.Name, err)
		}
		defer rc.Close()
		id, size, sum, err := s.PutBlob(rc)
		if err != nil {
			return bkBlobRef{}, fmt.Errorf("archive entry %s: %v", f.Name, err)
		}
		ref := bkBlobRef{ID: id, Size: size, SHA256: sum}
		return ref, run.SetResult(bkImportResult{ImportID: p.ImportID, Staged: append(staged.blobs(), id)})
	}
	for _, t := range arch.tables {
		ref, err := put(t.file)
		if ref.ID != "" {
			staged.tables = append(staged.tables, &bkTable{Name: t.name, Columns: t.columns, Rows: t.rows, RowsBlob: ref})
		}
		if err != nil {
			return staged, err
		}
	}
	for _, name := range bkSectionOrder {
		f, ok := arch.files[name]
		if !ok {
			continue
		}
		ref, err := put(f)
		if ref.ID != "" {
			staged.sections[name] = ref
		}
		if err != nil {
			return staged, err
		}
	}
	return staged, nil
}

// bkCommitImport makes a staged import visible in one state change. modeled: with
// allowNonEmpty, an imported table replaces the app's table of the same name (other tables
// stay), and the archive's users, roles, permissions, business logic, geo and settings replace
// the app's.
func (s *Backendless) bkCommitImport(p bkImportParams, staged bkStaged) error {
	var replaced []string
	err := s.store.update(func(st *state) error {
		d := st.bkAppDataFor(p.AppID, true)
		if d == nil {
			return fmt.Errorf("target app %s no longer exists", p.AppID)
		}
		if !p.AllowNonEmpty && len(d.Data.Tables) > 0 {
			names := make([]string, 0, len(d.Data.Tables))
			for _, t := range d.Data.Tables {
				names = append(names, t.Name)
			}
			slices.Sort(names)
			return errTargetNotEmpty(names)
		}
		for _, t := range staged.tables {
			if old := d.Data.table(t.Name); old != nil {
				replaced = append(replaced, old.RowsBlob.ID)
				*old = *t
			} else {
				d.Data.Tables = append(d.Data.Tables, t)
			}
		}
		for _, ref := range d.Data.Sections {
			replaced = append(replaced, ref.ID)
		}
		d.Data.Sections = maps.Clone(staged.sections)
		d.Data.Users, d.Data.Roles, d.Data.Permissions = staged.arch.users, staged.arch.roles, staged.arch.permissions
		d.Imports = append(d.Imports, p.ImportID)
		return nil
	})
	if err != nil {
		return err
	}
	s.deleteBlobs(replaced)
	return nil
}

// --- validating a data archive before anything is loaded ---

// bkManifestIn is manifest.json as the importer reads it: counts are pointers so an absent key
// is told apart from zero.
type bkManifestIn struct {
	Format      string            `json:"format"`
	Kind        string            `json:"kind"`
	Tables      map[string]int    `json:"tables"`
	Users       *int              `json:"users"`
	Roles       *int              `json:"roles"`
	Permissions *int              `json:"permissions"`
	Entries     []bkManifestEntry `json:"entries"`
}

// bkArchive is a data archive that passed every check.
type bkArchive struct {
	files                     map[string]*zip.File
	tables                    []bkArchiveTable // by name
	users, roles, permissions int
	entries                   int
}

type bkArchiveTable struct {
	name    string
	columns []bkColumn
	rows    int
	file    *zip.File
}

// entryEscapes reports a zip entry name that would land outside the folder it is unpacked into:
// absolute, a drive letter, a backslash path or a ".." segment.
func entryEscapes(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || (len(name) >= 2 && name[1] == ':') {
		return true
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

func errMismatch(format string, args ...any) error {
	return fmt.Errorf("manifest disagrees with content: "+format, args...)
}

// checkDataArchive runs every check the import makes before loading anything: a zip, no entry
// escaping the archive folder, a data-archive manifest whose entries match the content in size
// and SHA-256, and row and item counts that match the manifest. The error text is the log's
// reason line.
func checkDataArchive(ra io.ReaderAt, size int64) (*bkArchive, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, errors.New("archive is not a zip file")
	}
	a := &bkArchive{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if entryEscapes(f.Name) {
			return nil, fmt.Errorf("entry %q escapes the archive folder", f.Name)
		}
		if strings.HasSuffix(f.Name, "/") {
			continue // a directory entry carries no content
		}
		if _, dup := a.files[f.Name]; dup {
			return nil, fmt.Errorf("archive has two entries named %q", f.Name)
		}
		a.files[f.Name] = f
	}
	mf, ok := a.files[bkManifestFile]
	if !ok {
		return nil, errors.New("archive has no manifest.json: not a Backendless migration archive")
	}
	var m bkManifestIn
	if err := readJSONEntry(mf, bkMaxManifest, &m); err != nil {
		return nil, fmt.Errorf("manifest.json is not valid JSON: %v", err)
	}
	switch {
	case m.Format != bkMigrationFormat:
		return nil, fmt.Errorf("manifest.json format %q is not %s", m.Format, bkMigrationFormat)
	case m.Kind == "files":
		return nil, errors.New("archive is a files archive, not a data archive: upload it to Files and import the data archive")
	case m.Tables == nil:
		return nil, errors.New("manifest.json has no tables: not a Backendless data archive")
	}
	listed := map[string]bool{}
	for _, e := range m.Entries {
		if entryEscapes(e.Path) {
			return nil, fmt.Errorf("entry %q escapes the archive folder", e.Path)
		}
		if listed[e.Path] {
			return nil, fmt.Errorf("manifest.json lists %s twice", e.Path)
		}
		listed[e.Path] = true
		f, ok := a.files[e.Path]
		if !ok {
			return nil, errMismatch("%s is missing from the archive", e.Path)
		}
		n, sum, err := digestEntry(f)
		if err != nil {
			return nil, err
		}
		if sum != strings.ToLower(e.SHA256) {
			return nil, errMismatch("%s sha256 %s != manifest %s", e.Path, sum, e.SHA256)
		}
		if n != e.Size {
			return nil, errMismatch("%s size %d != manifest %d", e.Path, n, e.Size)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(a.files)) {
		if name != bkManifestFile && !listed[name] {
			return nil, errMismatch("%s is not listed in the manifest", name)
		}
	}
	a.entries = len(m.Entries)
	for _, name := range slices.Sorted(maps.Keys(m.Tables)) {
		t, err := checkArchiveTable(a, name, m.Tables[name])
		if err != nil {
			return nil, err
		}
		a.tables = append(a.tables, t)
	}
	for name := range a.files {
		if t, ok := strings.CutPrefix(name, "tables/"); ok && strings.HasSuffix(t, ".json") && !strings.HasSuffix(t, ".schema.json") {
			if _, counted := m.Tables[strings.TrimSuffix(t, ".json")]; !counted {
				return nil, errMismatch("%s has no row count in the manifest", name)
			}
		}
	}
	for _, c := range []struct {
		section string
		want    *int
		got     *int
		objects bool
	}{
		{bkSectionUsers, m.Users, &a.users, true},
		{bkSectionRoles, m.Roles, &a.roles, false},
		{bkSectionPermissions, m.Permissions, &a.permissions, true},
	} {
		f, ok := a.files[c.section]
		if !ok {
			if c.want != nil && *c.want > 0 {
				return nil, errMismatch("%s is missing from the archive", c.section)
			}
			continue
		}
		n, err := countEntryItems(f, c.objects)
		if err != nil {
			return nil, err
		}
		if c.want != nil && n != *c.want {
			return nil, errMismatch("%s count %d != manifest %d", c.section, n, *c.want)
		}
		*c.got = n
	}
	return a, nil
}

func checkArchiveTable(a *bkArchive, name string, want int) (bkArchiveTable, error) {
	if !reTableName.MatchString(name) || strings.EqualFold(name, "Users") {
		return bkArchiveTable{}, fmt.Errorf("manifest.json names an invalid table %q", name)
	}
	rowsPath, schemaPath := "tables/"+name+".json", "tables/"+name+".schema.json"
	rf, ok := a.files[rowsPath]
	if !ok {
		return bkArchiveTable{}, errMismatch("%s is missing from the archive", rowsPath)
	}
	sf, ok := a.files[schemaPath]
	if !ok {
		return bkArchiveTable{}, fmt.Errorf("archive has no schema for table %s (%s)", name, schemaPath)
	}
	var schema bkTableSchema
	if err := readJSONEntry(sf, bkMaxManifest, &schema); err != nil {
		return bkArchiveTable{}, fmt.Errorf("%s is not a valid table schema: %v", schemaPath, err)
	}
	n, err := countEntryItems(rf, true)
	if err != nil {
		return bkArchiveTable{}, err
	}
	if n != want {
		return bkArchiveTable{}, errMismatch("%s rows %d != manifest %d", rowsPath, n, want)
	}
	return bkArchiveTable{name: name, columns: nonNil(schema.Columns), rows: n, file: rf}, nil
}

// digestEntry reads an entry to its end (archive/zip checks its CRC-32 and declared size on
// the way) and returns its size and SHA-256.
func digestEntry(f *zip.File) (int64, string, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, "", fmt.Errorf("archive entry %s is damaged: %v", f.Name, err)
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return 0, "", fmt.Errorf("archive entry %s is damaged: %v", f.Name, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func readJSONEntry(f *zip.File, limit int64, v any) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return json.NewDecoder(io.LimitReader(rc, limit)).Decode(v)
}

// countEntryItems counts the elements of the JSON array in an entry, streaming, and checks
// they are objects when objects is set.
func countEntryItems(f *zip.File, objects bool) (int, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("archive entry %s is damaged: %v", f.Name, err)
	}
	defer rc.Close()
	notArray := fmt.Errorf("%s is not a JSON array of objects", f.Name)
	if !objects {
		notArray = fmt.Errorf("%s is not a JSON array", f.Name)
	}
	dec := json.NewDecoder(rc)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0, notArray
	}
	n := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, notArray
		}
		if objects && (len(raw) == 0 || raw[0] != '{') {
			return 0, notArray
		}
		n++
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return 0, notArray
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return 0, notArray
	}
	return n, nil
}

// --- routes and helpers ---

// bkConsoleImport is the MODELED POST /{appId}/console/import/backendless-app?allowNonEmpty=:
// multipart part file = the data archive, streamed into a blob; 202 with importId, status and the
// log's path.
func (s *Backendless) bkConsoleImport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("appId")
	if !s.bkOwns(caller(r).login, id) {
		errBkAppNotFound(id).write(w)
		return
	}
	if typ := r.PathValue("type"); typ != bkImportType {
		writeBkError(w, http.StatusBadRequest, bkCodeInvalidArgument, fmt.Sprintf("Import type '%s' is not served by this sandbox; a 3.x migration data archive is imported as '%s'", typ, bkImportType))
		return
	}
	s.serveImport(w, r, id, writeBkErr)
}

// serveImport reads allowNonEmpty and the file part and starts the import; the console route
// and the control route share it.
func (s *Backendless) serveImport(w http.ResponseWriter, r *http.Request, appID string, writeErr func(http.ResponseWriter, error)) {
	allow, err := parseBoolParam(r.URL.Query(), "allowNonEmpty")
	if err != nil {
		writeErr(w, &bkError{status: http.StatusBadRequest, code: bkCodeInvalidArgument, message: err.Error(), kind: core.ErrInvalid})
		return
	}
	part, name, err := multipartFile(r)
	if err != nil {
		writeErr(w, err)
		return
	}
	started, err := s.bkStartImport(appID, name, part, allow)
	if err != nil {
		writeErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusAccepted, started)
}

// ImportOptions are the choices of the import form besides the archive.
type ImportOptions struct {
	FileName      string // the archive's name for the log's first line; default: r's Name() or archive.zip
	AllowNonEmpty bool   // import into an app that already has tables
}

// ImportBackendlessArchive is the developer importing a data archive in the 5.0 console (Manage
// → Import → "Backendless app" → IMPORT; runbook step 7) into a blank app. It returns once the
// archive is stored and the job started; the migration log /migration/import-<importID>.log
// tells how it ends.
func (s *Backendless) ImportBackendlessArchive(appID string, r io.Reader) (importID string, err error) {
	return s.ImportBackendlessArchiveWith(appID, r, ImportOptions{})
}

// ImportBackendlessArchiveWith is ImportBackendlessArchive with the form's options.
func (s *Backendless) ImportBackendlessArchiveWith(appID string, r io.Reader, opts ImportOptions) (string, error) {
	name := opts.FileName
	if named, ok := r.(interface{ Name() string }); ok && name == "" {
		name = named.Name()
	}
	started, err := s.bkStartImport(appID, name, r, opts.AllowNonEmpty)
	return started.ImportID, err
}

// BackendlessImportLogPath is where the import's migration log lives in the target's Files.
func BackendlessImportLogPath(importID string) string {
	return "/" + bkImportParams{ImportID: importID}.logPath()
}
