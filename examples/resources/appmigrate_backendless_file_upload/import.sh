# Import an uploaded file by <app_id>:<path>; its size and SHA-256 are measured once, by streaming it.
terraform import appmigrate_backendless_file_upload.files 8F0B2C1E-1D2A-4F0B-9A6C-5E4D3C2B1A00:/crm_v1_files_20261122100000.zip
