package mendix

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Backups API v2 (mendix-cloud-api.md §5.5): base {deploy}/api/v2/apps/<ProjectId>/environments/<EnvironmentId>,
// API key, snake_case, ISO-8601 timestamps, one async model for snapshots, archives and restores:
// state queued → running → completed | failed. Cloud v4 only: a v3 environment answers 400 NOT_SUPPORTED.

// Backups v2 states (§5.5, lower case).
const (
	StateQueued    = "queued"
	StateRunning   = "running"
	StateCompleted = "completed"
	StateFailed    = "failed"
)

// Archive data types of Backups v2 (§5.5: no files-only type).
const (
	DataFilesAndDatabase = "files_and_database"
	DataDatabaseOnly     = "database_only"
)

// Snapshot is a Backups v2 snapshot.
type Snapshot struct {
	SnapshotID    string
	Comment       string
	State         string
	StatusMessage string
	ModelVersion  string
	ExpiresAt     time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	FinishedAt    time.Time
}

type v2Snapshot struct {
	SnapshotID    string  `json:"snapshot_id"`
	Comment       string  `json:"comment"`
	State         string  `json:"state"`
	StatusMessage string  `json:"status_message"`
	ModelVersion  string  `json:"model_version"`
	ExpiresAt     isoTime `json:"expires_at"`
	CreatedAt     isoTime `json:"created_at"`
	UpdatedAt     isoTime `json:"updated_at"`
	FinishedAt    isoTime `json:"finished_at"`
}

func (s v2Snapshot) snapshot() Snapshot {
	return Snapshot{SnapshotID: s.SnapshotID, Comment: s.Comment, State: s.State, StatusMessage: s.StatusMessage,
		ModelVersion: s.ModelVersion, ExpiresAt: time.Time(s.ExpiresAt), CreatedAt: time.Time(s.CreatedAt),
		UpdatedAt: time.Time(s.UpdatedAt), FinishedAt: time.Time(s.FinishedAt)}
}

func envPath(projectID, environmentID string, rest ...string) string {
	return seg(append([]string{"apps", projectID, "environments", environmentID}, rest...)...)
}

// backupsPageSize is Backups v2's default and documented page size (§6).
const backupsPageSize = 100

// Snapshots lists every backup of a v4 environment, newest first (GET .../snapshots?offset=&limit=, DOCUMENTED),
// reading every page (§6: offset/limit with total in the body).
func (c *Client) Snapshots(ctx context.Context, projectID, environmentID string) ([]Snapshot, error) {
	op := "mendix: list backups of environment " + environmentID
	var out []Snapshot
	for offset, pages := 0, 0; pages < 1000; pages++ {
		var page struct {
			Snapshots []v2Snapshot `json:"snapshots"`
			Total     *int         `json:"total"`
		}
		q := url.Values{"offset": []string{strconv.Itoa(offset)}, "limit": []string{strconv.Itoa(backupsPageSize)}}
		if _, _, err := c.do(ctx, call{api: apiDeployV2, op: op, method: http.MethodGet,
			path: envPath(projectID, environmentID, "snapshots"), query: q, out: &page}); err != nil {
			return nil, err
		}
		for _, s := range page.Snapshots {
			out = append(out, s.snapshot())
		}
		offset += len(page.Snapshots)
		if len(page.Snapshots) == 0 || (page.Total != nil && offset >= *page.Total) || (page.Total == nil && len(page.Snapshots) < backupsPageSize) {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b Snapshot) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// Snapshot reads one backup (GET .../snapshots/<SnapshotId>, DOCUMENTED).
func (c *Client) Snapshot(ctx context.Context, projectID, environmentID, snapshotID string) (*Snapshot, error) {
	var raw v2Snapshot
	if _, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: read backup " + snapshotID, method: http.MethodGet,
		path: envPath(projectID, environmentID, "snapshots", snapshotID), out: &raw}); err != nil {
		return nil, err
	}
	s := raw.snapshot()
	return &s, nil
}

// UploadedSnapshot is what the modeled upload answers, with what was sent.
type UploadedSnapshot struct {
	Snapshot
	// Sent is the byte count and SHA-256 of the streamed archive, computed in flight; zero when
	// the upload was Adopted.
	Sent transport.Digest
	// Adopted says the answer was lost and the lookup found the upload by its comment.
	Adopted bool
}

