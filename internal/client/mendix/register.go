package mendix

import "github.com/appmigrate/terraform-provider-appmigrate/internal/client/calls"

// Register is every vendor call this client can make, tagged exactly as
// ../shared/reference/mendix-cloud-api.md tags it (Ref is its section), plus MODELED for the
// portal-only steps the sandbox designs a call for. Paths are written below each API's base:
// /api/1 and /api/v2 on deploy.mendix.com, /api/v4 on cloud.home.mendix.com, /v2 on
// projects-api.home.mendix.com. register_test.go fails when an exported method is missing, and
// compares the tags with the sandbox's route table.
var Register = calls.Register{
	Vendor: "Mendix",
	Calls: []calls.Call{
		// Deploy API v1 and the Build API (§5.1 – §5.3, §5.6).
		{Method: "Client.Apps", HTTP: "GET /api/1/apps", Tag: calls.Documented, Ref: "§5.1"},
		{Method: "Client.App", HTTP: "GET /api/1/apps/{AppId}", Tag: calls.Documented, Ref: "§5.1"},
		{Method: "Client.Environments", HTTP: "GET /api/1/apps/{AppId}/environments", Tag: calls.Documented, Ref: "§5.1"},
		{Method: "Client.Environment", HTTP: "GET /api/1/apps/{AppId}/environments/{Mode}", Tag: calls.Documented, Ref: "§5.1"},
		{Method: "Client.DeployedPackage", HTTP: "GET /api/1/apps/{AppId}/environments/{Mode}/package", Tag: calls.Documented, Ref: "§5.2",
			Note: "`?url=true` for the download link; the v3-era page shows the call without it"},
		{Method: "Client.Packages", HTTP: "GET /api/1/apps/{AppId}/packages", Tag: calls.Documented, Ref: "§5.2"},
		{Method: "Client.PackagesLike", HTTP: "GET /api/1/apps/{AppId}/packages", Tag: calls.Documented, Ref: "§5.2", Note: "filtered here by name, size and date"},
		{Method: "Client.Package", HTTP: "GET /api/1/apps/{AppId}/packages/{PackageId}", Tag: calls.Documented, Ref: "§5.2"},
		{Method: "Client.DeletePackage", HTTP: "DELETE /api/1/apps/{AppId}/packages/{PackageId}", Tag: calls.Documented, Ref: "§5.2", Note: "409 PACKAGE_IN_USE when deployed"},
		{Method: "Client.Transport", HTTP: "POST /api/1/apps/{AppId}/environments/{Mode}/transport", Tag: calls.Documented, Ref: "§5.3", Note: "503 while the MDA is processed: retried"},
		{Method: "Client.Stop", HTTP: "POST /api/1/apps/{AppId}/environments/{Mode}/stop", Tag: calls.Documented, Ref: "§5.3"},
		{Method: "Client.Start", HTTP: "POST /api/1/apps/{AppId}/environments/{Mode}/start", Tag: calls.Documented, Ref: "§5.3", Note: "200 ALREADY_STARTED is success"},
		{Method: "Client.StartStatus", HTTP: "GET /api/1/apps/{AppId}/environments/{Mode}/start/{JobId}", Tag: calls.Documented, Ref: "§5.3"},
		{Method: "Client.Settings", HTTP: "GET /api/1/apps/{AppId}/environments/{Mode}/settings", Tag: calls.Documented, Ref: "§5.6",
			Note: "CustomSettings items: shape INFERRED (Name/Value)"},
		{Method: "Client.SetSettings", HTTP: "POST /api/1/apps/{AppId}/environments/{Mode}/settings", Tag: calls.Documented, Ref: "§5.6"},
		// Backups API v1 (§5.4): documented; that list and download worked on v3 is INFERRED.
		{Method: "Client.SnapshotsV1", HTTP: "GET /api/1/apps/{AppId}/environments/{Mode}/snapshots", Tag: calls.Documented, Ref: "§5.4",
			Note: "deprecated API; that it served v3 nodes is INFERRED"},
		{Method: "Client.SnapshotURLsV1", HTTP: "GET /api/1/apps/{AppId}/environments/{Mode}/snapshots/{SnapshotId}", Tag: calls.Documented, Ref: "§5.4",
			Note: "500 while the backup is still being made: retried"},
		// Deploy API v2 (§5.2).
		{Method: "Client.UploadPackage", HTTP: "POST /api/v2/apps/{AppId}/packages/upload", Tag: calls.Documented, Ref: "§5.2", Note: "multipart `file`, at most 1 GB"},
		{Method: "Client.UploadPackage", HTTP: "GET /api/1/apps/{AppId}/packages", Tag: calls.Documented, Ref: "§5.2", Note: "before the upload (what exists already), and after a lost answer (finds the upload before sending it again)"},
		{Method: "Client.Job", HTTP: "GET /api/v2/apps/{AppId}/jobs/{JobId}", Tag: calls.Documented, Ref: "§5.2"},
		// Backups API v2 (§5.5).
		{Method: "Client.Snapshots", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots", Tag: calls.Documented, Ref: "§5.5", Note: "every page"},
		{Method: "Client.SnapshotsCommented", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.Snapshot", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/{SnapshotId}", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.SetSnapshotComment", HTTP: "PUT /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/{SnapshotId}", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.DeleteSnapshot", HTTP: "DELETE /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/{SnapshotId}", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.CreateArchive", HTTP: "POST /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/{SnapshotId}/archives", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.Archive", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/{SnapshotId}/archives/{ArchiveId}", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.StartRestore", HTTP: "POST /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/restores", Tag: calls.Documented, Ref: "§5.5", Note: "`?source_snapshot_id=&db_only=`"},
		{Method: "Client.StartRestore", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/restores", Tag: calls.Modeled, Ref: "§5.5",
			Note: "only with lookup (mode `api`) after a lost answer; v2 documents no restore listing"},
		{Method: "Client.RestoresOf", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/restores", Tag: calls.Modeled, Ref: "§5.5", Note: "v2 documents no restore listing"},
		{Method: "Client.Restore", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/restores/{RestoreId}", Tag: calls.Documented, Ref: "§5.5"},
		{Method: "Client.UploadSnapshot", HTTP: "POST /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots/upload", Tag: calls.Modeled, Ref: "§5.5",
			Note: "NO API: the portal's Backups → Upload Archive (mode `api` only)"},
		{Method: "Client.UploadSnapshot", HTTP: "GET /api/v2/apps/{ProjectId}/environments/{EnvironmentId}/snapshots", Tag: calls.Documented, Ref: "§5.5", Note: "only after a lost answer"},
		// Deploy API v4 (§5.1).
		{Method: "Client.AppsV4", HTTP: "GET /api/v4/apps", Tag: calls.Documented, Ref: "§5.1", Note: "`?licenseType=&offset=&limit=`, every page"},
		{Method: "Client.AppV4", HTTP: "GET /api/v4/apps/{appId}", Tag: calls.Documented, Ref: "§5.1",
			Note: "that a project with no cloud app is visible here is not documented: never read as \"deleted\""},
		{Method: "Client.EnvironmentsV4", HTTP: "GET /api/v4/apps/{appId}/environments", Tag: calls.Documented, Ref: "§5.1"},
		{Method: "Client.EnvironmentV4", HTTP: "GET /api/v4/apps/{appId}/environments/{environmentId}", Tag: calls.Documented, Ref: "§5.1"},
		{Method: "Client.LinkNode", HTTP: "POST /api/v4/apps/{appId}/node", Tag: calls.Modeled, Ref: "§5.8", Note: "NO API: the portal's Select Node → Use this Node (mode `api` only)"},
		// Projects API v2, beta (§5.8; reads from projects-v2.yaml, §1).
		{Method: "Client.CreateProject", HTTP: "POST /v2/projects", Tag: calls.Documented, Ref: "§5.8", Note: "beta; 202 `{jobId}`"},
		{Method: "Client.CreateProject", HTTP: "GET /v2/projects", Tag: calls.Documented, Ref: "§5.8", Note: "only after a lost answer, as FindProjects"},
		{Method: "Client.CreateProject", HTTP: "GET /v2/accounts/{accountId}/projects", Tag: calls.Documented, Ref: "§5.8", Note: "only after a lost answer, as FindProjects"},
		{Method: "Client.ProjectJob", HTTP: "GET /v2/projects/jobs/{jobId}", Tag: calls.Documented, Ref: "§5.8", Note: "beta; `projectId` also read as `project_id`"},
		{Method: "Client.Project", HTTP: "GET /v2/projects/{projectId}", Tag: calls.Documented, Ref: "§5.8",
			Note: "beta (projects-v2.yaml); works for a project with no cloud app; its `description` is the create's summary: INFERRED"},
		{Method: "Client.FindProjects", HTTP: "GET /v2/projects", Tag: calls.Documented, Ref: "§5.8",
			Note: "deprecated listing, once per client: its 308 names the caller's account (INFERRED)"},
		{Method: "Client.FindProjects", HTTP: "GET /v2/accounts/{accountId}/projects", Tag: calls.Documented, Ref: "§5.8", Note: "`?createdSince=&limit=&offset=`"},
		{Method: "Client.DeleteProject", HTTP: "DELETE /v2/projects/{projectId}", Tag: calls.Documented, Ref: "§5.8", Note: "beta; 202; 409 while linked to a licensed node"},
		// Pre-signed download links (§5.2 package `Url.Location`, §5.5 archive `url`).
		{Method: "Download.Open", HTTP: "GET {Url.Location}", Tag: calls.Documented, Ref: "§5.2, §5.5",
			Note: "no Mendix headers; resumed with `Range`; a fresh link is asked for when storage refuses one"},
	},
	NoCall: []string{
		"Client.HasAPIKey", "Client.HasPAT", "Client.NewDownload", "Client.AddSecret",
		"Download.Source", "Download.Refused", "Download.Issued",
	},
}
