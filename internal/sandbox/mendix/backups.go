package mendix

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// Backups API v2 (mendix-cloud-api.md §5.5), below deploy.mendix.com/api/v2/apps/<ProjectId>/
// environments/<EnvironmentId>: snapshots, archives and restores, all asynchronous with state
// queued → running → completed | failed, snake_case bodies, ISO-8601 timestamps that are null
// while pending. Only Mendix Cloud v4 environments are served; a v3 environment answers 400
// NOT_SUPPORTED (the 2020 revision of the page).

// mxSnapshotLifetime is how long a snapshot is kept. modeled: Mendix keeps nightly backups for
// weeks to months depending on the plan; the docs' example shows three months.
const mxSnapshotLifetime = 90 * 24 * time.Hour

func (s *Mendix) routeMendixBackupsV2(_ *core.Mount, h func(core.Tag, string, string, http.HandlerFunc)) {
	const env = "/api/v2/apps/{projectId}/environments/{envId}"
	h(core.Documented, "§5.5", "GET "+env+"/snapshots", s.mxV2ListSnapshots)
	h(core.Documented, "§5.5", "POST "+env+"/snapshots", s.mxV2CreateSnapshot)
	h(core.Modeled, "§5.5", "POST "+env+"/snapshots/upload", s.mxV2UploadSnapshot)
	h(core.Documented, "§5.5", "GET "+env+"/snapshots/{snapshotId}", s.mxV2GetSnapshot)
	h(core.Documented, "§5.5", "PUT "+env+"/snapshots/{snapshotId}", s.mxV2UpdateSnapshot)
	h(core.Documented, "§5.5", "DELETE "+env+"/snapshots/{snapshotId}", s.mxV2DeleteSnapshot)
	h(core.Documented, "§5.5", "POST "+env+"/snapshots/{snapshotId}/archives", s.mxV2CreateArchive)
	h(core.Documented, "§5.5", "GET "+env+"/snapshots/{snapshotId}/archives/{archiveId}", s.mxV2GetArchive)
	h(core.Documented, "§5.5", "POST "+env+"/restores", s.mxV2CreateRestore)
	// modeled: Backups v2 documents no restore listing (see mxV2ListRestores).
	h(core.Modeled, "§5.5", "GET "+env+"/restores", s.mxV2ListRestores)
	h(core.Documented, "§5.5", "GET "+env+"/restores/{restoreId}", s.mxV2GetRestore)
}

// mxV2EnvFor resolves <ProjectId>/<EnvironmentId>: an environment of the node the app is
// linked to, on Cloud v4.
func (st *state) mxV2EnvFor(projectID, envID string) (*mxNode, *mxEnv, *mxErr) {
	n := st.Mendix.linkedNode(projectID)
	var e *mxEnv
	if n != nil {
		for _, x := range n.Environments {
			if strings.EqualFold(x.ID, envID) {
				e = x
			}
		}
	}
	if e == nil {
		return nil, nil, newMxErr(http.StatusNotFound, "ENVIRONMENT_NOT_FOUND", "Environment not found.")
	}
	if n.Cloud != "v4" {
		return nil, nil, newMxErr(http.StatusBadRequest, "NOT_SUPPORTED", "This endpoint can only be used with Mendix Cloud V4")
	}
	return n, e, nil
}

// mxEnvBusy reports whether a snapshot or restore of the environment is still in progress.
func (st *state) mxEnvBusy(envID string) bool {
	pending := func(final, jobID string) bool {
		s, _ := jobState(st, final, jobID)
		return s == mxStateQueued || s == mxStateRunning
	}
	for _, sn := range st.Mendix.Snapshots {
		if sn.EnvID == envID && !sn.Uploaded && pending(sn.State, sn.JobID) {
			return true
		}
	}
	for _, r := range st.Mendix.Restores {
		if r.TargetEnvID == envID && pending(r.State, r.JobID) {
			return true
		}
	}
	return false
}

// --- views ---

type mxV2Snapshot struct {
	SnapshotID    string  `json:"snapshot_id"`
	Comment       *string `json:"comment"`
	State         string  `json:"state"`
	StatusMessage *string `json:"status_message"`
	ModelVersion  *string `json:"model_version"`
	ExpiresAt     *string `json:"expires_at"`
	CreatedAt     string  `json:"created_at"`
	UpdatedAt     *string `json:"updated_at"`
	FinishedAt    *string `json:"finished_at"`
}

