# A fleet: both runbooks for many apps in one configuration, one module instance per app:
# module.backendless with `for_each` over var.backendless_apps, module.mendix over
# var.mendix_apps. Each app follows its runbook's order:
#
#   var.backendless_apps: archive ─┬─> file upload ─> data import
#                         5.0 app ─┘
#   var.mendix_apps:      temporary app ─> link ─> package ─> deployment ─┬─> settings ─┬─> start ─> final link
#                                                                         └─> restore ──┘
#
# One module instance per app, not `for_each` on every resource: a step refers to its predecessor
# without a key (appmigrate_backendless_app.target.id), one object instead of the map of every
# app's, so plan time grows linearly with the fleet, not quadratically ("Migrate a fleet" guide).
#
# Terraform orders resources, not their instances, and does so across the instances of a module:
# a step of any app starts once that step's predecessor is done for every app in the map. The
# fleet therefore moves step by step, in waves, up to -parallelism operations at once (the two
# runbooks share them), and a step that fails for one app holds the next step of every app until
# `terraform apply` again has retried it. The "Migrate a fleet" guide says how to size
# -parallelism and when to split a fleet into batches.
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

# --- Backendless 3.x Cloud → 5.0, one module instance per entry of var.backendless_apps ---

module "backendless" {
  source   = "./modules/backendless-migration"
  for_each = var.backendless_apps

  key                        = each.key
  legacy_app_id              = each.value.legacy_app_id
  legacy_version             = each.value.version
  target_name                = each.value.target_name
  target_deletion_protection = var.target_deletion_protection
}

# --- Mendix Cloud v3 → v4, one module instance per entry of var.mendix_apps ---

module "mendix" {
  source   = "./modules/mendix-migration"
  for_each = var.mendix_apps

  key                = each.key
  app_project_id     = each.value.app_project_id
  v4_node_id         = each.value.v4_node_id
  source_app_id      = each.value.source_app_id
  environment        = each.value.environment
  constant_overrides = each.value.constant_overrides
}
