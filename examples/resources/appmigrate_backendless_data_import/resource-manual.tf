# Manual gate: you import the archive in the 5.0 console (Manage → Import → "Backendless app");
# apply waits for the migration log to show the import finished, then verifies the row counts.
resource "appmigrate_backendless_data_import" "data_by_hand" {
  app_id          = appmigrate_backendless_app.crm.id
  source_app_id   = appmigrate_backendless_migration_archive.crm.app_id
  source_version  = appmigrate_backendless_migration_archive.crm.version
  source_path     = appmigrate_backendless_migration_archive.crm.data_archive_path
  files_upload_id = appmigrate_backendless_file_upload.files.id
  mode            = "manual"

  timeouts = {
    create = "4h"
  }
}
