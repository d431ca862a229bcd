package backendless

import (
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// backendlessState is the Backendless side: console accounts, their sessions and 5.0 apps,
// the 5.0 apps' files and tables, and the 3.x apps.
type backendlessState struct {
	Developers []*bkDeveloper `json:"developers"`
	Sessions   []*bkSession   `json:"sessions"`
	Apps       []*bkApp       `json:"apps"`
	// AppData is each 5.0 app's files and tables, by app id (files_rest.go).
	AppData map[string]*bkAppData `json:"app_data"`
	// Legacy is the 3.x apps with their versions (legacy.go).
	Legacy []*bk3App `json:"legacy_apps"`
}

// bkDeveloper is a console account. The password is kept in clear: it is a fixture value the
// user wrote down themselves, and the sandbox must compare it.
type bkDeveloper struct {
	Login     string `json:"login"`
	Password  string `json:"password"`
	Name      string `json:"name"`
	TwoFactor bool   `json:"two_factor,omitempty"`
}

// bkSession is a console login. Only the token's SHA-256 is stored, so a data directory that is
// shared for debugging leaks no live token.
type bkSession struct {
	TokenSHA256 string    `json:"token_sha256"`
	Login       string    `json:"login"`
	Created     time.Time `json:"created"`
}

// bkApp is a Backendless 5.0 app.
type bkApp struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Zone    string     `json:"zone"`
	Owner   string     `json:"owner"`
	APIKeys []bkAPIKey `json:"api_keys"`
	Created time.Time  `json:"created"`
}

// bkAPIKey is one per-client-type key of an app (backendless-console-api.md §3.2).
type bkAPIKey struct {
	DeviceType string `json:"device_type"`
	APIKey     string `json:"api_key"`
}

// normalize fills the maps and slices a decoded or fresh state may lack, so handlers never
// meet a nil map.
func (b *backendlessState) normalize() {
	if b.Developers == nil {
		b.Developers = []*bkDeveloper{}
	}
	if b.Sessions == nil {
		b.Sessions = []*bkSession{}
	}
	if b.Apps == nil {
		b.Apps = []*bkApp{}
	}
	b.normalizeMigration()
}

// The collections of the Backendless section: one record per developer (by login), session (by
// token hash), 5.0 app (by id), 5.0 app's files and tables (by app id) and 3.x app (by app id).
const (
	collDevelopers = "developers"
	collSessions   = "sessions"
	collApps       = "apps"
	collAppData    = "app_data"
	collLegacy     = "legacy_apps"
)

// collections keeps every field of b in the store.
func (b *backendlessState) collections() []core.Collection {
	return []core.Collection{
		core.Slice(collDevelopers, &b.Developers, func(d *bkDeveloper) string { return d.Login }),
		core.Slice(collSessions, &b.Sessions, func(ss *bkSession) string { return ss.TokenSHA256 }),
		core.Slice(collApps, &b.Apps, func(a *bkApp) string { return a.ID }),
		core.Map(collAppData, &b.AppData),
		core.Slice(collLegacy, &b.Legacy, func(a *bk3App) string { return a.ID }),
	}
}

// touch declares, inside store.update, the records of a collection the update creates, changes
// or deletes (core.Tx.Touch): the store writes those and nothing else.
func (st *state) touch(collection string, ids ...string) {
	st.tx.Touch(sectionName, collection, ids...)
}

// state is what a handler sees inside a store transaction: the Backendless records, and the
// core's transaction for the jobs.
type state struct {
	Backendless *backendlessState
	tx          *core.Tx
}

// store runs handlers on the Backendless records inside the core's transactions.
type store struct {
	s *Backendless
}

// read runs fn with the records locked for reading; fn must not keep pointers into them.
func (st store) read(fn func(st *state)) {
	st.s.Read(func(tx *core.Tx) { fn(&state{Backendless: st.s.records, tx: tx}) })
}

// update runs fn with the records locked for writing and saves what it changed; when fn fails,
// every record goes back to its last saved value.
func (st store) update(fn func(st *state) error) error {
	return st.s.Update(func(tx *core.Tx) error { return fn(&state{Backendless: st.s.records, tx: tx}) })
}
