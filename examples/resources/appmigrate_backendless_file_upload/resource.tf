# Step 6: upload the "files" archive into the root directory of the new 5.0 app, streamed
# from 3.x and verified by size and SHA-256 on both sides.
resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.crm.id
  source_app_id  = appmigrate_backendless_migration_archive.crm.app_id
  source_version = appmigrate_backendless_migration_archive.crm.version
  source_path    = appmigrate_backendless_migration_archive.crm.files_archive_path
}

output "files_archive_sha256" {
  value = appmigrate_backendless_file_upload.files.sha256
}
