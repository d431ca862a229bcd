# Import id: "<app_id>:<import_id>", the 5.0 application id and the id in the name of the
# migration log, /migration/import-<import_id>.log.
import {
  to = appmigrate_backendless_data_import.data
  id = "8F0B2C1E-1D2A-4F0B-9A6C-5E4D3C2B1A00:3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
}
