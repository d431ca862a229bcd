# One Backendless 3.x Cloud → 5.0 migration: one app version, one chain of steps. The fleet
# (../../main.tf) calls this module once per entry of var.backendless_apps.
#
#   archive ─┬─> file upload ─> data import
#   5.0 app ─┘
terraform {
  required_providers {
    appmigrate = {
      source = "appmigrate/appmigrate"
    }
  }
}

resource "appmigrate_backendless_migration_archive" "source" {
  app_id  = var.legacy_app_id
  version = var.legacy_version

  timeouts = {
    create = "2h"
  }
}

resource "appmigrate_backendless_app" "target" {
  name                = coalesce(var.target_name, "${var.key}-v5")
  deletion_protection = var.target_deletion_protection
}

resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
}

resource "appmigrate_backendless_data_import" "data" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.data_archive_path
  # The runbook uploads the files before it imports the data: the import takes the upload's id.
  files_upload_id = appmigrate_backendless_file_upload.files.id

  timeouts = {
    create = "2h"
  }

  # The runbook uploads the files before it imports the data (as every step, a wave: the
  # imports start once every upload is done, in every instance of this module).
  depends_on = [appmigrate_backendless_file_upload.files]
}
