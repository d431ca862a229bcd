# Manual gate: the provider calls nothing that changes anything. The plan shows the portal
# clicks (Environments → Select Node → Use this Node); apply waits until Deploy API v4 shows the
# app licensed on the node's subdomain.
resource "appmigrate_mendix_node_link" "by_hand" {
  project_id = appmigrate_mendix_temporary_app.temp.project_id
  node_id    = "node-v4-calc"
  subdomain  = "calc-v4"
  mode       = "manual"

  timeouts = {
    create = "2h"
  }
}
