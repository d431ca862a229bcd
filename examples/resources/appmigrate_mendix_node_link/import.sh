# Import a link by <project_id>/<node_id>.
terraform import appmigrate_mendix_node_link.temporary 0b7e4c1a-2d3f-4a5b-9c6d-7e8f9a0b1c2d/node-v4-calc
