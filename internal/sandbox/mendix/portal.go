package mendix

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// "A human in the Mendix Portal": the steps with no API (node link, backup upload) and
// out-of-band changes, for tests to play, plus reads for their assertions. Mirrored under
// /_sandbox/mendix/.

// MendixUser is a Mendix account of the fixture (credentials are fixture values).
type MendixUser struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	APIKey   string `json:"api_key"`
	PAT      string `json:"pat"`
}

// MendixApp is an app (Portal project) as the Portal shows it.
type MendixApp struct {
	ProjectID   string `json:"project_id"`
	Name        string `json:"name"`
	LicenseType string `json:"license_type"` // "licensed" while a node links it, else "free"
	NodeID      string `json:"node_id,omitempty"`
	Subdomain   string `json:"subdomain,omitempty"` // the Deploy v1 AppId while licensed
}

// MendixNode is a licensed Cloud node.
type MendixNode struct {
	ID              string                   `json:"id"`
	Cloud           string                   `json:"cloud"` // "v3" or "v4"
	Subdomain       string                   `json:"subdomain"`
	LinkedProjectID string                   `json:"linked_project_id,omitempty"`
	Environments    []MendixEnvironmentBrief `json:"environments"`
}

// MendixEnvironmentBrief names one environment of a node.
type MendixEnvironmentBrief struct {
	Mode          string `json:"mode"`
	EnvironmentID string `json:"environment_id"`
}

// MendixSetting is a constant, scheduled event or custom setting: Value applies at the next
// start, DeployedValue is what the running app uses.
type MendixSetting struct {
	Name          string `json:"name"`
	DataType      string `json:"data_type,omitempty"`
	Value         string `json:"value"`
	DeployedValue string `json:"deployed_value"`
}

