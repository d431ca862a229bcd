# A fleet: both runbooks for many apps in one configuration, each step a resource with
# `for_each` over a map of apps. Each app follows its runbook's order.
#
#   var.backendless_apps: archive ─┬─> file upload ─> data import
#                         5.0 app ─┘
#   var.mendix_apps:      temporary app ─> link ─> package ─> deployment ─┬─> settings ─┬─> start ─> final link
#                                                                         └─> restore ──┘
#
# Terraform orders resources, not their instances: a step of any app starts once that step's
# predecessor is done for every app in the map. The fleet therefore moves step by step, in waves,
# up to -parallelism operations at once (the two runbooks share them), and a step that fails for
# one app holds the next step of every app until `terraform apply` again has retried it. The
# "Migrate a fleet" guide says how to size -parallelism and when to split a fleet into batches.
#
# The maps are variables; sandbox-fleet.tfvars names the apps of sandbox-fleet.json, the
# sandbox fixture this example is rehearsed against (README.md). Either map may be empty.
terraform {
  required_providers {
    appmigrate = {
      source = "appmigrate/appmigrate"
    }
  }
}

# Credentials come from the environment, as in the single-app examples:
#   APPMIGRATE_BACKENDLESS_LOGIN / _PASSWORD, and every 3.x app's secret key in
#   APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS="<app_id>=<key>,<app_id>=<key>,…"
#   APPMIGRATE_MENDIX_USERNAME / _API_KEY / _PAT
# The defaults of poll_interval and poll_max_interval suit a fleet (see the "Migrate a fleet"
# guide): a finished job is noticed within a tenth of its duration.
provider "appmigrate" {}

# --- Backendless 3.x Cloud → 5.0, one chain per entry of var.backendless_apps ---

resource "appmigrate_backendless_migration_archive" "source" {
  for_each = var.backendless_apps

  app_id  = each.value.legacy_app_id
  version = each.value.version

  timeouts = {
    create = "2h"
  }
}

resource "appmigrate_backendless_app" "target" {
  for_each = var.backendless_apps

  name                = coalesce(each.value.target_name, "${each.key}-v5")
  deletion_protection = var.target_deletion_protection
}

resource "appmigrate_backendless_file_upload" "files" {
  for_each = var.backendless_apps

  app_id         = appmigrate_backendless_app.target[each.key].id
  source_app_id  = appmigrate_backendless_migration_archive.source[each.key].app_id
  source_version = appmigrate_backendless_migration_archive.source[each.key].version
  source_path    = appmigrate_backendless_migration_archive.source[each.key].files_archive_path
}

resource "appmigrate_backendless_data_import" "data" {
  for_each = var.backendless_apps

  app_id         = appmigrate_backendless_app.target[each.key].id
  source_app_id  = appmigrate_backendless_migration_archive.source[each.key].app_id
  source_version = appmigrate_backendless_migration_archive.source[each.key].version
  source_path    = appmigrate_backendless_migration_archive.source[each.key].data_archive_path
  # The runbook uploads the files before it imports the data: the import takes the upload's id.
  files_upload_id = appmigrate_backendless_file_upload.files[each.key].id

  timeouts = {
    create = "2h"
  }

  # The runbook uploads the files before it imports the data (as every step, a wave: the
  # imports start once every upload is done).
  depends_on = [appmigrate_backendless_file_upload.files]
}

# --- Mendix Cloud v3 → v4, one chain per entry of var.mendix_apps ---

resource "appmigrate_mendix_temporary_app" "temp" {
  for_each = var.mendix_apps

  name    = "${each.key}-migration-temp"
  summary = "Holds the Cloud v4 node while ${each.key} migrates. Deleted at the end."
}

resource "appmigrate_mendix_node_link" "temporary" {
  for_each = var.mendix_apps

  project_id = appmigrate_mendix_temporary_app.temp[each.key].project_id
  node_id    = each.value.v4_node_id
}

resource "appmigrate_mendix_package_transfer" "package" {
  for_each = var.mendix_apps

  source_app_id      = coalesce(each.value.source_app_id, each.key)
  source_environment = each.value.environment
  app_id             = appmigrate_mendix_node_link.temporary[each.key].subdomain
}

resource "appmigrate_mendix_environment_deployment" "app" {
  for_each = var.mendix_apps

  app_id      = appmigrate_mendix_node_link.temporary[each.key].subdomain
  environment = each.value.environment
  package_id  = appmigrate_mendix_package_transfer.package[each.key].package_id
}

resource "appmigrate_mendix_environment_settings" "app" {
  for_each = var.mendix_apps

  source_app_id      = coalesce(each.value.source_app_id, each.key)
  source_environment = each.value.environment
  app_id             = appmigrate_mendix_environment_deployment.app[each.key].app_id
  environment        = appmigrate_mendix_environment_deployment.app[each.key].environment
  deployment_id      = appmigrate_mendix_environment_deployment.app[each.key].id
  constant_overrides = each.value.constant_overrides
}

resource "appmigrate_mendix_backup_restore" "data" {
  for_each = var.mendix_apps

  source_app_id      = coalesce(each.value.source_app_id, each.key)
  source_environment = each.value.environment
  project_id         = appmigrate_mendix_node_link.temporary[each.key].project_id
  environment_id     = appmigrate_mendix_node_link.temporary[each.key].environments[each.value.environment]
  deployment_id      = appmigrate_mendix_environment_deployment.app[each.key].id

  timeouts = {
    create = "4h"
  }
}

resource "appmigrate_mendix_environment_start" "app" {
  for_each = var.mendix_apps

  app_id        = appmigrate_mendix_environment_deployment.app[each.key].app_id
  environment   = appmigrate_mendix_environment_deployment.app[each.key].environment
  deployment_id = appmigrate_mendix_environment_deployment.app[each.key].id
  settings_id   = appmigrate_mendix_environment_settings.app[each.key].id
  restore_id    = appmigrate_mendix_backup_restore.data[each.key].id
}

resource "appmigrate_mendix_node_link" "app" {
  for_each = var.mendix_apps

  project_id             = each.value.app_project_id
  node_id                = each.value.v4_node_id
  after                  = [appmigrate_mendix_environment_start.app[each.key].id]
  delete_replaced_app_id = appmigrate_mendix_temporary_app.temp[each.key].project_id
}
