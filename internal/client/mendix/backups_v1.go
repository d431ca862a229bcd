package mendix

import (
	"context"
	"net/http"
	"sort"
	"time"
)

// Backups API v1 (mendix-cloud-api.md §5.4), deprecated but the only backups API that serves a
// Cloud v3 node (Backups v2 answers NOT_SUPPORTED there): base {deploy}/api/1, API key, PascalCase,
// epoch-millisecond timestamps, note the capital ID in SnapshotID.

// V1 snapshot state of a finished backup (§5.4 example).
const V1SnapshotCompleted = "Completed"

// V1Snapshot is one backup of a v3 (or v4) environment as Backups v1 lists it.
type V1Snapshot struct {
	SnapshotID   string
	Comment      string
	State        string
	CreatedOn    time.Time
	ExpiresOn    time.Time
	ModelVersion string
}

type v1Snapshot struct {
	SnapshotID   string  `json:"SnapshotID"`
	Comment      string  `json:"Comment"`
	State        string  `json:"State"`
	ExpiresOn    epochMS `json:"ExpiresOn"`
	CreatedOn    epochMS `json:"CreatedOn"`
	ModelVersion string  `json:"ModelVersion"`
}

// SnapshotsV1 lists an environment's backups, newest first (GET /api/1/apps/<AppId>/environments/<Mode>/snapshots, DOCUMENTED).
func (c *Client) SnapshotsV1(ctx context.Context, appID, mode string) ([]V1Snapshot, error) {
	var raw []v1Snapshot
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: list backups of " + appID + "/" + mode, method: http.MethodGet,
		path: seg("apps", appID, "environments", mode, "snapshots"), out: &raw}); err != nil {
		return nil, err
	}
	out := make([]V1Snapshot, 0, len(raw))
	for _, s := range raw {
		out = append(out, V1Snapshot{SnapshotID: s.SnapshotID, Comment: s.Comment, State: s.State,
			CreatedOn: time.Time(s.CreatedOn), ExpiresOn: time.Time(s.ExpiresOn), ModelVersion: s.ModelVersion})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedOn.After(out[j].CreatedOn) })
	return out, nil
}

// NewestCompletedV1 returns the newest Completed snapshot of a list, or nil.
func NewestCompletedV1(snaps []V1Snapshot) *V1Snapshot {
	var best *V1Snapshot
	for i := range snaps {
		if snaps[i].State != V1SnapshotCompleted {
			continue
		}
		if best == nil || snaps[i].CreatedOn.After(best.CreatedOn) {
			best = &snaps[i]
		}
	}
	return best
}

// SnapshotURLs are the pre-signed download links of one v1 snapshot.
type SnapshotURLs struct {
	FilesOnly        string `json:"FilesOnly"`
	DatabaseOnly     string `json:"DatabaseOnly"`
	DatabaseAndFiles string `json:"DatabaseAndFiles"`
}

// SnapshotURLsV1 asks for fresh download links of a snapshot (GET .../snapshots/<SnapshotId>, DOCUMENTED).
// §5.4: a 500 INTERNAL_SERVER_ERROR usually means the snapshot is still being made — IsStillBeingMade
// reports it and the caller tries again later; 404 SNAPSHOT_NOT_FOUND.
func (c *Client) SnapshotURLsV1(ctx context.Context, appID, mode, snapshotID string) (*SnapshotURLs, error) {
	var out SnapshotURLs
	if _, _, err := c.do(ctx, call{api: apiDeployV1, op: "mendix: download links of backup " + snapshotID + " of " + appID + "/" + mode,
		method: http.MethodGet, path: seg("apps", appID, "environments", mode, "snapshots", snapshotID), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// IsStillBeingMade reports the Backups v1 answer "500: the snapshot is still being made" (§5.4).
func IsStillBeingMade(err error) bool {
	return StatusOf(err) == http.StatusInternalServerError
}
