package backendless

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// BackendlessInventory is the Backendless side: the 5.0 apps (the target) and the migration
// archive jobs run on the 3.x apps (the source).
type BackendlessInventory struct {
	// AppsByName counts 5.0 apps per name (across developers): more than one means a duplicate.
	AppsByName map[string]int `json:"apps_by_name"`
	// Apps are the 5.0 apps, oldest first.
	Apps []BackendlessAppInventory `json:"apps"`
	// LegacyApps counts the 3.x apps (the source).
	LegacyApps int `json:"legacy_apps"`
	// ArchiveJobs counts migration-archive jobs per 3.x "<app name>/<version>".
	ArchiveJobs map[string]core.JobCounts `json:"archive_jobs"`
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
	Imports core.JobCounts `json:"imports"`
	Loaded  int            `json:"loaded"`
	// Tables maps each data table to its row count; Rows is their sum.
	Tables map[string]int `json:"tables"`
	Rows   int            `json:"rows"`
}

func (st *state) backendlessInventory() BackendlessInventory {
	b := BackendlessInventory{AppsByName: map[string]int{}, Apps: []BackendlessAppInventory{}, ArchiveJobs: map[string]core.JobCounts{}}
	b.LegacyApps = len(st.Backendless.Legacy)
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
	for j := range st.tx.Jobs() {
		switch j.Kind {
		case bkImportJobKind:
			var p bkImportParams
			if json.Unmarshal(j.Params, &p) == nil {
				if i, ok := index[p.AppID]; ok {
					b.Apps[i].Imports.Add(j.State)
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
				c.Add(j.State)
				b.ArchiveJobs[name+"/"+p.Version] = c
			}
		}
	}
	return b
}
