variable "backendless_apps" {
  type = map(object({
    legacy_app_id = string                 # 3.x application id; its secret key goes into APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS
    version       = optional(string, "v1") # the 3.x version to migrate: each version becomes its own 5.0 app
    target_name   = optional(string)       # name of the new 5.0 app; default "<key>-v5"
  }))
  description = "Backendless 3.x apps to migrate, by a key of your choice (it names the app in every resource address and output)."
  default     = {}
}

variable "mendix_apps" {
  type = map(object({
    app_project_id     = string                         # project id (UUID) of the app on the v3 node, linked to the v4 node at the end
    v4_node_id         = string                         # the licensed Cloud v4 node it moves to
    source_app_id      = optional(string)               # Deploy API v1 AppId (subdomain) on v3; default: the key
    environment        = optional(string, "Production") # the environment (Mode) to migrate
    constant_overrides = optional(map(string), {})      # constants whose v4 value differs from v3
  }))
  description = "Mendix Cloud v3 apps to migrate, by their v3 subdomain (or another key, with source_app_id)."
  default     = {}
}

variable "target_deletion_protection" {
  type        = bool
  description = "Set true for the real migration: destroy then refuses to delete the migrated 5.0 apps. False suits rehearsals against the sandbox."
  default     = false
}
