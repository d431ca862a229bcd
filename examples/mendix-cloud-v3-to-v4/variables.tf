variable "source_app_id" {
  type        = string
  description = "Deploy API v1 AppId (subdomain) of the app on the Cloud v3 node."
  default     = "calc"
}

variable "app_project_id" {
  type        = string
  description = "Project id (UUID) of the app being migrated: the app linked to the v3 node today, linked to the v4 node at the end. Deploy API v1 GET /apps/<source_app_id> shows it as ProjectId."
  default     = "6f1a3c52-2b7e-4d0a-9c41-5a8e2f7b1c01"
}

variable "environment" {
  type        = string
  description = "The environment (Mode) to migrate; the v3 and the v4 node both have it."
  default     = "Production"
}

variable "v4_node_id" {
  type        = string
  description = "The licensed Cloud v4 node the app moves to."
  default     = "node-v4-calc"
}

variable "temporary_app_name" {
  type        = string
  description = "Name of the temporary app that holds the v4 node during the migration."
  default     = "calc-migration-temp"
}

variable "link_mode" {
  type        = string
  description = "\"api\" (the modeled link call) or \"manual\" (the plan lists the portal clicks and apply waits for them)."
  default     = "api"
}

variable "backup_upload_mode" {
  type        = string
  description = "\"api\" (the modeled backup upload) or \"manual\" (Backups → Upload Archive in the portal while apply waits)."
  default     = "api"
}

variable "constant_overrides" {
  type        = map(string)
  description = "Constants whose v4 value differs from v3 (e.g. an endpoint that moves with the app)."
  default     = {}
}

variable "public_constants" {
  type        = list(string)
  description = "String constants that are not secrets (shown in clear in plan, state and outputs). Every other String constant is treated as a secret. The default names a constant of the sandbox's app: set this for your app (every name must be a constant of its v3 environment, or plan refuses it)."
  default     = ["MyFirstModule.ApiUrl"]
}

variable "v3_node_offboarded" {
  type        = bool
  description = "Set to true for the second apply, once Mendix Support has offboarded the v3 node (runbook §3.3): only then is the real app linked to the v4 node and the temporary app deleted (§3.4)."
  default     = false
}
