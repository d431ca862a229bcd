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
  # With documented_only, the importer's own report (the migration log) is not read: what it
  # received (archive_bytes, archive_sha256) is unknown to the provider, not different.
  import_unreadable = appmigrate_backendless_data_import.data.documented_only == true
  unreadable        = "(not readable in documented-only mode)"
}

# The whole proof as one short table: `terraform output -raw proof`. The outputs below hold the
# same values as data.
output "proof" {
  description = "Rows per table, bytes and SHA-256 of both archives, on the 3.x side (source) and the 5.0 side (target), as a table."
  value = join("\n", concat(
    [
      "Backendless 3.x app ${appmigrate_backendless_migration_archive.source.app_id} version ${appmigrate_backendless_migration_archive.source.version} -> 5.0 app ${appmigrate_backendless_app.target.name} (${appmigrate_backendless_app.target.id})",
      "",
      format("  %-${local.proof_width}s  %14s  %14s  %s", "check", "source (3.x)", "target (5.0)", "equal"),
    ],
    [for r in local.proof_counts : format("  %-${local.proof_width}s  %14s  %14s  %s",
      r.what,
      r.source == null ? "-" : tostring(r.source),
      r.target == null ? "-" : tostring(r.target),
      r.unreadable ? local.unreadable : (r.source != null && r.source == r.target ? "yes" : "NO"),
    )],
    flatten([for r in local.proof_digests : [
      format("  %-${local.proof_width}s  source  %s", r.what, r.source == null ? "(not recorded)" : r.source),
      # replace(…) drops the trailing blanks of a row without a verdict.
      replace(format("  %-${local.proof_width}s  target  %s  %s", "", r.unreadable ? local.unreadable : (r.target == null ? "(not recorded)" : r.target),
      r.source == null || r.unreadable ? "" : (r.source == r.target ? "equal: yes" : "equal: NO")), "/ +$/", ""),
    ]]),
  ))
}

locals {
  proof_counts = concat(
    [for table, rows in local.source_tables : {
      what       = "rows in table ${table}"
      source     = rows
      target     = lookup(local.target_tables, table, null)
      unreadable = false
    }],
    [
      {
        what       = "bytes of the files archive"
        source     = appmigrate_backendless_file_upload.files.source_bytes
        target     = appmigrate_backendless_file_upload.files.bytes
        unreadable = false
      },
      {
        what       = "bytes of the data archive"
        source     = appmigrate_backendless_migration_archive.source.data_archive_size
        target     = appmigrate_backendless_data_import.data.archive_bytes
        unreadable = local.import_unreadable
      },
    ],
  )
  proof_digests = [
    {
      what       = "SHA-256 of the files archive"
      source     = appmigrate_backendless_file_upload.files.source_sha256
      target     = appmigrate_backendless_file_upload.files.sha256
      unreadable = false
    },
    {
      what = "SHA-256 of the data archive"
      # source: computed while streaming the archive from the 3.x download URL; target: what the
      # importer received, as its migration log reports it.
      source     = appmigrate_backendless_data_import.data.source_sha256
      target     = appmigrate_backendless_data_import.data.archive_sha256
      unreadable = local.import_unreadable
    },
  ]
  proof_width = max(concat([for r in local.proof_counts : length(r.what)], [for r in local.proof_digests : length(r.what)])...)
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

output "data_archive_match" {
  description = "True when the data archive streamed from the 3.x side and the archive the importer received have the same size and SHA-256; null with documented_only, where what the importer received is not readable (the proof is then tables_match)."
  value = local.import_unreadable ? null : (
    appmigrate_backendless_data_import.data.source_sha256 != null &&
    appmigrate_backendless_data_import.data.archive_sha256 != null &&
    appmigrate_backendless_data_import.data.source_sha256 == appmigrate_backendless_data_import.data.archive_sha256 &&
    appmigrate_backendless_data_import.data.source_bytes == appmigrate_backendless_data_import.data.archive_bytes
  )
}

output "data_archive" {
  description = "The data archive: size in the 3.x storage and SHA-256 streamed from it (source); size and SHA-256 the migration log reports the importer received (target)."
  value = {
    source = {
      path   = appmigrate_backendless_migration_archive.source.data_archive_path
      bytes  = appmigrate_backendless_migration_archive.source.data_archive_size
      sha256 = appmigrate_backendless_data_import.data.source_sha256
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
