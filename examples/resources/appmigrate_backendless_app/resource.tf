# The blank Backendless 5.0 app a 3.x app is migrated into.
resource "appmigrate_backendless_app" "crm" {
  name = "crm-v5"
}
