# Proof that nothing was lost: the same model, the same data and the same configuration on v4,
# and the app running there. A value is null while its step is unfinished or after `terraform
# import` adopted only some steps: every comparison is then null ("-" in the table), never an
# error and never a false "equal".

# The whole proof as one short table: `terraform output -raw proof`. The outputs below hold the
# same values as data.
output "proof" {
  description = "Model version, every constant, bytes and SHA-256 of the backup and the package, on v3 (source) and v4 (target), as a table."
  value = join("\n", concat(
    [
      "Mendix Cloud v3 app ${var.source_app_id} (${var.environment}) -> Cloud v4 node ${var.v4_node_id}, app ${var.app_project_id}",
      "",
      format("  %-${local.proof_width}s  %-30s  %-30s  %s", "check", "source (v3)", "target (v4)", "equal"),
    ],
    [for r in local.proof_values : format("  %-${local.proof_width}s  %-30s  %-30s  %s",
      r.what, local.proof_cell[r.what].source, local.proof_cell[r.what].target, r.equal == null ? "-" : (r.equal ? "yes" : "NO"),
    )],
    flatten([for r in local.proof_digests : [
      format("  %-${local.proof_width}s  source  %s", r.what, coalesce(r.source, "-")),
      format("  %-${local.proof_width}s  target  %s  %s", "", coalesce(r.target, "-"), r.note),
    ]]),
    [
      "",
      format("  %-${local.proof_width}s  %s", "scheduled events on v4", join(", ", [for name, value in local.v4_events : "${name} ${value}"])),
      format("  %-${local.proof_width}s  %s", "custom settings on v4", join(", ", [for name, value in local.v4_custom : "${name}=${value}"])),
      format("  %-${local.proof_width}s  %s", "v4 environment running", appmigrate_mendix_environment_start.app.status == "Running" ? "yes" : "NO (${coalesce(appmigrate_mendix_environment_start.app.status, "not recorded")})"),
      format("  %-${local.proof_width}s  %s", "temporary app deleted", local.temporary_app_deleted ? "yes" : (var.v3_node_offboarded ? "NO" : "not yet (second apply, after the v3 node's offboarding)")),
    ],
  ))
}

