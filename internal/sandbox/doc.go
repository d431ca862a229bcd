// Package sandbox is a local emulator of the vendor APIs the provider drives: the Backendless
// console and client REST hosts and the Mendix Deploy, Cloud and Projects hosts.
//
// It is a real service, not a stub: state (developers, apps, sessions, jobs) lives in a data
// directory and survives a restart, long operations run as asynchronous jobs, and a fault
// injector can make any vendor call fail the way networks and vendors do, at random by rate and
// seed (FaultOptions, or a named FaultProfile: moderate, double, none) or scripted for one test
// (ScriptFault, POST /_sandbox/faults). Tests run it in-process (New, Handler or Start); the
// appmigrate-sandbox command runs it for demos and users' rehearsals.
//
// # Packages
//
//	internal/sandbox              this package: New assembles the core with both vendors; the
//	                              public API (Options, Sandbox, Endpoints, Inventory, the types
//	                              of the vendor packages under their old names)
//	internal/sandbox/core         server, mounts, store, jobs, faults, holds, blobs, fixture
//	                              dispatch, inventory plumbing, /_sandbox/ control surface
//	internal/sandbox/backendless  the Backendless 3.x and 5.0 hosts, records, jobs, fixture section
//	internal/sandbox/mendix       the Mendix hosts, records, jobs, fixture section
//
// Each vendor package implements core.Vendor: core.New calls its Attach, where it registers its
// mounts and routes, job kinds, control routes and its section (records, fixture, inventory).
// Neither vendor imports the other, the core imports neither, and nothing in the sandbox imports
// the provider's clients or any Terraform package: it must be an independent witness of what
// the clients send. Sandbox embeds the core and both vendors, so their exported methods are
// the Sandbox's.
//
// The core's documentation describes faults, holds, route tags and documented-only mode, the
// inventory, the control surface and the top-level fixture shape; each vendor's describes its
// routes with their tags, its control routes and its fixture section.
//
// Every vendor route carries the tag the vendor reference notes give it (DOCUMENTED, SDK,
// INFERRED) or MODELED; Routes and GET /_sandbox/routes list them. Options.DocumentedOnly
// (appmigrate-sandbox --documented-only) refuses every call not tagged DOCUMENTED or SDK and
// counts it (Refused), so a test proves a runbook needs nothing but the documented APIs.
//
// # Inventory
//
// Inventory (GET /_sandbox/inventory) counts what exists per kind, for chaos reports and
// duplicate checks: Backendless 5.0 apps by name and, per app, the files outside /migration
// with their sizes, migration logs, import jobs (requested, completed, failed), imports loaded
// and rows per table; 3.x migration-archive jobs per "<app name>/<version>"; Mendix projects by
// name and create-project jobs; per node (by subdomain) its packages (uploaded ones apart) and
// per environment (by Mode) its status, snapshots (uploaded ones apart), archives, restores,
// start jobs and what the last restore loaded (archive bytes and SHA-256, tables, rows, files,
// file bytes: compare with MendixSnapshotDigest of the source); and every job by kind and state.
//
// Vendor behaviour follows the vendors' published API documentation and official SDKs, as the
// project's vendor notes record them (the notes are kept outside this repository; handlers cite
// their sections as §n). Behaviour with no vendor documentation is marked "modeled:" in
// comments, so a user knows which calls to verify against a live account; docs/index.md lists
// every modeled call, and the "Vendor calls" table of each docs/resources/*.md page gives the
// status of every call the provider makes.
//
// # Layout
//
// Every vendor host is one mount below the sandbox URL (see Endpoints):
//
//	/backendless/console   develop.backendless.com (Backendless console API)
//	/backendless/api       api.backendless.com, the 5.x client REST host
//	/backendless3/api      api.backendless.com as the 3.x apps see it
//	/mendix/deploy         deploy.mendix.com (/api/1 and /api/v2 below it)
//	/mendix/cloud          cloud.home.mendix.com (/api/v4 below it)
//	/mendix/projects       projects-api.home.mendix.com (/v2 below it)
//	/mendix/storage        the object storage Mendix's pre-signed download links point at
//	/_sandbox/             control surface for tests and people: health, endpoints, scripted
//	                       faults, holds, inventory, request counts, jobs, and "what a human does in the web
//	                       console" (create or delete an app, create a migration archive,
//	                       import one, corrupt or delete a file; link a Mendix app to a
//	                       node, upload a backup). No authentication:
//	                       the sandbox only ever listens on loopback.
//
// Faults apply to the vendor mounts only, never to /_sandbox/.
package sandbox
