# The runbook's "new temporary Free App without a Sandbox" (Projects API v2). It holds the
# Cloud v4 node until the real app is linked; the final node link deletes it.
resource "appmigrate_mendix_temporary_app" "temp" {
  name    = "calc-migration-temp"
  summary = "Holds the Cloud v4 node while calc migrates."

  timeouts = {
    create = "10m"
  }
}
