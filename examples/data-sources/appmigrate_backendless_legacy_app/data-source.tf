# Check a 3.x app before migrating it: which versions exist, and which migration archives
# each already has in /migration-to-4.
data "appmigrate_backendless_legacy_app" "crm" {
  app_id             = "A1B2C3D4-0000-4000-8000-000000000301"
  candidate_versions = ["v1", "v2"]
}

output "crm_versions" {
  value = data.appmigrate_backendless_legacy_app.crm.versions
}

output "crm_data_archives" {
  value = [for a in data.appmigrate_backendless_legacy_app.crm.archives : a.path if a.kind == "data"]
}