// UploadSnapshot streams a backup archive (.tar.gz) into a v4 environment as a new backup item
// whose comment is the given text.
//
// MODELED: the vendor has no upload API (§5.5: "Backups → Upload Archive" in the portal only); the
// sandbox's stand-in is POST {deploy}/api/v2/apps/<ProjectId>/environments/<EnvironmentId>/snapshots/upload?comment=,
// multipart field `file`, at most 1 GB, answering 202 with a snapshot object in state queued that
// carries the comment (as POST /snapshots {comment} does).
//
// An upload creates a backup, so after an answer that was lost it is sent again only when the
// environment's backups (GET .../snapshots, DOCUMENTED) show none with this comment; when one
// shows up it is adopted. The comment must therefore name this upload and nothing else.
func (c *Client) UploadSnapshot(ctx context.Context, projectID, environmentID, fileName, comment string, src transport.Source) (*UploadedSnapshot, error) {
	op := "mendix: upload backup archive to environment " + environmentID + " (modeled)"
	h, err := c.header(apiDeployV2)
	if err != nil {
		return nil, err
	}
	var adopted []Snapshot
	q := url.Values{"comment": []string{comment}}
	resp, sent, err := c.http.Copy(ctx, transport.Upload{
		Name:      op,
		Method:    http.MethodPost,
		URL:       c.base(apiDeployV2) + envPath(projectID, environmentID, "snapshots", "upload") + "?" + q.Encode(),
		Header:    h,
		Source:    limited("the backup archive", src),
		Multipart: &transport.Multipart{Field: "file", FileName: fileName, ContentType: "application/gzip"},
		NotDone: func(ctx context.Context) (bool, error) {
			found, err := c.SnapshotsCommented(ctx, projectID, environmentID, comment)
			if err != nil {
				return false, err
			}
			adopted = found
			return len(found) == 0, nil
		},
	})
	if transport.IsTookEffect(err) && len(adopted) > 0 {
		return &UploadedSnapshot{Snapshot: adopted[len(adopted)-1], Adopted: true}, nil
	}
	if err != nil {
		return nil, err
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := apiError(op, resp, styleDeploy)
		e.API = apiDeployV2.String()
		return nil, e
	}
	var raw v2Snapshot
	if err := decodeJSON(resp.Body, &raw); err != nil {
		return nil, fmt.Errorf("%s: reading the answer: %w", op, err)
	}
	if raw.SnapshotID == "" {
		return nil, fmt.Errorf("%s: %w", op, errNoID)
	}
	return &UploadedSnapshot{Snapshot: raw.snapshot(), Sent: sent}, nil
}

// SnapshotsCommented lists the environment's backups whose comment starts with prefix, oldest
// first (GET .../snapshots, DOCUMENTED, every page).
func (c *Client) SnapshotsCommented(ctx context.Context, projectID, environmentID, prefix string) ([]Snapshot, error) {
	snaps, err := c.Snapshots(ctx, projectID, environmentID)
	if err != nil {
		return nil, err
	}
	var out []Snapshot
	for i := len(snaps) - 1; i >= 0; i-- { // Snapshots is newest first
		if strings.HasPrefix(snaps[i].Comment, prefix) {
			out = append(out, snaps[i])
		}
	}
	return out, nil
}

// SetSnapshotComment replaces a backup's comment (PUT .../snapshots/<SnapshotId> {"comment"},
// DOCUMENTED; answers the snapshot, updated_at unchanged). A PUT is idempotent.
func (c *Client) SetSnapshotComment(ctx context.Context, projectID, environmentID, snapshotID, comment string) error {
	_, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: write the comment of backup " + snapshotID, method: http.MethodPut,
		path: envPath(projectID, environmentID, "snapshots", snapshotID), in: struct {
			Comment string `json:"comment"`
		}{comment}})
	return err
}

// Archive is a downloadable export of a Backups v2 snapshot.
type Archive struct {
	ArchiveID     string
	SnapshotID    string
	DataType      string
	State         string
	StatusMessage string
	URL           string // set once completed; pre-signed, valid for a limited time (§5.5)
	CreatedAt     time.Time
	FinishedAt    time.Time
}

