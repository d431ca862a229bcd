# Quickstart: create a Backendless 5.0 app and look it up again, the smallest configuration that
# talks to a vendor. The provider reads its URLs and credentials from APPMIGRATE_* environment
# variables: with the sandbox running as in the README's "Rehearsing against the sandbox" recipe,
# `terraform -chdir=examples/quickstart apply` runs it there. (`make demo` runs the two full
# runbooks, not this file.)
terraform {
  required_providers {
    appmigrate = {
      source = "appmigrate/appmigrate"
    }
  }
}

provider "appmigrate" {}

variable "app_name" {
  type        = string
  description = "Name of the Backendless 5.0 app to create."
  default     = "quickstart-v5"
}

resource "appmigrate_backendless_app" "target" {
  name = var.app_name
  # A rehearsal app: let `terraform destroy` remove it.
  deletion_protection = false
}

data "appmigrate_backendless_app" "target" {
  id = appmigrate_backendless_app.target.id
}

output "app_id" {
  value = appmigrate_backendless_app.target.id
}

output "app_name_as_the_console_reports_it" {
  value = data.appmigrate_backendless_app.target.name
}