// mxUpdated is a record's updated_at: null while queued, the job's last change while running,
// the finish time at the end.
func mxUpdated(st *state, state, jobID string, finished time.Time) *string {
	switch state {
	case mxStateQueued:
		return nil
	case mxStateRunning:
		if j := mxJob(st, jobID); j != nil {
			return isoOrNull(j.Updated)
		}
		return nil
	}
	return isoOrNull(finished)
}

func (st *state) mxV2SnapshotView(sn *mxSnapshot) mxV2Snapshot {
	state, jobMsg := jobState(st, sn.State, sn.JobID)
	msg := sn.StatusMessage
	if msg == "" {
		msg = jobMsg
	}
	v := mxV2Snapshot{
		SnapshotID: sn.ID, Comment: strOrNull(sn.Comment), State: state, StatusMessage: strOrNull(msg),
		ModelVersion: strOrNull(sn.Content.ModelVersion), ExpiresAt: isoOrNull(sn.Expires), CreatedAt: isoTime(sn.Created),
		UpdatedAt: mxUpdated(st, state, sn.JobID, sn.Finished),
	}
	if state == mxStateCompleted || state == mxStateFailed {
		v.FinishedAt = isoOrNull(sn.Finished)
	}
	return v
}

type mxV2Archive struct {
	ArchiveID     string  `json:"archive_id"`
	SnapshotID    string  `json:"snapshot_id"`
	DataType      string  `json:"data_type"`
	State         string  `json:"state"`
	StatusMessage *string `json:"status_message"`
	URL           *string `json:"url"`
	CreatedAt     string  `json:"created_at"`
	UpdatedAt     *string `json:"updated_at"`
	FinishedAt    *string `json:"finished_at"`
}

func (st *state) mxV2ArchiveView(a *mxArchive, base string) mxV2Archive {
	state, jobMsg := jobState(st, a.State, a.JobID)
	msg := a.StatusMessage
	if msg == "" {
		msg = jobMsg
	}
	v := mxV2Archive{
		ArchiveID: a.ID, SnapshotID: a.SnapshotID, DataType: a.DataType, State: state, StatusMessage: strOrNull(msg),
		CreatedAt: isoTime(a.Created), UpdatedAt: mxUpdated(st, state, a.JobID, a.Finished),
	}
	if state == mxStateCompleted || state == mxStateFailed {
		v.FinishedAt = isoOrNull(a.Finished)
	}
	if a.Token != "" {
		link := base + mxStoragePath(a.Token, a.FileName)
		v.URL = &link
	}
	return v
}

type mxV2Restore struct {
	RestoreID           string  `json:"restore_id"`
	SourceSnapshotID    string  `json:"source_snapshot_id"`
	SourceEnvironmentID string  `json:"source_environment_id"`
	TargetEnvironmentID string  `json:"target_environment_id"`
	State               string  `json:"state"`
	StatusMessage       *string `json:"status_message"`
	CreatedAt           string  `json:"created_at"`
	UpdatedAt           *string `json:"updated_at"`
	FinishedAt          *string `json:"finished_at"`
}

func (st *state) mxV2RestoreView(r *mxRestore) mxV2Restore {
	state, jobMsg := jobState(st, r.State, r.JobID)
	msg := r.StatusMessage
	if msg == "" {
		msg = jobMsg
	}
	v := mxV2Restore{
		RestoreID: r.ID, SourceSnapshotID: r.SnapshotID, SourceEnvironmentID: r.SourceEnvID, TargetEnvironmentID: r.TargetEnvID,
		State: state, StatusMessage: strOrNull(msg), CreatedAt: isoTime(r.Created), UpdatedAt: mxUpdated(st, state, r.JobID, r.Finished),
	}
	if state == mxStateCompleted || state == mxStateFailed {
		v.FinishedAt = isoOrNull(r.Finished)
	}
	return v
}

// A create answers the object as it starts, "queued" with nothing finished (mendix-cloud-api.md
// §5.5: the state always starts with queued), even when a fast job has already moved on.

