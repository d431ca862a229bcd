# Runbook §3.2.4, first half: transport the copied package to the v4 environment, which stays
# stopped until appmigrate_mendix_environment_start.
resource "appmigrate_mendix_environment_deployment" "app" {
  app_id      = appmigrate_mendix_node_link.temporary.subdomain
  environment = "Production"
  package_id  = appmigrate_mendix_package_transfer.package.package_id
}
