package mendix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// The deploy.mendix.com host, mounted at /mendix/deploy: Deploy API v1 and the Build API under
// /api/1 (no "v"), Backups API v1 under /api/1 too, Deploy API v2 and Backups API v2 under
// /api/v2 (mendix-cloud-api.md §2). Every call needs Mendix-Username + Mendix-ApiKey (§3.1);
// bodies are PascalCase except Backups v2, which is snake_case (§4).

func (s *Mendix) routeMendixDeploy(mux *core.Mount) {
	h := func(tag core.Tag, ref, pattern string, fn http.HandlerFunc) {
		mux.Route(tag, ref, pattern, s.mxAPIKeyAuth(fn))
	}
	const env = "/api/1/apps/{appId}/environments/{mode}"
	h(core.Documented, "§5.1", "GET /api/1/apps", s.mxListApps)
	h(core.Documented, "§5.1", "GET /api/1/apps/{appId}", s.mxGetApp)
	h(core.Documented, "§5.1", "GET /api/1/apps/{appId}/environments", s.mxListEnvs)
	h(core.Documented, "§5.1", "GET "+env, s.mxGetEnv)
	h(core.Documented, "§5.2", "GET "+env+"/package", s.mxGetDeployedPackage)
	h(core.Documented, "§5.3", "POST "+env+"/transport", s.mxTransport)
	h(core.Documented, "§5.3", "POST "+env+"/start", s.mxStart)
	h(core.Documented, "§5.3", "GET "+env+"/start/{jobId}", s.mxStartStatus)
	h(core.Documented, "§5.3", "POST "+env+"/stop", s.mxStop)
	h(core.Documented, "§5.6", "GET "+env+"/settings", s.mxGetSettings)
	h(core.Documented, "§5.6", "POST "+env+"/settings", s.mxPostSettings)
	h(core.Documented, "§5.4", "GET "+env+"/snapshots", s.mxV1ListSnapshots)
	h(core.Documented, "§5.4", "GET "+env+"/snapshots/{snapshotId}", s.mxV1GetSnapshot)
	h(core.Documented, "§5.2", "GET /api/1/apps/{appId}/packages", s.mxListPackages)
	h(core.Documented, "§5.2", "GET /api/1/apps/{appId}/packages/{packageId}", s.mxGetPackage)
	h(core.Documented, "§5.2", "DELETE /api/1/apps/{appId}/packages/{packageId}", s.mxDeletePackage)
	h(core.Documented, "§5.2", "POST /api/v2/apps/{appId}/packages/upload", s.mxUploadPackage)
	h(core.Documented, "§5.2", "GET /api/v2/apps/{appId}/jobs/{jobId}", s.mxV2Job)
	s.routeMendixBackupsV2(mux, h)
	// Unknown routes answer before authentication, in the host's error style.
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeMxDeployError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("sandbox: %s %s is not a Deploy, Build or Backups API route", r.Method, mountMendixDeploy+r.URL.Path))
	})
}

var (
	mxAppIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,62}$`)
	mxModePattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,39}$`)
)

// mxNodeFor resolves a Deploy v1 <AppId>: the subdomain of a node with an app linked to it.
// An unlinked node has no app, so it is "not found" until the runbook's first step links one.
func (st *state) mxNodeFor(appID string) (*mxNode, *mxErr) {
	if !mxAppIDPattern.MatchString(appID) {
		return nil, newMxErr(http.StatusBadRequest, "INVALID_APPID", "Invalid AppId")
	}
	n := st.Mendix.nodeBySubdomain(appID)
	if n == nil || n.LinkedProjectID == "" || st.Mendix.app(n.LinkedProjectID) == nil {
		return nil, newMxErr(http.StatusNotFound, "APP_NOT_FOUND", "App not found")
	}
	return n, nil
}

// mxEnvFor resolves <AppId> and <Mode> (mendix-cloud-api.md §4: Mode compared without regard
// to case).
func (st *state) mxEnvFor(appID, mode string) (*mxNode, *mxEnv, *mxErr) {
	n, err := st.mxNodeFor(appID)
	if err != nil {
		return nil, nil, err
	}
	if !mxModePattern.MatchString(mode) {
		return nil, nil, newMxErr(http.StatusBadRequest, "INVALID_ENVIRONMENT", fmt.Sprintf("Could not parse environment mode '%s'. Valid options are Test, Acceptance, Production or the name of a flexible environment.", mode))
	}
	e := n.env(mode)
	if e == nil {
		return nil, nil, newMxErr(http.StatusNotFound, "ENVIRONMENT_NOT_FOUND", "Environment not found")
	}
	return n, e, nil
}

// --- apps and environments (mendix-cloud-api.md §5.1) ---

type mxV1App struct {
	AppID     string `json:"AppId"`
	Name      string `json:"Name"`
	ProjectID string `json:"ProjectId"`
	URL       string `json:"Url"`
}

