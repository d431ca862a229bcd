# The support request that offboards calc's v3 node, and what to check by hand first.
data "appmigrate_mendix_offboarding_request" "calc" {
  source_app_id = "calc"
  project_id    = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"
  app_name      = "Calc"
  environments  = ["Production"]
  target_app_id = "calc-v4"
  node_name     = "Calc (Cloud v3)"
  requested_by  = "Jane Doe <jane@example.com>"
}

output "offboarding_request" {
  value = data.appmigrate_mendix_offboarding_request.calc.body
}

output "offboarding_checklist" {
  value = data.appmigrate_mendix_offboarding_request.calc.checklist
}
