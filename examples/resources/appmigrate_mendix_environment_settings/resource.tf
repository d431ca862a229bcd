# Runbook §3.2.3: the same constants, scheduled events and custom settings on v4 as on v3, except
# where overridden. Every value is in the plan; the secret ones as sha256: fingerprints.
resource "appmigrate_mendix_environment_settings" "app" {
  source_app_id      = "calc"
  source_environment = "Production"
  app_id             = appmigrate_mendix_environment_deployment.app.app_id
  environment        = appmigrate_mendix_environment_deployment.app.environment
  deployment_id      = appmigrate_mendix_environment_deployment.app.id

  constant_overrides = {
    "MyFirstModule.ApiUrl" = "https://api-v4.example.com"
  }
  scheduled_event_overrides = {
    "MyFirstModule.NightlyCleanup" = "Disabled"
  }
  sensitive_constants = ["MyFirstModule.ApiKey"]

  # Write-only (Terraform 1.11+): never stored in plan or state.
  constant_overrides_wo = {
    "MyFirstModule.ApiKey" = var.api_key_on_v4
  }
}

variable "api_key_on_v4" {
  type      = string
  sensitive = true
  ephemeral = true
}
