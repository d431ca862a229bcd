# The checks that say nothing of this app was lost. A check is null while its step is unfinished
# (interrupted, tainted, or adopted with `terraform import`), never a false "true".
output "proof" {
  description = "The 5.0 app id, tables_match, files_match, data_archive_match (true, false, or null while unfinished) and the import's final status."
  value = {
    target_app_id = appmigrate_backendless_app.target.id
    # Every table of the 3.x version has as many rows in the 5.0 app.
    tables_match = (
      appmigrate_backendless_migration_archive.source.tables == null || appmigrate_backendless_data_import.data.tables == null ? null :
      length(appmigrate_backendless_migration_archive.source.tables) > 0 && alltrue([
        for table, rows in appmigrate_backendless_migration_archive.source.tables :
        lookup(appmigrate_backendless_data_import.data.tables, table, -1) == rows
      ])
    )
    # The files archive has the same bytes and SHA-256 on both sides, and the size 3.x lists.
    files_match = (
      appmigrate_backendless_file_upload.files.sha256 == null ? null :
      appmigrate_backendless_file_upload.files.source_sha256 == appmigrate_backendless_file_upload.files.sha256 &&
      appmigrate_backendless_file_upload.files.source_bytes == appmigrate_backendless_file_upload.files.bytes &&
      appmigrate_backendless_file_upload.files.bytes == appmigrate_backendless_migration_archive.source.files_archive_size
    )
    # The import read as many bytes as the 3.x data archive has.
    data_archive_match = (
      appmigrate_backendless_data_import.data.archive_bytes == null ? null :
      appmigrate_backendless_data_import.data.archive_bytes == appmigrate_backendless_migration_archive.source.data_archive_size
    )
    import_status = appmigrate_backendless_data_import.data.status
  }
}