type v2Archive struct {
	ArchiveID     string  `json:"archive_id"`
	SnapshotID    string  `json:"snapshot_id"`
	DataType      string  `json:"data_type"`
	State         string  `json:"state"`
	StatusMessage string  `json:"status_message"`
	URL           *string `json:"url"`
	CreatedAt     isoTime `json:"created_at"`
	UpdatedAt     isoTime `json:"updated_at"`
	FinishedAt    isoTime `json:"finished_at"`
}

func (a v2Archive) archive() Archive {
	out := Archive{ArchiveID: a.ArchiveID, SnapshotID: a.SnapshotID, DataType: a.DataType, State: a.State,
		StatusMessage: a.StatusMessage, CreatedAt: time.Time(a.CreatedAt), FinishedAt: time.Time(a.FinishedAt)}
	if a.URL != nil {
		out.URL = *a.URL
	}
	return out
}

// CreateArchive asks for a downloadable archive of a snapshot (POST .../snapshots/<id>/archives?data_type=, DOCUMENTED).
// An archive is a new object and Backups v2 cannot list them, so no lookup can tell whether a
// request whose answer was lost took effect: it is not sent again here (*transport.OutcomeUnknownError).
// The caller may ask for another archive: an archive is an expiring export that changes no data.
func (c *Client) CreateArchive(ctx context.Context, projectID, environmentID, snapshotID, dataType string) (*Archive, error) {
	var raw v2Archive
	q := url.Values{}
	if dataType != "" {
		q.Set("data_type", dataType)
	}
	if _, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: create an archive of backup " + snapshotID, method: http.MethodPost,
		path: envPath(projectID, environmentID, "snapshots", snapshotID, "archives"), query: q, out: &raw}); err != nil {
		return nil, err
	}
	if raw.ArchiveID == "" {
		return nil, fmt.Errorf("mendix: create an archive of backup %s: %w", snapshotID, errNoID)
	}
	a := raw.archive()
	return &a, nil
}

// Archive reads an archive; URL is set once it is completed (GET .../snapshots/<id>/archives/<ArchiveId>, DOCUMENTED).
func (c *Client) Archive(ctx context.Context, projectID, environmentID, snapshotID, archiveID string) (*Archive, error) {
	var raw v2Archive
	if _, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: read archive " + archiveID + " of backup " + snapshotID, method: http.MethodGet,
		path: envPath(projectID, environmentID, "snapshots", snapshotID, "archives", archiveID), out: &raw}); err != nil {
		return nil, err
	}
	a := raw.archive()
	return &a, nil
}

// Restore is a Backups v2 restore job.
type Restore struct {
	RestoreID           string
	SourceSnapshotID    string
	SourceEnvironmentID string
	TargetEnvironmentID string
	State               string
	StatusMessage       string
	CreatedAt           time.Time
	FinishedAt          time.Time
}

type v2Restore struct {
	RestoreID           string  `json:"restore_id"`
	SourceSnapshotID    string  `json:"source_snapshot_id"`
	SourceEnvironmentID string  `json:"source_environment_id"`
	TargetEnvironmentID string  `json:"target_environment_id"`
	State               string  `json:"state"`
	StatusMessage       string  `json:"status_message"`
	CreatedAt           isoTime `json:"created_at"`
	UpdatedAt           isoTime `json:"updated_at"`
	FinishedAt          isoTime `json:"finished_at"`
}

func (r v2Restore) restore() Restore {
	return Restore{RestoreID: r.RestoreID, SourceSnapshotID: r.SourceSnapshotID, SourceEnvironmentID: r.SourceEnvironmentID,
		TargetEnvironmentID: r.TargetEnvironmentID, State: r.State, StatusMessage: r.StatusMessage,
		CreatedAt: time.Time(r.CreatedAt), FinishedAt: time.Time(r.FinishedAt)}
}

// RestoreOutcome is what StartRestore got: the restore it started, or the one its lookup found
// after a lost answer.
type RestoreOutcome struct {
	Restore
	Adopted bool
}

