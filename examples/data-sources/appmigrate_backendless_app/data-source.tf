# Find an app's id by its name (or its name by its id).
data "appmigrate_backendless_app" "crm" {
  name = "crm-v5"
}

output "crm_app_id" {
  value = data.appmigrate_backendless_app.crm.id
}
