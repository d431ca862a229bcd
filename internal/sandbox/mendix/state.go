package mendix

import (
	"fmt"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// mendixState is the Mendix side of the sandbox: users with their credentials, apps
// (projects), Cloud nodes with their environments, the deployment packages of each node,
// backup snapshots, archive and restore requests, and the pre-signed storage URLs handed out.
// Large contents (packages, backup archives) live in blobs; the records hold blob ids only.
type mendixState struct {
	Users     []*mxUser     `json:"users"`
	Apps      []*mxApp      `json:"apps"`
	Nodes     []*mxNode     `json:"nodes"`
	Packages  []*mxPackage  `json:"packages"`
	Snapshots []*mxSnapshot `json:"snapshots"`
	Archives  []*mxArchive  `json:"archives"`
	Restores  []*mxRestore  `json:"restores"`
	URLs      []*mxURL      `json:"urls"`
	// ArchiveURLTTLSeconds is how long a backup download URL stays valid (mendix-cloud-api.md
	// §5.5: 8 hours today, 10 minutes in the 2020 revision; the sandbox defaults to the short one).
	ArchiveURLTTLSeconds int `json:"archive_url_ttl_seconds"`
	// V4HidesFreeApps makes Deploy API v4 answer 404 for an app no node links (a project with
	// no cloud app): the reference does not say v4 sees such a project, so a client must not
	// read "deleted" from that 404 (SetMendixV4HidesFreeApps).
	V4HidesFreeApps bool `json:"v4_hides_free_apps,omitempty"`
}

// mxUser is a Mendix platform account: the API key for deploy.mendix.com and a personal access
// token for the home.mendix.com hosts (mendix-cloud-api.md §3).
type mxUser struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	APIKey   string `json:"api_key"`
	PAT      string `json:"pat"`
}

// mxApp is a Mendix app (a Portal project), identified by its ProjectId. It is licensed while a
// node links it and free otherwise.
type mxApp struct {
	ProjectID        string    `json:"project_id"`
	Name             string    `json:"name"`
	Summary          string    `json:"summary,omitempty"`
	TechnicalContact string    `json:"technical_contact"`
	Created          time.Time `json:"created"`
}

// mxNode is a licensed Mendix Cloud node: the subdomain (Deploy v1 AppId), the environments,
// and the app linked to it, if any.
type mxNode struct {
	ID              string    `json:"id"`
	Cloud           string    `json:"cloud"` // "v3" or "v4"
	Subdomain       string    `json:"subdomain"`
	Region          string    `json:"region"`
	LinkedProjectID string    `json:"linked_project_id,omitempty"`
	LinkedAt        time.Time `json:"linked_at,omitzero"`
	Environments    []*mxEnv  `json:"environments"`
}

// Environment statuses as Deploy v1 names them (mendix-cloud-api.md §5.1).
const (
	mxStatusEmpty   = "Empty"
	mxStatusStopped = "Stopped"
	mxStatusRunning = "Running"
)

// mxEnv is one environment of a node.
type mxEnv struct {
	ID         string `json:"id"`
	Mode       string `json:"mode"`
	Production bool   `json:"production"`
	Status     string `json:"status"` // Empty | Stopped | Running
	PlanName   string `json:"plan_name"`
	DBVersion  string `json:"db_version"`
	// PackageID is the transported package; its constants and events are in the lists below.
	PackageID       string       `json:"package_id,omitempty"`
	Constants       []*mxSetting `json:"constants"`
	ScheduledEvents []*mxSetting `json:"scheduled_events"`
	CustomSettings  []*mxSetting `json:"custom_settings"`
	// StartJobID is the start job in flight, "" when none.
	StartJobID string `json:"start_job_id,omitempty"`
	// NextStartFailure is a vendor code the next start job fails with (a test script).
	NextStartFailure string `json:"next_start_failure,omitempty"`
	// LastStart is the outcome of the last start job, so a job re-run after a restart reports
	// the same result.
	LastStart *mxLastStart `json:"last_start,omitempty"`
	// Data is what the environment's database and file store hold: nil for a fresh
	// environment, otherwise the content of the backup last restored into it.
	Data *mxBackupContent `json:"data,omitempty"`
	// Restored records the last completed restore, for tests to compare with the source.
	Restored *mxRestored `json:"restored,omitempty"`
}

