# Backendless 3.x Cloud → 5.0: the whole "Migrating App Data" runbook as one configuration.
# Terraform's order is the runbook's order, because each step references the one before it:
#
#   migration archive (3.x, steps 1–4) ─┬─> file upload (5.0, step 6) ──┐
#   target app (5.0, step 5) ───────────┴─> data import (5.0, steps 7–8) ┴─> outputs
#
# The defaults match the sandbox's default fixture (3.x app "crm", version "v1"), so
# `make demo` rehearses the migration locally. Against Backendless, set the variables.
terraform {
  required_providers {
    appmigrate = {
      source = "appmigrate/appmigrate"
    }
  }
}

# Credentials come from the environment, so nothing secret is in the configuration:
#   APPMIGRATE_BACKENDLESS_LOGIN / APPMIGRATE_BACKENDLESS_PASSWORD (or _AUTH_KEY)   5.0 console
#   APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS="<legacy_app_id>=<secret key>"          3.x app
#   APPMIGRATE_BACKENDLESS_CONSOLE_URL, _API_URL, _LEGACY_URL                         only for a sandbox
provider "appmigrate" {}

# Steps 1–4 on 3.x: "Migrate to Backendless 4.0" → select the version → "Create migration archive
# for 4.0". Backendless writes a data and a files archive into /migration-to-4.
resource "appmigrate_backendless_migration_archive" "source" {
  app_id  = var.legacy_app_id
  version = var.legacy_version
  mode    = var.archive_mode

  timeouts = {
    create = "2h"
  }
}

# Step 5: "Create an application in the version 5 of the Backendless." A blank app, as the
# runbook recommends.
resource "appmigrate_backendless_app" "target" {
  name                = var.target_app_name
  deletion_protection = var.target_deletion_protection
}

# Step 6: "upload the "files" archive into the root directory" of the 5.0 app, streamed from
# 3.x and verified by size and SHA-256 on both sides.
resource "appmigrate_backendless_file_upload" "files" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.files_archive_path
}

# Steps 7–8: Manage → Import → "Backendless app" with the data archive, then follow the
# migration log to "MIGRATION COMPLETED". Every table's row count is compared with the archive.
# The upload comes first, as in the runbook.
resource "appmigrate_backendless_data_import" "data" {
  app_id         = appmigrate_backendless_app.target.id
  source_app_id  = appmigrate_backendless_migration_archive.source.app_id
  source_version = appmigrate_backendless_migration_archive.source.version
  source_path    = appmigrate_backendless_migration_archive.source.data_archive_path
  mode           = var.import_mode
  # Runbook order: the files archive is uploaded before the data is imported.
  files_upload_id = appmigrate_backendless_file_upload.files.id

  timeouts = {
    create = "2h"
  }
}

# The migration log as Backendless wrote it, for the record.
data "appmigrate_backendless_migration_log" "import" {
  app_id = appmigrate_backendless_data_import.data.app_id
  path   = appmigrate_backendless_data_import.data.log_path
}