func (v mxV2Snapshot) asCreated() mxV2Snapshot {
	v.State, v.StatusMessage, v.UpdatedAt, v.FinishedAt = mxStateQueued, nil, nil, nil
	return v
}

func (v mxV2Archive) asCreated() mxV2Archive {
	v.State, v.StatusMessage, v.UpdatedAt, v.FinishedAt, v.URL = mxStateQueued, nil, nil, nil, nil
	return v
}

func (v mxV2Restore) asCreated() mxV2Restore {
	v.State, v.StatusMessage, v.UpdatedAt, v.FinishedAt = mxStateQueued, nil, nil, nil
	return v
}

// --- snapshots ---

// mxQueryInt reads a non-negative integer query parameter.
func mxQueryInt(r *http.Request, name string, def int) (int, *mxErr) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < 0 {
		return 0, newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", fmt.Sprintf("Query parameter %s must be a non-negative integer", name))
	}
	return v, nil
}

// mxV2ListSnapshots is GET /snapshots?offset&limit → {snapshots, total, offset, limit}, oldest
// first.
func (s *Mendix) mxV2ListSnapshots(w http.ResponseWriter, r *http.Request) {
	offset, merr := mxQueryInt(r, "offset", 0)
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	limit, merr := mxQueryInt(r, "limit", 100)
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	page := []mxV2Snapshot{}
	total := 0
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId")); merr != nil {
			return
		}
		for _, sn := range st.Mendix.Snapshots {
			if sn.EnvID != e.ID {
				continue
			}
			if total >= offset && len(page) < limit {
				page = append(page, st.mxV2SnapshotView(sn))
			}
			total++
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"snapshots": page, "total": total, "offset": offset, "limit": limit})
}