// mxLastStart ties a start outcome to the start that produced it.
type mxLastStart struct {
	Claim   string         `json:"claim"`
	Outcome mxStartOutcome `json:"outcome"`
}

// mxSetting is a constant, scheduled event or custom runtime setting of an environment.
// Value takes effect at the next start; DeployedValue is what the running app uses
// (mendix-cloud-api.md §5.6: changes apply only after a restart).
type mxSetting struct {
	Name          string `json:"name"`
	DataType      string `json:"data_type,omitempty"`
	Value         string `json:"value"`
	DeployedValue string `json:"deployed_value"`
}

// mxBlobRef points at a blob; an empty BlobID means "not generated yet" (fixture content is
// generated on first use, deterministically, so seeding stays fast).
type mxBlobRef struct {
	BlobID string `json:"blob_id,omitempty"`
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
}

// Package statuses (mendix-cloud-api.md §5.2).
const (
	mxPkgSucceeded = "Succeeded"
	mxPkgUploading = "Uploading"
	mxPkgFailed    = "Failed"
)

// mxPackage is a deployment package in a node's package repository.
type mxPackage struct {
	ID            string    `json:"id"`
	NodeID        string    `json:"node_id"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	Version       string    `json:"version"`
	Creator       string    `json:"creator"`
	Created       time.Time `json:"created"`
	Status        string    `json:"status"`
	StatusMessage string    `json:"status_message,omitempty"`
	JobID         string    `json:"job_id,omitempty"`
	Blob          mxBlobRef `json:"blob"`
	// Gen generates the content of a fixture package on first use.
	Gen *mxPackageGen `json:"gen,omitempty"`
	// The package's model, read from model/metadata.json when the package is processed.
	ModelVersion    string       `json:"model_version,omitempty"`
	MendixVersion   string       `json:"mendix_version,omitempty"`
	Constants       []mxConstDef `json:"constants,omitempty"`
	ScheduledEvents []mxEventDef `json:"scheduled_events,omitempty"`
}

// mxConstDef is a constant as the package's model defines it.
type mxConstDef struct {
	Name         string `json:"Name"`
	Type         string `json:"Type"`
	DefaultValue string `json:"DefaultValue"`
}

// mxEventDef is a scheduled event as the package's model defines it.
type mxEventDef struct {
	Name string `json:"Name"`
}

// mxBackupContent describes one backup archive: the Full Snapshot .tar.gz and what it holds.
type mxBackupContent struct {
	Blob         mxBlobRef     `json:"blob"`
	Gen          *mxBackupGen  `json:"gen,omitempty"`
	ModelVersion string        `json:"model_version,omitempty"`
	HasDB        bool          `json:"has_db"`
	DBTables     int           `json:"db_tables"`
	DBRows       int64         `json:"db_rows"`
	DBBytes      int64         `json:"db_bytes"`
	Files        int           `json:"files"`
	FileBytes    int64         `json:"file_bytes"`
	Parts        mxBackupParts `json:"parts"`
}

// mxBackupParts are the Database-only and Files-only downloads, derived from the full archive
// on first use.
type mxBackupParts struct {
	DB    mxBlobRef `json:"db"`
	Files mxBlobRef `json:"files"`
}

// Snapshot states; lower case in Backups v2, capitalized in Backups v1 (mendix-cloud-api.md §5.4/§5.5).
const (
	mxStateQueued    = "queued"
	mxStateRunning   = "running"
	mxStateCompleted = "completed"
	mxStateFailed    = "failed"
)

// mxSnapshot is a backup of an environment.
type mxSnapshot struct {
	ID            string          `json:"id"`
	EnvID         string          `json:"env_id"`
	Comment       string          `json:"comment"`
	State         string          `json:"state,omitempty"` // final state; "" while the job runs
	StatusMessage string          `json:"status_message,omitempty"`
	JobID         string          `json:"job_id,omitempty"`
	Uploaded      bool            `json:"uploaded,omitempty"`
	Created       time.Time       `json:"created"`
	Finished      time.Time       `json:"finished,omitzero"`
	Expires       time.Time       `json:"expires"`
	Content       mxBackupContent `json:"content"`
}

// mxArchive is a Backups v2 download archive of a snapshot.
type mxArchive struct {
	ID            string    `json:"id"`
	SnapshotID    string    `json:"snapshot_id"`
	EnvID         string    `json:"env_id"`
	DataType      string    `json:"data_type"`
	State         string    `json:"state,omitempty"`
	StatusMessage string    `json:"status_message,omitempty"`
	JobID         string    `json:"job_id"`
	Token         string    `json:"token,omitempty"` // the storage URL token, set on completion
	FileName      string    `json:"file_name,omitempty"`
	Created       time.Time `json:"created"`
	Finished      time.Time `json:"finished,omitzero"`
}

// mxRestore is a Backups v2 restore request.
type mxRestore struct {
	ID            string    `json:"id"`
	SnapshotID    string    `json:"snapshot_id"`
	SourceEnvID   string    `json:"source_env_id"`
	TargetEnvID   string    `json:"target_env_id"`
	DBOnly        bool      `json:"db_only"`
	State         string    `json:"state,omitempty"`
	StatusMessage string    `json:"status_message,omitempty"`
	JobID         string    `json:"job_id"`
	Created       time.Time `json:"created"`
	Finished      time.Time `json:"finished,omitzero"`
}

// mxRestored is what a completed restore left on its target environment.
type mxRestored struct {
	RestoreID     string    `json:"restore_id"`
	SnapshotID    string    `json:"snapshot_id"`
	ArchiveSHA256 string    `json:"archive_sha256"`
	ArchiveBytes  int64     `json:"archive_bytes"`
	DBOnly        bool      `json:"db_only"`
	DBTables      int       `json:"db_tables"`
	DBRows        int64     `json:"db_rows"`
	Files         int       `json:"files"`
	FileBytes     int64     `json:"file_bytes"`
	At            time.Time `json:"at"`
}

// mxURL is a pre-signed storage URL: a random token naming one download until it expires.
type mxURL struct {
	Token       string    `json:"token"`
	Expires     time.Time `json:"expires"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	// Exactly one source: a package, or a part of a snapshot ("full", "db", "files").
	PackageID  string `json:"package_id,omitempty"`
	SnapshotID string `json:"snapshot_id,omitempty"`
	Part       string `json:"part,omitempty"`
}

