package backendless

import (
	"context"
	_ "embed"
	"net/http"
	"strings"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// Mount points of the Backendless hosts below the sandbox URL.
const (
	mountBackendlessConsole = "/backendless/console" // develop.backendless.com
	mountBackendlessAPI     = "/backendless/api"     // api.backendless.com, the 5.x client REST host
	mountBackendlessLegacy  = "/backendless3/api"    // api.backendless.com as the 3.x apps see it
)

// Exported mount points, for the sandbox's Endpoints.
const (
	ConsoleMount = mountBackendlessConsole
	APIMount     = mountBackendlessAPI
	LegacyMount  = mountBackendlessLegacy
)

// sectionName keys the Backendless part of the fixture, the state, the inventory and the
// route table.
const sectionName = "backendless"

// reference is the vendor notes every route's reference section is in (the notes are kept
// outside this repository; handlers cite their sections as §n).
const reference = "backendless-console-api.md"

//go:embed fixture_default.json
var defaultFixture []byte

// DefaultFixture returns the "backendless" section of the embedded default fixture (a copy).
func DefaultFixture() []byte { return append([]byte(nil), defaultFixture...) }

// Backendless emulates the Backendless hosts on a core.Core: the 5.0 console, the 5.x client
// REST host and the 3.x client REST host, with the records, jobs and /_sandbox/ routes of the
// 3.x → 5.0 runbook. Its exported methods are what a developer does by hand in a console.
type Backendless struct {
	*core.Core
	records *backendlessState
	store   store
}

// New returns the Backendless vendor, to be attached by core.New.
func New() *Backendless {
	s := &Backendless{records: &backendlessState{}}
	s.store = store{s: s}
	return s
}

// Attach registers the Backendless hosts, job kinds, control routes and section on c.
func (s *Backendless) Attach(c *core.Core) error {
	s.Core = c
	host := func(prefix string, redact func(string) string) core.MountSpec {
		return core.MountSpec{
			Vendor: sectionName, Reference: reference, Prefix: prefix,
			ErrorBody: backendlessErrorBody, RedactPath: redact,
		}
	}
	console := c.Mount(host(mountBackendlessConsole, redactBackendlessConsolePath))
	s.routeBackendlessConsole(console)
	s.routeBackendlessConsoleMigration(console)
	s.routeBackendlessAPI(c.Mount(host(mountBackendlessAPI, redactBackendlessAPIPath)))
	legacy := host(mountBackendlessLegacy, nil)
	legacy.Serve, legacy.Resolve = http.HandlerFunc(s.bk3Serve), bk3PathRoute
	s.routeBackendless3(c.Mount(legacy))

	c.RegisterJobKind(bk3ArchiveJobKind, func(ctx context.Context, run *core.JobRun) error { return bk3ArchiveWork(ctx, s, run) })
	c.RegisterJobKind(bkImportJobKind, func(ctx context.Context, run *core.JobRun) error { return bkImportWork(ctx, s, run) })

	s.routeBackendlessControl()
	s.routeBackendlessMigrationControl()

	c.AddSection(core.Section{
		Name:           sectionName,
		State:          s.records,
		Collections:    s.records.collections(),
		Normalize:      s.records.normalize,
		DefaultFixture: defaultFixture,
		CheckFixture:   s.checkFixture,
		Inventory: func(tx *core.Tx) any {
			return (&state{Backendless: s.records, tx: tx}).backendlessInventory()
		},
	})
	return nil
}

// Inventory counts the Backendless objects now (the "backendless" section of the sandbox's
// inventory).
func (s *Backendless) Inventory() BackendlessInventory {
	var inv BackendlessInventory
	s.store.read(func(st *state) { inv = st.backendlessInventory() })
	return inv
}

// InventoryIn is Inventory inside a transaction the caller holds, so it can be counted together
// with other sections.
func (s *Backendless) InventoryIn(tx *core.Tx) BackendlessInventory {
	return (&state{Backendless: s.records, tx: tx}).backendlessInventory()
}

// backendlessErrorBody is backendless-console-api.md §6: {code, message}. modeled: the
// code of an injected fault repeats the HTTP status, as no vendor code is known for them.
func backendlessErrorBody(status int, msg string) any {
	code := status
	if status == http.StatusNotFound {
		code = bkCodeNotServed
	}
	return bkErrorBody{Code: code, Message: msg}
}

// redactBackendlessAPIPath hides the REST API key, which backendless-console-api.md §3.2 puts in
// the path: /{appId}/{REST-API-key}/....
func redactBackendlessAPIPath(sub string) string {
	parts := strings.SplitN(sub, "/", 4)
	if len(parts) >= 3 && parts[2] != "" {
		parts[2] = "***"
	}
	return strings.Join(parts, "/")
}

// redactBackendlessConsolePath hides an auth-key embedded in old console download URLs
// (backendless-console-api.md §3.1: /{appId}/console/{authKey}/files/download/{path}).
func redactBackendlessConsolePath(sub string) string {
	parts := strings.SplitN(sub, "/", 5)
	if len(parts) >= 4 && parts[2] == "console" && core.LooksLikeToken(parts[3]) {
		parts[3] = "***"
	}
	return strings.Join(parts, "/")
}
