# A rehearsal target in the EU cluster that `terraform destroy` may delete.
resource "appmigrate_backendless_app" "rehearsal" {
  name                = "crm-v5-rehearsal"
  zone                = "EU"
  deletion_protection = false

  timeouts = {
    create = "5m"
  }
}