// mxV2CreateSnapshot is POST /snapshots {comment}: a snapshot of what the environment holds
// now, made by a job.
func (s *Mendix) mxV2CreateSnapshot(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Comment string `json:"comment"`
	}
	if err := mxDecodeJSON(w, r, &in); err != nil {
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "Could not read the request body: "+err.Error())
		return
	}
	if in.Comment == "" {
		in.Comment = "Manually created snapshot"
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	sn := &mxSnapshot{ID: newMxID(), Comment: in.Comment, Created: now, Expires: now.Add(mxSnapshotLifetime)}
	err := s.store.update(func(st *state) error {
		_, e, merr := st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId"))
		if merr != nil {
			return merr
		}
		if st.mxEnvBusy(e.ID) {
			return newMxErr(http.StatusBadRequest, "ENVIRONMENT_BUSY", "Environment is busy, please try again later or contact Support for assistance.")
		}
		sn.EnvID = e.ID
		st.Mendix.Snapshots = append(st.Mendix.Snapshots, sn)
		st.touch(collSnapshots, sn.ID)
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	view, err := s.mxSubmitFor(mxJobSnapshot, sn.ID, func(st *state, jobID string) (any, bool) {
		x := st.Mendix.snapshot(sn.ID)
		if x == nil {
			return nil, false
		}
		st.touch(collSnapshots, x.ID)
		x.JobID = jobID
		return st.mxV2SnapshotView(x).asCreated(), true
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, view)
}

// mxJobParams names the record a Backups job works on.
type mxJobParams struct {
	ID string `json:"id"`
}

// mxSubmitFor starts a job of kind for record id, then lets attach store the job id on the
// record and render the answer.
func (s *Mendix) mxSubmitFor(kind, id string, attach func(st *state, jobID string) (any, bool)) (any, error) {
	job, err := s.SubmitJob(kind, mxJobParams{ID: id})
	if err != nil {
		return nil, err
	}
	var view any
	err = s.store.update(func(st *state) error {
		v, ok := attach(st, job.ID)
		if !ok {
			return newMxErr(http.StatusNotFound, "NOT_FOUND", "Not found")
		}
		view = v
		return nil
	})
	return view, err
}

// mxHash seeds generated content from an id.
func mxHash(id string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	return int64(h.Sum64() >> 1)
}

// mxRunSnapshot captures the environment's content: the backup last restored into it, or an
// empty database for an environment that never had data.
func mxRunSnapshot(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	return s.store.update(func(st *state) error {
		sn := st.Mendix.snapshot(p.ID)
		if sn == nil || sn.State != "" {
			return nil
		}
		st.touch(collSnapshots, sn.ID)
		_, e := st.Mendix.envByID(sn.EnvID)
		model := ""
		if e != nil {
			if pk := st.Mendix.pkg(e.PackageID); pk != nil {
				model = pk.ModelVersion
			}
		}
		if e != nil && e.Data != nil {
			sn.Content = *e.Data
			sn.Content.Parts = mxBackupParts{}
		} else {
			sn.Content = mxBackupContent{Gen: &mxBackupGen{Seed: mxHash(sn.ID), Model: model}, HasDB: true}
			sn.Content.DBBytes = mxDumpSize(*sn.Content.Gen)
		}
		if model != "" {
			sn.Content.ModelVersion = model
		}
		sn.State, sn.StatusMessage, sn.Finished = mxStateCompleted, "Completed backup creation", time.Now().UTC()
		return nil
	})
}

func (s *Mendix) mxV2GetSnapshot(w http.ResponseWriter, r *http.Request) {
	var out mxV2Snapshot
	var merr *mxErr
	var jobID string
	s.store.read(func(st *state) {
		var sn *mxSnapshot
		if _, sn, merr = st.mxV2SnapshotFor(r); merr == nil {
			out, jobID = st.mxV2SnapshotView(sn), sn.JobID
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	s.noteRecordRead(jobID, out.State)
	core.WriteJSON(w, http.StatusOK, out)
}

// mxV2SnapshotFor resolves the environment and <SnapshotId> of a request.
func (st *state) mxV2SnapshotFor(r *http.Request) (*mxEnv, *mxSnapshot, *mxErr) {
	_, e, merr := st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId"))
	if merr != nil {
		return nil, nil, merr
	}
	sn := st.Mendix.snapshot(r.PathValue("snapshotId"))
	if sn == nil || sn.EnvID != e.ID {
		return nil, nil, newMxErr(http.StatusNotFound, "NOT_FOUND", "Snapshot not found.")
	}
	return e, sn, nil
}

// mxV2UpdateSnapshot is PUT /snapshots/<id> {comment}; updated_at stays as it was.
func (s *Mendix) mxV2UpdateSnapshot(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Comment string `json:"comment"`
	}
	if err := core.DecodeJSON(w, r, &in); err != nil {
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "Could not read the request body: "+err.Error())
		return
	}
	var out mxV2Snapshot
	err := s.store.update(func(st *state) error {
		_, sn, merr := st.mxV2SnapshotFor(r)
		if merr != nil {
			return merr
		}
		st.touch(collSnapshots, sn.ID)
		sn.Comment = in.Comment
		out = st.mxV2SnapshotView(sn)
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// mxV2DeleteSnapshot is DELETE /snapshots/<id> → 204 No Content.
func (s *Mendix) mxV2DeleteSnapshot(w http.ResponseWriter, r *http.Request) {
	var blobs []string
	err := s.store.update(func(st *state) error {
		_, sn, merr := st.mxV2SnapshotFor(r)
		if merr != nil {
			return merr
		}
		st.Mendix.Snapshots = slices.DeleteFunc(st.Mendix.Snapshots, func(x *mxSnapshot) bool { return x == sn })
		st.touch(collSnapshots, sn.ID)
		st.Mendix.Archives = slices.DeleteFunc(st.Mendix.Archives, func(a *mxArchive) bool {
			if a.SnapshotID != sn.ID {
				return false
			}
			st.touch(collArchives, a.ID)
			return true
		})
		for _, id := range []string{sn.Content.Blob.BlobID, sn.Content.Parts.DB.BlobID, sn.Content.Parts.Files.BlobID} {
			if id != "" && !st.Mendix.blobInUse(id) {
				blobs = append(blobs, id)
			}
		}
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	for _, id := range blobs {
		_ = s.DeleteBlob(id)
	}
	core.WriteEmpty(w, http.StatusNoContent)
}

// --- the modeled backup upload ---

// mxV2UploadSnapshot serves the portal's "Backups → Upload Archive", which has no API.
//
// modeled: POST /api/v2/apps/<ProjectId>/environments/<EnvironmentId>/snapshots/upload?comment=
// with the archive as multipart field "file" (the same convention as the package upload), refused
// above 1 GB while it streams. It answers 202 with a Backups v2 snapshot object (snake_case,
// state "queued", the comment given, as POST /snapshots {comment} takes one, else "Uploaded
// snapshot"): the v2 page says an upload creates a new backup
// item rather than restoring, and its 2021 example shows such an item with that comment and
// status_message "Completed extraction", which the snapshot gets once its job has checked the
// archive (or "failed" with the reason for a broken one). It lives under Backups v2 because
// that is where the item then appears, and it has v2's rules: a v3 environment answers
// NOT_SUPPORTED.
func (s *Mendix) mxV2UploadSnapshot(w http.ResponseWriter, r *http.Request) {
	var envID string
	var merr *mxErr
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId")); merr == nil {
			envID = e.ID
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	blobID, size, sum, err := s.mxReceiveFile(r)
	if err != nil {
		w.Header().Set("Connection", "close")
		writeMxDeployErr(w, err)
		return
	}
	view, err := s.mxStartBackupUpload(envID, mxBlobRef{BlobID: blobID, Size: size, SHA256: sum}, r.URL.Query().Get("comment"))
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusAccepted, view)
}

// mxStartBackupUpload records an uploaded archive as a new snapshot of envID and starts the
// job that checks it.
func (s *Mendix) mxStartBackupUpload(envID string, blob mxBlobRef, comment string) (mxV2Snapshot, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	if comment == "" {
		comment = "Uploaded snapshot"
	}
	sn := &mxSnapshot{
		ID: newMxID(), EnvID: envID, Comment: comment, Uploaded: true,
		Created: now, Expires: now.Add(mxSnapshotLifetime), Content: mxBackupContent{Blob: blob},
	}
	err := s.store.update(func(st *state) error {
		if _, e := st.Mendix.envByID(envID); e == nil {
			return newMxErr(http.StatusNotFound, "ENVIRONMENT_NOT_FOUND", "Environment not found.")
		}
		st.Mendix.Snapshots = append(st.Mendix.Snapshots, sn)
		st.touch(collSnapshots, sn.ID)
		return nil
	})
	if err != nil {
		_ = s.DeleteBlob(blob.BlobID)
		return mxV2Snapshot{}, err
	}
	view, err := s.mxSubmitFor(mxJobUpload, sn.ID, func(st *state, jobID string) (any, bool) {
		x := st.Mendix.snapshot(sn.ID)
		if x == nil {
			return nil, false
		}
		st.touch(collSnapshots, x.ID)
		x.JobID = jobID
		return st.mxV2SnapshotView(x).asCreated(), true
	})
	if err != nil {
		return mxV2Snapshot{}, err
	}
	v, _ := view.(mxV2Snapshot)
	return v, nil
}

// mxRunBackupUpload extracts (reads through) an uploaded archive: a Full Snapshot .tar.gz or a
// database dump. A files-only archive completes but cannot be restored, as on the portal.
func mxRunBackupUpload(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	var blob string
	var done bool
	s.store.read(func(st *state) {
		if sn := st.Mendix.snapshot(p.ID); sn != nil {
			blob, done = sn.Content.Blob.BlobID, sn.State != ""
		}
	})
	if blob == "" || done {
		return nil
	}
	f, _, err := s.OpenBlob(blob)
	if err != nil {
		return err
	}
	info, inspectErr := inspectMxBackup(f)
	_ = f.Close()
	reason := ""
	if inspectErr != nil {
		reason = inspectErr.Error()
	}
	err = s.store.update(func(st *state) error {
		sn := st.Mendix.snapshot(p.ID)
		if sn == nil {
			return nil
		}
		st.touch(collSnapshots, sn.ID)
		sn.Finished = time.Now().UTC()
		if reason != "" {
			sn.State, sn.StatusMessage = mxStateFailed, "Extraction failed: "+reason
			return nil
		}
		c := &sn.Content
		c.HasDB, c.DBTables, c.DBRows, c.DBBytes = info.HasDB, info.DBTables, info.DBRows, info.DBBytes
		c.Files, c.FileBytes, c.ModelVersion = info.Files, info.FileBytes, info.ModelVersion
		sn.State, sn.StatusMessage = mxStateCompleted, "Completed extraction"
		return nil
	})
	if err != nil {
		return err
	}
	if inspectErr != nil {
		return inspectErr
	}
	return nil
}

// --- archives ---

// Archive data types (mendix-cloud-api.md §5.5); v2 has no files-only type.
const (
	mxDataFilesAndDB = "files_and_database"
	mxDataDBOnly     = "database_only"
)

// mxV2CreateArchive is POST /snapshots/<id>/archives?data_type=… → archive object, url null.
func (s *Mendix) mxV2CreateArchive(w http.ResponseWriter, r *http.Request) {
	dataType := r.URL.Query().Get("data_type")
	if dataType == "" {
		dataType = mxDataFilesAndDB
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	a := &mxArchive{ID: newMxID(), DataType: dataType, Created: now}
	err := s.store.update(func(st *state) error {
		e, sn, merr := st.mxV2SnapshotFor(r)
		if merr != nil {
			return merr
		}
		if dataType != mxDataFilesAndDB && dataType != mxDataDBOnly {
			return newMxErr(http.StatusBadRequest, "UNSUPPORTED", "Unsupported data_type")
		}
		a.SnapshotID, a.EnvID = sn.ID, e.ID
		st.Mendix.Archives = append(st.Mendix.Archives, a)
		st.touch(collArchives, a.ID)
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	base := s.BaseURL(r)
	view, err := s.mxSubmitFor(mxJobArchive, a.ID, func(st *state, jobID string) (any, bool) {
		x := st.Mendix.archive(a.ID)
		if x == nil {
			return nil, false
		}
		st.touch(collArchives, x.ID)
		x.JobID = jobID
		return st.mxV2ArchiveView(x, base).asCreated(), true
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, view)
}

// mxRunArchive prepares the download and signs its URL; the link's lifetime starts now
// (mendix-cloud-api.md §5.5: valid for a while after completion).
func mxRunArchive(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	var a mxArchive
	var snapState string
	var hasDB, found bool
	s.store.read(func(st *state) {
		x := st.Mendix.archive(p.ID)
		if x == nil {
			return
		}
		a, found = *x, true
		if sn := st.Mendix.snapshot(x.SnapshotID); sn != nil {
			snapState, _ = jobState(st, sn.State, sn.JobID)
			hasDB = sn.Content.HasDB
		}
	})
	if !found || a.State != "" {
		return nil
	}
	part := mxPartFull
	if a.DataType == mxDataDBOnly {
		part = mxPartDB
	}
	var failure error
	switch {
	case snapState == "":
		failure = errors.New("the snapshot was deleted")
	case snapState != mxStateCompleted:
		failure = fmt.Errorf("the snapshot is %s, not completed", snapState)
	case part == mxPartDB && !hasDB:
		failure = errors.New("the snapshot holds no database")
	}
	if failure == nil {
		if _, err := s.mxSnapshotBlob(a.SnapshotID, part); err != nil {
			failure = err
		}
	}
	reason := ""
	if failure != nil {
		reason = failure.Error()
	}
	err := s.store.update(func(st *state) error {
		x := st.Mendix.archive(p.ID)
		if x == nil {
			return nil
		}
		st.touch(collArchives, x.ID)
		now := time.Now().UTC()
		x.Finished = now
		if reason != "" {
			x.State, x.StatusMessage = mxStateFailed, "Archive creation failed: "+reason
			return nil
		}
		sn := st.Mendix.snapshot(x.SnapshotID)
		n, e := st.Mendix.envByID(x.EnvID)
		name := "snapshot-" + x.SnapshotID + ".tar.gz"
		if sn != nil && n != nil {
			name = mxSnapshotFileName(sn, n.Subdomain, e.Mode, part)
		}
		x.FileName = name
		x.Token = st.mintURL(mxURL{FileName: name, ContentType: mxPartContentType(part), SnapshotID: x.SnapshotID, Part: part}, st.Mendix.archiveTTL(), now)
		x.State, x.StatusMessage = mxStateCompleted, "Done preparing download archive"
		return nil
	})
	if err != nil {
		return err
	}
	return failure
}

func (s *Mendix) mxV2GetArchive(w http.ResponseWriter, r *http.Request) {
	var out mxV2Archive
	var merr *mxErr
	var jobID string
	base := s.BaseURL(r)
	s.store.read(func(st *state) {
		var sn *mxSnapshot
		if _, sn, merr = st.mxV2SnapshotFor(r); merr != nil {
			return
		}
		a := st.Mendix.archive(r.PathValue("archiveId"))
		if a == nil || a.SnapshotID != sn.ID {
			merr = newMxErr(http.StatusNotFound, "NOT_FOUND", "Archive not found.")
			return
		}
		out, jobID = st.mxV2ArchiveView(a, base), a.JobID
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	s.noteRecordRead(jobID, out.State)
	core.WriteJSON(w, http.StatusOK, out)
}

// --- restores ---

// mxV2CreateRestore is POST /restores?source_snapshot_id=…&db_only=…. The target must be
// stopped and already have an app deployed; the snapshot must be a completed one with a
// database, of any environment of the same app (node).
func (s *Mendix) mxV2CreateRestore(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	snapID := q.Get("source_snapshot_id")
	dbOnly := false
	switch q.Get("db_only") {
	case "", "false":
	case "true":
		dbOnly = true
	default:
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "db_only must be true or false")
		return
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	rs := &mxRestore{ID: newMxID(), DBOnly: dbOnly, Created: now}
	err := s.store.update(func(st *state) error {
		n, e, merr := st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId"))
		if merr != nil {
			return merr
		}
		if snapID == "" {
			return newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Not enough parameters given. Please set source_snapshot_id.")
		}
		sn := st.Mendix.snapshot(snapID)
		if sn == nil || !slices.ContainsFunc(n.Environments, func(x *mxEnv) bool { return x.ID == sn.EnvID }) {
			return newMxErr(http.StatusBadRequest, "NOT_FOUND", "Source snapshot not found")
		}
		if state, _ := jobState(st, sn.State, sn.JobID); state != mxStateCompleted || !sn.Content.HasDB {
			return newMxErr(http.StatusBadRequest, "ERROR_NOT_ALLOWED", "Restore failed, backup is not in the right state to start restoring.")
		}
		if e.Status == mxStatusRunning || e.StartJobID != "" {
			return newMxErr(http.StatusBadRequest, "ERROR_NOT_ALLOWED", "Please stop loft before restarting a backup.")
		}
		if e.PackageID == "" {
			return newMxErr(http.StatusBadRequest, "ERROR_NOT_ALLOWED", "Not allowed to restore backups: deploy an app to this environment first.")
		}
		if st.mxEnvBusy(e.ID) {
			return newMxErr(http.StatusBadRequest, "ENVIRONMENT_BUSY", "Environment is busy, please try again later or contact Support for assistance.")
		}
		rs.SnapshotID, rs.SourceEnvID, rs.TargetEnvID = sn.ID, sn.EnvID, e.ID
		st.Mendix.Restores = append(st.Mendix.Restores, rs)
		st.touch(collRestores, rs.ID)
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	view, err := s.mxSubmitFor(mxJobRestore, rs.ID, func(st *state, jobID string) (any, bool) {
		x := st.Mendix.restore(rs.ID)
		if x == nil {
			return nil, false
		}
		st.touch(collRestores, x.ID)
		x.JobID = jobID
		return st.mxV2RestoreView(x).asCreated(), true
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, view)
}

// mxRunRestore loads the snapshot into the target environment and records what it loaded
// (archive SHA-256 and size, database and file counts) for tests to compare with the source.
func mxRunRestore(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	var rs mxRestore
	found := false
	s.store.read(func(st *state) {
		if x := st.Mendix.restore(p.ID); x != nil {
			rs, found = *x, true
		}
	})
	if !found || rs.State != "" {
		return nil
	}
	blob, blobErr := s.mxSnapshotBlob(rs.SnapshotID, mxPartFull)
	reason := ""
	switch {
	case errors.Is(blobErr, core.ErrNotFound):
		reason = "the source snapshot was deleted"
	case blobErr != nil:
		reason = blobErr.Error()
	}
	err := s.store.update(func(st *state) error {
		x := st.Mendix.restore(p.ID)
		if x == nil {
			return nil
		}
		st.touch(collRestores, x.ID)
		now := time.Now().UTC()
		x.Finished = now
		sn := st.Mendix.snapshot(x.SnapshotID)
		n, e := st.Mendix.envByID(x.TargetEnvID)
		if n != nil {
			st.touch(collNodes, n.ID)
		}
		switch {
		case reason != "":
		case sn == nil:
			reason = "the source snapshot was deleted"
		case e == nil:
			reason = "the target environment no longer exists"
		case e.Status == mxStatusRunning:
			reason = "the environment was started during the restore"
		}
		if reason != "" {
			x.State, x.StatusMessage = mxStateFailed, "Restore failed: "+reason
			return nil
		}
		data := sn.Content
		data.Blob = blob
		data.Parts = mxBackupParts{}
		if x.DBOnly {
			// A database-only restore leaves the file store as it was.
			data.Files, data.FileBytes = 0, 0
			if e.Data != nil {
				data.Files, data.FileBytes = e.Data.Files, e.Data.FileBytes
			}
		}
		e.Data = &data
		e.Restored = &mxRestored{
			RestoreID: x.ID, SnapshotID: sn.ID, ArchiveSHA256: blob.SHA256, ArchiveBytes: blob.Size, DBOnly: x.DBOnly,
			DBTables: data.DBTables, DBRows: data.DBRows, Files: data.Files, FileBytes: data.FileBytes, At: now,
		}
		x.State, x.StatusMessage = mxStateCompleted, "Restore completed"
		return nil
	})
	if err != nil {
		return err
	}
	if reason != "" {
		return errors.New(reason)
	}
	return nil
}

// mxV2ListRestores is GET /restores?source_snapshot_id=&offset=&limit= → {restores, total,
// offset, limit}, oldest first. modeled: Backups v2 documents no restore listing; this one has
// the shape of GET /snapshots, so a client that lost the answer to POST /restores can find the
// restore it started (the provider uses it in mode "api" only).
func (s *Mendix) mxV2ListRestores(w http.ResponseWriter, r *http.Request) {
	offset, merr := mxQueryInt(r, "offset", 0)
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	limit, merr := mxQueryInt(r, "limit", 100)
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	snapID := r.URL.Query().Get("source_snapshot_id")
	page := []mxV2Restore{}
	total := 0
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId")); merr != nil {
			return
		}
		for _, x := range st.Mendix.Restores {
			if x.TargetEnvID != e.ID || (snapID != "" && !strings.EqualFold(x.SnapshotID, snapID)) {
				continue
			}
			if total >= offset && len(page) < limit {
				page = append(page, st.mxV2RestoreView(x))
			}
			total++
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"restores": page, "total": total, "offset": offset, "limit": limit})
}

// mxV2GetRestore is GET /restores/<id>; an unknown restore is a 400 NOT_FOUND, as documented.
func (s *Mendix) mxV2GetRestore(w http.ResponseWriter, r *http.Request) {
	var out mxV2Restore
	var merr *mxErr
	var jobID string
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxV2EnvFor(r.PathValue("projectId"), r.PathValue("envId")); merr != nil {
			return
		}
		x := st.Mendix.restore(r.PathValue("restoreId"))
		if x == nil || x.TargetEnvID != e.ID {
			merr = newMxErr(http.StatusBadRequest, "NOT_FOUND", "Restore not found")
			return
		}
		out, jobID = st.mxV2RestoreView(x), x.JobID
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	s.noteRecordRead(jobID, out.State)
	core.WriteJSON(w, http.StatusOK, out)
}

// noteRecordRead counts a read of a Backups v2 object as a status read of the job behind it
// (poll lag, core.NoteStatusRead); fixture snapshots have no job.
func (s *Mendix) noteRecordRead(jobID, state string) {
	if jobID != "" {
		s.NoteStatusRead(jobID, state == mxStateCompleted || state == mxStateFailed)
	}
}

// mxReaderBlob stores r as a blob under the upload limit (for in-process uploads).
func (s *Mendix) mxReaderBlob(r io.Reader) (mxBlobRef, error) {
	id, size, sum, err := s.PutBlob(&limitedUpload{r: r, limit: mxUploadLimit})
	if errors.Is(err, errMxTooLarge) {
		return mxBlobRef{}, fmt.Errorf("%w: %v", core.ErrInvalid, errMxTooLarge)
	}
	if err != nil {
		return mxBlobRef{}, err
	}
	return mxBlobRef{BlobID: id, Size: size, SHA256: sum}, nil
}
