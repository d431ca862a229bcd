# Adopt archives someone already created in the 3.x console, whatever their age, and match
# differently named archives with your own patterns.
resource "appmigrate_backendless_migration_archive" "crm_existing" {
  app_id          = "A1B2C3D4-0000-4000-8000-000000000301"
  version         = "v1"
  mode            = "manual"
  accept_existing = true

  data_archive_pattern  = "(?i)data.*\\.zip$"
  files_archive_pattern = "(?i)files.*\\.zip$"
}