locals {
  v3_model_version = appmigrate_mendix_package_transfer.package.source_model_version
  v4_model_version = appmigrate_mendix_environment_deployment.app.model_version
  backup           = appmigrate_mendix_backup_restore.data
  # Null after an import that adopted only some steps: empty maps, so nothing iterates over null.
  # v4_verified: per constant, whether v4 holds v3's value after the overrides, compared by the
  # provider at apply (read back) and at refresh, secrets by their digest (the digest of an
  # overridden secret is of the override, so no comparison here could find it equal).
  v3_constants          = appmigrate_mendix_environment_settings.app.source_constants == null ? {} : appmigrate_mendix_environment_settings.app.source_constants
  v4_constants          = appmigrate_mendix_environment_settings.app.constants == null ? {} : appmigrate_mendix_environment_settings.app.constants
  v4_verified           = appmigrate_mendix_environment_settings.app.constants_verified == null ? {} : appmigrate_mendix_environment_settings.app.constants_verified
  constants_known       = appmigrate_mendix_environment_settings.app.source_constants != null && appmigrate_mendix_environment_settings.app.constants != null && appmigrate_mendix_environment_settings.app.constants_verified != null
  final_link            = one(appmigrate_mendix_node_link.app[*])
  temporary_app_deleted = local.final_link == null ? false : local.final_link.deleted_app_id == appmigrate_mendix_temporary_app.temp.project_id
  v4_events             = appmigrate_mendix_environment_settings.app.scheduled_events == null ? {} : appmigrate_mendix_environment_settings.app.scheduled_events
  v4_custom             = appmigrate_mendix_environment_settings.app.custom_settings == null ? {} : appmigrate_mendix_environment_settings.app.custom_settings

  proof_values = concat(
    [{
      what   = "model version"
      source = local.v3_model_version
      target = local.v4_model_version
      equal  = local.v3_model_version == null || local.v4_model_version == null ? null : local.v3_model_version == local.v4_model_version
    }],
    # Equal means v4 holds v3's value, or its override in var.constant_overrides (the provider's
    # constants_verified). An overridden secret shows two different digests: the override's on v4.
    [for name, value in local.v3_constants : {
      what   = "constant ${name}${contains(keys(var.constant_overrides), name) ? " (overridden)" : ""}"
      source = value
      target = lookup(local.v4_constants, name, null)
      equal  = local.constants_known ? lookup(local.v4_verified, name, false) : null
    }],
    [{
      what   = "bytes of the backup archive"
      source = tostring(local.backup.bytes)
      target = tostring(local.backup.restored_bytes)
      equal  = local.backup.bytes == null || local.backup.restored_bytes == null ? null : local.backup.bytes == local.backup.restored_bytes
    }],
  )
  # Cells cut to the column width; `terraform output constants` has the whole values.
  proof_cell = { for r in local.proof_values : r.what => {
    source = r.source == null ? "-" : (length(r.source) > 30 ? "${substr(r.source, 0, 27)}..." : r.source)
    target = r.target == null ? "-" : (length(r.target) > 30 ? "${substr(r.target, 0, 27)}..." : r.target)
  } }
  proof_digests = [
    {
      what   = "SHA-256 of the backup archive"
      source = local.backup.sha256
      target = local.backup.restored_sha256
      note   = local.backup.sha256 == null || local.backup.restored_sha256 == null ? "equal: -" : (local.backup.sha256 == local.backup.restored_sha256 ? "equal: yes" : "equal: NO")
    },
    {
      # One digest: computed while streaming from v3, and apply fails unless the package read
      # back from v4 has the same bytes and SHA-256.
      what   = "SHA-256 of the package (${coalesce(tostring(appmigrate_mendix_package_transfer.package.bytes), "?")} bytes)"
      source = appmigrate_mendix_package_transfer.package.sha256
      target = appmigrate_mendix_package_transfer.package.sha256
      note   = "equal: yes (read back from v4)"
    },
  ]
  proof_width = max(concat([for r in local.proof_values : length(r.what)], [for r in local.proof_digests : length(r.what)], [22])...)
}

output "model_version" {
  description = "Model version of the v3 environment when the package was copied, and of the v4 environment after the transport."
  value = {
    v3    = local.v3_model_version
    v4    = local.v4_model_version
    equal = local.proof_values[0].equal
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
    v3    = { bytes = local.backup.bytes, sha256 = local.backup.sha256 }
    v4    = { bytes = local.backup.restored_bytes, sha256 = local.backup.restored_sha256 }
    equal = local.backup.restored_sha256 == null || local.backup.sha256 == null ? null : local.backup.bytes == local.backup.restored_bytes && local.backup.sha256 == local.backup.restored_sha256
  }
}

output "constants" {
  description = "Every constant on v3 and on v4 (secrets as digests); verified: per constant, whether v4 holds v3's value or its override (checked by the provider); equal: all of them."
  value = {
    v3         = local.constants_known ? local.v3_constants : null
    v4         = local.constants_known ? local.v4_constants : null
    overridden = sort(keys(var.constant_overrides))
    verified   = local.constants_known ? local.v4_verified : null
    equal      = local.constants_known ? alltrue([for name, value in local.v3_constants : lookup(local.v4_verified, name, false)]) : null
  }
}

output "environment_running" {
  description = "True when Deploy API v1 reports the v4 environment Running."
  value       = appmigrate_mendix_environment_start.app.status == "Running"
}

output "temporary_app_deleted" {
  description = "True once the final link (second apply, after the v3 node's offboarding) replaced the temporary app on the node and deleted it."
  value       = local.temporary_app_deleted
}

output "offboarding_request" {
  description = "The support request for the v3 node (runbook §3.3), to file at https://support.mendix.com."
  value = {
    subject   = data.appmigrate_mendix_offboarding_request.v3.subject
    body      = data.appmigrate_mendix_offboarding_request.v3.body
    checklist = data.appmigrate_mendix_offboarding_request.v3.checklist
  }
}
