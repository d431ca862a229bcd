# The proof per app: one map per runbook, app key → the checks that say nothing was lost. A
# check is null while its step is unfinished (interrupted, tainted, or adopted with `terraform
# import`), never a false "true". `terraform output -json backendless_proof | jq` reads them;
# `unverified_apps` lists every app with a check that is not true.

locals {
  backendless_proof = {
    for key, app in var.backendless_apps : key => {
      target_app_id = appmigrate_backendless_app.target[key].id
      # Every table of the 3.x version has as many rows in the 5.0 app.
      tables_match = (
        appmigrate_backendless_migration_archive.source[key].tables == null || appmigrate_backendless_data_import.data[key].tables == null ? null :
        length(appmigrate_backendless_migration_archive.source[key].tables) > 0 && alltrue([
          for table, rows in appmigrate_backendless_migration_archive.source[key].tables :
          lookup(appmigrate_backendless_data_import.data[key].tables, table, -1) == rows
        ])
      )
      # The files archive has the same bytes and SHA-256 on both sides, and the size 3.x lists.
      files_match = (
        appmigrate_backendless_file_upload.files[key].sha256 == null ? null :
        appmigrate_backendless_file_upload.files[key].source_sha256 == appmigrate_backendless_file_upload.files[key].sha256 &&
        appmigrate_backendless_file_upload.files[key].source_bytes == appmigrate_backendless_file_upload.files[key].bytes &&
        appmigrate_backendless_file_upload.files[key].bytes == appmigrate_backendless_migration_archive.source[key].files_archive_size
      )
      # The import read as many bytes as the 3.x data archive has.
      data_archive_match = (
        appmigrate_backendless_data_import.data[key].archive_bytes == null ? null :
        appmigrate_backendless_data_import.data[key].archive_bytes == appmigrate_backendless_migration_archive.source[key].data_archive_size
      )
      import_status = appmigrate_backendless_data_import.data[key].status
    }
  }

  mendix_proof = {
    for key, app in var.mendix_apps : key => {
      # The model deployed on v4 is the one running on v3.
      model_version_equal = (
        appmigrate_mendix_package_transfer.package[key].source_model_version == null || appmigrate_mendix_environment_deployment.app[key].model_version == null ? null :
        appmigrate_mendix_package_transfer.package[key].source_model_version == appmigrate_mendix_environment_deployment.app[key].model_version
      )
      # Every v3 constant has its value (or its override) on v4: the provider compares them, secret
      # ones by their digest (constants_verified), since a secret's clear value is never in state.
      settings_equal = (
        appmigrate_mendix_environment_settings.app[key].constants_verified == null ? null :
        alltrue(values(appmigrate_mendix_environment_settings.app[key].constants_verified))
      )
      # The backup restored on v4 has the bytes and SHA-256 read from v3.
      backup_equal = (
        appmigrate_mendix_backup_restore.data[key].restored_sha256 == null || appmigrate_mendix_backup_restore.data[key].sha256 == null ? null :
        appmigrate_mendix_backup_restore.data[key].sha256 == appmigrate_mendix_backup_restore.data[key].restored_sha256 &&
        appmigrate_mendix_backup_restore.data[key].bytes == appmigrate_mendix_backup_restore.data[key].restored_bytes
      )
      running               = appmigrate_mendix_environment_start.app[key].status == null ? null : appmigrate_mendix_environment_start.app[key].status == "Running"
      temporary_app_deleted = appmigrate_mendix_node_link.app[key].deleted_app_id == null ? null : appmigrate_mendix_node_link.app[key].deleted_app_id == appmigrate_mendix_temporary_app.temp[key].project_id
    }
  }
}

output "backendless_proof" {
  description = "Per Backendless app: the 5.0 app id, tables_match, files_match, data_archive_match (true, false, or null while unfinished) and the import's final status."
  value       = local.backendless_proof
}

output "mendix_proof" {
  description = "Per Mendix app: model_version_equal, settings_equal, backup_equal, running and temporary_app_deleted (true, false, or null while unfinished)."
  value       = local.mendix_proof
}

output "unverified_apps" {
  description = "Every app with a check that is not true (false or unfinished), with the names of those checks; empty when the whole fleet is proven."
  value = merge(
    { for key, p in local.backendless_proof : "backendless/${key}" => [for check in ["tables_match", "files_match", "data_archive_match"] : check if p[check] != true] if !alltrue([p.tables_match == true, p.files_match == true, p.data_archive_match == true]) },
    { for key, p in local.mendix_proof : "mendix/${key}" => [for check in ["model_version_equal", "settings_equal", "backup_equal", "running", "temporary_app_deleted"] : check if p[check] != true] if !alltrue([p.model_version_equal == true, p.settings_equal == true, p.backup_equal == true, p.running == true, p.temporary_app_deleted == true]) },
  )
}

output "summary" {
  description = "How many apps of each runbook are proven, out of how many."
  value = {
    backendless = "${length([for p in local.backendless_proof : p if p.tables_match == true && p.files_match == true && p.data_archive_match == true])}/${length(local.backendless_proof)} proven"
    mendix      = "${length([for p in local.mendix_proof : p if p.model_version_equal == true && p.settings_equal == true && p.backup_equal == true && p.running == true && p.temporary_app_deleted == true])}/${length(local.mendix_proof)} proven"
  }
}
