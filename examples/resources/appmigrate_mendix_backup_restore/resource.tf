# Runbook §3.2.1: the newest completed v3 backup, streamed into the v4 environment (modeled
# upload), restored with Backups API v2 and verified by size and SHA-256.
resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = "calc"
  source_environment = "Production"
  project_id         = appmigrate_mendix_node_link.temporary.project_id
  environment_id     = appmigrate_mendix_node_link.temporary.environments["Production"]
  deployment_id      = appmigrate_mendix_environment_deployment.app.id

  timeouts = {
    create = "4h"
  }
}
