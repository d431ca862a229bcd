# Steps 7–8: import the "data" archive into the 5.0 app and follow the migration log to its
# final line; every table's row count is then compared with the archive's manifest.
resource "appmigrate_backendless_data_import" "data" {
  app_id         = appmigrate_backendless_app.crm.id
  source_app_id  = appmigrate_backendless_migration_archive.crm.app_id
  source_version = appmigrate_backendless_migration_archive.crm.version
  source_path    = appmigrate_backendless_migration_archive.crm.data_archive_path
  # The runbook uploads the files archive first: the import takes the upload's id.
  files_upload_id = appmigrate_backendless_file_upload.files.id

  timeouts = {
    create = "2h"
  }
}

output "rows_per_table" {
  value = appmigrate_backendless_data_import.data.tables
}