func (st *state) mxV1AppView(n *mxNode) mxV1App {
	a := st.Mendix.app(n.LinkedProjectID)
	return mxV1App{AppID: n.Subdomain, Name: a.Name, ProjectID: a.ProjectID, URL: envURL(n.Subdomain, "Production")}
}

// mxListApps is GET /api/1/apps: every node with a linked app (licensed apps). Free apps
// appear only once deployed to a Free App environment, which the sandbox does not model.
func (s *Mendix) mxListApps(w http.ResponseWriter, r *http.Request) {
	out := []mxV1App{}
	s.store.read(func(st *state) {
		for _, n := range st.Mendix.Nodes {
			if n.LinkedProjectID != "" && st.Mendix.app(n.LinkedProjectID) != nil {
				out = append(out, st.mxV1AppView(n))
			}
		}
	})
	slices.SortFunc(out, func(a, b mxV1App) int { return strings.Compare(a.AppID, b.AppID) })
	core.WriteJSON(w, http.StatusOK, out)
}

func (s *Mendix) mxGetApp(w http.ResponseWriter, r *http.Request) {
	var out mxV1App
	var merr *mxErr
	s.store.read(func(st *state) {
		var n *mxNode
		if n, merr = st.mxNodeFor(r.PathValue("appId")); merr == nil {
			out = st.mxV1AppView(n)
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

type mxV1Env struct {
	Status        string `json:"Status"`
	EnvironmentID string `json:"EnvironmentId"`
	URL           string `json:"Url"`
	Mode          string `json:"Mode"`
	ModelVersion  string `json:"ModelVersion"`
	MendixVersion string `json:"MendixVersion"`
	Production    bool   `json:"Production"`
}

func (st *state) mxV1EnvView(n *mxNode, e *mxEnv) mxV1Env {
	v := mxV1Env{Status: e.Status, EnvironmentID: e.ID, URL: envURL(n.Subdomain, e.Mode), Mode: e.Mode, Production: e.Production}
	if p := st.Mendix.pkg(e.PackageID); p != nil {
		v.ModelVersion, v.MendixVersion = p.ModelVersion, p.MendixVersion
	}
	return v
}

func (s *Mendix) mxListEnvs(w http.ResponseWriter, r *http.Request) {
	out := []mxV1Env{}
	var merr *mxErr
	s.store.read(func(st *state) {
		var n *mxNode
		if n, merr = st.mxNodeFor(r.PathValue("appId")); merr == nil {
			for _, e := range n.Environments {
				out = append(out, st.mxV1EnvView(n, e))
			}
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

func (s *Mendix) mxGetEnv(w http.ResponseWriter, r *http.Request) {
	var out mxV1Env
	var merr *mxErr
	s.store.read(func(st *state) {
		var n *mxNode
		var e *mxEnv
		if n, e, merr = st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode")); merr == nil {
			out = st.mxV1EnvView(n, e)
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// --- packages (mendix-cloud-api.md §5.2) ---

type mxV1Package struct {
	PackageID    string      `json:"PackageId"`
	Name         string      `json:"Name"`
	Description  string      `json:"Description"`
	Version      string      `json:"Version"`
	Creator      string      `json:"Creator"`
	CreationDate int64       `json:"CreationDate"` // epoch milliseconds
	ExpiryDate   *int64      `json:"ExpiryDate"`   // null in the docs' example: packages do not expire here
	Status       string      `json:"Status"`
	Size         int64       `json:"Size"`
	URL          *mxV1PkgURL `json:"Url,omitempty"`
}

type mxV1PkgURL struct {
	Location string `json:"Location"`
	TTL      int    `json:"TTL"`
}

func mxV1PackageView(p *mxPackage) mxV1Package {
	return mxV1Package{
		PackageID: p.ID, Name: p.Name, Description: p.Description, Version: p.Version, Creator: p.Creator,
		CreationDate: p.Created.UnixMilli(), Status: p.Status, Size: p.Blob.Size,
	}
}

// mxPackageView builds a package's answer, generating a fixture package's content first so
// Size is real, and with url a fresh pre-signed download link.
func (s *Mendix) mxPackageView(r *http.Request, pkgID string, withURL bool) (mxV1Package, error) {
	if _, err := s.mxPackageBlob(pkgID); err != nil && !errors.Is(err, errMxNoContent) {
		return mxV1Package{}, err
	}
	var out mxV1Package
	err := s.store.update(func(st *state) error {
		p := st.Mendix.pkg(pkgID)
		if p == nil {
			return newMxErr(http.StatusNotFound, "PACKAGE_NOT_FOUND", "Package not found")
		}
		out = mxV1PackageView(p)
		if withURL && p.Status == mxPkgSucceeded {
			tok := st.mintURL(mxURL{FileName: p.Name, ContentType: "application/octet-stream", PackageID: p.ID}, mxPackageURLTTL, time.Now())
			out.URL = &mxV1PkgURL{Location: s.BaseURL(r) + mxStoragePath(tok, p.Name), TTL: int(mxPackageURLTTL / time.Second)}
		}
		return nil
	})
	return out, err
}

// mxGetDeployedPackage is GET .../environments/<Mode>/package?url=true.
func (s *Mendix) mxGetDeployedPackage(w http.ResponseWriter, r *http.Request) {
	var pkgID string
	var merr *mxErr
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode")); merr == nil {
			pkgID = e.PackageID
		}
	})
	if merr == nil && pkgID == "" {
		merr = newMxErr(http.StatusNotFound, "PACKAGE_NOT_FOUND", "No package found for this environment")
	}
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	out, err := s.mxPackageView(r, pkgID, r.URL.Query().Get("url") == "true")
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// mxListPackages is the Build API's GET /api/1/apps/<AppId>/packages.
func (s *Mendix) mxListPackages(w http.ResponseWriter, r *http.Request) {
	var ids []string
	var merr *mxErr
	s.store.read(func(st *state) {
		var n *mxNode
		if n, merr = st.mxNodeFor(r.PathValue("appId")); merr == nil {
			for _, p := range st.Mendix.Packages {
				if p.NodeID == n.ID {
					ids = append(ids, p.ID)
				}
			}
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	out := []mxV1Package{}
	for _, id := range ids {
		v, err := s.mxPackageView(r, id, false)
		if errors.Is(err, core.ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			writeMxDeployErr(w, err)
			return
		}
		out = append(out, v)
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// mxNodePackage resolves a package of the node behind <AppId>.
func (st *state) mxNodePackage(appID, pkgID string) (*mxNode, *mxPackage, *mxErr) {
	n, merr := st.mxNodeFor(appID)
	if merr != nil {
		return nil, nil, merr
	}
	p := st.Mendix.pkg(pkgID)
	if p == nil || p.NodeID != n.ID {
		return nil, nil, newMxErr(http.StatusNotFound, "PACKAGE_NOT_FOUND", "Package or build job not found")
	}
	return n, p, nil
}

// mxGetPackage is the Build API's GET /api/1/apps/<AppId>/packages/<PackageId>(?url=true).
func (s *Mendix) mxGetPackage(w http.ResponseWriter, r *http.Request) {
	var merr *mxErr
	s.store.read(func(st *state) { _, _, merr = st.mxNodePackage(r.PathValue("appId"), r.PathValue("packageId")) })
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	out, err := s.mxPackageView(r, r.PathValue("packageId"), r.URL.Query().Get("url") == "true")
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// mxDeletePackage is the Build API's DELETE; 409 PACKAGE_IN_USE while an environment has it.
// modeled: the success answer, 200 with {} (the docs show none).
func (s *Mendix) mxDeletePackage(w http.ResponseWriter, r *http.Request) {
	var blob string
	err := s.store.update(func(st *state) error {
		n, p, merr := st.mxNodePackage(r.PathValue("appId"), r.PathValue("packageId"))
		if merr != nil {
			return merr
		}
		for _, e := range n.Environments {
			if e.PackageID == p.ID {
				return newMxErr(http.StatusConflict, "PACKAGE_IN_USE", "Package is still in use.")
			}
		}
		st.Mendix.Packages = slices.DeleteFunc(st.Mendix.Packages, func(q *mxPackage) bool { return q == p })
		st.touch(collPackages, p.ID)
		if !st.Mendix.blobInUse(p.Blob.BlobID) {
			blob = p.Blob.BlobID
		}
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	if blob != "" {
		_ = s.DeleteBlob(blob)
	}
	core.WriteJSON(w, http.StatusOK, struct{}{})
}

// mxUploadPackage is Deploy v2 POST /api/v2/apps/<AppId>/packages/upload?name=<file.mda>:
// multipart field "file", streamed to a blob and refused above 1 GB while it streams
// (mendix-cloud-api.md §5.2). The package is then processed by a job; until it finishes the
// package is "Uploading" and transport answers 503.
func (s *Mendix) mxUploadPackage(w http.ResponseWriter, r *http.Request) {
	appID := r.PathValue("appId")
	var nodeID string
	var merr *mxErr
	s.store.read(func(st *state) {
		var n *mxNode
		if n, merr = st.mxNodeFor(appID); merr == nil {
			nodeID = n.ID
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "default.mda"
	}
	blobID, size, sum, err := s.mxReceiveFile(r)
	if err != nil {
		w.Header().Set("Connection", "close")
		writeMxDeployErr(w, err)
		return
	}
	p := &mxPackage{
		ID: newMxID(), NodeID: nodeID, Name: name, Creator: mxCaller(r).Name,
		Created: time.Now().UTC().Truncate(time.Millisecond), Status: mxPkgUploading,
		Blob: mxBlobRef{BlobID: blobID, Size: size, SHA256: sum},
	}
	if p.Creator == "" {
		p.Creator = mxCaller(r).Username
	}
	err = s.store.update(func(st *state) error {
		if st.Mendix.node(nodeID) == nil {
			return newMxErr(http.StatusNotFound, "APP_NOT_FOUND", "App not found")
		}
		st.Mendix.Packages = append(st.Mendix.Packages, p)
		st.touch(collPackages, p.ID)
		return nil
	})
	if err != nil {
		_ = s.DeleteBlob(blobID)
		writeMxDeployErr(w, err)
		return
	}
	job, err := s.SubmitJob(mxJobPackage, mxPackageJobParams{PackageID: p.ID})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	_ = s.store.update(func(st *state) error {
		if q := st.Mendix.pkg(p.ID); q != nil {
			st.touch(collPackages, q.ID)
			q.JobID = job.ID
		}
		return nil
	})
	core.WriteJSON(w, http.StatusOK, map[string]string{"PackageId": p.ID, "JobId": mxJobID(job.ID)})
}

// Job kinds of the Mendix surfaces.
const (
	mxJobPackage  = "mendix.package"
	mxJobStart    = "mendix.start"
	mxJobSnapshot = "mendix.snapshot"
	mxJobArchive  = "mendix.archive"
	mxJobRestore  = "mendix.restore"
	mxJobUpload   = "mendix.backup_upload"
	mxJobProject  = "mendix.project"
)

type mxPackageJobParams struct {
	PackageID string `json:"package_id"`
}

// mxProcessPackage reads an uploaded .mda's model. A package that cannot be read is marked
// Failed, which is what transport's 403 "NOT ALLOWED" (MDA processing failed) refers to.
func mxProcessPackage(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxPackageJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	var blob string
	var done bool
	s.store.read(func(st *state) {
		if q := st.Mendix.pkg(p.PackageID); q != nil {
			blob, done = q.Blob.BlobID, q.Status != mxPkgUploading
		}
	})
	if blob == "" {
		return errors.New("the package was deleted while it was processed")
	}
	if done {
		return nil // a re-run after a restart: already processed
	}
	f, size, err := s.OpenBlob(blob)
	if err != nil {
		return err
	}
	defer f.Close()
	var meta mxMDAMetadata
	ra, ok := f.(interface {
		ReadAt(p []byte, off int64) (int, error)
	})
	if !ok {
		err = errors.New("sandbox: blob is not seekable")
	} else {
		meta, err = readMDAMetadata(ra, size)
	}
	reason := ""
	if err != nil {
		reason = err.Error()
	}
	err = s.store.update(func(st *state) error {
		q := st.Mendix.pkg(p.PackageID)
		if q == nil {
			return nil
		}
		st.touch(collPackages, q.ID)
		if reason != "" {
			q.Status, q.StatusMessage = mxPkgFailed, reason
			return nil
		}
		q.Status = mxPkgSucceeded
		q.ModelVersion, q.MendixVersion, q.Version = meta.ModelVersion, meta.RuntimeVersion, meta.ModelVersion
		q.Constants, q.ScheduledEvents = meta.Constants, meta.ScheduledEvents
		if q.Description == "" && meta.ProjectName != "" {
			q.Description = "Uploaded " + meta.ProjectName + " " + meta.ModelVersion
		}
		return nil
	})
	if err != nil {
		return err
	}
	if reason != "" {
		return errors.New("INVALID_PACKAGE: " + reason)
	}
	return nil
}

// mxV2Job is Deploy v2 GET /api/v2/apps/<AppId>/jobs/<JobId> → {"Status": Queued | Running |
// Completed | Failed}. modeled: 404 JOB_NOT_FOUND for a job that is not this app's.
func (s *Mendix) mxV2Job(w http.ResponseWriter, r *http.Request) {
	var status string
	var merr *mxErr
	s.store.read(func(st *state) {
		var n *mxNode
		if n, merr = st.mxNodeFor(r.PathValue("appId")); merr != nil {
			return
		}
		j := mxJob(st, r.PathValue("jobId"))
		var p mxPackageJobParams
		if j == nil || j.Kind != mxJobPackage || json.Unmarshal(j.Params, &p) != nil {
			merr = newMxErr(http.StatusNotFound, "JOB_NOT_FOUND", "core.Job not found")
			return
		}
		if q := st.Mendix.pkg(p.PackageID); q != nil && q.NodeID != n.ID {
			merr = newMxErr(http.StatusNotFound, "JOB_NOT_FOUND", "core.Job not found")
			return
		}
		status = map[core.JobState]string{core.JobQueued: "Queued", core.JobRunning: "Running", core.JobCompleted: "Completed", core.JobFailed: "Failed"}[j.State]
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	s.NoteStatusRead(r.PathValue("jobId"), status == "Completed" || status == "Failed")
	core.WriteJSON(w, http.StatusOK, map[string]string{"Status": status})
}

// --- transport, start, stop (mendix-cloud-api.md §5.3) ---

// mxTransport is POST .../transport {PackageId}: the environment must be stopped; a package
// still being processed answers 503 SERVICE UNAVAILABLE (retry later). Constants and scheduled
// events come from the package's model from now on. modeled: the success answer, 200 with {}.
func (s *Mendix) mxTransport(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PackageID string `json:"PackageId"`
	}
	if err := mxDecodeJSON(w, r, &in); err != nil {
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "Could not read the request body: "+err.Error())
		return
	}
	if in.PackageID == "" {
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "Not enough parameters given. Please set PackageId.")
		return
	}
	err := s.store.update(func(st *state) error {
		n, e, merr := st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode"))
		if merr != nil {
			return merr
		}
		p := st.Mendix.pkg(in.PackageID)
		if p == nil || p.NodeID != n.ID {
			return newMxErr(http.StatusNotFound, "PACKAGE_NOT_FOUND", "Package not found.")
		}
		if e.Status == mxStatusRunning || e.StartJobID != "" {
			return newMxErr(http.StatusForbidden, "APP_IS_RUNNING", fmt.Sprintf("The '%s' environment of '%s' must be stopped to do transport.", e.Mode, n.Subdomain))
		}
		switch p.Status {
		case mxPkgUploading:
			return newMxErr(http.StatusServiceUnavailable, "SERVICE UNAVAILABLE", "Cannot transport - MDA is still being processed, retry later")
		case mxPkgFailed:
			return newMxErr(http.StatusForbidden, "NOT ALLOWED", "Cannot transport - MDA processing failed, try uploading again with a valid MDA.")
		}
		st.touch(collNodes, n.ID)
		e.PackageID = p.ID
		if e.Status == mxStatusEmpty {
			e.Status = mxStatusStopped
		}
		e.Constants = syncConstants(e.Constants, p.Constants)
		e.ScheduledEvents = syncEvents(e.ScheduledEvents, p.ScheduledEvents)
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, struct{}{})
}

// syncConstants makes an environment's constants those of the package's model: a constant
// the environment already had keeps its values, a new one starts at the model's default and
// is not deployed yet, one the model dropped goes away.
func syncConstants(have []*mxSetting, defs []mxConstDef) []*mxSetting {
	out := []*mxSetting{}
	for _, d := range defs {
		if i := slices.IndexFunc(have, func(c *mxSetting) bool { return c.Name == d.Name }); i >= 0 {
			c := *have[i]
			c.DataType = d.Type
			out = append(out, &c)
			continue
		}
		out = append(out, &mxSetting{Name: d.Name, DataType: d.Type, Value: d.DefaultValue})
	}
	return out
}

// syncEvents does for scheduled events what syncConstants does for constants; a new event
// starts Disabled.
func syncEvents(have []*mxSetting, defs []mxEventDef) []*mxSetting {
	out := []*mxSetting{}
	for _, d := range defs {
		if i := slices.IndexFunc(have, func(c *mxSetting) bool { return c.Name == d.Name }); i >= 0 {
			c := *have[i]
			out = append(out, &c)
			continue
		}
		out = append(out, &mxSetting{Name: d.Name, Value: "Disabled"})
	}
	return out
}

type mxStartJobParams struct {
	EnvID    string `json:"environment_id"`
	Claim    string `json:"claim"`
	FailCode string `json:"fail_code,omitempty"`
}

// mxStartOutcome is what a start job's work recorded, kept so a re-run after a restart
// reports the same result.
type mxStartOutcome struct {
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// mxStartFailures are the documented start-job failure codes with their messages
// (mendix-cloud-api.md §5.3).
var mxStartFailures = map[string]string{
	"NO_PACKAGE":              "Cannot start app. There should be a package configured for this environment.",
	"ALREADY_LOCKED":          "Cannot start app. There is already a lock on this environment.",
	"ALREADY_STARTED":         "Cannot start app. App is already running.",
	"DB_SYNC_FAILED":          "Cannot start app. Synchronization of database failed.",
	"INVALID_DB_STRUCTURE":    "Cannot start app. The database is out-of-sync with the model. Please set AutoSyncDb parameter to true to synchronize the database automatically on startup.",
	"MISSING_CONSTANT":        "Cannot start app. Missing one or more constant values.",
	"INSECURE_ADMIN_PASSWORD": "Cannot start app. There is a user with administrator role with password '1'. This is not allowed.",
	"STARTUP_ACTION_FAILED":   "Cannot start app. Startup action failed.",
	"START_FAILED":            "Cannot start app: result (detail status)",
}

// mxStart is POST .../start {AutoSyncDb} → {JobId}; 200 ALREADY_STARTED when running.
func (s *Mendix) mxStart(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AutoSyncDb bool `json:"AutoSyncDb"`
	}
	if err := mxDecodeJSON(w, r, &in); err != nil {
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "Could not read the request body: "+err.Error())
		return
	}
	params := mxStartJobParams{Claim: core.RandomHex(12)}
	err := s.store.update(func(st *state) error {
		n, e, merr := st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode"))
		if merr != nil {
			return merr
		}
		st.touch(collNodes, n.ID)
		switch {
		case e.PackageID == "":
			return newMxErr(http.StatusInternalServerError, "NO_MDA_HAS_BEEN_DEPLOYED", "Cannot start app. There is no MDA deployed.")
		case e.Status == mxStatusRunning:
			// mendix-cloud-api.md §5.3: an error code carried by a 200.
			return newMxErr(http.StatusOK, "ALREADY_STARTED", "Cannot start app. App is already running.")
		case e.StartJobID != "":
			return newMxErr(http.StatusInternalServerError, "APP_ALREADY_HAS_A_STARTING_JOB", "Cannot start app. There is already a starting job id found.")
		}
		params.EnvID, params.FailCode = e.ID, e.NextStartFailure
		if params.FailCode == "" && st.mxEnvBusy(e.ID) {
			// A restore or backup holds the environment: the start job fails the documented way.
			params.FailCode = "ALREADY_LOCKED"
		}
		e.NextStartFailure = ""
		e.StartJobID = params.Claim
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	job, err := s.SubmitJob(mxJobStart, params)
	if err != nil {
		_ = s.store.update(func(st *state) error {
			if n, e := st.Mendix.envByID(params.EnvID); e != nil && e.StartJobID == params.Claim {
				st.touch(collNodes, n.ID)
				e.StartJobID = ""
			}
			return nil
		})
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"JobId": mxJobID(job.ID)})
}

// mxRunStart finishes a start: Running with every setting's Value now deployed, or the
// scripted vendor failure. A stop while starting makes the start fail with START_FAILED.
func mxRunStart(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxStartJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	var out mxStartOutcome
	err := s.store.update(func(st *state) error {
		n, e := st.Mendix.envByID(p.EnvID)
		if n != nil {
			st.touch(collNodes, n.ID)
		}
		switch {
		case e == nil:
			out = mxStartOutcome{Code: "START_FAILED", Message: "Cannot start app: the environment no longer exists"}
		case e.LastStart != nil && e.LastStart.Claim == p.Claim:
			out = e.LastStart.Outcome // a re-run after a restart
		case e.StartJobID != p.Claim:
			out = mxStartOutcome{Code: "START_FAILED", Message: "Cannot start app: the environment was stopped while it was starting"}
		case p.FailCode != "":
			msg, ok := mxStartFailures[p.FailCode]
			if !ok {
				msg = "Cannot start app: " + p.FailCode
			}
			out = mxStartOutcome{Code: p.FailCode, Message: msg}
		default:
			e.Status = mxStatusRunning
			for _, list := range [][]*mxSetting{e.Constants, e.ScheduledEvents, e.CustomSettings} {
				for _, c := range list {
					c.DeployedValue = c.Value
				}
			}
		}
		if e != nil && e.StartJobID == p.Claim {
			e.StartJobID = ""
			e.LastStart = &mxLastStart{Claim: p.Claim, Outcome: out}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if out.Code != "" {
		if err := run.SetResult(out); err != nil {
			return err
		}
		return errors.New(out.Code + ": " + out.Message)
	}
	return nil
}

// mxStartStatus is GET .../start/<JobId> → {"Status": Starting | Started}; a failed start is an
// HTTP 500 carrying the vendor code (mendix-cloud-api.md §5.3: no "failed" status string).
func (s *Mendix) mxStartStatus(w http.ResponseWriter, r *http.Request) {
	var status string
	var merr *mxErr
	found, final := false, false
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode")); merr != nil {
			return
		}
		j := mxJob(st, r.PathValue("jobId"))
		var p mxStartJobParams
		if j == nil || j.Kind != mxJobStart || json.Unmarshal(j.Params, &p) != nil || p.EnvID != e.ID {
			merr = newMxErr(http.StatusNotFound, "NO_SUCH_STARTJOB", "core.Job not found.")
			return
		}
		found, final = true, j.Done()
		switch j.State {
		case core.JobCompleted:
			status = "Started"
		case core.JobFailed:
			var out mxStartOutcome
			if json.Unmarshal(j.Result, &out) != nil || out.Code == "" {
				out = mxStartOutcome{Code: "START_FAILED", Message: "Cannot start app: " + j.Message}
			}
			merr = newMxErr(http.StatusInternalServerError, out.Code, out.Message)
		default:
			status = "Starting"
		}
	})
	if found {
		s.NoteStatusRead(r.PathValue("jobId"), final) // a failure's 500 is an answer too
	}
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{"Status": status})
}

// mxStop is POST .../stop. modeled: the success answer, 200 with {}; stopping a stopped or
// empty environment succeeds too.
func (s *Mendix) mxStop(w http.ResponseWriter, r *http.Request) {
	err := s.store.update(func(st *state) error {
		n, e, merr := st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode"))
		if merr != nil {
			return merr
		}
		st.touch(collNodes, n.ID)
		if e.Status == mxStatusRunning {
			e.Status = mxStatusStopped
		}
		e.StartJobID = ""
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, struct{}{})
}

// --- settings (mendix-cloud-api.md §5.6) ---

type mxV1Constant struct {
	Name          string `json:"Name"`
	DataType      string `json:"DataType"`
	Value         string `json:"Value"`
	DeployedValue string `json:"DeployedValue"`
}

type mxV1Event struct {
	Name          string `json:"Name"`
	Value         string `json:"Value"`
	DeployedValue string `json:"DeployedValue"`
}

// mxV1Custom is a custom runtime setting; the docs show no item (their example is []), so the
// shape is the inferred {Name, Value}.
type mxV1Custom struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

type mxV1Settings struct {
	Constants       []mxV1Constant `json:"Constants"`
	CustomSettings  []mxV1Custom   `json:"CustomSettings"`
	ScheduledEvents []mxV1Event    `json:"ScheduledEvents"`
}

func mxSettingsView(e *mxEnv) mxV1Settings {
	out := mxV1Settings{Constants: []mxV1Constant{}, CustomSettings: []mxV1Custom{}, ScheduledEvents: []mxV1Event{}}
	for _, c := range e.Constants {
		out.Constants = append(out.Constants, mxV1Constant{Name: c.Name, DataType: c.DataType, Value: c.Value, DeployedValue: c.DeployedValue})
	}
	for _, c := range e.CustomSettings {
		out.CustomSettings = append(out.CustomSettings, mxV1Custom{Name: c.Name, Value: c.Value})
	}
	for _, c := range e.ScheduledEvents {
		out.ScheduledEvents = append(out.ScheduledEvents, mxV1Event{Name: c.Name, Value: c.Value, DeployedValue: c.DeployedValue})
	}
	return out
}

func (s *Mendix) mxGetSettings(w http.ResponseWriter, r *http.Request) {
	var out mxV1Settings
	var merr *mxErr
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode")); merr == nil {
			out = mxSettingsView(e)
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// mxSettingIn is one item of a settings POST: Name and Value count; DataType and
// DeployedValue are read-only and ignored.
type mxSettingIn struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value"`
}

// mxPlatformSettings are custom runtime settings Mendix Cloud manages itself. modeled: the
// docs name the code CUSTOM_SETTING_NOT_SUPPORTED but not the settings; these are the ones a
// cloud must own (database connection and public URL).
var mxPlatformSettings = []string{"DatabaseType", "DatabaseHost", "DatabaseName", "DatabaseUserName", "DatabasePassword", "DatabaseJdbcUrl", "ApplicationRootUrl"}

// mxApplySettings applies a settings document to e: constants and scheduled events by name
// (they must exist, which they only do after a transport), custom settings as a whole list
// when the key is present. Values take effect at the next start.
func mxApplySettings(e *mxEnv, constants, events []mxSettingIn, custom *[]mxSettingIn) *mxErr {
	for _, c := range constants {
		i := slices.IndexFunc(e.Constants, func(x *mxSetting) bool { return x.Name == c.Name })
		if i < 0 {
			return newMxErr(http.StatusBadRequest, "CONSTANT_NOT_FOUND", "Constant not found: "+c.Name)
		}
		if c.Value != nil {
			e.Constants[i].Value = *c.Value
		}
	}
	for _, ev := range events {
		i := slices.IndexFunc(e.ScheduledEvents, func(x *mxSetting) bool { return x.Name == ev.Name })
		if i < 0 {
			return newMxErr(http.StatusBadRequest, "SCHEDULED_EVENT_NOT_FOUND", "Scheduled Event not found: "+ev.Name)
		}
		if ev.Value == nil {
			continue
		}
		if *ev.Value != "Enabled" && *ev.Value != "Disabled" {
			// mendix-cloud-api.md §5.6: this validation error is a 500.
			return newMxErr(http.StatusInternalServerError, "INVALID_SCHEDULED_EVENT_PARAMETER", "Scheduled Event parameter should be Enabled or Disabled.")
		}
		e.ScheduledEvents[i].Value = *ev.Value
	}
	if custom != nil {
		next := []*mxSetting{}
		for _, c := range *custom {
			if strings.TrimSpace(c.Name) == "" || slices.ContainsFunc(mxPlatformSettings, func(n string) bool { return strings.EqualFold(n, c.Name) }) {
				return newMxErr(http.StatusBadRequest, "CUSTOM_SETTING_NOT_SUPPORTED", "Custom setting not supported: "+c.Name)
			}
			v := ""
			if c.Value != nil {
				v = *c.Value
			}
			deployed := ""
			if i := slices.IndexFunc(e.CustomSettings, func(x *mxSetting) bool { return x.Name == c.Name }); i >= 0 {
				deployed = e.CustomSettings[i].DeployedValue
			}
			next = slices.DeleteFunc(next, func(x *mxSetting) bool { return x.Name == c.Name })
			next = append(next, &mxSetting{Name: c.Name, Value: v, DeployedValue: deployed})
		}
		e.CustomSettings = next
	}
	return nil
}

// mxPostSettings is POST .../settings with the GET document edited; it answers the updated
// document. modeled: a CustomSettings list replaces the environment's custom settings (the
// docs do not say; replacing is what lets a client remove one), an absent key keeps them.
func (s *Mendix) mxPostSettings(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Constants       []mxSettingIn  `json:"Constants"`
		CustomSettings  *[]mxSettingIn `json:"CustomSettings"`
		ScheduledEvents []mxSettingIn  `json:"ScheduledEvents"`
	}
	if err := core.DecodeJSON(w, r, &in); err != nil {
		writeMxDeployError(w, http.StatusBadRequest, "INVALID_PARAMETERS", "Could not read the settings document: "+err.Error())
		return
	}
	var out mxV1Settings
	err := s.store.update(func(st *state) error {
		n, e, merr := st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode"))
		if merr != nil {
			return merr
		}
		st.touch(collNodes, n.ID)
		if merr := mxApplySettings(e, in.Constants, in.ScheduledEvents, in.CustomSettings); merr != nil {
			return merr
		}
		out = mxSettingsView(e)
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// --- Backups API v1 (mendix-cloud-api.md §5.4): list and download, on any cloud ---

type mxV1Snapshot struct {
	SnapshotID   string `json:"SnapshotID"` // capital ID, as documented
	Comment      string `json:"Comment"`
	State        string `json:"State"`
	ExpiresOn    int64  `json:"ExpiresOn"`
	CreatedOn    int64  `json:"CreatedOn"`
	ModelVersion string `json:"ModelVersion"`
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Mendix) mxV1ListSnapshots(w http.ResponseWriter, r *http.Request) {
	out := []mxV1Snapshot{}
	var merr *mxErr
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, merr = st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode")); merr != nil {
			return
		}
		for _, sn := range st.Mendix.Snapshots {
			if sn.EnvID != e.ID {
				continue
			}
			state, _ := jobState(st, sn.State, sn.JobID)
			out = append(out, mxV1Snapshot{
				SnapshotID: sn.ID, Comment: sn.Comment, State: capitalize(state),
				ExpiresOn: sn.Expires.UnixMilli(), CreatedOn: sn.Created.UnixMilli(), ModelVersion: sn.Content.ModelVersion,
			})
		}
	})
	if merr != nil {
		writeMxDeployErr(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

type mxV1SnapshotLinks struct {
	FilesOnly        string `json:"FilesOnly"`
	DatabaseOnly     string `json:"DatabaseOnly"`
	DatabaseAndFiles string `json:"DatabaseAndFiles"`
}

// mxV1GetSnapshot answers the three pre-signed download links of a snapshot; a snapshot that
// is not complete answers 500 INTERNAL_SERVER_ERROR, which the docs say usually means "still
// being made, retry".
func (s *Mendix) mxV1GetSnapshot(w http.ResponseWriter, r *http.Request) {
	var out mxV1SnapshotLinks
	base := s.BaseURL(r)
	err := s.store.update(func(st *state) error {
		n, e, merr := st.mxEnvFor(r.PathValue("appId"), r.PathValue("mode"))
		if merr != nil {
			return merr
		}
		sn := st.Mendix.snapshot(r.PathValue("snapshotId"))
		if sn == nil || sn.EnvID != e.ID {
			return newMxErr(http.StatusNotFound, "SNAPSHOT_NOT_FOUND", "Snapshot not found")
		}
		if state, _ := jobState(st, sn.State, sn.JobID); state != mxStateCompleted {
			return newMxErr(http.StatusInternalServerError, "INTERNAL_SERVER_ERROR", "An internal error occurred (the snapshot is not complete yet; retry later)")
		}
		now, ttl := time.Now(), st.Mendix.archiveTTL()
		link := func(part string) string {
			name := mxSnapshotFileName(sn, n.Subdomain, e.Mode, part)
			tok := st.mintURL(mxURL{FileName: name, ContentType: mxPartContentType(part), SnapshotID: sn.ID, Part: part}, ttl, now)
			return base + mxStoragePath(tok, name)
		}
		out = mxV1SnapshotLinks{FilesOnly: link(mxPartFiles), DatabaseOnly: link(mxPartDB), DatabaseAndFiles: link(mxPartFull)}
		return nil
	})
	if err != nil {
		writeMxDeployErr(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}