// MendixRestore is what the last completed restore loaded into an environment.
type MendixRestore struct {
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

// MendixEnvironment is an environment as a test asserts on it.
type MendixEnvironment struct {
	EnvironmentID   string          `json:"environment_id"`
	Mode            string          `json:"mode"`
	NodeID          string          `json:"node_id"`
	Cloud           string          `json:"cloud"`
	Subdomain       string          `json:"subdomain"`
	ProjectID       string          `json:"project_id,omitempty"` // the linked app, if any
	Status          string          `json:"status"`               // Empty | Stopped | Running
	Starting        bool            `json:"starting"`             // a start job is in flight
	PackageID       string          `json:"package_id,omitempty"`
	PackageName     string          `json:"package_name,omitempty"`
	ModelVersion    string          `json:"model_version,omitempty"`
	MendixVersion   string          `json:"mendix_version,omitempty"`
	Constants       []MendixSetting `json:"constants"`
	ScheduledEvents []MendixSetting `json:"scheduled_events"`
	CustomSettings  []MendixSetting `json:"custom_settings"`
	Restored        *MendixRestore  `json:"restored,omitempty"`
}

// MendixPackage is a deployment package with its content digest.
type MendixPackage struct {
	PackageID       string   `json:"package_id"`
	Name            string   `json:"name"`
	Status          string   `json:"status"`
	ModelVersion    string   `json:"model_version"`
	MendixVersion   string   `json:"mendix_version"`
	Size            int64    `json:"size"`
	SHA256          string   `json:"sha256"`
	Constants       []string `json:"constants"`
	ScheduledEvents []string `json:"scheduled_events"`
}

// MendixArchiveDigest describes a snapshot's Full Snapshot archive (the Backups v1
// DatabaseAndFiles download) for comparison with what a restore recorded.
type MendixArchiveDigest struct {
	SnapshotID   string `json:"snapshot_id"`
	SHA256       string `json:"sha256"`
	Bytes        int64  `json:"bytes"`
	ModelVersion string `json:"model_version"`
	DBTables     int    `json:"db_tables"`
	DBRows       int64  `json:"db_rows"`
	DBBytes      int64  `json:"db_bytes"`
	Files        int    `json:"files"`
	FileBytes    int64  `json:"file_bytes"`
}

// MendixSettingKind names the list SetMendixEnvironmentSetting edits.
type MendixSettingKind string

// Setting kinds.
const (
	MendixConstant       MendixSettingKind = "constant"
	MendixScheduledEvent MendixSettingKind = "scheduled_event"
	MendixCustomSetting  MendixSettingKind = "custom_setting"
)

// MendixUsers returns the Mendix accounts.
func (s *Mendix) MendixUsers() []MendixUser {
	out := []MendixUser{}
	s.store.read(func(st *state) {
		for _, u := range st.Mendix.Users {
			out = append(out, MendixUser{Username: u.Username, Name: u.Name, APIKey: u.APIKey, PAT: u.PAT})
		}
	})
	return out
}

// MendixApps returns every app, oldest first.
func (s *Mendix) MendixApps() []MendixApp {
	out := []MendixApp{}
	s.store.read(func(st *state) {
		apps := slices.Clone(st.Mendix.Apps)
		slices.SortStableFunc(apps, func(a, b *mxApp) int { return a.Created.Compare(b.Created) })
		for _, a := range apps {
			v := MendixApp{ProjectID: a.ProjectID, Name: a.Name, LicenseType: "free"}
			if n := st.Mendix.linkedNode(a.ProjectID); n != nil {
				v.LicenseType, v.NodeID, v.Subdomain = "licensed", n.ID, n.Subdomain
			}
			out = append(out, v)
		}
	})
	return out
}

// MendixNodes returns every node with its environments.
func (s *Mendix) MendixNodes() []MendixNode {
	out := []MendixNode{}
	s.store.read(func(st *state) {
		for _, n := range st.Mendix.Nodes {
			v := MendixNode{ID: n.ID, Cloud: n.Cloud, Subdomain: n.Subdomain, LinkedProjectID: n.LinkedProjectID, Environments: []MendixEnvironmentBrief{}}
			for _, e := range n.Environments {
				v.Environments = append(v.Environments, MendixEnvironmentBrief{Mode: e.Mode, EnvironmentID: e.ID})
			}
			out = append(out, v)
		}
	})
	return out
}

// envBySubdomainMode finds an environment by node subdomain (the Deploy v1 AppId, linked or
// not) and mode.
func (st *state) envBySubdomainMode(appID, mode string) (*mxNode, *mxEnv, error) {
	n := st.Mendix.nodeBySubdomain(appID)
	if n == nil {
		return nil, nil, fmt.Errorf("sandbox: no Mendix node with subdomain %q: %w", appID, core.ErrNotFound)
	}
	e := n.env(mode)
	if e == nil {
		return nil, nil, fmt.Errorf("sandbox: node %s has no %q environment: %w", n.ID, mode, core.ErrNotFound)
	}
	return n, e, nil
}

func settingsOut(list []*mxSetting) []MendixSetting {
	out := []MendixSetting{}
	for _, c := range list {
		out = append(out, MendixSetting{Name: c.Name, DataType: c.DataType, Value: c.Value, DeployedValue: c.DeployedValue})
	}
	return out
}

func (st *state) mendixEnvironment(n *mxNode, e *mxEnv) MendixEnvironment {
	v := MendixEnvironment{
		EnvironmentID: e.ID, Mode: e.Mode, NodeID: n.ID, Cloud: n.Cloud, Subdomain: n.Subdomain, ProjectID: n.LinkedProjectID,
		Status: e.Status, Starting: e.StartJobID != "", PackageID: e.PackageID,
		Constants: settingsOut(e.Constants), ScheduledEvents: settingsOut(e.ScheduledEvents), CustomSettings: settingsOut(e.CustomSettings),
	}
	if p := st.Mendix.pkg(e.PackageID); p != nil {
		v.PackageName, v.ModelVersion, v.MendixVersion = p.Name, p.ModelVersion, p.MendixVersion
	}
	if r := e.Restored; r != nil {
		v.Restored = &MendixRestore{
			RestoreID: r.RestoreID, SnapshotID: r.SnapshotID, ArchiveSHA256: r.ArchiveSHA256, ArchiveBytes: r.ArchiveBytes, DBOnly: r.DBOnly,
			DBTables: r.DBTables, DBRows: r.DBRows, Files: r.Files, FileBytes: r.FileBytes, At: r.At,
		}
	}
	return v
}

// MendixEnvironment returns an environment by node subdomain (the Deploy v1 AppId, e.g.
// "calc" or "calc-v4"; linked or not) and mode (any case).
func (s *Mendix) MendixEnvironment(appID, mode string) (MendixEnvironment, error) {
	var out MendixEnvironment
	var err error
	s.store.read(func(st *state) {
		var n *mxNode
		var e *mxEnv
		if n, e, err = st.envBySubdomainMode(appID, mode); err == nil {
			out = st.mendixEnvironment(n, e)
		}
	})
	return out, err
}

// MendixEnvironmentByID returns an environment by EnvironmentId.
func (s *Mendix) MendixEnvironmentByID(environmentID string) (MendixEnvironment, error) {
	var out MendixEnvironment
	err := fmt.Errorf("sandbox: no Mendix environment %q: %w", environmentID, core.ErrNotFound)
	s.store.read(func(st *state) {
		if n, e := st.Mendix.envByID(environmentID); e != nil {
			out, err = st.mendixEnvironment(n, e), nil
		}
	})
	return out, err
}

// MendixPackages returns the packages of a node (by subdomain), generating a fixture package's
// content so its size and digest are real.
func (s *Mendix) MendixPackages(appID string) ([]MendixPackage, error) {
	var ids []string
	var err error
	s.store.read(func(st *state) {
		n := st.Mendix.nodeBySubdomain(appID)
		if n == nil {
			err = fmt.Errorf("sandbox: no Mendix node with subdomain %q: %w", appID, core.ErrNotFound)
			return
		}
		for _, p := range st.Mendix.Packages {
			if p.NodeID == n.ID {
				ids = append(ids, p.ID)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := []MendixPackage{}
	for _, id := range ids {
		ref, err := s.mxPackageBlob(id)
		if errors.Is(err, core.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.store.read(func(st *state) {
			p := st.Mendix.pkg(id)
			if p == nil {
				return
			}
			v := MendixPackage{
				PackageID: p.ID, Name: p.Name, Status: p.Status, ModelVersion: p.ModelVersion, MendixVersion: p.MendixVersion,
				Size: ref.Size, SHA256: ref.SHA256, Constants: []string{}, ScheduledEvents: []string{},
			}
			for _, c := range p.Constants {
				v.Constants = append(v.Constants, c.Name)
			}
			for _, e := range p.ScheduledEvents {
				v.ScheduledEvents = append(v.ScheduledEvents, e.Name)
			}
			out = append(out, v)
		})
	}
	return out, nil
}

// MendixSnapshotDigest returns the digest of a snapshot's Full Snapshot archive (generating a
// fixture snapshot's archive first). snapshotID "" means the newest completed snapshot of the
// environment, the one the runbook copies.
func (s *Mendix) MendixSnapshotDigest(appID, mode, snapshotID string) (MendixArchiveDigest, error) {
	var err error
	s.store.read(func(st *state) {
		var e *mxEnv
		if _, e, err = st.envBySubdomainMode(appID, mode); err != nil {
			return
		}
		var newest *mxSnapshot
		for _, sn := range st.Mendix.Snapshots {
			if sn.EnvID != e.ID {
				continue
			}
			if snapshotID != "" && strings.EqualFold(sn.ID, snapshotID) {
				newest = sn
				break
			}
			if state, _ := jobState(st, sn.State, sn.JobID); snapshotID == "" && state == mxStateCompleted && (newest == nil || !sn.Created.Before(newest.Created)) {
				newest = sn
			}
		}
		if newest == nil {
			err = fmt.Errorf("sandbox: environment %s/%s has no snapshot %q: %w", appID, mode, snapshotID, core.ErrNotFound)
			return
		}
		snapshotID = newest.ID
	})
	if err != nil {
		return MendixArchiveDigest{}, err
	}
	ref, err := s.mxSnapshotBlob(snapshotID, mxPartFull)
	if err != nil {
		return MendixArchiveDigest{}, err
	}
	var out MendixArchiveDigest
	s.store.read(func(st *state) {
		if sn := st.Mendix.snapshot(snapshotID); sn != nil {
			c := sn.Content
			out = MendixArchiveDigest{
				SnapshotID: sn.ID, SHA256: ref.SHA256, Bytes: ref.Size, ModelVersion: c.ModelVersion,
				DBTables: c.DBTables, DBRows: c.DBRows, DBBytes: c.DBBytes, Files: c.Files, FileBytes: c.FileBytes,
			}
		}
	})
	return out, nil
}

// LinkMendixNode links an app to a node as "Select Node → Use this Node" in the Portal does:
// the node's previous app becomes free, and an app linked elsewhere moves (see the modeled
// POST /api/v4/apps/{appId}/node).
func (s *Mendix) LinkMendixNode(nodeID, projectID string) error {
	_, err := s.mxLink(nodeID, projectID)
	return err
}

// OffboardMendixNode is Mendix Support offboarding a node (runbook §3.3: "the app will be
// detached from the node … the app will still remain in the Developer Portal as a Free App"):
// the node no longer holds an app, so Deploy v1 answers 404 APP_NOT_FOUND for its AppId.
func (s *Mendix) OffboardMendixNode(nodeID string) error {
	return s.store.update(func(st *state) error {
		n := st.Mendix.node(nodeID)
		if n == nil {
			return fmt.Errorf("sandbox: node %q: %w", nodeID, core.ErrNotFound)
		}
		st.touch(collNodes, n.ID)
		n.LinkedProjectID, n.LinkedAt = "", time.Time{}
		return nil
	})
}

// UploadMendixBackup uploads a backup archive to a v4 environment as "Backups → Upload Archive"
// in the Portal does, and returns the new snapshot's id. The snapshot completes (or fails, for
// a broken archive) when its job has read the archive, as with the modeled upload endpoint.
func (s *Mendix) UploadMendixBackup(environmentID string, r io.Reader) (string, error) {
	if err := s.mxCheckV4Env(environmentID); err != nil {
		return "", err
	}
	blob, err := s.mxReaderBlob(r)
	if err != nil {
		return "", err
	}
	v, err := s.mxStartBackupUpload(environmentID, blob, "")
	if err != nil {
		return "", err
	}
	return v.SnapshotID, nil
}

// mxCheckV4Env refuses environments the Backups v2 portal page does not serve.
func (s *Mendix) mxCheckV4Env(environmentID string) error {
	var err error
	s.store.read(func(st *state) {
		n, e := st.Mendix.envByID(environmentID)
		switch {
		case e == nil:
			err = fmt.Errorf("sandbox: no Mendix environment %q: %w", environmentID, core.ErrNotFound)
		case n.Cloud != "v4":
			err = newMxErr(http.StatusBadRequest, "NOT_SUPPORTED", "Backups can only be uploaded to Mendix Cloud v4 environments")
		}
	})
	return err
}

// SetMendixEnvironmentSetting changes one setting's Value as a Portal user would (drift): a
// constant or scheduled event must exist (after a transport); a custom setting is added when
// new. Like the API, the change takes effect at the next start.
func (s *Mendix) SetMendixEnvironmentSetting(appID, mode string, kind MendixSettingKind, name, value string) error {
	return s.store.update(func(st *state) error {
		n, e, err := st.envBySubdomainMode(appID, mode)
		if err != nil {
			return err
		}
		st.touch(collNodes, n.ID)
		in := []mxSettingIn{{Name: name, Value: &value}}
		var merr *mxErr
		switch kind {
		case MendixConstant:
			merr = mxApplySettings(e, in, nil, nil)
		case MendixScheduledEvent:
			merr = mxApplySettings(e, nil, in, nil)
		case MendixCustomSetting:
			all := []mxSettingIn{}
			for _, c := range e.CustomSettings {
				if c.Name != name {
					all = append(all, mxSettingIn{Name: c.Name, Value: &c.Value})
				}
			}
			all = append(all, in[0])
			merr = mxApplySettings(e, nil, nil, &all)
		default:
			return fmt.Errorf("sandbox: setting kind %q: want constant, scheduled_event or custom_setting: %w", kind, core.ErrInvalid)
		}
		if merr != nil {
			return merr
		}
		return nil
	})
}

// ExpireMendixDownloadURLs makes every pre-signed package and backup URL handed out so far
// expired, so the next download answers 403 and a client must ask for a fresh one.
func (s *Mendix) ExpireMendixDownloadURLs() error {
	return s.store.update(func(st *state) error {
		past := time.Now().Add(-time.Second)
		for _, u := range st.Mendix.URLs {
			if u.Expires.After(past) {
				st.touch(collURLs, u.Token)
				u.Expires = past
			}
		}
		return nil
	})
}

// SetMendixArchiveURLTTL sets how long backup download URLs handed out from now on stay valid
// (Backups v1 snapshot links and Backups v2 archive URLs); package URLs keep the documented
// 900 s.
func (s *Mendix) SetMendixArchiveURLTTL(ttl time.Duration) error {
	if ttl < time.Second {
		return fmt.Errorf("sandbox: archive URL TTL %v: want at least 1s: %w", ttl, core.ErrInvalid)
	}
	return s.store.update(func(st *state) error {
		st.Mendix.ArchiveURLTTLSeconds = int(ttl / time.Second)
		st.touch(collArchiveURLTTL, core.ValueID)
		return nil
	})
}

// SetMendixV4HidesFreeApps makes Deploy API v4 answer 404 (and list nothing) for every app no
// node links, as a platform would where a project created with the Projects API has no cloud app
// until it is linked: the Projects API still knows the app (mendix-cloud-api.md §5.8).
func (s *Mendix) SetMendixV4HidesFreeApps(on bool) error {
	return s.store.update(func(st *state) error {
		st.Mendix.V4HidesFreeApps = on
		st.touch(collV4HidesFree, core.ValueID)
		return nil
	})
}

// ScriptMendixStartFailure makes the next start of the environment (node subdomain appID,
// mode) fail with vendor code code, e.g. MISSING_CONSTANT or START_FAILED: the start job's
// status then answers HTTP 500 with that code (mendix-cloud-api.md §5.3).
func (s *Mendix) ScriptMendixStartFailure(appID, mode, code string) error {
	if code == "" || strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") != "" {
		return fmt.Errorf("sandbox: start failure code %q: want an upper-case vendor code such as MISSING_CONSTANT: %w", code, core.ErrInvalid)
	}
	return s.store.update(func(st *state) error {
		n, e, err := st.envBySubdomainMode(appID, mode)
		if err != nil {
			return err
		}
		st.touch(collNodes, n.ID)
		e.NextStartFailure = code
		return nil
	})
}

// --- /_sandbox/mendix/ ---

func (s *Mendix) routeMendixControl() {
	const p = "/_sandbox/mendix"
	s.HandleControl("GET "+p+"/users", func(w http.ResponseWriter, r *http.Request) { core.WriteJSON(w, http.StatusOK, s.MendixUsers()) })
	s.HandleControl("GET "+p+"/apps", func(w http.ResponseWriter, r *http.Request) { core.WriteJSON(w, http.StatusOK, s.MendixApps()) })
	s.HandleControl("GET "+p+"/nodes", func(w http.ResponseWriter, r *http.Request) { core.WriteJSON(w, http.StatusOK, s.MendixNodes()) })
	s.HandleControl("POST "+p+"/nodes/{nodeId}/link", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			ProjectID string `json:"projectId"`
		}
		if err := core.DecodeJSON(w, r, &in); err != nil {
			core.WriteControlError(w, http.StatusBadRequest, `want {"projectId": "<uuid>"}: `+err.Error())
			return
		}
		res, err := s.mxLink(r.PathValue("nodeId"), in.ProjectID)
		if err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, res)
	})
	s.HandleControl("POST "+p+"/nodes/{nodeId}/offboard", func(w http.ResponseWriter, r *http.Request) {
		if err := s.OffboardMendixNode(r.PathValue("nodeId")); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("POST "+p+"/environments/{environmentId}/upload-backup", s.ctlMendixUploadBackup)
	s.HandleControl("GET "+p+"/environments/{environmentId}", func(w http.ResponseWriter, r *http.Request) {
		e, err := s.MendixEnvironmentByID(r.PathValue("environmentId"))
		if err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, e)
	})
	s.HandleControl("GET "+p+"/apps/{appId}/environments/{mode}", func(w http.ResponseWriter, r *http.Request) {
		e, err := s.MendixEnvironment(r.PathValue("appId"), r.PathValue("mode"))
		if err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, e)
	})
	s.HandleControl("POST "+p+"/apps/{appId}/environments/{mode}/settings", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Kind  MendixSettingKind `json:"kind"`
			Name  string            `json:"name"`
			Value string            `json:"value"`
		}
		if err := core.DecodeJSON(w, r, &in); err != nil {
			core.WriteControlError(w, http.StatusBadRequest, `want {"kind": "constant|scheduled_event|custom_setting", "name", "value"}: `+err.Error())
			return
		}
		if err := s.SetMendixEnvironmentSetting(r.PathValue("appId"), r.PathValue("mode"), in.Kind, in.Name, in.Value); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("POST "+p+"/apps/{appId}/environments/{mode}/start-failure", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Code string `json:"code"`
		}
		if err := core.DecodeJSON(w, r, &in); err != nil {
			core.WriteControlError(w, http.StatusBadRequest, `want {"code": "MISSING_CONSTANT"}: `+err.Error())
			return
		}
		if err := s.ScriptMendixStartFailure(r.PathValue("appId"), r.PathValue("mode"), in.Code); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("GET "+p+"/apps/{appId}/environments/{mode}/snapshots/{snapshotId}/digest", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("snapshotId")
		if id == "latest" {
			id = ""
		}
		d, err := s.MendixSnapshotDigest(r.PathValue("appId"), r.PathValue("mode"), id)
		if err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, d)
	})
	s.HandleControl("GET "+p+"/apps/{appId}/packages", func(w http.ResponseWriter, r *http.Request) {
		out, err := s.MendixPackages(r.PathValue("appId"))
		if err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteJSON(w, http.StatusOK, out)
	})
	s.HandleControl("POST "+p+"/storage/expire", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ExpireMendixDownloadURLs(); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("PUT "+p+"/archive-url-ttl", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Seconds int `json:"seconds"`
		}
		if err := core.DecodeJSON(w, r, &in); err != nil {
			core.WriteControlError(w, http.StatusBadRequest, `want {"seconds": 600}: `+err.Error())
			return
		}
		if err := s.SetMendixArchiveURLTTL(time.Duration(in.Seconds) * time.Second); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("PUT "+p+"/v4-hides-free-apps", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			On bool `json:"on"`
		}
		if err := core.DecodeJSON(w, r, &in); err != nil {
			core.WriteControlError(w, http.StatusBadRequest, `want {"on": true}: `+err.Error())
			return
		}
		if err := s.SetMendixV4HidesFreeApps(in.On); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
}

// ctlMendixUploadBackup is POST /_sandbox/mendix/environments/{environmentId}/upload-backup:
// the archive as multipart field "file" or as the raw body; answers 202 with the snapshot.
func (s *Mendix) ctlMendixUploadBackup(w http.ResponseWriter, r *http.Request) {
	envID := r.PathValue("environmentId")
	if err := s.mxCheckV4Env(envID); err != nil {
		core.WriteSentinelError(w, err)
		return
	}
	var blob mxBlobRef
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		blob.BlobID, blob.Size, blob.SHA256, err = s.mxReceiveFile(r)
	} else {
		blob, err = s.mxReaderBlob(r.Body)
	}
	if err != nil {
		var me *mxErr
		if errors.As(err, &me) {
			core.WriteControlError(w, me.status, me.msg)
			return
		}
		core.WriteSentinelError(w, err)
		return
	}
	v, err := s.mxStartBackupUpload(envID, blob, "")
	if err != nil {
		core.WriteSentinelError(w, err)
		return
	}
	core.WriteJSON(w, http.StatusAccepted, v)
}
