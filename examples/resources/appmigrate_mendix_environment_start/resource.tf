# Runbook §3.2.4, second half: start the app once the package, the settings and the data are
# there. It restarts whenever one of them changes.
resource "appmigrate_mendix_environment_start" "app" {
  app_id        = appmigrate_mendix_environment_deployment.app.app_id
  environment   = appmigrate_mendix_environment_deployment.app.environment
  deployment_id = appmigrate_mendix_environment_deployment.app.id
  settings_id   = appmigrate_mendix_environment_settings.app.id
  restore_id    = appmigrate_mendix_backup_restore.data.id
}
