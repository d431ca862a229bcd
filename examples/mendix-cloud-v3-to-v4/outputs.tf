# Proof that nothing was lost: the same model, the same data and the same configuration on v4,
# and the app running there.

output "model_version" {
  description = "Model version of the v3 environment when the package was copied, and of the v4 environment after the transport."
  value = {
    v3    = appmigrate_mendix_package_transfer.package.source_model_version
    v4    = appmigrate_mendix_environment_deployment.app.model_version
    equal = appmigrate_mendix_package_transfer.package.source_model_version == appmigrate_mendix_environment_deployment.app.model_version
  }
}

output "package" {
  description = "The deployment package: bytes and SHA-256 streamed from v3 and verified by downloading it back from v4."
  value = {
    package_id = appmigrate_mendix_package_transfer.package.package_id
    bytes      = appmigrate_mendix_package_transfer.package.bytes
    sha256     = appmigrate_mendix_package_transfer.package.sha256
  }
}

output "backup_archive" {
  description = "The backup archive as read from v3 and as v4 holds it after the restore."
  value = {
    v3    = { bytes = appmigrate_mendix_backup_restore.data.bytes, sha256 = appmigrate_mendix_backup_restore.data.sha256 }
    v4    = { bytes = appmigrate_mendix_backup_restore.data.restored_bytes, sha256 = appmigrate_mendix_backup_restore.data.restored_sha256 }
    equal = appmigrate_mendix_backup_restore.data.bytes == appmigrate_mendix_backup_restore.data.restored_bytes && appmigrate_mendix_backup_restore.data.sha256 == appmigrate_mendix_backup_restore.data.restored_sha256
  }
}

output "constants" {
  description = "Every constant on v3 and on v4; equal means each v4 value is v3's (or its override)."
  value = {
    v3 = appmigrate_mendix_environment_settings.app.source_constants
    v4 = appmigrate_mendix_environment_settings.app.constants
    equal = alltrue([
      for name, value in appmigrate_mendix_environment_settings.app.source_constants :
      lookup(appmigrate_mendix_environment_settings.app.constants, name, null) == lookup(var.constant_overrides, name, value)
    ])
  }
}

output "environment_running" {
  description = "True when Deploy API v1 reports the v4 environment Running."
  value       = appmigrate_mendix_environment_start.app.status == "Running"
}

output "temporary_app_deleted" {
  description = "True once the final link replaced the temporary app on the node and deleted it."
  value       = appmigrate_mendix_node_link.app.deleted_app_id == appmigrate_mendix_temporary_app.temp.project_id
}

output "offboarding_request" {
  description = "The support request for the v3 node (runbook §3.3), to file at https://support.mendix.com."
  value = {
    subject   = data.appmigrate_mendix_offboarding_request.v3.subject
    body      = data.appmigrate_mendix_offboarding_request.v3.body
    checklist = data.appmigrate_mendix_offboarding_request.v3.checklist
  }
}
