# Runbook §3.2.2: the package deployed to v3 calc/Production, streamed into the v4 app's package
# repository and verified by size and SHA-256.
resource "appmigrate_mendix_package_transfer" "package" {
  source_app_id      = "calc"
  source_environment = "Production"
  app_id             = appmigrate_mendix_node_link.temporary.subdomain
}
