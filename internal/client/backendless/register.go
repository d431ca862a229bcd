package backendless

import "github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"

// Register lists every call each exported method of this package makes, tagged exactly as
// ../shared/reference/backendless-console-api.md tags it (MODELED: designed here, no vendor API).
// Paths are written below each host: console (`/console/…`, `/{appId}/console/…`), 5.x client
// REST (`/{appId}/{REST-key}/…`) and 3.x client REST (`/{version}/…`, `/{appId}/{version}/files/…`).
// register_test.go fails when an exported method is neither here nor in NoCall.
var Register = calls.Register{
	Vendor: "Backendless",
	Calls: []calls.Call{
		// §3.1 console session; every console method logs in first when it holds no auth-key.
		{Method: "Client.Login", HTTP: "POST /console/home/login", Tag: calls.SDK, Ref: "§3.1", Note: "auth-key from the response header; once per provider process, again after a 401/403"},

		// §Step 3 apps.
		{Method: "Client.ListApps", HTTP: "GET /console/applications", Tag: calls.SDK, Ref: "§4 Step 3"},
		{Method: "Client.GetApp", HTTP: "GET /console/applications", Tag: calls.SDK, Ref: "§4 Step 3", Note: "no single-app read exists: the list, read once per provider process and dropped by our own writes"},
		{Method: "Client.FindAppByName", HTTP: "GET /console/applications", Tag: calls.SDK, Ref: "§4 Step 3", Note: "always a fresh list"},
		{Method: "Client.PlanAppByName", HTTP: "GET /console/applications", Tag: calls.SDK, Ref: "§4 Step 3", Note: "at plan: the list shared by the provider process"},
		{Method: "Client.CreateApp", HTTP: "POST /console/applications", Tag: calls.SDK, Ref: "§4 Step 3", Note: "`{appName}`, query `zone`; repeated only after a list proves no app of the name"},
		{Method: "Client.CreateApp", HTTP: "GET /console/applications", Tag: calls.SDK, Ref: "§4 Step 3", Note: "only after an unanswered create"},
		{Method: "Client.RenameApp", HTTP: "PUT /{appId}/console/application", Tag: calls.SDK, Ref: "§4 Step 3"},
		{Method: "Client.DeleteApp", HTTP: "DELETE /{appId}/console/application", Tag: calls.SDK, Ref: "§4 Step 3", Note: "the console's 404 is empty (§6), so it counts as gone only once a fresh list lacks the app"},
		{Method: "Client.DeleteApp", HTTP: "GET /console/applications", Tag: calls.SDK, Ref: "§4 Step 3", Note: "only after a 404: a fresh list"},
		{Method: "Client.RESTAPIKey", HTTP: "GET /{appId}/console/appsettings", Tag: calls.SDK, Ref: "§3.2", Note: "apiKeys[deviceType=REST]; once per app per provider process"},
		{Method: "Client.ReadAppContent", HTTP: "GET /{appId}/console/data/tables", Tag: calls.SDK, Ref: "§5.1"},
		{Method: "Client.ReadAppContent", HTTP: "GET /{appId}/console/files/directory/view/{path}", Tag: calls.SDK, Ref: "§4 Step 6", Note: "the root and /migration"},

		// §5.1 tables and counts.
		{Method: "Client.ListTables", HTTP: "GET /{appId}/console/data/tables", Tag: calls.SDK, Ref: "§5.1", Note: "`{\"tables\":[…]}`, no row count; the system tables every app has (Users, DeviceRegistration) are left out"},
		{Method: "Client.CountRows", HTTP: "GET /{appId}/{REST-key}/data/{table}/count", Tag: calls.Documented, Ref: "§5.1", Note: "a bare number"},

		// §Step 4 / §5 5.x Files (client REST).
		{Method: "Client.UploadFile", HTTP: "POST /{appId}/{REST-key}/files/{path}?overwrite=", Tag: calls.Documented, Ref: "§4 Step 4", Note: "multipart field `file`, streamed"},
		{Method: "Client.UploadFile", HTTP: "GET /{appId}/{REST-key}/files/{path}?action=exists", Tag: calls.SDK, Ref: "§5", Note: "only after an unanswered upload without overwrite"},
		{Method: "Client.Download", HTTP: "GET /{appId}/{REST-key}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 6", Note: "streamed; a broken stream resumes with Range"},
		{Method: "Client.HashFile", HTTP: "GET /{appId}/{REST-key}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 6"},
		{Method: "Client.ListFiles", HTTP: "GET /{appId}/{REST-key}/files/{dir}/?pattern=*&sub=false&pagesize=&offset=", Tag: calls.Documented, Ref: "§4 Step 6"},
		{Method: "Client.StatFile", HTTP: "GET /{appId}/{REST-key}/files/{dir}/?pattern=*&sub=false&pagesize=&offset=", Tag: calls.Documented, Ref: "§4 Step 6"},
		{Method: "Client.FileExists", HTTP: "GET /{appId}/{REST-key}/files/{path}?action=exists", Tag: calls.SDK, Ref: "§5"},
		{Method: "Client.DeleteFile", HTTP: "DELETE /{appId}/{REST-key}/files/{path}", Tag: calls.Documented, Ref: "§5", Note: "a 404 with a Backendless code = already gone; a bare 404 is an error"},

		// §Step 5–6 import and migration log (console).
		{Method: "Client.StartImport", HTTP: "POST /{appId}/console/import/{type}?allowNonEmpty=", Tag: calls.Modeled, Ref: "§4 Step 5", Note: "the route family is the SDK's; `{type}`, body and answer are ours"},
		{Method: "Client.StartImport", HTTP: "GET /{appId}/console/files/directory/view/{path}", Tag: calls.SDK, Ref: "§4 Step 6", Note: "only after an unanswered start: the migration logs"},
		{Method: "Client.StartImport", HTTP: "GET /{appId}/console/files/download/{path}", Tag: calls.SDK, Ref: "§4 Step 6", Note: "only after an unanswered start; log location and format MODELED"},
		{Method: "Client.FindImports", HTTP: "GET /{appId}/console/files/directory/view/{path}", Tag: calls.SDK, Ref: "§4 Step 6"},
		{Method: "Client.FindImports", HTTP: "GET /{appId}/console/files/download/{path}", Tag: calls.SDK, Ref: "§4 Step 6", Note: "log location and format MODELED"},
		{Method: "Client.ConsoleListFiles", HTTP: "GET /{appId}/console/files/directory/view/{path}", Tag: calls.SDK, Ref: "§4 Step 6"},
		{Method: "Client.ConsoleReadFile", HTTP: "GET /{appId}/console/files/download/{path}", Tag: calls.SDK, Ref: "§4 Step 6"},
		{Method: "Client.ImportLogs", HTTP: "GET /{appId}/console/files/directory/view/{path}", Tag: calls.SDK, Ref: "§4 Step 6", Note: "log location MODELED; after the console's empty 404 the root listing tells whether /migration exists"},
		{Method: "Client.ReadMigrationLog", HTTP: "GET /{appId}/console/files/download/{path}", Tag: calls.SDK, Ref: "§4 Step 6", Note: "log location and format MODELED"},

		// §Step 1–2 3.x (client REST, headers application-id / secret-key / application-type).
		{Method: "Client.ListLegacyFiles", HTTP: "GET /{version}/files/{dir}?pattern=*&sub=false&pagesize=&offset=", Tag: calls.Inferred, Ref: "§4 Step 2", Note: "the 3.x listing; the 5.x form is DOCUMENTED"},
		{Method: "Client.StatLegacyFile", HTTP: "GET /{version}/files/{dir}?pattern=*&sub=false&pagesize=&offset=", Tag: calls.Inferred, Ref: "§4 Step 2"},
		{Method: "Client.LegacyVersionExists", HTTP: "GET /{version}/files/{dir}?pattern=*&sub=false&pagesize=&offset=", Tag: calls.Inferred, Ref: "§4 Step 2", Note: "the version's root"},
		{Method: "Client.ListMigrationArchives", HTTP: "GET /{version}/files/{dir}?pattern=*&sub=false&pagesize=&offset=", Tag: calls.Inferred, Ref: "§4 Step 2", Note: "/migration-to-4"},
		{Method: "Client.DeleteLegacyFile", HTTP: "DELETE /{version}/files/{path}", Tag: calls.Inferred, Ref: "§4 Step 2"},
		{Method: "Client.LegacyDownload", HTTP: "GET /{appId}/{version}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 2", Note: "streamed; a broken stream resumes with Range"},
		{Method: "Client.HashLegacyFile", HTTP: "GET /{appId}/{version}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 2"},
		{Method: "Client.StatLegacyDownload", HTTP: "GET /{appId}/{version}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 2", Note: "`Range: bytes=0-0`; size from Content-Range (never HEAD, never the listing)"},
		{Method: "Client.LegacyArchiveManifest", HTTP: "GET /{appId}/{version}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 2", Note: "`Range:` GETs only (size from `bytes=0-0`, then the zip's end); manifest format MODELED"},
		{Method: "Client.CheckLegacyArchive", HTTP: "GET /{appId}/{version}/files/{path}", Tag: calls.Documented, Ref: "§4 Step 2", Note: "`Range:` GETs of the zip's central directory only"},
		{Method: "Client.CreateMigrationArchive", HTTP: "POST /{version}/migration-to-4/archive", Tag: calls.Modeled, Ref: "§4 Step 1", Note: "the vendor has only the console button"},
		{Method: "Client.CreateMigrationArchive", HTTP: "GET /{version}/migration-to-4/archive", Tag: calls.Modeled, Ref: "§4 Step 1", Note: "only after an unanswered create"},
		{Method: "Client.ListMigrationArchiveJobs", HTTP: "GET /{version}/migration-to-4/archive", Tag: calls.Modeled, Ref: "§4 Step 1"},
		{Method: "Client.MigrationArchiveStatus", HTTP: "GET /{version}/migration-to-4/archive/{jobId}", Tag: calls.Modeled, Ref: "§4 Step 1"},
	},
	NoCall: []string{
		"Client.HasLegacySecretKey",
		"AppContent.Blank", "AppContent.String",
		"Error.Error", "Error.Transient", "LoginError.Error", "LoginError.Unwrap", "AuthKeyError.Error", "AuthKeyError.Unwrap",
		"LegacyKeyError.Error", "ArchiveError.Error", "ArchiveError.Unwrap",
		"MigrationLog.Tail",
		"RangeReaderAt.Size", "RangeReaderAt.Requests",
		"RangeReaderAt.ReadAt", // its Range GETs are LegacyArchiveManifest's, registered there
	},
}

// RegisterTypes are the types whose exported methods the register covers.
var RegisterTypes = []string{"Client", "AppContent", "Error", "LoginError", "AuthKeyError", "LegacyKeyError", "ArchiveError", "MigrationLog", "RangeReaderAt"}
