# Mendix Cloud v3 → v4: the whole "Migrating the App Manually" runbook ("Migrate to Mendix Cloud
# v4") as one configuration. Terraform's order is the runbook's order, because each step
# references the ones it must come after:
#
#   temporary app ─> link temp app to the v4 node (§3.1)
#                      └─> package transfer (§3.2.2) ─> deployment: transport, left stopped (§3.2.4)
#                                                         ├─> settings (§3.2.3) ─────┐
#                                                         └─> backup restore (§3.2.1) ┴─> start (§3.2.4)
#   data.appmigrate_mendix_offboarding_request: the support request of §3.3 and the settings
#   no API copies (HTTP headers, access restrictions, certificates, custom domains, …).
#   Second apply, once Mendix Support has offboarded the v3 node (-var v3_node_offboarded=true):
#   start ─> link the real app to the v4 node, deleting the temporary app (§3.4)
#
# The defaults match the sandbox's default fixture (v3 app "calc", v4 node "node-v4-calc"), so
# `make demo` rehearses the migration locally. Against Mendix, set the variables.
terraform {
  required_providers {
    appmigrate = {
      source = "appmigrate/appmigrate"
    }
  }
}

# Credentials come from the environment, so nothing secret is in the configuration:
#   APPMIGRATE_MENDIX_USERNAME / APPMIGRATE_MENDIX_API_KEY   Deploy, Build and Backups APIs
#   APPMIGRATE_MENDIX_PAT                                     Deploy API v4 and the Projects API
#   APPMIGRATE_MENDIX_DEPLOY_URL, _CLOUD_URL, _PROJECTS_URL   only for a sandbox
provider "appmigrate" {}

# Prerequisite: "Create a new temporary Free App without a Sandbox."
resource "appmigrate_mendix_temporary_app" "temp" {
  name    = var.temporary_app_name
  summary = "Holds the Cloud v4 node while ${var.source_app_id} migrates. Deleted at the end."
}

# §3.1 "First, link the new temporary app to the cloud v4 node."
resource "appmigrate_mendix_node_link" "temporary" {
  project_id = appmigrate_mendix_temporary_app.temp.project_id
  node_id    = var.v4_node_id
  mode       = var.link_mode
}

# §3.2.2 "Download the deployment package of your app hosted in cloud v3 and upload the
# deployment package to the app hosted in Cloud v4." Streamed, sized and hashed in flight.
resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = var.source_app_id
  source_environment = var.environment
  app_id             = appmigrate_mendix_node_link.temporary.subdomain
}

# §3.2.4 "deploy the deployment package to an environment": the transport. The environment is
# left stopped: constants exist only after a transport, a restore needs an app deployed and
# stopped, and settings take effect at the next start.
resource "appmigrate_mendix_environment_deployment" "app" {
  app_id      = appmigrate_mendix_node_link.temporary.subdomain
  environment = var.environment
  package_id  = appmigrate_mendix_package_transfer.package.package_id
}

# §3.2.3 "make sure it has the same configurations as the v3 node": every constant, scheduled
# event and custom setting of v3 (after your overrides) is in the plan.
resource "appmigrate_mendix_environment_settings" "app" {
  source_app_id      = var.source_app_id
  source_environment = var.environment
  app_id             = appmigrate_mendix_environment_deployment.app.app_id
  environment        = appmigrate_mendix_environment_deployment.app.environment
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
  constant_overrides = var.constant_overrides
  # Every String constant is a secret (shown as an argon2id digest) unless listed here.
  public_constants = var.public_constants
}

# §3.2.1 "Download a backup from your app hosted in Mendix Cloud v3 … Upload the downloaded backup
# to your app hosted in Mendix Cloud v4", then restore it. Bytes and SHA-256 are verified.
resource "appmigrate_mendix_backup_restore" "data" {
  source_app_id      = var.source_app_id
  source_environment = var.environment
  project_id         = appmigrate_mendix_node_link.temporary.project_id
  environment_id     = appmigrate_mendix_node_link.temporary.environments[var.environment]
  deployment_id      = appmigrate_mendix_environment_deployment.app.id
  mode               = var.backup_upload_mode

  timeouts = {
    create = "4h"
  }
}

# §3.2.4 "… and start your app." Only after the package, the settings and the data are there.
resource "appmigrate_mendix_environment_start" "app" {
  app_id        = appmigrate_mendix_environment_deployment.app.app_id
  environment   = appmigrate_mendix_environment_deployment.app.environment
  deployment_id = appmigrate_mendix_environment_deployment.app.id
  settings_id   = appmigrate_mendix_environment_settings.app.id
  restore_id    = appmigrate_mendix_backup_restore.data.id
}

# §3.3 "If everything works correctly, submit a request at Mendix Support to offboard the v3 node":
# no API, so the request text and the checklist of settings to compare by hand are rendered for
# you (`terraform output offboarding_request`). The first apply ends here.
data "appmigrate_mendix_offboarding_request" "v3" {
  source_app_id = var.source_app_id
  project_id    = var.app_project_id
  environments  = [var.environment]
  target_app_id = appmigrate_mendix_node_link.temporary.subdomain
}

# §3.4 "After the v3 node has been offboarded, … link the app to the v4 Node … The currently linked
# (temporary) app will be unlinked automatically. The temporary app can be deleted."
#
# A second apply, after Mendix Support has offboarded the v3 node (§3.3):
#   terraform apply -var v3_node_offboarded=true
# The link still checks that the node is offboarded (Deploy API v1 no longer shows the v3 app)
# before it takes the v4 node from the temporary app, and then deletes the temporary app.
resource "appmigrate_mendix_node_link" "app" {
  count = var.v3_node_offboarded ? 1 : 0

  project_id               = var.app_project_id
  node_id                  = var.v4_node_id
  mode                     = var.link_mode
  subdomain                = appmigrate_mendix_node_link.temporary.subdomain
  after                    = [appmigrate_mendix_environment_start.app.id]
  offboarded_source_app_id = var.source_app_id
  delete_replaced_app_id   = appmigrate_mendix_temporary_app.temp.project_id
}
