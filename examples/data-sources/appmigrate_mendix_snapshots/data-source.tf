# Backups of a Cloud v3 environment (Backups API v1) ...
data "appmigrate_mendix_snapshots" "v3" {
  app_id      = "calc"
  environment = "Production"
}

# ... and of a Cloud v4 environment (Backups API v2).
data "appmigrate_mendix_snapshots" "v4" {
  project_id     = appmigrate_mendix_node_link.temporary.project_id
  environment_id = appmigrate_mendix_node_link.temporary.environments["Production"]
}

output "newest_v3_backup" {
  value = data.appmigrate_mendix_snapshots.v3.newest_completed_id
}