func (m *mendixState) normalize() {
	if m.Users == nil {
		m.Users = []*mxUser{}
	}
	if m.Apps == nil {
		m.Apps = []*mxApp{}
	}
	if m.Nodes == nil {
		m.Nodes = []*mxNode{}
	}
	if m.Packages == nil {
		m.Packages = []*mxPackage{}
	}
	if m.Snapshots == nil {
		m.Snapshots = []*mxSnapshot{}
	}
	if m.Archives == nil {
		m.Archives = []*mxArchive{}
	}
	if m.Restores == nil {
		m.Restores = []*mxRestore{}
	}
	if m.URLs == nil {
		m.URLs = []*mxURL{}
	}
	if m.ArchiveURLTTLSeconds <= 0 {
		m.ArchiveURLTTLSeconds = mxDefaultArchiveURLTTL
	}
	for _, n := range m.Nodes {
		if n.Environments == nil {
			n.Environments = []*mxEnv{}
		}
		for _, e := range n.Environments {
			if e.Constants == nil {
				e.Constants = []*mxSetting{}
			}
			if e.ScheduledEvents == nil {
				e.ScheduledEvents = []*mxSetting{}
			}
			if e.CustomSettings == nil {
				e.CustomSettings = []*mxSetting{}
			}
		}
	}
}

// --- lookups (callers hold the store lock) ---

func (m *mendixState) user(username string) *mxUser {
	for _, u := range m.Users {
		if strings.EqualFold(u.Username, username) {
			return u
		}
	}
	return nil
}

func (m *mendixState) app(projectID string) *mxApp {
	for _, a := range m.Apps {
		if strings.EqualFold(a.ProjectID, projectID) {
			return a
		}
	}
	return nil
}

