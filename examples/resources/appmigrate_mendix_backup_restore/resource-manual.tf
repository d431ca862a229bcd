# Manual gate for the upload, which has no vendor API: the plan tells the operator to download
# the named v3 backup and use Backups → Upload Archive on v4; apply waits for the new backup,
# then restores it through the documented Backups API v2 and verifies it.
resource "appmigrate_mendix_backup_restore" "data_by_hand" {
  source_app_id      = "calc"
  source_environment = "Production"
  snapshot_id        = data.appmigrate_mendix_snapshots.v3.newest_completed_id
  project_id         = appmigrate_mendix_node_link.temporary.project_id
  environment_id     = appmigrate_mendix_node_link.temporary.environments["Production"]
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
  mode               = "manual"

  timeouts = {
    create = "8h"
  }
}
