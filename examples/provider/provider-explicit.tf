# Every setting spelled out, at its default where it has one; only the platforms you migrate on
# need a block. Each attribute can come from its APPMIGRATE_* environment variable instead (the
# "Authentication" table names them), which keeps secrets out of the configuration.
provider "appmigrate" {
  backendless = {
    console_url = "https://develop.backendless.com" # 5.x console (management) API
    api_url     = "https://api.backendless.com"     # 5.x client REST API (Files)
    legacy_url  = "https://api.backendless.com"     # 3.x client REST API (the source)

    # The 5.0 console: login + password, or a console session token instead of both.
    login    = var.backendless_login
    password = var.backendless_password
    # auth_key = var.backendless_auth_key

    # The 3.x apps to migrate from: application id → secret key (3.x console: Manage → App
    # Settings). As an environment variable: "<app id>=<secret key>,<app id 2>=<secret key 2>".
    legacy_secret_keys = {
      "A1B2C3D4-0000-4000-8000-000000000301" = var.backendless_crm_secret_key
    }
    legacy_application_type = "REST" # the client type the secret keys belong to
  }

  mendix = {
    deploy_url   = "https://deploy.mendix.com"               # Deploy v1/v2, Backups v1/v2
    cloud_url    = "https://cloud.home.mendix.com/api/v4"    # Deploy API v4
    projects_url = "https://projects-api.home.mendix.com/v2" # Projects API v2

    # username + api_key: Deploy, Build and Backups APIs; pat: Deploy API v4 and Projects API.
    username = var.mendix_username
    api_key  = var.mendix_api_key
    pat      = var.mendix_pat
  }

  max_retries       = 4     # retries of a failed call (connection errors, 429, 500/502/503/504)
  retry_max_wait    = "30s" # longest wait between retries, and the cap on Retry-After
  poll_interval     = "2s"  # first wait between two status checks of a job
  poll_max_interval = "30s" # longest wait between two status checks
  idle_timeout      = "60s" # a connection silent (or trickling) this long fails the attempt
}

variable "backendless_login" {
  type = string
}

variable "backendless_password" {
  type      = string
  sensitive = true
}

variable "backendless_crm_secret_key" {
  type      = string
  sensitive = true
}

variable "mendix_username" {
  type = string
}

variable "mendix_api_key" {
  type      = string
  sensitive = true
}

variable "mendix_pat" {
  type      = string
  sensitive = true
}
