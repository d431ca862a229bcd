package backendless

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// MigrationDir is the 3.x directory Backendless writes both migration archives into (runbook
// step 4: "The archives are placed into the /migration-to-4 directory in the File storage of your app").
const MigrationDir = "/migration-to-4"

// LegacyKeyError means no 3.x secret key is configured for an application id. The provider
// turns it into a plan-time diagnostic naming its configuration attribute.
type LegacyKeyError struct{ AppID string }

func (e *LegacyKeyError) Error() string {
	return fmt.Sprintf("no Backendless 3.x secret key is configured for application id %s", e.AppID)
}

// HasLegacySecretKey reports whether a 3.x secret key is configured for appID.
func (cl *Client) HasLegacySecretKey(appID string) bool {
	_, ok := cl.cfg.LegacySecretKeys[appID]
	return ok
}

// legacyHeader is the 3.x authentication of §3.3: application-id, secret-key, application-type.
func (cl *Client) legacyHeader(appID string) (http.Header, error) {
	key, ok := cl.cfg.LegacySecretKeys[appID]
	if !ok {
		return nil, &LegacyKeyError{AppID: appID}
	}
	return http.Header{
		"application-id":   []string{appID},
		"secret-key":       []string{key},
		"application-type": []string{cl.cfg.LegacyApplicationType},
		"Accept":           []string{"application/json"},
	}, nil
}

// legacy sends one authenticated 3.x call; the version name is the first path segment (§3.3).
// The caller closes the response body.
func (cl *Client) legacy(ctx context.Context, appID string, req *transport.Request) (*http.Response, error) {
	h, err := cl.legacyHeader(appID)
	if err != nil {
		return nil, err
	}
	for k, v := range req.Header {
		h[k] = v
	}
	req.Header = h
	return cl.http.Do(ctx, req)
}

// ListLegacyFiles lists a 3.x directory, every page (INFERRED from the documented 5.x listing,
// §Step 2: GET /{version}/files/{dir}?pattern=*&sub=false&pagesize=&offset= with 3.x headers).
// A missing directory is an *Error with status 404 (code 6007).
func (cl *Client) ListLegacyFiles(ctx context.Context, appID, version, dir string) ([]FileInfo, error) {
	op := fmt.Sprintf("backendless 3.x: list %s of app %s version %s", CleanPath(dir), appID, version)
	return listPages(func(offset int) ([]rawFileInfo, error) {
		resp, err := cl.legacy(ctx, appID, &transport.Request{Name: op, Method: http.MethodGet,
			URL: cl.cfg.LegacyURL + path(version, "files") + filePath(dir) + "?" + listQuery(offset)})
		if err != nil {
			return nil, err
		}
		var page legacyFilePage
		return page, readJSON(op, resp, &page)
	})
}

// legacyFilePage is one page of a 3.x listing. Its shape is not published (§Step 2: INFERRED from
// the 5.x array); 3.x SDKs of that era returned listings as a BackendlessCollection
// (backendless.com/docs/dotnet/file_directory_listing.html, 3.x revision: BackendlessCollection<FileInfo>
// Listing(...)), which 3.x REST answers as {"totalObjects", "offset", "data": [...]}. Both are read.
type legacyFilePage []rawFileInfo

// UnmarshalJSON accepts a bare array or a collection object carrying the array in "data".
func (p *legacyFilePage) UnmarshalJSON(b []byte) error {
	var items []rawFileInfo
	if err := json.Unmarshal(b, &items); err == nil {
		*p = items
		return nil
	}
	var coll struct {
		Data *[]rawFileInfo `json:"data"`
	}
	if err := json.Unmarshal(b, &coll); err != nil || coll.Data == nil {
		return fmt.Errorf("a 3.x listing is neither an array nor a collection with \"data\": %.100s", b)
	}
	*p = *coll.Data
	return nil
}

