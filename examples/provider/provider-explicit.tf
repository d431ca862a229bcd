# Every setting spelled out; only the platforms you migrate on need a block.
provider "appmigrate" {
  backendless = {
    console_url = "https://develop.backendless.com"
    api_url     = "https://api.backendless.com"
    login       = var.backendless_login
    password    = var.backendless_password
  }

  mendix = {
    username = var.mendix_username
    api_key  = var.mendix_api_key
    pat      = var.mendix_pat
  }

  max_retries       = 6
  retry_max_wait    = "1m"
  poll_interval     = "5s"
  poll_max_interval = "1m"
}

variable "backendless_login" {
  type = string
}

variable "backendless_password" {
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
