# The apps of sandbox-fleet.json (5 per vendor): terraform apply -var-file=sandbox-fleet.tfvars
# README.md shows how to grow the fleet and build these maps for any fixture.
backendless_apps = {
  "crm-001" = { legacy_app_id = "B3000000-0000-4000-8000-000000000001" }
  "crm-002" = { legacy_app_id = "B3000000-0000-4000-8000-000000000002" }
  "crm-003" = { legacy_app_id = "B3000000-0000-4000-8000-000000000003" }
  "crm-004" = { legacy_app_id = "B3000000-0000-4000-8000-000000000004" }
  "crm-005" = { legacy_app_id = "B3000000-0000-4000-8000-000000000005" }
}

mendix_apps = {
  "calc-001" = { app_project_id = "f1ee7000-0000-4000-8000-000000000001", v4_node_id = "node-v4-calc-001" }
  "calc-002" = { app_project_id = "f1ee7000-0000-4000-8000-000000000002", v4_node_id = "node-v4-calc-002" }
  "calc-003" = { app_project_id = "f1ee7000-0000-4000-8000-000000000003", v4_node_id = "node-v4-calc-003" }
  "calc-004" = { app_project_id = "f1ee7000-0000-4000-8000-000000000004", v4_node_id = "node-v4-calc-004" }
  "calc-005" = { app_project_id = "f1ee7000-0000-4000-8000-000000000005", v4_node_id = "node-v4-calc-005" }
}