// StartRestore restores a snapshot into a stopped environment (POST .../restores?source_snapshot_id=&db_only=,
// DOCUMENTED). 400 ERROR_NOT_ALLOWED while the app runs, 400 NOT_FOUND for an unknown snapshot,
// 400 ENVIRONMENT_BUSY while a backup or restore of the environment runs.
//
// A restore is a job, and Backups v2 documents no way to list them. With lookup set (mode "api"
// only, against the sandbox), a lost answer is resolved through the modeled restore listing
// (RestoresOf): a restore of this snapshot that shows up is adopted, none means the request may be
// sent again. Without it the request is not sent again (*transport.OutcomeUnknownError) and the
// caller decides with documented calls only.
func (c *Client) StartRestore(ctx context.Context, projectID, environmentID, snapshotID string, dbOnly, lookup bool) (*RestoreOutcome, error) {
	var raw v2Restore
	q := url.Values{"source_snapshot_id": []string{snapshotID}}
	if dbOnly {
		q.Set("db_only", "true")
	}
	var adopted []Restore
	cl := call{api: apiDeployV2, op: "mendix: restore backup " + snapshotID + " into environment " + environmentID,
		method: http.MethodPost, path: envPath(projectID, environmentID, "restores"), query: q, out: &raw}
	if lookup {
		cl.notDone = func(ctx context.Context) (bool, error) {
			found, err := c.RestoresOf(ctx, projectID, environmentID, snapshotID)
			if err != nil {
				return false, err
			}
			adopted = found
			return len(found) == 0, nil
		}
	}
	_, _, err := c.do(ctx, cl)
	if transport.IsTookEffect(err) && len(adopted) > 0 {
		return &RestoreOutcome{Restore: adopted[len(adopted)-1], Adopted: true}, nil
	}
	if err != nil {
		return nil, err
	}
	if raw.RestoreID == "" {
		return nil, fmt.Errorf("mendix: restore backup %s: %w", snapshotID, errNoID)
	}
	return &RestoreOutcome{Restore: raw.restore()}, nil
}

// RestoresOf lists the restores of a snapshot into an environment, oldest first.
//
// MODELED: Backups v2 documents no restore listing (§5.5: GET /restores/<RestoreId> only); the
// sandbox's stand-in is GET {deploy}/api/v2/apps/<ProjectId>/environments/<EnvironmentId>/restores?source_snapshot_id=
// → {"restores": [restore], "total", "offset", "limit"}, in the style of GET /snapshots. Use it
// only where the modeled upload is used (mode "api").
func (c *Client) RestoresOf(ctx context.Context, projectID, environmentID, snapshotID string) ([]Restore, error) {
	op := "mendix: list the restores of backup " + snapshotID + " (modeled)"
	var out []Restore
	for offset, pages := 0, 0; pages < 1000; pages++ {
		var page struct {
			Restores []v2Restore `json:"restores"`
			Total    *int        `json:"total"`
		}
		q := url.Values{"source_snapshot_id": []string{snapshotID}, "offset": []string{strconv.Itoa(offset)}, "limit": []string{strconv.Itoa(backupsPageSize)}}
		if _, _, err := c.do(ctx, call{api: apiDeployV2, op: op, method: http.MethodGet,
			path: envPath(projectID, environmentID, "restores"), query: q, out: &page}); err != nil {
			return nil, err
		}
		for _, r := range page.Restores {
			if r.SourceSnapshotID == "" || strings.EqualFold(r.SourceSnapshotID, snapshotID) {
				out = append(out, r.restore())
			}
		}
		offset += len(page.Restores)
		if len(page.Restores) == 0 || (page.Total != nil && offset >= *page.Total) || (page.Total == nil && len(page.Restores) < backupsPageSize) {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b Restore) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// Restore reads a restore job (GET .../restores/<RestoreId>, DOCUMENTED).
func (c *Client) Restore(ctx context.Context, projectID, environmentID, restoreID string) (*Restore, error) {
	var raw v2Restore
	if _, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: read restore " + restoreID, method: http.MethodGet,
		path: envPath(projectID, environmentID, "restores", restoreID), out: &raw}); err != nil {
		return nil, err
	}
	r := raw.restore()
	return &r, nil
}

// DeleteSnapshot deletes a backup (DELETE .../snapshots/<SnapshotId>, DOCUMENTED; no content).
// A 404 is returned as is.
func (c *Client) DeleteSnapshot(ctx context.Context, projectID, environmentID, snapshotID string) error {
	_, _, err := c.do(ctx, call{api: apiDeployV2, op: "mendix: delete backup " + snapshotID, method: http.MethodDelete,
		path: envPath(projectID, environmentID, "snapshots", snapshotID)})
	return err
}
