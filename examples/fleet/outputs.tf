# The proof per app: one map per runbook, app key → the checks that say nothing was lost (each
# module instance's `proof` output). A check is null while its step is unfinished (interrupted,
# tainted, or adopted with `terraform import`), never a false "true". `terraform output -json
# backendless_proof | jq` reads them; `unverified_apps` lists every app with a check that is not
# true.

locals {
  backendless_proof = { for k, m in module.backendless : k => m.proof }
  mendix_proof      = { for k, m in module.mendix : k => m.proof }
}

output "backendless_proof" {
  description = "Per Backendless app: the 5.0 app id, tables_match, files_match, data_archive_match (true, false, or null while unfinished) and the import's final status."
  value       = local.backendless_proof
}

output "mendix_proof" {
  description = "Per Mendix app: model_version_equal, settings_equal, backup_equal, running and temporary_app_deleted (true, false, or null while unfinished)."
  value       = local.mendix_proof
}

output "unverified_apps" {
  description = "Every app with a check that is not true (false or unfinished), with the names of those checks; empty when the whole fleet is proven."
  value = merge(
    { for key, p in local.backendless_proof : "backendless/${key}" => [for check in ["tables_match", "files_match", "data_archive_match"] : check if p[check] != true] if !alltrue([p.tables_match == true, p.files_match == true, p.data_archive_match == true]) },
    { for key, p in local.mendix_proof : "mendix/${key}" => [for check in ["model_version_equal", "settings_equal", "backup_equal", "running", "temporary_app_deleted"] : check if p[check] != true] if !alltrue([p.model_version_equal == true, p.settings_equal == true, p.backup_equal == true, p.running == true, p.temporary_app_deleted == true]) },
  )
}

output "summary" {
  description = "How many apps of each runbook are proven, out of how many."
  value = {
    backendless = "${length([for p in local.backendless_proof : p if p.tables_match == true && p.files_match == true && p.data_archive_match == true])}/${length(local.backendless_proof)} proven"
    mendix      = "${length([for p in local.mendix_proof : p if p.model_version_equal == true && p.settings_equal == true && p.backup_equal == true && p.running == true && p.temporary_app_deleted == true])}/${length(local.mendix_proof)} proven"
  }
}
