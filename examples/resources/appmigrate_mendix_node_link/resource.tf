# Runbook §3.1: link the temporary app to the Cloud v4 node (the modeled link call, verified
# through Deploy API v4 reads).
resource "appmigrate_mendix_node_link" "temporary" {
  project_id = appmigrate_mendix_temporary_app.temp.project_id
  node_id    = "node-v4-calc"
}

# Runbook §3.4: link the real app last — once it runs on v4 and Mendix Support has offboarded the
# v3 node (§3.3) — and delete the temporary app the link replaced. The plan refuses to take a node
# from an app it does not name; here delete_replaced_app_id names the temporary app.
resource "appmigrate_mendix_node_link" "app" {
  project_id               = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"
  node_id                  = "node-v4-calc"
  subdomain                = appmigrate_mendix_node_link.temporary.subdomain
  after                    = [appmigrate_mendix_environment_start.app.id]
  offboarded_source_app_id = "calc"
  delete_replaced_app_id   = appmigrate_mendix_temporary_app.temp.project_id
}
