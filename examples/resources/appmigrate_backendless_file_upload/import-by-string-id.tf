# Import id: "<app_id>:<path>", the 5.0 application id and the file's path in that app.
import {
  to = appmigrate_backendless_file_upload.files
  id = "8F0B2C1E-1D2A-4F0B-9A6C-5E4D3C2B1A00:/crm_v1_files_20261122100000.zip"
}
