# The EnvironmentId of calc's Production environment, with what runs there.
data "appmigrate_mendix_environment" "v3" {
  app_id      = "calc"
  environment = "Production"
}

output "v3_environment" {
  value = {
    id            = data.appmigrate_mendix_environment.v3.environment_id
    status        = data.appmigrate_mendix_environment.v3.status
    model_version = data.appmigrate_mendix_environment.v3.model_version
  }
}
