# One Mendix Cloud v3 → v4 migration: one app, one chain of steps. The fleet (../../main.tf)
# calls this module once per entry of var.mendix_apps.
#
#   temporary app ─> link ─> package ─> deployment ─┬─> settings ─┬─> start ─> final link
#                                                   └─> restore ──┘
terraform {
  required_providers {
    appmigrate = {
      source = "appmigrate/appmigrate"
    }
  }
}

resource "appmigrate_mendix_temporary_app" "temp" {
  name    = "${var.key}-migration-temp"
  summary = "Holds the Cloud v4 node while ${var.key} migrates. Deleted at the end."
}

resource "appmigrate_mendix_node_link" "temporary" {
  project_id = appmigrate_mendix_temporary_app.temp.project_id
  node_id    = var.v4_node_id
}

resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = coalesce(var.source_app_id, var.key)
  source_environment = var.environment
  app_id             = appmigrate_mendix_node_link.temporary.subdomain
}

resource "appmigrate_mendix_environment_deployment" "app" {
  app_id      = appmigrate_mendix_node_link.temporary.subdomain
  environment = var.environment
  package_id  = appmigrate_mendix_package_transfer.package.package_id
}

resource "appmigrate_mendix_environment_settings" "app" {
  source_app_id      = coalesce(var.source_app_id, var.key)
  source_environment = var.environment
  app_id             = appmigrate_mendix_environment_deployment.app.app_id
  environment        = appmigrate_mendix_environment_deployment.app.environment
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
  constant_overrides = var.constant_overrides
}

resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = coalesce(var.source_app_id, var.key)
  source_environment = var.environment
  project_id         = appmigrate_mendix_node_link.temporary.project_id
  environment_id     = appmigrate_mendix_node_link.temporary.environments[var.environment]
  deployment_id      = appmigrate_mendix_environment_deployment.app.id

  timeouts = {
    create = "4h"
  }
}

resource "appmigrate_mendix_environment_start" "app" {
  app_id        = appmigrate_mendix_environment_deployment.app.app_id
  environment   = appmigrate_mendix_environment_deployment.app.environment
  deployment_id = appmigrate_mendix_environment_deployment.app.id
  settings_id   = appmigrate_mendix_environment_settings.app.id
  restore_id    = appmigrate_mendix_backup_restore.data.id
}

resource "appmigrate_mendix_node_link" "app" {
  project_id             = var.app_project_id
  node_id                = var.v4_node_id
  after                  = [appmigrate_mendix_environment_start.app.id]
  delete_replaced_app_id = appmigrate_mendix_temporary_app.temp.project_id
}
