# Proof that nothing was lost: the same numbers on both sides.

output "target_app_id" {
  description = "Id of the new 5.0 app."
  value       = appmigrate_backendless_app.target.id
}

output "tables" {
  description = "Rows per table: in the 3.x data archive's manifest (source), reported by the migration log (imported) and counted in the 5.0 app (target)."
  value = {
    for table, rows in appmigrate_backendless_migration_archive.source.tables : table => {
      source   = rows
      imported = lookup(data.appmigrate_backendless_migration_log.import.tables, table, null)
      target   = lookup(appmigrate_backendless_data_import.data.tables, table, null)
    }
  }
}

output "tables_match" {
  description = "True when every table of the 3.x version has exactly as many rows in the 5.0 app."
  value = alltrue([
    for table, rows in appmigrate_backendless_migration_archive.source.tables :
    lookup(appmigrate_backendless_data_import.data.tables, table, -1) == rows
  ])
}

output "files_archive" {
  description = "The files archive: size and SHA-256 streamed from the 3.x storage (source) and read back from the 5.0 app (target)."
  value = {
    source = {
      path   = appmigrate_backendless_migration_archive.source.files_archive_path
      bytes  = appmigrate_backendless_file_upload.files.source_bytes
      sha256 = appmigrate_backendless_file_upload.files.source_sha256
    }
    target = {
      path   = appmigrate_backendless_file_upload.files.target_path
      bytes  = appmigrate_backendless_file_upload.files.bytes
      sha256 = appmigrate_backendless_file_upload.files.sha256
    }
  }
}

output "files_archive_match" {
  description = "True when the files archive has the same size and SHA-256 on both sides."
  value = (
    appmigrate_backendless_file_upload.files.source_sha256 == appmigrate_backendless_file_upload.files.sha256 &&
    appmigrate_backendless_file_upload.files.source_bytes == appmigrate_backendless_file_upload.files.bytes &&
    appmigrate_backendless_file_upload.files.bytes == appmigrate_backendless_migration_archive.source.files_archive_size
  )
}

output "data_archive" {
  description = "The data archive: size in the 3.x storage (source); size and SHA-256 the import streamed and the migration log confirmed (target)."
  value = {
    source = {
      path  = appmigrate_backendless_migration_archive.source.data_archive_path
      bytes = appmigrate_backendless_migration_archive.source.data_archive_size
    }
    target = {
      bytes  = appmigrate_backendless_data_import.data.archive_bytes
      sha256 = appmigrate_backendless_data_import.data.archive_sha256
    }
  }
}

output "migration_log_tail" {
  description = "The last lines of the migration log."
  value       = data.appmigrate_backendless_migration_log.import.tail
}
