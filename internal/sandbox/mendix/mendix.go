package mendix

import (
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// Mount points of the Mendix hosts below the sandbox URL.
const (
	mountMendixDeploy   = "/mendix/deploy"   // deploy.mendix.com (/api/1 and /api/v2 below it)
	mountMendixCloud    = "/mendix/cloud"    // cloud.home.mendix.com (/api/v4 below it)
	mountMendixProjects = "/mendix/projects" // projects-api.home.mendix.com (/v2 below it)
	mountMendixStorage  = "/mendix/storage"  // pre-signed download URLs (storage.go)
)

// Exported mount points, for the sandbox's Endpoints.
const (
	DeployMount   = mountMendixDeploy
	CloudMount    = mountMendixCloud
	ProjectsMount = mountMendixProjects
	StorageMount  = mountMendixStorage
)

// sectionName keys the Mendix part of the fixture, the state, the inventory and the route
// table.
const sectionName = "mendix"

// reference is the vendor notes every route's reference section is in (the notes are kept
// outside this repository; handlers cite their sections as §n).
const reference = "mendix-cloud-api.md"

//go:embed fixture_default.json
var defaultFixture []byte

// DefaultFixture returns the "mendix" section of the embedded default fixture (a copy).
func DefaultFixture() []byte { return append([]byte(nil), defaultFixture...) }

// Mendix emulates the Mendix hosts on a core.Core: deploy.mendix.com, cloud.home.mendix.com,
// projects-api.home.mendix.com and the object storage their download links point at, with the
// records, jobs and /_sandbox/ routes of the Cloud v3 → v4 runbook. Its exported methods are
// what a Portal user does by hand.
type Mendix struct {
	*core.Core
	records *mendixState
	store   store
}

// New returns the Mendix vendor, to be attached by core.New.
func New() *Mendix {
	s := &Mendix{records: &mendixState{}}
	s.store = store{s: s}
	return s
}

// Attach registers the Mendix hosts, job kinds, control routes and section on c.
func (s *Mendix) Attach(c *core.Core) error {
	s.Core = c
	// The Build API's examples end paths with "/"; the deploy host accepts both spellings.
	host := func(spec core.MountSpec) *core.Mount {
		spec.Vendor, spec.Reference = sectionName, reference
		return c.Mount(spec)
	}
	s.routeMendixDeploy(host(core.MountSpec{Prefix: mountMendixDeploy, ErrorBody: mendixDeployErrorBody, TrimTrailingSlash: true}))
	s.routeMendixCloud(host(core.MountSpec{Prefix: mountMendixCloud, ErrorBody: mendixV4ErrorBody}))
	s.routeMendixProjects(host(core.MountSpec{Prefix: mountMendixProjects, ErrorBody: mxProjectsErrorBodyFor}))
	s.routeMendixStorage(host(core.MountSpec{Prefix: mountMendixStorage, WriteError: s3ErrorWriter, RedactPath: redactStoragePath}))

	for kind, fn := range map[string]func(context.Context, *Mendix, *core.JobRun) error{
		mxJobSnapshot: mxRunSnapshot, mxJobArchive: mxRunArchive, mxJobRestore: mxRunRestore,
		mxJobUpload: mxRunBackupUpload, mxJobPackage: mxProcessPackage, mxJobStart: mxRunStart,
		mxJobProject: mxRunCreateProject,
	} {
		c.RegisterJobKind(kind, func(ctx context.Context, run *core.JobRun) error { return fn(ctx, s, run) })
	}

	s.routeMendixControl()

	c.AddSection(core.Section{
		Name:           sectionName,
		State:          s.records,
		Collections:    s.records.collections(),
		Normalize:      s.records.normalize,
		DefaultFixture: defaultFixture,
		CheckFixture:   s.checkFixture,
		Inventory:      func(tx *core.Tx) any { return s.InventoryIn(tx) },
	})
	return nil
}

// checkFixture checks the "mendix" section and returns what seeds it.
func (s *Mendix) checkFixture(raw json.RawMessage) (func(tx *core.Tx) error, error) {
	raw, err := core.ExpandFleets(sectionName, raw)
	if err != nil {
		return nil, err
	}
	fx, err := parseMendixFixture(raw)
	if err != nil {
		return nil, err
	}
	return func(tx *core.Tx) error {
		seedMendix(&state{Mendix: s.records, tx: tx}, fx, time.Now().UTC().Truncate(time.Millisecond))
		return nil
	}, nil
}

// Inventory counts the Mendix objects now (the "mendix" section of the sandbox's inventory).
func (s *Mendix) Inventory() MendixInventory {
	var inv MendixInventory
	s.store.read(func(st *state) { inv = st.mendixInventory() })
	return inv
}

// InventoryIn is Inventory inside a transaction the caller holds, so it can be counted together
// with other sections.
func (s *Mendix) InventoryIn(tx *core.Tx) MendixInventory {
	return (&state{Mendix: s.records, tx: tx}).mendixInventory()
}

// mendixDeployErrorBody follows mendix-cloud-api.md §6: Deploy v1/v2 document an upper-case
// code and a message but not the JSON field names. modeled: errorCode / errorMessage.
func mendixDeployErrorBody(status int, msg string) any {
	return map[string]string{"errorCode": strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_")), "errorMessage": msg}
}

// mendixV4ErrorBody follows mendix-cloud-api.md §6: Deploy v4 and Projects v2 wrap errors as
// {"error": {"code": <http int>, "message": str}}.
func mendixV4ErrorBody(status int, msg string) any {
	return map[string]any{"error": map[string]any{"code": status, "message": msg}}
}

// redactStoragePath hides the token of a pre-signed URL (/<token>/<file name>): it is the
// credential.
func redactStoragePath(sub string) string {
	parts := strings.SplitN(sub, "/", 3)
	if len(parts) >= 2 && parts[1] != "" {
		parts[1] = "***"
	}
	return strings.Join(parts, "/")
}

// The collections of the Mendix section: one record per user, app, node (with its
// environments), package, snapshot, archive, restore and storage link, and the archive link
// lifetime.
const (
	collUsers         = "users"
	collApps          = "apps"
	collNodes         = "nodes"
	collPackages      = "packages"
	collSnapshots     = "snapshots"
	collArchives      = "archives"
	collRestores      = "restores"
	collURLs          = "urls"
	collArchiveURLTTL = "archive_url_ttl_seconds"
	collV4HidesFree   = "v4_hides_free_apps"
)

// collections keeps every field of m in the store.
func (m *mendixState) collections() []core.Collection {
	return []core.Collection{
		core.Slice(collUsers, &m.Users, func(u *mxUser) string { return u.Username }),
		core.Slice(collApps, &m.Apps, func(a *mxApp) string { return a.ProjectID }),
		core.Slice(collNodes, &m.Nodes, func(n *mxNode) string { return n.ID }),
		core.Slice(collPackages, &m.Packages, func(p *mxPackage) string { return p.ID }),
		core.Slice(collSnapshots, &m.Snapshots, func(sn *mxSnapshot) string { return sn.ID }),
		core.Slice(collArchives, &m.Archives, func(a *mxArchive) string { return a.ID }),
		core.Slice(collRestores, &m.Restores, func(r *mxRestore) string { return r.ID }),
		core.Slice(collURLs, &m.URLs, func(u *mxURL) string { return u.Token }),
		core.Value(collArchiveURLTTL, &m.ArchiveURLTTLSeconds),
		core.Value(collV4HidesFree, &m.V4HidesFreeApps),
	}
}

// touch declares, inside store.update, the records of a collection the update creates, changes
// or deletes (core.Tx.Touch): the store writes those and nothing else. In a read it does
// nothing.
func (st *state) touch(collection string, ids ...string) {
	st.tx.Touch(sectionName, collection, ids...)
}

// state is what a handler sees inside a store transaction: the Mendix records, and the core's
// transaction for the jobs.
type state struct {
	Mendix *mendixState
	tx     *core.Tx
}

// store runs handlers on the Mendix records inside the core's transactions.
type store struct {
	s *Mendix
}

// read runs fn with the records locked for reading; fn must not keep pointers into them.
func (st store) read(fn func(st *state)) {
	st.s.Read(func(tx *core.Tx) { fn(&state{Mendix: st.s.records, tx: tx}) })
}

// update runs fn with the records locked for writing and saves what it changed; when fn fails,
// every record goes back to its last saved value.
func (st store) update(fn func(st *state) error) error {
	return st.s.Update(func(tx *core.Tx) error { return fn(&state{Mendix: st.s.records, tx: tx}) })
}