// StatLegacyFile finds the 3.x file at p in its directory's listing; missing is a 404 *Error.
func (cl *Client) StatLegacyFile(ctx context.Context, appID, version, p string) (*FileInfo, error) {
	dir, name := SplitPath(p)
	files, err := cl.ListLegacyFiles(ctx, appID, version, dir)
	if err != nil {
		return nil, err
	}
	return findFile(files, name, fmt.Sprintf("backendless 3.x: stat %s of app %s version %s", CleanPath(p), appID, version))
}

// LegacyVersionExists probes a 3.x version by listing its root directory. §6: code 2002 means
// "version is disabled or provided wrong application info", so a refusal is reported as "not
// there" together with the refusal; only the caller, which probes several versions with the
// same key, can tell a wrong key (every version refused) from a missing version.
func (cl *Client) LegacyVersionExists(ctx context.Context, appID, version string) (exists bool, refusal error) {
	_, err := cl.ListLegacyFiles(ctx, appID, version, "/")
	var e *Error
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &e) && (e.Code == 2002 || e.Status == http.StatusUnauthorized || (e.Status == http.StatusNotFound && e.Code != 6007)):
		return false, err
	case IsNotFound(err):
		return true, nil // the version answered; only its root listing is empty
	default:
		return false, err
	}
}

// IsLegacyRefusal reports a 3.x refusal of the application id, secret key or version (code 2002).
func IsLegacyRefusal(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Code == 2002 || e.Status == http.StatusUnauthorized)
}

// legacyDownloadURL is the DOCUMENTED 3.x download URL form: /{appId}/{version}/files/{path}.
func (cl *Client) legacyDownloadURL(appID, version, p string) string {
	return cl.cfg.LegacyURL + path(appID, version, "files") + filePath(p)
}

// LegacyDownload opens a 3.x file for reading. It is a transport.Source: a copy re-opens it per
// attempt. The 3.x headers are sent too, because the file is subject to the directory's ACL
// (§Step 2, INFERRED). A connection that breaks part-way through is resumed with a Range request
// from the byte reached (transport.Resumable), so the stream the destination reads does not break:
// that matters for the import call, which is never repeated blindly.
func (cl *Client) LegacyDownload(appID, version, p string) transport.Source {
	return func(ctx context.Context) (io.ReadCloser, int64, error) {
		op := fmt.Sprintf("backendless 3.x: download %s of app %s version %s", CleanPath(p), appID, version)
		get := func(ctx context.Context, h http.Header) (*http.Response, error) {
			h.Set("Accept", "*/*")
			return cl.legacy(ctx, appID, &transport.Request{Name: op, Method: http.MethodGet, URL: cl.legacyDownloadURL(appID, version, p), Header: h, Stream: true})
		}
		resp, err := get(ctx, http.Header{})
		if err != nil {
			return nil, 0, err
		}
		if resp.StatusCode != http.StatusOK {
			defer drain(resp.Body)
			return nil, 0, apiError(op, resp)
		}
		return transport.Resumable(ctx, op, resp, get), resp.ContentLength, nil
	}
}

// StatLegacyDownload learns whether a 3.x file exists and how large it is through the DOCUMENTED
// download URL alone (GET /{appId}/{version}/files/{path} with `Range: bytes=0-0`, size from
// Content-Range): no directory listing (INFERRED) and no HEAD. A missing file is the Files API's
// 404 code 6007 (IsFileNotFound); a bare 404 proves nothing and stays an *Error.
func (cl *Client) StatLegacyDownload(ctx context.Context, appID, version, p string) (*FileInfo, error) {
	h, err := cl.legacyHeader(appID)
	if err != nil {
		return nil, err
	}
	op := fmt.Sprintf("backendless 3.x: check %s of app %s version %s", CleanPath(p), appID, version)
	size, err := rangeSize(ctx, cl.http, op, cl.legacyDownloadURL(appID, version, p), h)
	if err != nil {
		return nil, err
	}
	_, name := SplitPath(p)
	return &FileInfo{Name: name, URL: CleanPath(p), Size: size}, nil
}

