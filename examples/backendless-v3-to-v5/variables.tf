variable "legacy_app_id" {
  type        = string
  description = "Application id of the Backendless 3.x app to migrate (3.x console: Manage → App Settings). Its secret key goes into APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS."
  default     = "A1B2C3D4-0000-4000-8000-000000000301" # the sandbox fixture's "crm"
}

variable "legacy_version" {
  type        = string
  description = "The 3.x version to migrate: 5.0 has one version per app, so each version becomes its own app."
  default     = "v1"
}

variable "target_app_name" {
  type        = string
  description = "Name of the new, blank Backendless 5.0 app."
  default     = "crm-v5"
}

variable "target_deletion_protection" {
  type        = bool
  description = "Set true for the real migration: destroy then refuses to delete the migrated app. False suits rehearsals against the sandbox."
  default     = false
}

variable "archive_mode" {
  type        = string
  description = "\"api\" calls the modeled archive endpoint; \"manual\" waits while you click \"Create migration archive for 4.0\" in the 3.x console."
  default     = "api"
}

variable "import_mode" {
  type        = string
  description = "\"api\" calls the modeled import endpoint; \"manual\" waits while you import the data archive in the 5.0 console (Manage → Import)."
  default     = "api"
}
