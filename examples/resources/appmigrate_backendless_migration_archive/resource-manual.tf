# Manual gate: the provider calls nothing that changes anything. The plan shows the console
# clicks ("Migrate to Backendless 4.0" → select v1 → "Create migration archive for 4.0"); apply
# waits until both archives appear in /migration-to-4, then records them.
resource "appmigrate_backendless_migration_archive" "crm_by_hand" {
  app_id  = "A1B2C3D4-0000-4000-8000-000000000301"
  version = "v1"
  mode    = "manual"

  # Keep the archives in the 3.x storage after `terraform destroy`.
  retain_on_destroy = true

  timeouts = {
    create = "4h"
  }
}
