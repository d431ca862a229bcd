# The newest migration log of a 5.0 app: its status, per-table counts and last lines.
data "appmigrate_backendless_migration_log" "latest" {
  app_id = appmigrate_backendless_app.crm.id
}

output "migration_status" {
  value = data.appmigrate_backendless_migration_log.latest.status
}

output "migration_log_tail" {
  value = data.appmigrate_backendless_migration_log.latest.tail
}
