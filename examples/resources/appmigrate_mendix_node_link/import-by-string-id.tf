# Import id: "<project_id>/<node_id>", the linked app's project id and the Cloud v4 node's id.
import {
  to = appmigrate_mendix_node_link.temporary
  id = "0b7e4c1a-2d3f-4a5b-9c6d-7e8f9a0b1c2d/node-v4-calc"
}
