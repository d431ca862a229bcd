variable "key" {
  type        = string
  description = "The app's key in the fleet's map (var.backendless_apps): the new 5.0 app is named \"<key>-v5\" unless target_name says otherwise."
}

variable "legacy_app_id" {
  type        = string
  description = "The 3.x application id; its secret key goes into APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS (or the provider's backendless.legacy_secret_keys)."
}

# A module's input cannot be called `version` (a meta-argument of module blocks): this is the
# map entry's `version`.
variable "legacy_version" {
  type        = string
  description = "The 3.x version to migrate: each version becomes its own 5.0 app."
  default     = "v1"
  nullable    = false
}

variable "target_name" {
  type        = string
  description = "Name of the new 5.0 app; null for \"<key>-v5\"."
  default     = null
}

variable "target_deletion_protection" {
  type        = bool
  description = "Set true for the real migration: destroy then refuses to delete the migrated 5.0 app. False suits rehearsals against the sandbox."
  default     = false
  nullable    = false
}
