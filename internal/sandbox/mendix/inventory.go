package mendix

import (
	"encoding/json"
	"strings"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// MendixInventory is the Mendix side: apps (projects), the packages of each node and what each
// environment holds.
type MendixInventory struct {
	// ProjectsByName counts apps per name: more than one means a duplicate.
	ProjectsByName map[string]int `json:"projects_by_name"`
	// ProjectJobs counts create-project jobs (Projects API), whether or not the app still exists.
	ProjectJobs core.JobCounts `json:"project_jobs"`
	// Nodes maps a node's subdomain (the Deploy API AppId) to what it holds.
	Nodes map[string]MendixNodeInventory `json:"nodes"`
}

// MendixNodeInventory is one Cloud node.
type MendixNodeInventory struct {
	ID              string `json:"id"`
	Cloud           string `json:"cloud"`
	LinkedProjectID string `json:"linked_project_id,omitempty"`
	// Packages counts the deployment packages in the node's repository; Uploaded those that came
	// through the upload (not the fixture).
	Packages         int `json:"packages"`
	UploadedPackages int `json:"uploaded_packages"`
	// Environments maps a Mode (Production, Acceptance, …) to what the environment holds.
	Environments map[string]MendixEnvironmentInventory `json:"environments"`
}

// MendixEnvironmentInventory is one environment of a node.
type MendixEnvironmentInventory struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	PackageID string `json:"package_id,omitempty"`
	// Snapshots counts the environment's backups; Uploaded those that came through the backup
	// upload.
	Snapshots         int `json:"snapshots"`
	UploadedSnapshots int `json:"uploaded_snapshots"`
	// Archives counts the Backups v2 download archives requested of its snapshots.
	Archives int `json:"archives"`
	// Restores counts restores into this environment; StartJobs its start jobs.
	Restores  core.JobCounts `json:"restores"`
	StartJobs core.JobCounts `json:"start_jobs"`
	// Restored is what the last completed restore loaded, nil before one.
	Restored *MendixRestoredData `json:"restored,omitempty"`
}

// MendixRestoredData is what a restore left in an environment, to compare with the source
// snapshot (MendixSnapshotDigest).
type MendixRestoredData struct {
	SnapshotID    string `json:"snapshot_id"`
	ArchiveBytes  int64  `json:"archive_bytes"`
	ArchiveSHA256 string `json:"archive_sha256"`
	DBTables      int    `json:"db_tables"`
	DBRows        int64  `json:"db_rows"`
	Files         int    `json:"files"`
	FileBytes     int64  `json:"file_bytes"`
}

func (st *state) mendixInventory() MendixInventory {
	m := MendixInventory{ProjectsByName: map[string]int{}, Nodes: map[string]MendixNodeInventory{}}
	for _, a := range st.Mendix.Apps {
		m.ProjectsByName[a.Name]++
	}
	type envRef struct{ node, mode string }
	envs := map[string]envRef{} // environment id → where it is in m.Nodes
	for _, n := range st.Mendix.Nodes {
		ni := MendixNodeInventory{ID: n.ID, Cloud: n.Cloud, LinkedProjectID: n.LinkedProjectID, Environments: map[string]MendixEnvironmentInventory{}}
		for _, e := range n.Environments {
			ei := MendixEnvironmentInventory{ID: e.ID, Status: e.Status, PackageID: e.PackageID}
			if r := e.Restored; r != nil {
				ei.Restored = &MendixRestoredData{
					SnapshotID: r.SnapshotID, ArchiveBytes: r.ArchiveBytes, ArchiveSHA256: r.ArchiveSHA256,
					DBTables: r.DBTables, DBRows: r.DBRows, Files: r.Files, FileBytes: r.FileBytes,
				}
			}
			ni.Environments[e.Mode] = ei
			envs[strings.ToLower(e.ID)] = envRef{n.Subdomain, e.Mode}
		}
		for _, p := range st.Mendix.Packages {
			if p.NodeID == n.ID {
				ni.Packages++
				if p.Gen == nil {
					ni.UploadedPackages++
				}
			}
		}
		m.Nodes[n.Subdomain] = ni
	}
	// env updates one environment's entry in place.
	env := func(id string, fn func(e *MendixEnvironmentInventory)) {
		ref, ok := envs[strings.ToLower(id)]
		if !ok {
			return
		}
		e := m.Nodes[ref.node].Environments[ref.mode]
		fn(&e)
		m.Nodes[ref.node].Environments[ref.mode] = e
	}
	for _, sn := range st.Mendix.Snapshots {
		env(sn.EnvID, func(e *MendixEnvironmentInventory) {
			e.Snapshots++
			if sn.Uploaded {
				e.UploadedSnapshots++
			}
		})
	}
	for _, a := range st.Mendix.Archives {
		env(a.EnvID, func(e *MendixEnvironmentInventory) { e.Archives++ })
	}
	for _, r := range st.Mendix.Restores {
		state := core.JobQueued
		switch s, _ := jobState(st, r.State, r.JobID); s {
		case mxStateCompleted:
			state = core.JobCompleted
		case mxStateFailed:
			state = core.JobFailed
		}
		env(r.TargetEnvID, func(e *MendixEnvironmentInventory) { e.Restores.Add(state) })
	}
	for j := range st.tx.Jobs() {
		switch j.Kind {
		case mxJobStart:
			var p mxStartJobParams
			if json.Unmarshal(j.Params, &p) == nil {
				env(p.EnvID, func(e *MendixEnvironmentInventory) { e.StartJobs.Add(j.State) })
			}
		case mxJobProject:
			m.ProjectJobs.Add(j.State)
		}
	}
	return m
}
