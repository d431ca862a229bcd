# The Backendless runbook on documented APIs only (guide "Backendless on documented APIs only").
# Planned against the sandbox by TestAccBackendlessDocumentedOnly_GuideExamplePlans.

variable "legacy_app_id" {
  type        = string
  description = "Application id of the Backendless 3.x app."
}

resource "appmigrate_backendless_migration_archive" "source" {
  app_id             = var.legacy_app_id
  version            = "v1"
  mode               = "manual"
  documented_only    = true
  data_archive_name  = "crm_v1_data_20261122100000.zip" # as the e-mail / the 3.x Files section shows it
  files_archive_name = "crm_v1_files_20261122100000.zip"
}

resource "appmigrate_backendless_app" "target" {
  name = "crm-v5"
}

resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
}

resource "appmigrate_backendless_data_import" "data" {
  app_id           = appmigrate_backendless_app.target.id
  source_app_id    = appmigrate_backendless_migration_archive.source.app_id
  source_version   = appmigrate_backendless_migration_archive.source.version
  source_path      = appmigrate_backendless_migration_archive.source.data_archive_path
  mode             = "manual"
  documented_only  = true
  import_confirmed = false # set to true after step 4 below
  files_upload_id  = appmigrate_backendless_file_upload.files.id
}
