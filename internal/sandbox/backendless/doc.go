// Package backendless emulates the Backendless hosts the provider drives for the 3.x Cloud →
// 5.0 runbook: the 5.0 console (develop.backendless.com), the 5.x client REST host and the 3.x
// client REST host, each a mount of the sandbox core (package core), plus the /_sandbox/
// routes of what a developer does by hand in either console. It registers itself on the core
// through Attach; it never imports the Mendix vendor or the provider's clients.
//
// # Backendless 3.x → 5.0 migration
//
// The status of each call: DOCUMENTED (Backendless' docs), SDK (Backendless' own SDKs use the
// route), INFERRED (reasoned from those), MODELED (no vendor API exists; designed here in the
// vendor's style — verify these against a live account before relying on them). Each route is
// registered with its tag and its section of backendless-console-api.md (core.Mount.Route), so
// the route table and documented-only mode follow this list; every GET also answers HEAD,
// tagged INFERRED. docs/resources/backendless_*.md list the calls the provider makes with the
// same tags; errors are {"code", "message"} JSON except console 404s, which carry no body.
//
// 3.x client REST at /backendless3/api, headers application-id, secret-key and
// application-type: REST on every call but the public download (a wrong or missing one, or an
// unknown version, is 401 code 2002):
//
//	GET    /{version}/files/{dir}?pattern=&sub=&pagesize=&offset=   INFERRED listing (pagesize ≤ 100; a file path answers its bytes)
//	DELETE /{version}/files/{path}                                  INFERRED → {"deletionTime"}
//	GET    /{appId}/{version}/files/{path}                          DOCUMENTED public download, Range (HEAD: INFERRED)
//	POST   /{version}/migration-to-4/archive                        MODELED → 202 {"jobId","status"}; 409 code 6100 while one runs
//	GET    /{version}/migration-to-4/archive                        MODELED the version's jobs, newest first (finds a job without its id)
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
//	GET    /files/{path}                     DOCUMENTED download (Range; HEAD INFERRED); a directory or trailing slash lists it
//	GET    /files/{path}?action=exists       SDK → true | false
//	GET    /files/{dir}?action=count         SDK → a number (files; countDirectories=true adds directories)
//	DELETE /files/{path}                     DOCUMENTED → {"deletionTime"}; missing → 404 code 6007
//	GET    /data/{table}/count               DOCUMENTED → a bare number; unknown table → 404 code 1009
//
// 5.x console at /backendless/console (header auth-key):
//
//	GET  /{appId}/console/data/tables                            SDK → {"tables":[{"tableId","name","columns","relations"}]}, no row count (§5.1);
//	                                                             the system tables Users and DeviceRegistration are listed for every app
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
// For the poll lag (package core, "Poll lag"), the archive status route and every console
// download of a migration log report their answer: a log whose last line is MIGRATION COMPLETED
// or MIGRATION FAILED shows the import's end.
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
// # Fixture section "backendless"
//
// The "backendless" section of the fixture (the top-level shape is in package core). Unknown
// keys are rejected so that typos surface:
//
//	{
//	  "developers": [
//	    {"login": "dev@example.com", "password": "sandbox-password",
//	     "name": "Sandbox Developer", "two_factor": false}
//	  ],
//	  "apps": [
//	    {"owner": "dev@example.com", "name": "existing-app", "zone": "US",
//	     "id": "optional fixed id", "rest_api_key": "optional fixed key",
//	     "created": "2024-01-02T03:04:05Z"}
//	  ],
//	  "legacy_apps": [
//	    {"app_id": "A1B2C3D4-0000-4000-8000-000000000301", "name": "crm",
//	     "secret_key": "LEGACY-REST-SECRET-crm", "owner": "dev@example.com",
//	     "versions": [
//	       {"name": "v1",
//	        "tables": [
//	          {"name": "Person",
//	           "columns": [{"name": "name", "type": "STRING"}, {"name": "age", "type": "INT"}],
//	           "rows": [{"name": "Ada", "age": 36}],
//	           "generate_rows": {"count": 249, "seed": 1}}
//	        ],
//	        "users": [{"email": "ada@example.com", "name": "Ada"}],
//	        "roles": ["Manager"],
//	        "permissions": [{"role": "Manager", "table": "Person", "operation": "FIND", "access": "GRANT"}],
//	        "business_logic": [{"name": "onSave", "event": "beforeCreate", "table": "Person"}],
//	        "geopoints": [{"latitude": 52.37, "longitude": 4.89, "categories": ["Default"]}],
//	        "files": [{"path": "images/logo.png", "size": 200000, "seed": 3},
//	                  {"path": "docs/readme.txt", "content": "hello"}]}
//	     ]}
//	  ]
//	}
//
// backendless.developers are console accounts (login is an e-mail address, compared without
// regard to case; two_factor makes login answer otpCreated without a token, as §3.1 of the
// Backendless notes describes). backendless.apps are Backendless 5.0 apps that already exist;
// omitted ids, keys and times are generated.
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
// A fleet of 3.x apps ("fleets", see package core: count and templates with {n}, {n:3},
// {uuid:label}, {UUID:label}) is written once for all its members:
//
//	"fleets": [{
//	  "count": 200,
//	  "legacy_apps": [{
//	    "app_id": "{UUID:app}", "name": "crm-{n:3}", "secret_key": "LEGACY-REST-SECRET-crm-{n:3}",
//	    "owner": "dev@example.com",
//	    "versions": [{"name": "v1",
//	      "tables": [{"name": "Person", "columns": [{"name": "name", "type": "STRING"}],
//	                  "generate_rows": {"count": 20, "seed": "{n}"}}],
//	      "files": [{"path": "docs/readme.txt", "content": "hello crm-{n:3}"}]}]
//	  }],
//	  "apps": [{"owner": "dev@example.com", "name": "crm-{n:3}-v5"}]
//	}]
//
// gives crm-001 … crm-200 with their own ids, secret keys and rows (and, with "apps", their 5.0
// targets already created). The inventory counts the 3.x apps (legacy_apps).
//
// The embedded default section (DefaultFixture, the file fixture_default.json next to this one;
// appmigrate-sandbox --print-default-fixture prints the whole default fixture) holds two developers, dev@example.com /
// sandbox-password and other@example.com / other-password, no 5.0 apps, and two 3.x apps owned
// by dev@example.com: "crm" (v1: tables Person 250, Order 1200 and Product 40 rows, 2 users,
// 2 roles, 5 permissions, 6 files of about 3 MiB; v2: smaller) and "inventory" (v1: 2 tables).
package backendless