func (m *mendixState) node(id string) *mxNode {
	for _, n := range m.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

// nodeBySubdomain finds a node by its subdomain, linked or not.
func (m *mendixState) nodeBySubdomain(sub string) *mxNode {
	for _, n := range m.Nodes {
		if strings.EqualFold(n.Subdomain, sub) {
			return n
		}
	}
	return nil
}

// linkedNode finds the node an app is linked to.
func (m *mendixState) linkedNode(projectID string) *mxNode {
	for _, n := range m.Nodes {
		if n.LinkedProjectID != "" && strings.EqualFold(n.LinkedProjectID, projectID) {
			return n
		}
	}
	return nil
}

// envByID finds an environment and its node by EnvironmentId.
func (m *mendixState) envByID(id string) (*mxNode, *mxEnv) {
	for _, n := range m.Nodes {
		for _, e := range n.Environments {
			if strings.EqualFold(e.ID, id) {
				return n, e
			}
		}
	}
	return nil, nil
}

// env finds an environment of n by Mode, without regard to case (mendix-cloud-api.md §4:
// the docs use both Acceptance and acceptance).
func (n *mxNode) env(mode string) *mxEnv {
	for _, e := range n.Environments {
		if strings.EqualFold(e.Mode, mode) {
			return e
		}
	}
	return nil
}

func (m *mendixState) pkg(id string) *mxPackage {
	for _, p := range m.Packages {
		if strings.EqualFold(p.ID, id) {
			return p
		}
	}
	return nil
}

func (m *mendixState) snapshot(id string) *mxSnapshot {
	for _, s := range m.Snapshots {
		if strings.EqualFold(s.ID, id) {
			return s
		}
	}
	return nil
}

func (m *mendixState) archive(id string) *mxArchive {
	for _, a := range m.Archives {
		if strings.EqualFold(a.ID, id) {
			return a
		}
	}
	return nil
}

func (m *mendixState) restore(id string) *mxRestore {
	for _, r := range m.Restores {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}

// blobInUse reports whether any record still points at blob id.
func (m *mendixState) blobInUse(id string) bool {
	if id == "" {
		return false
	}
	uses := func(c *mxBackupContent) bool {
		return c != nil && (c.Blob.BlobID == id || c.Parts.DB.BlobID == id || c.Parts.Files.BlobID == id)
	}
	for _, p := range m.Packages {
		if p.Blob.BlobID == id {
			return true
		}
	}
	for _, s := range m.Snapshots {
		if uses(&s.Content) {
			return true
		}
	}
	for _, n := range m.Nodes {
		for _, e := range n.Environments {
			if uses(e.Data) {
				return true
			}
		}
	}
	return false
}

// mxJob finds a job record by the lower-case id the Mendix surfaces hand out.
func mxJob(st *state, id string) *core.Job {
	return st.tx.Job(strings.ToUpper(id))
}

// newMxID returns a fresh lower-case UUID, the shape Mendix uses for every id.
func newMxID() string { return strings.ToLower(core.NewUUID()) }

// mxJobID is a core job id as the Mendix surfaces show it.
func mxJobID(id string) string { return strings.ToLower(id) }

// jobState is the state a record shows while its job has not finished: the record's own final
// state when set, else the job's.
func jobState(st *state, final, jobID string) (state, msg string) {
	if final != "" {
		return final, ""
	}
	j := mxJob(st, jobID)
	if j == nil {
		return mxStateQueued, ""
	}
	switch j.State {
	case core.JobRunning:
		return mxStateRunning, ""
	case core.JobFailed:
		return mxStateFailed, j.Message
	case core.JobCompleted:
		// The work marks its record itself; a completed job without a final record state means
		// the record was removed meanwhile.
		return mxStateCompleted, ""
	}
	return mxStateQueued, ""
}

// envURL is the environment's public URL: production on the bare subdomain, the others with a
// suffix (the docs' examples: calc.mendixcloud.com, calc-accp.mendixcloud.com).
func envURL(subdomain, mode string) string {
	suffix := ""
	switch strings.ToLower(mode) {
	case "production":
	case "acceptance":
		suffix = "-accp"
	default:
		suffix = "-" + strings.ToLower(mode)
	}
	return fmt.Sprintf("https://%s%s.mendixcloud.com", strings.ToLower(subdomain), suffix)
}
