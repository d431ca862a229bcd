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
// # Faults
//
// Each vendor request gets at most one fault; the n-th request's fault depends only on the seed
// and n. By name (FaultRule, the control surface):
//
//	500 502 503       answered before the handler runs: nothing happened
//	429               answered with Retry-After
//	reset_request     the connection closes part-way through the request body; the handler never runs
//	reset_response    the handler runs; the connection closes part-way through the answer's body
//	reset             scripted: the request body of an upload, else the answer; at random: either
//	                  (even odds) when the request has a body, else the answer
//	slow              served after SlowDelay
//	duplicate         delivered twice, as a retrying proxy does: the handler runs twice (the body is
//	                  replayed from memory or a temporary file in the data directory) and the client
//	                  sees the second answer; POSTs only unless a rule names another method
//	500_after 502_after 503_after
//	                  the handler runs (the side effect happens), then the answer is replaced
//	drop_answer       the handler runs, then the connection closes without a response byte
//	trickle           headers at once, then the body one byte every TrickleInterval
//	stall             the request is read and never answered, until the client gives up or Close
//
// # Holds
//
// Hold freezes matching vendor requests at a precise point so a crash test can kill the
// provider there: "before" (the request is read whole, the handler has not run) or "after" (the
// handler ran, its answer waits before the first byte). Held, WaitHeld and ReleaseHolds watch
// and end them; a client hanging up ends its hold (a before-held request is then never served)
// and Close ends every hold. Over HTTP: POST /_sandbox/holds {"method","path_prefix","when",
// "count"}, GET /_sandbox/holds[?wait=N&timeout=30s], DELETE /_sandbox/holds.
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
// status of every call the provider makes. The sandbox never imports the provider's clients
// or any Terraform package: it must be an independent witness of what the clients send.
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
//
// # Fixture format
//
// A fixture seeds an empty data directory; a directory that already holds state ignores it.
// Unknown keys are rejected so that typos surface. Top-level keys:
//
//	{
//	  "backendless": {
//	    "developers": [
//	      {"login": "dev@example.com", "password": "sandbox-password",
//	       "name": "Sandbox Developer", "two_factor": false}
//	    ],
//	    "apps": [
//	      {"owner": "dev@example.com", "name": "existing-app", "zone": "US",
//	       "id": "optional fixed id", "rest_api_key": "optional fixed key",
//	       "created": "2024-01-02T03:04:05Z"}
//	    ],
//	    "legacy_apps": [
//	      {"app_id": "A1B2C3D4-0000-4000-8000-000000000301", "name": "crm",
//	       "secret_key": "LEGACY-REST-SECRET-crm", "owner": "dev@example.com",
//	       "versions": [
//	         {"name": "v1",
//	          "tables": [
//	            {"name": "Person",
//	             "columns": [{"name": "name", "type": "STRING"}, {"name": "age", "type": "INT"}],
//	             "rows": [{"name": "Ada", "age": 36}],
//	             "generate_rows": {"count": 249, "seed": 1}}
//	          ],
//	          "users": [{"email": "ada@example.com", "name": "Ada"}],
//	          "roles": ["Manager"],
//	          "permissions": [{"role": "Manager", "table": "Person", "operation": "FIND", "access": "GRANT"}],
//	          "business_logic": [{"name": "onSave", "event": "beforeCreate", "table": "Person"}],
//	          "geopoints": [{"latitude": 52.37, "longitude": 4.89, "categories": ["Default"]}],
//	          "files": [{"path": "images/logo.png", "size": 200000, "seed": 3},
//	                    {"path": "docs/readme.txt", "content": "hello"}]}
//	       ]}
//	    ]
//	  },
//	  "mendix": {"users": [], "apps": [], "nodes": []}
//	}
//
// backendless.developers are console accounts (login is an e-mail address, compared without
// regard to case; two_factor makes login answer otpCreated without a token, as §3.1 of the
// Backendless notes describes). backendless.apps are Backendless 5.0 apps that already exist;
// omitted ids, keys and times are generated. mendix is described under "Mendix Cloud v3 → v4"
// below.
//
// backendless.legacy_apps are Backendless 3.x apps: app_id (used in public file URLs),
// secret_key (the 3.x secret-key header), an optional owner (one of the developers), and
// versions, each with its own tables, users, roles, permissions, business logic, geopoints and
// files. Column types are STRING, TEXT, INT, DOUBLE, BOOLEAN and DATETIME (epoch milliseconds
// or RFC 3339); a row may set objectId and its columns only. A table has its literal rows
// followed by generate_rows.count rows generated from generate_rows.seed; a file has literal
// content or size bytes generated from seed. Generated rows and bytes depend only on the
// fixture, so the same fixture gives the same checksums everywhere. Every error names its
// location, e.g. backendless.legacy_apps[0].versions[1].tables[2]: unknown key "colums". Rows
// and file bytes are written to blobs when the data directory is seeded.
//
// The embedded default fixture (DefaultFixture, the file fixture_default.json next to this one;
// appmigrate-sandbox --print-default-fixture prints it) holds two developers, dev@example.com /
// sandbox-password and other@example.com / other-password, no 5.0 apps, and two 3.x apps owned
// by dev@example.com: "crm" (v1: tables Person 250, Order 1200 and Product 40 rows, 2 users,
// 2 roles, 5 permissions, 6 files of about 3 MiB; v2: smaller) and "inventory" (v1: 2 tables).
//
// # Backendless 3.x → 5.0 migration
//
// The status of each call: DOCUMENTED (Backendless' docs), SDK (Backendless' own SDKs use the
// route), INFERRED (reasoned from those), MODELED (no vendor API exists; designed here in the
// vendor's style — verify these against a live account before relying on them).
// docs/resources/backendless_*.md list the calls the provider makes with the same tags; errors
// are {"code", "message"} JSON except console 404s, which carry no body.
//
// 3.x client REST at /backendless3/api, headers application-id, secret-key and
// application-type: REST on every call but the public download (a wrong or missing one, or an
// unknown version, is 401 code 2002):
//
//	GET    /{version}/files/{dir}?pattern=&sub=&pagesize=&offset=   INFERRED listing (pagesize ≤ 100; a file path answers its bytes)
//	DELETE /{version}/files/{path}                                  INFERRED → {"deletionTime"}
//	GET    /{appId}/{version}/files/{path}                          DOCUMENTED public download, Range and HEAD
//	POST   /{version}/migration-to-4/archive                        MODELED → 202 {"jobId","status"}; 409 code 6100 while one runs
//	GET    /{version}/migration-to-4/archive/{jobId}                MODELED job status
//
// The archive job builds <AppName>_<version>_data_<yyyyMMddHHmmss>.zip and ..._files_....zip
// (MODELED names) from the version's content and links both into /migration-to-4 at once when
// complete. The data archive holds settings.json, tables/<Name>.schema.json, tables/<Name>.json,
// users.json, roles.json, permissions.json, business-logic.json, geo.json and manifest.json
// (format backendless-migration/1, kind data, per-table row counts, users, roles, permissions,
// and size + SHA-256 of every entry); the files archive holds files/<path> for every file
// outside /migration-to-4 and a manifest of kind files.
//
// 5.x client REST at /backendless/api/{appId}/{REST key} (the key from the console's
// appsettings; a wrong one is 401 code 2002):
//
//	POST   /files/{path}?overwrite=          DOCUMENTED upload, multipart part file, streamed → {"fileURL"}; exists → 400 code 6016
//	GET    /files/{path}                     DOCUMENTED download (Range, HEAD); a directory or trailing slash lists it
//	GET    /files/{path}?action=exists       SDK → true | false
//	GET    /files/{dir}?action=count         SDK → a number (files; countDirectories=true adds directories)
//	DELETE /files/{path}                     DOCUMENTED → {"deletionTime"}; missing → 404 code 6007
//	GET    /data/{table}/count               DOCUMENTED → a bare number; unknown table → 404 code 1009
//
// 5.x console at /backendless/console (header auth-key):
//
//	GET  /{appId}/console/data/tables                            SDK → [{"name","count"}]
//	GET  /{appId}/console/files/directory/view/{path}[/count]    SDK listing (sortBy, sortDirection, pageSize, offset) or total
//	GET  /{appId}/console/files/download/{path}                  SDK → raw bytes
//	POST /{appId}/console/import/backendless-app?allowNonEmpty=  MODELED → 202 {"importId","status","logPath"}
//
// The import stores the uploaded archive as a blob; its job checks everything before loading
// anything (a zip; no entry escaping the archive folder; manifest entries matching the content
// in size and SHA-256; row, user, role and permission counts matching the manifest), refuses a
// target that has tables unless allowNonEmpty=true (imported tables then replace same-named
// ones; users, roles, permissions, business logic, geo and settings are replaced), and loads
// in one state change. The migration log /migration/import-<importId>.log (MODELED) is written
// into the target's Files as the job goes, one "<RFC 3339 UTC> <LEVEL padded to 5> <message>"
// line each: "import <id> started: archive <name> (<bytes> bytes, sha256 <hex>)", "archive
// validated: <n> entries match the manifest", "table <Name>: <n> rows imported", "users: <n>
// imported", "roles: <n>, permissions: <n> imported", then "MIGRATION COMPLETED"; or
// "ERROR <reason>" and "ERROR MIGRATION FAILED". Deleting a 5.0 app deletes its files, tables
// and their blobs.
//
// What the developer does by hand, as Go helpers and /_sandbox/ routes:
//
//	PressCreateMigrationArchive   POST   /_sandbox/backendless3/apps/{appId}/versions/{version}/migration-archive
//	CorruptLegacyFile             POST   /_sandbox/backendless3/apps/{appId}/versions/{version}/corrupt/{path}?how=
//	DeleteLegacyFile              DELETE /_sandbox/backendless3/apps/{appId}/versions/{version}/files/{path}
//	LegacyApps                    GET    /_sandbox/backendless3/apps
//	LegacyTableCounts             GET    /_sandbox/backendless3/apps/{appId}/versions/{version}/tables
//	LegacyFileDigest              GET    /_sandbox/backendless3/apps/{appId}/versions/{version}/files/{path}
//	ImportBackendlessArchive      POST   /_sandbox/backendless/apps/{appId}/import?allowNonEmpty=  (multipart part file)
//	BackendlessTableCounts        GET    /_sandbox/backendless/apps/{appId}/tables
//	BackendlessFile               GET    /_sandbox/backendless/apps/{appId}/files/{path}
//	DeleteBackendlessFile         DELETE /_sandbox/backendless/apps/{appId}/files/{path}
//
// # Mendix Cloud v3 → v4
//
// docs/resources/mendix_*.md list the calls the provider makes and their status. Each host
// keeps its own base path, auth and casing: deploy.mendix.com takes
// Mendix-Username + Mendix-ApiKey (a wrong or missing pair is 401 {"errorCode": "UNAUTHORIZED"})
// and answers errors as {"errorCode", "errorMessage"} (the field names are MODELED; the codes are
// the documented ones); the Deploy v4 and Projects hosts take Authorization: MxToken <PAT> and
// answer {"error": {"code", "message", "invalid-params"}} (Projects adds detail and instance).
// Deploy v1/v2 bodies are PascalCase, Backups v2 snake_case, Deploy v4 and Projects camelCase.
//
// deploy.mendix.com at /mendix/deploy (an <AppId> is a node's subdomain; a node without a
// linked app answers APP_NOT_FOUND until the runbook links one; <Mode> in any case):
//
//	GET    /api/1/apps[/<AppId>[/environments[/<Mode>]]]               DOCUMENTED (Status Empty | Stopped | Running)
//	GET    /api/1/apps/<AppId>/environments/<Mode>/package?url=true    DOCUMENTED, Url {Location, TTL 900}, CreationDate epoch ms
//	POST   /api/1/apps/<AppId>/environments/<Mode>/transport           DOCUMENTED {PackageId}: 403 APP_IS_RUNNING, 503 "SERVICE UNAVAILABLE"
//	                                                                   while the package is processed, 403 "NOT ALLOWED" for a failed one
//	POST   /api/1/apps/<AppId>/environments/<Mode>/start               DOCUMENTED {AutoSyncDb} → {JobId}; 200 ALREADY_STARTED
//	GET    /api/1/apps/<AppId>/environments/<Mode>/start/<JobId>       DOCUMENTED Starting | Started, or HTTP 500 with the failure code
//	POST   /api/1/apps/<AppId>/environments/<Mode>/stop                DOCUMENTED
//	GET    /api/1/apps/<AppId>/environments/<Mode>/settings            DOCUMENTED Constants, CustomSettings, ScheduledEvents
//	POST   /api/1/apps/<AppId>/environments/<Mode>/settings            DOCUMENTED; 400 CONSTANT_NOT_FOUND, 500 INVALID_SCHEDULED_EVENT_PARAMETER
//	GET    /api/1/apps/<AppId>/environments/<Mode>/snapshots[/<Id>]    DOCUMENTED Backups v1; an id answers FilesOnly, DatabaseOnly and
//	                                                                   DatabaseAndFiles links (500 INTERNAL_SERVER_ERROR while incomplete)
//	GET    /api/1/apps/<AppId>/packages[/<PackageId>?url=true]         DOCUMENTED Build API
//	DELETE /api/1/apps/<AppId>/packages/<PackageId>                    DOCUMENTED; 409 PACKAGE_IN_USE
//	POST   /api/v2/apps/<AppId>/packages/upload?name=                  DOCUMENTED multipart field file → {PackageId, JobId}
//	GET    /api/v2/apps/<AppId>/jobs/<JobId>                           DOCUMENTED Queued | Running | Completed | Failed
//	GET|POST /api/v2/apps/<ProjectId>/environments/<EnvironmentId>/snapshots          DOCUMENTED Backups v2
//	GET|PUT|DELETE .../snapshots/<SnapshotId>, POST .../archives?data_type=, GET .../archives/<Id>, POST .../restores?source_snapshot_id=&db_only=, GET .../restores/<Id>
//	POST   /api/v2/apps/<ProjectId>/environments/<EnvironmentId>/snapshots/upload   MODELED backup upload (below)
//
// Backups v2 serves Cloud v4 environments only (a v3 one is 400 NOT_SUPPORTED); its objects go
// queued → running → completed | failed with ISO-8601 timestamps that are null while pending. A
// restore needs the target stopped (else 400 ERROR_NOT_ALLOWED), a package transported to it,
// and a completed snapshot with a database of the same app; it records on the target the
// restored archive's SHA-256 and size and its table, row and file counts.
//
// cloud.home.mendix.com at /mendix/cloud: GET /api/v4/apps[/{appId}[/environments[/{id}]]]
// (DOCUMENTED; licenseType, subdomain, state notdeployed | stopped | running, expand=package,
// offset/limit capped at 100) and the MODELED node link. projects-api.home.mendix.com at
// /mendix/projects: POST /v2/projects → 202 {jobId}, GET /v2/projects/jobs/{id} → {status
// scheduled | running | completed | failed, errorMessage, projectId}, DELETE
// /v2/projects/{id} → 202, 409 while the app is linked to a node (DOCUMENTED).
//
// Package and backup download links point at /mendix/storage/<token>/<file name>: no Mendix
// headers (an Authorization header is refused as S3 refuses a second auth mechanism), Range
// and HEAD, and S3's 403 <Error><Code>AccessDenied</Code><Message>Request has expired</Message>
// once the link's TTL has passed (900 s for packages; archive_url_ttl_seconds, default 600, for
// backups). Uploads stream to a blob and are refused with 413 FILE_TOO_LARGE above 1 GB, read as
// 1,000,000,000 bytes, the stricter reading of the docs' "1 GB".
//
// MODELED endpoints, each designed in the style of the API where its result is read back:
//
//	POST {cloud}/api/v4/apps/{appId}/node {"nodeId"}
//	    The Portal's "Select Node → Use this Node". PAT, camelCase; 200 {appId, nodeId,
//	    subdomain, linkedAt}. The node's previous app becomes free (the docs: an app is only
//	    unlinked by linking another one); an app linked elsewhere moves, leaving that node
//	    without an app. Verified through GET /api/v4/apps/{appId} and its environments.
//	POST {deploy}/api/v2/apps/<ProjectId>/environments/<EnvironmentId>/snapshots/upload
//	    The Portal's "Backups → Upload Archive". Multipart field file (a Full Snapshot .tar.gz or
//	    a database dump), 1 GB limit; 202 with a Backups v2 snapshot, state queued, comment
//	    "Uploaded snapshot", which completes with status_message "Completed extraction" once
//	    its job has read the archive, or fails with the reason (not gzip/tar, no .metadata,
//	    no PGDMP header, a newer pg_dump archive version, sizes that disagree with .metadata).
//	    A files-only archive completes but cannot be restored.
//
// A package's constants and scheduled events come from its model/metadata.json (MODELED on
// what an .mda carries: ModelVersion, RuntimeVersion, Constants [{Name, Type, DefaultValue}],
// ScheduledEvents [{Name}]), read by the upload's processing job (JobDuration). A transport
// gives the environment the model's constants (new ones at their default, existing ones keep
// their values) and events (new ones Disabled); a setting's Value becomes its DeployedValue at
// the next successful start. A backup archive is a .tar.gz of .metadata (JSON, string fields
// duration, dumpSize, modelVersion, databaseSize, filesSize), db/db.backup (PGDMP header then
// a stand-in COPY-block body) and tree/<xx>/<yy>/<uuid> file objects.
//
// The "mendix" fixture section (every key optional; errors name their location, e.g.
// mendix.nodes[0].environments[1]: unknown key "modee"):
//
//	"mendix": {
//	  "users": [{"username": "dev@example.com", "name": "Sandbox Developer",
//	             "api_key": "SANDBOX-MX-APIKEY", "pat": "SANDBOX-MX-PAT"}],
//	  "archive_url_ttl_seconds": 600,
//	  "apps": [{"project_id": "<uuid>", "name": "Calc", "summary": "", "technical_contact": "<username>",
//	            "created": "2021-03-01T09:00:00Z"}],
//	  "nodes": [{
//	    "id": "node-v3-calc", "cloud": "v3", "subdomain": "calc", "region": "eu-1",
//	    "linked_project_id": "<uuid of an app, or null>",
//	    "environments": [{
//	      "mode": "Production", "environment_id": "<uuid>", "production": true,
//	      "status": "Running", "plan_name": "Standard", "db_version": "14",
//	      "package": {"package_id": "<uuid>", "name": "Main line-2.5.4.63.mda", "description": "",
//	                  "version": "2.5.4.63", "creator": "", "created": "<RFC 3339>",
//	                  "model_version": "2.5.4.63", "mendix_version": "9.24.0",
//	                  "size_bytes": 2097152, "seed": 11,
//	                  "constants": [{"name": "MyFirstModule.ApiUrl", "data_type": "String", "default_value": ""}],
//	                  "scheduled_events": [{"name": "MyFirstModule.NightlyCleanup"}]},
//	      "constants": [{"name": "MyFirstModule.ApiUrl", "value": "https://api.example.com"}],
//	      "scheduled_events": [{"name": "MyFirstModule.NightlyCleanup", "value": "Enabled"}],
//	      "custom_settings": [{"name": "ConnectionPoolingMaxActive", "value": "50"}],
//	      "snapshots": [{"snapshot_id": "<uuid>", "comment": "", "state": "Completed", "created": "<RFC 3339>",
//	                     "seed": 5, "db_tables": 4, "db_rows": 4000, "files": 16, "file_bytes": 1572864}]
//	    }]
//	  }]
//	}
//
// status is Empty (no package), Stopped or Running; a package's constants and events are its
// model, the environment's lists set values (events Enabled | Disabled). Snapshot states are
// Completed, Running (never finishes: its links answer 500) or Failed; list them oldest first.
// Omitted ids are generated, omitted snapshot times fall on the days before seeding. Package
// .mda files and backup archives are generated from their seeds on first use (not at seeding),
// byte-identical for the same fixture. The default fixture has dev@example.com with the keys
// above; the licensed app "Calc" on the v3 node "calc", whose Production environment runs
// "Main line-2.5.4.63.mda" (about 2 MiB, Mendix 9.24.0) with three constants (String, Integer,
// Boolean), two scheduled events, one custom setting and two completed snapshots (a few MiB
// each); the empty v4 node "calc-v4" with Production and Acceptance environments and no app;
// and the unrelated free app "Inventory Demo".
//
// What a Portal user does by hand, as Go helpers and /_sandbox/ routes:
//
//	LinkMendixNode(nodeID, projectID)                    POST /_sandbox/mendix/nodes/{nodeId}/link {"projectId"}
//	UploadMendixBackup(environmentID, r) (snapshotID)    POST /_sandbox/mendix/environments/{environmentId}/upload-backup (multipart file or raw body)
//	SetMendixEnvironmentSetting(appID, mode, kind, name, value)
//	                                                     POST /_sandbox/mendix/apps/{appId}/environments/{mode}/settings {"kind","name","value"}
//	ScriptMendixStartFailure(appID, mode, code)          POST /_sandbox/mendix/apps/{appId}/environments/{mode}/start-failure {"code"}
//	ExpireMendixDownloadURLs()                           POST /_sandbox/mendix/storage/expire
//	SetMendixArchiveURLTTL(ttl)                          PUT  /_sandbox/mendix/archive-url-ttl {"seconds"}
//	MendixEnvironment(appID, mode), MendixEnvironmentByID(id)
//	                                                     GET  /_sandbox/mendix/apps/{appId}/environments/{mode}, /_sandbox/mendix/environments/{id}
//	MendixSnapshotDigest(appID, mode, snapshotID)        GET  /_sandbox/mendix/apps/{appId}/environments/{mode}/snapshots/{id|latest}/digest
//	MendixPackages(appID)                                GET  /_sandbox/mendix/apps/{appId}/packages
//	MendixApps, MendixNodes, MendixUsers                 GET  /_sandbox/mendix/apps, /nodes, /users
//
// Here appID is a node's subdomain, linked or not.
package sandbox
