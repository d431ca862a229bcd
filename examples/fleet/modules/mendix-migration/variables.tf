variable "key" {
  type        = string
  description = "The app's key in the fleet's map (var.mendix_apps): names the temporary app (\"<key>-migration-temp\") and is the v3 AppId unless source_app_id says otherwise."
}

variable "app_project_id" {
  type        = string
  description = "Project id (UUID) of the app on the v3 node, linked to the v4 node at the end."
}

variable "v4_node_id" {
  type        = string
  description = "The licensed Cloud v4 node the app moves to."
}

variable "source_app_id" {
  type        = string
  description = "Deploy API v1 AppId (subdomain) on v3; null for the key."
  default     = null
}

variable "environment" {
  type        = string
  description = "The environment (Mode) to migrate."
  default     = "Production"
  nullable    = false
}

variable "constant_overrides" {
  type        = map(string)
  description = "Constants whose v4 value differs from v3, by constant name."
  default     = {}
  nullable    = false
}
