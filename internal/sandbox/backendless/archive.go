package backendless

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// bkDataset is an app's data as the migration moves it: tables (schema in the state, rows in
// one blob per table, as the JSON array the data archive carries) and the other archive
// sections (users, roles, permissions, business logic, geo, settings), each a blob holding the
// archive entry's bytes. Counts are kept beside them so reads need not open blobs.
type bkDataset struct {
	Tables      []*bkTable           `json:"tables"`
	Users       int                  `json:"users"`
	Roles       int                  `json:"roles"`
	Permissions int                  `json:"permissions"`
	Sections    map[string]bkBlobRef `json:"sections"` // archive entry name → blob
}

// bkTable is one data table.
type bkTable struct {
	Name     string     `json:"name"`
	Columns  []bkColumn `json:"columns"`
	Rows     int        `json:"rows"`
	RowsBlob bkBlobRef  `json:"rows_blob"`
}

// bkColumn is one column of a table schema.
type bkColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// bkBlobRef is a blob with the size and SHA-256 it had when stored.
type bkBlobRef struct {
	ID     string `json:"id"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Data archive sections besides the tables (plans/issue3-contract.md, data archive).
const (
	bkSectionSettings      = "settings.json"
	bkSectionUsers         = "users.json"
	bkSectionRoles         = "roles.json"
	bkSectionPermissions   = "permissions.json"
	bkSectionBusinessLogic = "business-logic.json"
	bkSectionGeo           = "geo.json"
)

// bkSectionOrder is the order of the sections in a data archive.
var bkSectionOrder = []string{bkSectionSettings, bkSectionUsers, bkSectionRoles, bkSectionPermissions, bkSectionBusinessLogic, bkSectionGeo}

func (d *bkDataset) normalize() {
	if d.Tables == nil {
		d.Tables = []*bkTable{}
	}
	if d.Sections == nil {
		d.Sections = map[string]bkBlobRef{}
	}
}

// blobs lists every blob the dataset refers to.
func (d *bkDataset) blobs() []string {
	var out []string
	for _, t := range d.Tables {
		out = append(out, t.RowsBlob.ID)
	}
	for _, ref := range d.Sections {
		out = append(out, ref.ID)
	}
	return out
}

func (d *bkDataset) table(name string) *bkTable {
	for _, t := range d.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// counts is table → rows.
func (d *bkDataset) counts() map[string]int {
	out := make(map[string]int, len(d.Tables))
	for _, t := range d.Tables {
		out[t.Name] = t.Rows
	}
	return out
}

// clone copies the dataset deeply enough to be read outside the store lock.
func (d *bkDataset) clone() bkDataset {
	c := bkDataset{Users: d.Users, Roles: d.Roles, Permissions: d.Permissions, Sections: make(map[string]bkBlobRef, len(d.Sections))}
	for _, t := range d.Tables {
		tc := *t
		tc.Columns = append([]bkColumn(nil), t.Columns...)
		c.Tables = append(c.Tables, &tc)
	}
	for k, v := range d.Sections {
		c.Sections[k] = v
	}
	return c
}

// --- archive format (plans/issue3-contract.md; MODELED: the vendor's format is unpublished) ---

// bkMigrationFormat names the archive format in manifest.json.
const bkMigrationFormat = "backendless-migration/1"

// bkManifestFile is the manifest's entry name in both archives.
const bkManifestFile = "manifest.json"

// bkManifestApp names the source app in a manifest.
type bkManifestApp struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// bkManifestEntry is the size and SHA-256 of one archive entry.
type bkManifestEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// bkDataManifest is manifest.json of a data archive. Kind and Permissions are additions to the
// contract's keys: they let the importer tell a files archive apart and check permissions too.
type bkDataManifest struct {
	Format      string            `json:"format"`
	Kind        string            `json:"kind"`
	App         bkManifestApp     `json:"app"`
	Version     string            `json:"version"`
	Created     string            `json:"created"`
	Tables      map[string]int    `json:"tables"`
	Users       int               `json:"users"`
	Roles       int               `json:"roles"`
	Permissions int               `json:"permissions"`
	Entries     []bkManifestEntry `json:"entries"`
}

// bkFilesManifest is manifest.json of a files archive.
type bkFilesManifest struct {
	Format  string            `json:"format"`
	Kind    string            `json:"kind"`
	App     bkManifestApp     `json:"app"`
	Version string            `json:"version"`
	Created string            `json:"created"`
	Files   int               `json:"files"`
	Bytes   int64             `json:"bytes"`
	Entries []bkManifestEntry `json:"entries"`
}

// bkTableSchema is tables/<Name>.schema.json.
type bkTableSchema struct {
	Name    string     `json:"name"`
	Columns []bkColumn `json:"columns"`
}

// zipBuild writes a zip entry by entry and records each entry's size and SHA-256 for the
// manifest, computed while the bytes pass through.
type zipBuild struct {
	ctx      context.Context
	zw       *zip.Writer
	modified time.Time
	entries  []bkManifestEntry
}

func (b *zipBuild) add(name string, method uint16, r io.Reader) error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	w, err := b.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: b.modified})
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	b.entries = append(b.entries, bkManifestEntry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

func (b *zipBuild) addBlob(s *Backendless, name string, method uint16, blob string) error {
	rc, _, err := s.OpenBlob(blob)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	return b.add(name, method, rc)
}

func (b *zipBuild) addJSON(name string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return b.add(name, zip.Deflate, bytes.NewReader(append(raw, '\n')))
}

// buildZipBlob streams the zip that write produces straight into a new blob.
func (s *Backendless) buildZipBlob(ctx context.Context, modified time.Time, write func(b *zipBuild) error) (bkBlobRef, error) {
	var ref bkBlobRef
	err := streamInto(func(r io.Reader) error {
		id, size, sum, err := s.PutBlob(r)
		ref = bkBlobRef{ID: id, Size: size, SHA256: sum}
		return err
	}, func(w io.Writer) error {
		b := &zipBuild{ctx: ctx, zw: zip.NewWriter(w), modified: modified}
		if err := write(b); err != nil {
			return err
		}
		return b.zw.Close()
	})
	return ref, err
}

// bk3Snapshot is what a migration archive is built from: a copy taken under the store lock,
// whose blobs are read afterwards.
type bk3Snapshot struct {
	AppID, AppName, Version string
	Data                    bkDataset
	Files                   []bkEntryBlob
}

type bkEntryBlob struct {
	Path string
	Blob string
	Size int64
}

// writeDataArchive writes the data archive's entries (settings, table schemas and rows,
// users, roles, permissions, business logic, geo) and then manifest.json describing them.
func writeDataArchive(s *Backendless, b *zipBuild, snap bk3Snapshot, created time.Time) error {
	if ref, ok := snap.Data.Sections[bkSectionSettings]; ok {
		if err := b.addBlob(s, bkSectionSettings, zip.Deflate, ref.ID); err != nil {
			return err
		}
	}
	tables := map[string]int{}
	for _, t := range snap.Data.Tables {
		if err := b.addJSON("tables/"+t.Name+".schema.json", bkTableSchema{Name: t.Name, Columns: nonNil(t.Columns)}); err != nil {
			return err
		}
		if err := b.addBlob(s, "tables/"+t.Name+".json", zip.Deflate, t.RowsBlob.ID); err != nil {
			return err
		}
		tables[t.Name] = t.Rows
	}
	for _, name := range bkSectionOrder[1:] {
		if ref, ok := snap.Data.Sections[name]; ok {
			if err := b.addBlob(s, name, zip.Deflate, ref.ID); err != nil {
				return err
			}
		}
	}
	m := bkDataManifest{
		Format: bkMigrationFormat, Kind: "data", App: bkManifestApp{ID: snap.AppID, Name: snap.AppName}, Version: snap.Version,
		Created: created.Format(time.RFC3339), Tables: tables, Users: snap.Data.Users, Roles: snap.Data.Roles,
		Permissions: snap.Data.Permissions, Entries: b.entries,
	}
	return writeManifest(b, m)
}

// writeFilesArchive writes files/<path> for every file of the version outside /migration-to-4
// (earlier archives are not archived again), stored uncompressed like the media they mostly are,
// then manifest.json.
func writeFilesArchive(s *Backendless, b *zipBuild, snap bk3Snapshot, created time.Time) error {
	var total int64
	for _, f := range snap.Files {
		if err := b.addBlob(s, "files/"+f.Path, zip.Store, f.Blob); err != nil {
			return err
		}
		total += f.Size
	}
	m := bkFilesManifest{
		Format: bkMigrationFormat, Kind: "files", App: bkManifestApp{ID: snap.AppID, Name: snap.AppName}, Version: snap.Version,
		Created: created.Format(time.RFC3339), Files: len(snap.Files), Bytes: total, Entries: nonNil(b.entries),
	}
	return writeManifest(b, m)
}

// writeManifest adds manifest.json last: it describes every entry before it and not itself.
func writeManifest(b *zipBuild, m any) error {
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	w, err := b.zw.CreateHeader(&zip.FileHeader{Name: bkManifestFile, Method: zip.Deflate, Modified: b.modified})
	if err != nil {
		return err
	}
	_, err = w.Write(append(raw, '\n'))
	return err
}

// --- the modeled "Create migration archive for 4.0" job ---

const (
	// bk3ArchiveJobKind builds a 3.x version's two migration archives.
	bk3ArchiveJobKind = "backendless3.migration-archive"
	// bk3ArchiveDir is where the archives land (runbook step 4: /migration-to-4).
	bk3ArchiveDir = "migration-to-4"
	// modeled: bk3CodeArchiveRunning answers a second archive request while one runs
	// (plans/issue3-contract.md).
	bk3CodeArchiveRunning = 6100
	// modeled: bk3CodeArchiveJobNotFound answers a status request for an unknown job.
	bk3CodeArchiveJobNotFound = 6101
)

// bk3ArchiveParams is the archive job's input. Names are fixed when the job is created, so a
// job resumed after a restart writes the same files.
type bk3ArchiveParams struct {
	AppID        string    `json:"app_id"`
	Version      string    `json:"version"`
	DataArchive  string    `json:"data_archive"`  // path in the version's files
	FilesArchive string    `json:"files_archive"` // path in the version's files
	Created      time.Time `json:"created"`
}

// bk3ArchiveMu makes "is an archive job running for this version? if not, start one" one step.
var bk3ArchiveMu sync.Mutex

// bk3ArchiveRunningError refuses a second archive job for a version (409, code 6100).
type bk3ArchiveRunningError struct{ jobID string }

// Error is the vendor-style message.
func (e *bk3ArchiveRunningError) Error() string {
	return "A migration archive is already being created for this version"
}

// Unwrap makes the refusal an core.ErrConflict for in-process callers.
func (e *bk3ArchiveRunningError) Unwrap() error { return core.ErrConflict }

// bk3StartArchive starts the archive job for appID/version unless one is running.
func (s *Backendless) bk3StartArchive(appID, version string) (core.Job, error) {
	bk3ArchiveMu.Lock()
	defer bk3ArchiveMu.Unlock()
	var appName string
	s.store.read(func(st *state) {
		if a, v := st.bk3Version(appID, version); v != nil {
			appName = a.Name
		}
	})
	if appName == "" {
		return core.Job{}, fmt.Errorf("sandbox: no 3.x app %q with version %q: %w", appID, version, core.ErrNotFound)
	}
	for _, j := range s.Jobs() {
		if j.Kind != bk3ArchiveJobKind || j.Done() {
			continue
		}
		var p bk3ArchiveParams
		if json.Unmarshal(j.Params, &p) == nil && p.AppID == appID && p.Version == version {
			return j, &bk3ArchiveRunningError{jobID: j.ID}
		}
	}
	created := time.Now().UTC().Truncate(time.Second)
	base := safeFileName(appName) + "_" + version
	stamp := created.Format("20060102150405")
	return s.SubmitJob(bk3ArchiveJobKind, bk3ArchiveParams{
		AppID: appID, Version: version, Created: created,
		DataArchive:  bk3ArchiveDir + "/" + base + "_data_" + stamp + ".zip",
		FilesArchive: bk3ArchiveDir + "/" + base + "_files_" + stamp + ".zip",
	})
}

// bk3ArchiveWork builds both archives from the version's current content and links them into
// /migration-to-4 together, in one state change, so a listing never shows a partial archive.
// Re-run after a restart, it builds again and replaces what an earlier run may have linked.
func bk3ArchiveWork(ctx context.Context, s *Backendless, run *core.JobRun) error {
	var p bk3ArchiveParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	snap, err := s.bk3Snapshot(p.AppID, p.Version)
	if err != nil {
		return err
	}
	if err := run.Progress(60, "Building the data archive"); err != nil {
		return err
	}
	data, err := s.buildZipBlob(ctx, p.Created, func(b *zipBuild) error { return writeDataArchive(s, b, snap, p.Created) })
	if err != nil {
		return fmt.Errorf("build the data archive: %w", err)
	}
	if err := run.Progress(80, "Building the files archive"); err != nil {
		_ = s.DeleteBlob(data.ID)
		return err
	}
	files, err := s.buildZipBlob(ctx, p.Created, func(b *zipBuild) error { return writeFilesArchive(s, b, snap, p.Created) })
	if err != nil {
		_ = s.DeleteBlob(data.ID)
		return fmt.Errorf("build the files archive: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	var replaced []string
	err = s.store.update(func(st *state) error {
		a, v := st.bk3Version(p.AppID, p.Version)
		if v == nil {
			return fmt.Errorf("3.x app %s version %s no longer exists", p.AppID, p.Version)
		}
		st.touch(collLegacy, a.ID)
		for path, ref := range map[string]bkBlobRef{p.DataArchive: data, p.FilesArchive: files} {
			old, err := v.Files.put(path, &bkFile{Blob: ref.ID, Size: ref.Size, SHA256: ref.SHA256, Created: now, Updated: now})
			if err != nil {
				return err
			}
			if old != nil {
				replaced = append(replaced, old.Blob)
			}
		}
		return nil
	})
	if err != nil {
		s.deleteBlobs([]string{data.ID, files.ID})
		return err
	}
	s.deleteBlobs(replaced)
	return run.Progress(100, "Migration archive is ready in /"+bk3ArchiveDir)
}

// bk3Snapshot copies what the archive of appID/version is built from.
func (s *Backendless) bk3Snapshot(appID, version string) (bk3Snapshot, error) {
	var snap bk3Snapshot
	found := false
	s.store.read(func(st *state) {
		a, v := st.bk3Version(appID, version)
		if v == nil {
			return
		}
		found = true
		snap = bk3Snapshot{AppID: a.ID, AppName: a.Name, Version: v.Name, Data: v.Data.clone()}
		for p, f := range v.Files.Files {
			if p == bk3ArchiveDir || strings.HasPrefix(p, bk3ArchiveDir+"/") {
				continue
			}
			snap.Files = append(snap.Files, bkEntryBlob{Path: p, Blob: f.Blob, Size: f.Size})
		}
	})
	if !found {
		return snap, fmt.Errorf("3.x app %s version %s no longer exists", appID, version)
	}
	slices.SortFunc(snap.Files, func(a, b bkEntryBlob) int { return strings.Compare(a.Path, b.Path) })
	return snap, nil
}

// bk3ArchiveJobView is the job status body (plans/issue3-contract.md, MODELED).
type bk3ArchiveJobView struct {
	JobID        string `json:"jobId"`
	Status       string `json:"status"`
	Message      string `json:"message"`
	DataArchive  string `json:"dataArchive"`
	FilesArchive string `json:"filesArchive"`
	Created      int64  `json:"created"`
	Completed    *int64 `json:"completed"`
}

// bk3ArchiveStatus maps the sandbox's job states to the modeled vendor words.
func bk3ArchiveStatus(j core.Job) string {
	switch j.State {
	case core.JobCompleted:
		return "COMPLETED"
	case core.JobFailed:
		return "FAILED"
	}
	return "IN_PROGRESS"
}

// bk3ArchiveJob returns the archive job id of appID/version as the status route shows it.
func (s *Backendless) bk3ArchiveJob(appID, version, id string) (bk3ArchiveJobView, bool) {
	j, ok := s.Job(id)
	if !ok || j.Kind != bk3ArchiveJobKind {
		return bk3ArchiveJobView{}, false
	}
	var p bk3ArchiveParams
	if json.Unmarshal(j.Params, &p) != nil || p.AppID != appID || p.Version != version {
		return bk3ArchiveJobView{}, false
	}
	return bk3ArchiveViewOf(j, p), true
}

// bk3ArchiveJobs lists the archive jobs of appID/version, newest first.
func (s *Backendless) bk3ArchiveJobs(appID, version string) []bk3ArchiveJobView {
	jobs := s.Jobs() // oldest first
	out := []bk3ArchiveJobView{}
	for i := len(jobs) - 1; i >= 0; i-- {
		j := jobs[i]
		if j.Kind != bk3ArchiveJobKind {
			continue
		}
		var p bk3ArchiveParams
		if json.Unmarshal(j.Params, &p) != nil || !strings.EqualFold(p.AppID, appID) || !strings.EqualFold(p.Version, version) {
			continue
		}
		out = append(out, bk3ArchiveViewOf(j, p))
	}
	return out
}

func bk3ArchiveViewOf(j core.Job, p bk3ArchiveParams) bk3ArchiveJobView {
	v := bk3ArchiveJobView{
		JobID: j.ID, Status: bk3ArchiveStatus(j), Message: j.Message,
		DataArchive: "/" + p.DataArchive, FilesArchive: "/" + p.FilesArchive, Created: j.Created.UnixMilli(),
	}
	if v.Message == "" {
		v.Message = "Creating the migration archive"
	}
	if j.Done() {
		ms := j.Updated.UnixMilli()
		v.Completed = &ms
	}
	return v
}

// bk3ArchiveViewOfJob renders a job returned by bk3StartArchive.
func bk3ArchiveViewOfJob(j core.Job) bk3ArchiveJobView {
	var p bk3ArchiveParams
	_ = json.Unmarshal(j.Params, &p)
	return bk3ArchiveViewOf(j, p)
}

// PressCreateMigrationArchive is the developer pressing "Migrate to Backendless 4.0" → pick
// version → "Create migration archive for 4.0" in the 3.x console (runbook steps 2–3). It starts
// the same job as the modeled REST call; core.ErrConflict while one runs for the version (the error
// names the running job), core.ErrNotFound for an unknown app or version.
func (s *Backendless) PressCreateMigrationArchive(appID, version string) (jobID string, err error) {
	j, err := s.bk3StartArchive(appID, version)
	var running *bk3ArchiveRunningError
	if errors.As(err, &running) {
		return running.jobID, fmt.Errorf("sandbox: %s (job %s): %w", running.Error(), running.jobID, core.ErrConflict)
	}
	if err != nil {
		return "", err
	}
	return j.ID, nil
}

// --- corrupting an archive in place (test helper) ---

// Ways CorruptLegacyFile can break an archive.
const (
	CorruptNotZip           = "not-zip"
	CorruptEscapeEntry      = "escape-entry"
	CorruptManifestMismatch = "manifest-mismatch"
	// CorruptAbsoluteEntry adds an entry with an absolute name ("/etc/x"), CorruptBackslashEntry
	// one that escapes with Windows separators ("..\\x"): the other ways out of an archive's folder.
	CorruptAbsoluteEntry  = "absolute-entry"
	CorruptBackslashEntry = "backslash-entry"
)

// bkBadEntries are the escaping entry names each corruption adds.
var bkBadEntries = map[string]string{CorruptEscapeEntry: bkEscapingEntry, CorruptAbsoluteEntry: "/etc/x", CorruptBackslashEntry: `..\x`}

// bkEscapingEntry is the entry CorruptEscapeEntry adds (the contract's example name).
const bkEscapingEntry = "../x"

// corruptArchive writes a corrupted copy of the zip in blob into a new blob.
func (s *Backendless) corruptArchive(blob, how string) (bkBlobRef, error) {
	if how == CorruptNotZip {
		id, size, sum, err := s.PutBlob(strings.NewReader("This is not a zip archive: the sandbox corrupted it on purpose.\n"))
		return bkBlobRef{ID: id, Size: size, SHA256: sum}, err
	}
	if _, bad := bkBadEntries[how]; !bad && how != CorruptManifestMismatch {
		return bkBlobRef{}, fmt.Errorf("sandbox: corrupt %q: want %s, %s, %s, %s or %s: %w", how, CorruptNotZip, CorruptEscapeEntry, CorruptAbsoluteEntry, CorruptBackslashEntry, CorruptManifestMismatch, core.ErrInvalid)
	}
	rc, size, err := s.OpenBlob(blob)
	if err != nil {
		return bkBlobRef{}, err
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok {
		return bkBlobRef{}, errors.New("sandbox: blob does not support random access")
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return bkBlobRef{}, fmt.Errorf("sandbox: corrupt %s: the file is not a zip archive: %w", how, core.ErrInvalid)
	}
	target := ""
	if how == CorruptManifestMismatch {
		if target, err = mismatchTarget(zr); err != nil {
			return bkBlobRef{}, err
		}
	}
	return s.buildZipBlob(context.Background(), time.Now().UTC(), func(b *zipBuild) error {
		for _, f := range zr.File {
			if f.Name != target {
				if err := b.zw.Copy(f); err != nil {
					return err
				}
				continue
			}
			src, err := f.Open()
			if err != nil {
				return err
			}
			err = streamInto(func(r io.Reader) error { return b.add(f.Name, f.Method, r) }, func(w io.Writer) error { return tamper(w, src) })
			src.Close()
			if err != nil {
				return err
			}
		}
		if name, bad := bkBadEntries[how]; bad {
			return b.add(name, zip.Deflate, strings.NewReader("outside the archive folder\n"))
		}
		return nil
	})
}

// mismatchTarget picks the entry CorruptManifestMismatch alters: the first table's rows if the
// archive has any, else the first entry the manifest lists.
func mismatchTarget(zr *zip.Reader) (string, error) {
	var m struct {
		Entries []bkManifestEntry `json:"entries"`
	}
	f, err := zr.Open(bkManifestFile)
	if err != nil {
		return "", fmt.Errorf("sandbox: corrupt manifest-mismatch: the archive has no %s: %w", bkManifestFile, core.ErrInvalid)
	}
	err = json.NewDecoder(f).Decode(&m)
	f.Close()
	if err != nil || len(m.Entries) == 0 {
		return "", fmt.Errorf("sandbox: corrupt manifest-mismatch: %s lists no entries: %w", bkManifestFile, core.ErrInvalid)
	}
	for _, e := range m.Entries {
		if strings.HasPrefix(e.Path, "tables/") && strings.HasSuffix(e.Path, ".json") && !strings.HasSuffix(e.Path, ".schema.json") {
			return e.Path, nil
		}
	}
	return m.Entries[0].Path, nil
}

// tamper copies src to w with a change a manifest would notice: a JSON array loses its last
// element (a row went missing, the JSON stays valid); anything else gains a trailing line.
func tamper(w io.Writer, src io.Reader) error {
	var buf bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(src, &buf))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		// Not an array: copy what was read and the rest, then add a line.
		if _, err := io.Copy(w, io.MultiReader(&buf, src)); err != nil {
			return err
		}
		_, err := io.WriteString(w, "tampered\n")
		return err
	}
	var prev json.RawMessage
	n := 0
	for dec.More() {
		var cur json.RawMessage
		if err := dec.Decode(&cur); err != nil {
			return err
		}
		buf.Reset() // the tee must not hold the whole entry
		if prev != nil {
			sep := ",\n"
			if n == 0 {
				sep = "[\n"
			}
			if _, err := io.WriteString(w, sep); err != nil {
				return err
			}
			if _, err := w.Write(prev); err != nil {
				return err
			}
			n++
		}
		prev = cur
	}
	if n == 0 {
		_, err := io.WriteString(w, "[\n]\n")
		return err
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

// bk3ArchiveRunningBody is the 409 body: the contract's {code, message} plus the running job.
type bk3ArchiveRunningBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	JobID   string `json:"jobId"`
}

func writeBk3ArchiveRunning(w http.ResponseWriter, e *bk3ArchiveRunningError) {
	core.WriteJSON(w, http.StatusConflict, bk3ArchiveRunningBody{Code: bk3CodeArchiveRunning, Message: e.Error(), JobID: e.jobID})
}
