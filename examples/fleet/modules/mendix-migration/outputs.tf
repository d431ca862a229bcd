# The checks that say nothing of this app was lost. A check is null while its step is unfinished
# (interrupted, tainted, or adopted with `terraform import`), never a false "true".
output "proof" {
  description = "model_version_equal, settings_equal, backup_equal, running and temporary_app_deleted (true, false, or null while unfinished)."
  value = {
    # The model deployed on v4 is the one running on v3.
    model_version_equal = (
      appmigrate_mendix_package_transfer.package.source_model_version == null || appmigrate_mendix_environment_deployment.app.model_version == null ? null :
      appmigrate_mendix_package_transfer.package.source_model_version == appmigrate_mendix_environment_deployment.app.model_version
    )
    # Every v3 constant has its value (or its override) on v4: the provider compares them, secret
    # ones by their digest (constants_verified), since a secret's clear value is never in state.
    settings_equal = (
      appmigrate_mendix_environment_settings.app.constants_verified == null ? null :
      alltrue(values(appmigrate_mendix_environment_settings.app.constants_verified))
    )
    # The backup restored on v4 has the bytes and SHA-256 read from v3.
    backup_equal = (
      appmigrate_mendix_backup_restore.data.restored_sha256 == null || appmigrate_mendix_backup_restore.data.sha256 == null ? null :
      appmigrate_mendix_backup_restore.data.sha256 == appmigrate_mendix_backup_restore.data.restored_sha256 &&
      appmigrate_mendix_backup_restore.data.bytes == appmigrate_mendix_backup_restore.data.restored_bytes
    )
    running               = appmigrate_mendix_environment_start.app.status == null ? null : appmigrate_mendix_environment_start.app.status == "Running"
    temporary_app_deleted = appmigrate_mendix_node_link.app.deleted_app_id == null ? null : appmigrate_mendix_node_link.app.deleted_app_id == appmigrate_mendix_temporary_app.temp.project_id
  }
}
