# Import id: "<app_id>/<version>", the 3.x application id and version name.
import {
  to = appmigrate_backendless_migration_archive.crm
  id = "A1B2C3D4-0000-4000-8000-000000000301/v1"
}
