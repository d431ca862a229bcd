# Steps 1–4 of the runbook on Backendless 3.x: create the data and files migration archives
# of version v1. api mode calls the modeled archive endpoint and waits for the job.
resource "appmigrate_backendless_migration_archive" "crm" {
  app_id  = "A1B2C3D4-0000-4000-8000-000000000301"
  version = "v1"

  timeouts = {
    create = "2h"
  }
}
