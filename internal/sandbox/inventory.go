package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Inventory counts what exists on each platform, per kind of object a runbook creates, with
// the rows and bytes that landed, so a chaos run or a test can say "exactly one app, one
// uploaded archive, one completed import, nothing lost" without knowing the sandbox's state
// layout. Everything is counted as it is now: deleted objects are gone from it, jobs stay.
type Inventory struct {
	Backendless BackendlessInventory `json:"backendless"`
	Mendix      MendixInventory      `json:"mendix"`
	// Jobs counts every asynchronous job by kind and state.
	Jobs map[string]map[JobState]int `json:"jobs"`
}

// JobCounts counts the jobs of one kind for one object: every request that started one, and
// how many of those completed or failed so far.
type JobCounts struct {
	Requested int `json:"requested"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
}

func (c *JobCounts) add(s JobState) {
	c.Requested++
	switch s {
	case JobCompleted:
		c.Completed++
	case JobFailed:
		c.Failed++
	}
}

// BackendlessInventory is the Backendless side: the 5.0 apps (the target) and the migration
// archive jobs run on the 3.x apps (the source).
type BackendlessInventory struct {
	// AppsByName counts 5.0 apps per name (across developers): more than one means a duplicate.
	AppsByName map[string]int `json:"apps_by_name"`
	// Apps are the 5.0 apps, oldest first.
	Apps []BackendlessAppInventory `json:"apps"`
	// ArchiveJobs counts migration-archive jobs per 3.x "<app name>/<version>".
	ArchiveJobs map[string]JobCounts `json:"archive_jobs"`
}

// BackendlessAppInventory is what one 5.0 app holds.
type BackendlessAppInventory struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Files maps each file outside /migration (uploaded archives and the like) to its size.
	Files map[string]int64 `json:"files"`
	// MigrationLogs counts the import logs in /migration.
	MigrationLogs int `json:"migration_logs"`
	// Imports counts import jobs into this app; Loaded is how many imports loaded data.
	Imports JobCounts `json:"imports"`
	Loaded  int       `json:"loaded"`
	// Tables maps each data table to its row count; Rows is their sum.
	Tables map[string]int `json:"tables"`
	Rows   int            `json:"rows"`
}

// MendixInventory is the Mendix side: apps (projects), the packages of each node and what each
// environment holds.
type MendixInventory struct {
	// ProjectsByName counts apps per name: more than one means a duplicate.
	ProjectsByName map[string]int `json:"projects_by_name"`
	// ProjectJobs counts create-project jobs (Projects API), whether or not the app still exists.
	ProjectJobs JobCounts `json:"project_jobs"`
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
	Restores  JobCounts `json:"restores"`
	StartJobs JobCounts `json:"start_jobs"`
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

// Inventory counts the objects of both platforms now (GET /_sandbox/inventory).
func (s *Sandbox) Inventory() Inventory {
	var inv Inventory
	s.store.read(func(st *state) {
		inv = Inventory{
			Backendless: st.backendlessInventory(),
			Mendix:      st.mendixInventory(),
			Jobs:        map[string]map[JobState]int{},
		}
		for _, j := range st.Jobs {
			if inv.Jobs[j.Kind] == nil {
				inv.Jobs[j.Kind] = map[JobState]int{}
			}
			inv.Jobs[j.Kind][j.State]++
		}
	})
	return inv
}

func (st *state) backendlessInventory() BackendlessInventory {
	b := BackendlessInventory{AppsByName: map[string]int{}, Apps: []BackendlessAppInventory{}, ArchiveJobs: map[string]JobCounts{}}
	apps := slices.Clone(st.Backendless.Apps)
	slices.SortStableFunc(apps, func(x, y *bkApp) int { return x.Created.Compare(y.Created) })
	index := map[string]int{}
	for _, a := range apps {
		b.AppsByName[a.Name]++
		ai := BackendlessAppInventory{ID: a.ID, Name: a.Name, Files: map[string]int64{}, Tables: map[string]int{}}
		if d := st.Backendless.AppData[a.ID]; d != nil {
			for p, f := range d.Files.Files {
				if strings.HasPrefix(p, bkImportLogDir+"/") {
					ai.MigrationLogs++
					continue
				}
				ai.Files[p] = f.Size
			}
			for _, t := range d.Data.Tables {
				ai.Tables[t.Name] = t.Rows
				ai.Rows += t.Rows
			}
			ai.Loaded = len(d.Imports)
		}
		index[a.ID] = len(b.Apps)
		b.Apps = append(b.Apps, ai)
	}
	for _, j := range st.Jobs {
		switch j.Kind {
		case bkImportJobKind:
			var p bkImportParams
			if json.Unmarshal(j.Params, &p) == nil {
				if i, ok := index[p.AppID]; ok {
					b.Apps[i].Imports.add(j.State)
				}
			}
		case bk3ArchiveJobKind:
			var p bk3ArchiveParams
			if json.Unmarshal(j.Params, &p) == nil {
				name := p.AppID
				if a, _ := st.bk3Version(p.AppID, p.Version); a != nil {
					name = a.Name
				}
				c := b.ArchiveJobs[name+"/"+p.Version]
				c.add(j.State)
				b.ArchiveJobs[name+"/"+p.Version] = c
			}
		}
	}
	return b
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
		state := JobQueued
		switch s, _ := jobState(st, r.State, r.JobID); s {
		case mxStateCompleted:
			state = JobCompleted
		case mxStateFailed:
			state = JobFailed
		}
		env(r.TargetEnvID, func(e *MendixEnvironmentInventory) { e.Restores.add(state) })
	}
	for _, j := range st.Jobs {
		switch j.Kind {
		case mxJobStart:
			var p mxStartJobParams
			if json.Unmarshal(j.Params, &p) == nil {
				env(p.EnvID, func(e *MendixEnvironmentInventory) { e.StartJobs.add(j.State) })
			}
		case mxJobProject:
			m.ProjectJobs.add(j.State)
		}
	}
	return m
}

// ctlInventory is GET /_sandbox/inventory.
func (s *Sandbox) ctlInventory(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Inventory())
}