// HashLegacyFile streams a 3.x file and returns its byte count and SHA-256, holding nothing.
func (cl *Client) HashLegacyFile(ctx context.Context, appID, version, p string) (transport.Digest, error) {
	return hashSource(ctx, "backendless 3.x: hash "+CleanPath(p), cl.LegacyDownload(appID, version, p))
}

// DeleteLegacyFile deletes a 3.x file (INFERRED: DELETE /{version}/files/{path}); 404 = already gone.
func (cl *Client) DeleteLegacyFile(ctx context.Context, appID, version, p string) error {
	op := fmt.Sprintf("backendless 3.x: delete %s of app %s version %s", CleanPath(p), appID, version)
	resp, err := cl.legacy(ctx, appID, &transport.Request{Name: op, Method: http.MethodDelete,
		URL: cl.cfg.LegacyURL + path(version, "files") + filePath(p)})
	if err != nil {
		return err
	}
	if err := readJSON(op, resp, nil); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// Archive job states of the MODELED migration-archive endpoint.
const (
	ArchiveInProgress = "IN_PROGRESS"
	ArchiveCompleted  = "COMPLETED"
	ArchiveFailed     = "FAILED"
)

// ArchiveJob is the MODELED "Create migration archive for 4.0" job.
type ArchiveJob struct {
	ID           string
	Status       string
	Message      string
	DataArchive  string // path, e.g. /migration-to-4/crm_v1_data_20261122100000.zip
	FilesArchive string
	Created      time.Time
	Completed    time.Time
	// Adopted is true when the create found a job that was already running before it was sent
	// (one the caller had listed) and returned it instead.
	Adopted bool
	// LostAnswer is true when the create's answer was lost and this is the job a lookup found:
	// one that was not there before the call.
	LostAnswer bool
}

type rawArchiveJob struct {
	JobID        string      `json:"jobId"`
	Status       string      `json:"status"`
	Message      string      `json:"message"`
	DataArchive  string      `json:"dataArchive"`
	FilesArchive string      `json:"filesArchive"`
	Created      json.Number `json:"created"`
	Completed    json.Number `json:"completed"`
}

func (r rawArchiveJob) job() *ArchiveJob {
	return &ArchiveJob{ID: r.JobID, Status: r.Status, Message: r.Message, DataArchive: r.DataArchive,
		FilesArchive: r.FilesArchive, Created: epochMS(r.Created), Completed: epochMS(r.Completed)}
}

// archiveBusyCode is the MODELED answer to a second create while one runs (409, with its jobId).
const archiveBusyCode = 6100

// CreateMigrationArchive starts building the migration archives of one app version (MODELED:
// POST /{version}/migration-to-4/archive; the vendor has only the console button, §Step 1).
// known holds the ids of the version's jobs the caller listed just before (ListMigrationArchiveJobs).
//
// The POST starts a job, so it is never sent twice blindly. A job already running for the
// version is answered 409 with its id (MODELED) and returned, Adopted when it is one of known (it
// was there before this call) and not when a duplicate delivery of this very call started it.
// An answer that is lost is resolved by listing the version's jobs again: a job that is not in
// known is the one this call started, and it is returned with LostAnswer; none proves the POST
// did nothing, and it is sent again.
func (cl *Client) CreateMigrationArchive(ctx context.Context, appID, version string, known []string) (*ArchiveJob, error) {
	op := fmt.Sprintf("backendless 3.x: create migration archive of app %s version %s", appID, version)
	body, _ := transport.JSONBody(struct{}{})
	var found *ArchiveJob
	resp, err := cl.legacy(ctx, appID, &transport.Request{Name: op, Method: http.MethodPost,
		URL:    cl.cfg.LegacyURL + path(version, "migration-to-4", "archive"),
		Header: http.Header{"Content-Type": []string{"application/json"}}, Body: body,
		NotDone: func(ctx context.Context) (bool, error) {
			jobs, err := cl.ListMigrationArchiveJobs(ctx, appID, version)
			if err != nil {
				return false, err
			}
			if j := newJob(jobs, known); j != nil {
				found = j
				return false, nil
			}
			return true, nil
		}})
	if transport.IsTookEffect(err) && found != nil {
		found.LostAnswer = true
		return found, nil
	}
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusConflict {
		var busy struct {
			rawArchiveJob
			Code int `json:"code"`
		}
		if json.Unmarshal(raw, &busy) == nil && busy.JobID != "" && (busy.Code == 0 || busy.Code == archiveBusyCode) {
			j := busy.job()
			j.Status, j.Adopted = ArchiveInProgress, slices.Contains(known, j.ID)
			return j, nil
		}
	}
	var job rawArchiveJob
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, apiErrorFromBody(op, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, &job); err != nil || job.JobID == "" {
		return nil, fmt.Errorf("%s: the answer carried no jobId", op)
	}
	return job.job(), nil
}

// newJob returns the oldest job of a newest-first list whose id is not in known: the first one a
// call made after known was listed started.
func newJob(jobs []ArchiveJob, known []string) *ArchiveJob {
	for i := len(jobs) - 1; i >= 0; i-- {
		if !slices.Contains(known, jobs[i].ID) {
			j := jobs[i]
			return &j
		}
	}
	return nil
}

// ListMigrationArchiveJobs lists the archive jobs of one version, newest first (MODELED:
// GET /{version}/migration-to-4/archive, the read that finds a job without its id).
func (cl *Client) ListMigrationArchiveJobs(ctx context.Context, appID, version string) ([]ArchiveJob, error) {
	op := fmt.Sprintf("backendless 3.x: list migration archive jobs of app %s version %s", appID, version)
	resp, err := cl.legacy(ctx, appID, &transport.Request{Name: op, Method: http.MethodGet,
		URL: cl.cfg.LegacyURL + path(version, "migration-to-4", "archive")})
	if err != nil {
		return nil, err
	}
	var raw []rawArchiveJob
	if err := readJSON(op, resp, &raw); err != nil {
		return nil, err
	}
	out := make([]ArchiveJob, 0, len(raw))
	for _, r := range raw {
		out = append(out, *r.job())
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// MigrationArchiveStatus reads the job (MODELED: GET /{version}/migration-to-4/archive/{jobId}).
func (cl *Client) MigrationArchiveStatus(ctx context.Context, appID, version, jobID string) (*ArchiveJob, error) {
	op := fmt.Sprintf("backendless 3.x: read migration archive job %s", jobID)
	resp, err := cl.legacy(ctx, appID, &transport.Request{Name: op, Method: http.MethodGet,
		URL: cl.cfg.LegacyURL + path(version, "migration-to-4", "archive", jobID)})
	if err != nil {
		return nil, err
	}
	var job rawArchiveJob
	if err := readJSON(op, resp, &job); err != nil {
		return nil, err
	}
	return job.job(), nil
}

// ListMigrationArchives lists /migration-to-4 of one version, newest first. A directory that
// does not exist yet (the Files API's 404 code 6007) means no archive has been made: an empty
// list, not an error. Any other 404 (a wrong base URL) stays an error: it proves nothing.
func (cl *Client) ListMigrationArchives(ctx context.Context, appID, version string) ([]FileInfo, error) {
	files, err := cl.ListLegacyFiles(ctx, appID, version, MigrationDir)
	if IsFileNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := files[:0]
	for _, f := range files {
		if !f.IsDir {
			out = append(out, f)
		}
	}
	sortNewestFirst(out)
	return out, nil
}

// apiErrorFromBody is apiError for a body that has already been read.
func apiErrorFromBody(op string, status int, body []byte) error {
	resp := &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body))}
	return apiError(op, resp)
}
