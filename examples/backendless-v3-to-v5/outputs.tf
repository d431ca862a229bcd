# Proof that nothing was lost: the same numbers on both sides.
#
# A step that is unfinished (interrupted, tainted, or just imported with `terraform import`) has
# null results; the outputs then show what is known, and the *_match outputs say false, instead of
# failing every plan with "Iteration over null value".
locals {
  source_tables   = appmigrate_backendless_migration_archive.source.tables != null ? appmigrate_backendless_migration_archive.source.tables : {}
  target_tables   = appmigrate_backendless_data_import.data.tables != null ? appmigrate_backendless_data_import.data.tables : {}
  imported_tables = try(data.appmigrate_backendless_migration_log.import.tables, null) != null ? data.appmigrate_backendless_migration_log.import.tables : {}
  upload          = appmigrate_backendless_file_upload.files
}

output "target_app_id" {
  description = "Id of the new 5.0 app."
  value       = appmigrate_backendless_app.target.id
}

output "tables" {
  description = "Rows per table: in the 3.x data archive's manifest (source), reported by the migration log (imported) and counted in the 5.0 app (target)."
  value = {
    for table, rows in local.source_tables : table => {
      source   = rows
      imported = lookup(local.imported_tables, table, null)
      target   = lookup(local.target_tables, table, null)
    }
  }
}

output "tables_match" {
  description = "True when every table of the 3.x version has exactly as many rows in the 5.0 app."
  value = length(local.source_tables) > 0 && alltrue([
    for table, rows in local.source_tables :
    lookup(local.target_tables, table, -1) == rows
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
    local.upload.sha256 != null && local.upload.bytes != null &&
    local.upload.source_sha256 == local.upload.sha256 &&
    local.upload.source_bytes == local.upload.bytes &&
    local.upload.bytes == appmigrate_backendless_migration_archive.source.files_archive_size
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
  value       = try(data.appmigrate_backendless_migration_log.import.tail, [])
}
