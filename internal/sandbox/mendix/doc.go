// Package mendix emulates the Mendix hosts the provider drives for the Cloud v3 → v4 runbook:
// deploy.mendix.com, cloud.home.mendix.com, projects-api.home.mendix.com and the object
// storage their pre-signed download links point at, each a mount of the sandbox core (package
// core), plus the /_sandbox/ routes of what a Portal user does by hand. It registers itself on
// the core through Attach; it never imports the Backendless vendor or the provider's clients.
//
// # Mendix Cloud v3 → v4
//
// docs/resources/mendix_*.md list the calls the provider makes and their status. Each route is
// registered with its tag and its section of mendix-cloud-api.md (core.Mount.Route), as listed
// below: DOCUMENTED or MODELED (Backups API v1 is DOCUMENTED, deprecated; its use on a v3 node is
// INFERRED in the notes); every GET also answers HEAD, tagged INFERRED, the download links
// included (the docs fetch them with a plain GET). Each host
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
//	GET    /api/v2/apps/<ProjectId>/environments/<EnvironmentId>/restores?source_snapshot_id=&offset=&limit=
//	                                                                   MODELED restore listing, the shape of GET .../snapshots (Backups v2 documents none)
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
// /v2/projects/{id} → 202, 409 while the app is linked to a node (DOCUMENTED); and the reads of
// the API's published spec (projects-v2.yaml, DOCUMENTED): GET /v2/projects/{id}, GET
// /v2/accounts/{accountId}/projects?createdSince=&limit=&offset=, and the deprecated GET
// /v2/projects, which answers 308 to the caller's account listing.
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
// # Fixture section "mendix"
//
// The "mendix" section of the fixture (the top-level shape is in package core; every key optional; errors name their location, e.g.
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
// A fleet of apps with their nodes ("fleets", see package core: count and templates with {n},
// {n:3}, {uuid:label}, {UUID:label}) is written once for all its members; a label names the
// same id throughout a member, which links its app, nodes and environments:
//
//	"fleets": [{
//	  "count": 200,
//	  "apps": [{"project_id": "{uuid:project}", "name": "Calc {n:3}"}],
//	  "nodes": [
//	    {"id": "node-v3-calc-{n:3}", "cloud": "v3", "subdomain": "calc-{n:3}",
//	     "linked_project_id": "{uuid:project}",
//	     "environments": [{"mode": "Production", "environment_id": "{uuid:v3-production}",
//	       "production": true, "status": "Running",
//	       "package": {"package_id": "{uuid:package}", "name": "Main line-1.0.0.{n}.mda",
//	                   "model_version": "1.0.0.{n}", "mendix_version": "9.24.0", "seed": "{n}"},
//	       "snapshots": [{"snapshot_id": "{uuid:snapshot}", "state": "Completed", "seed": "{n}"}]}]},
//	    {"id": "node-v4-calc-{n:3}", "cloud": "v4", "subdomain": "calc-{n:3}-v4",
//	     "environments": [{"mode": "Production", "environment_id": "{uuid:v4-production}", "production": true}]}
//	  ]
//	}]
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
// For the poll lag (package core, "Poll lag"), the routes the provider polls report their
// answers: GET /api/v2/apps/<AppId>/jobs/<JobId> (package jobs), GET .../start/<JobId> (a
// failure's HTTP 500 shows the end too), GET /v2/projects/jobs/{id}, and the Backups v2 reads
// by id of a snapshot (created or uploaded), an archive and a restore, whose jobs end when the
// object shows completed or failed. Listings and the Build API's package status do not report.
//
// What a Portal user does by hand, as Go helpers and /_sandbox/ routes:
//
//	LinkMendixNode(nodeID, projectID)                    POST /_sandbox/mendix/nodes/{nodeId}/link {"projectId"}
//	OffboardMendixNode(nodeID)                           POST /_sandbox/mendix/nodes/{nodeId}/offboard (support detaches the app)
//	UploadMendixBackup(environmentID, r) (snapshotID)    POST /_sandbox/mendix/environments/{environmentId}/upload-backup (multipart file or raw body)
//	SetMendixEnvironmentSetting(appID, mode, kind, name, value)
//	                                                     POST /_sandbox/mendix/apps/{appId}/environments/{mode}/settings {"kind","name","value"}
//	ScriptMendixStartFailure(appID, mode, code)          POST /_sandbox/mendix/apps/{appId}/environments/{mode}/start-failure {"code"}
//	ExpireMendixDownloadURLs()                           POST /_sandbox/mendix/storage/expire
//	SetMendixArchiveURLTTL(ttl)                          PUT  /_sandbox/mendix/archive-url-ttl {"seconds"}
//	SetMendixV4HidesFreeApps(on)                         PUT  /_sandbox/mendix/v4-hides-free-apps {"on"} (v4 404 for unlinked apps)
//	MendixEnvironment(appID, mode), MendixEnvironmentByID(id)
//	                                                     GET  /_sandbox/mendix/apps/{appId}/environments/{mode}, /_sandbox/mendix/environments/{id}
//	MendixSnapshotDigest(appID, mode, snapshotID)        GET  /_sandbox/mendix/apps/{appId}/environments/{mode}/snapshots/{id|latest}/digest
//	MendixPackages(appID)                                GET  /_sandbox/mendix/apps/{appId}/packages
//	MendixApps, MendixNodes, MendixUsers                 GET  /_sandbox/mendix/apps, /nodes, /users
//
// Here appID is a node's subdomain, linked or not.
package mendix
