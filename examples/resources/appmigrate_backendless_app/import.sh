# Import an existing 5.x app by its application id (the id in the console URL).
terraform import appmigrate_backendless_app.crm 8F0B2C1E-1D2A-4F0B-9A6C-5E4D3C2B1A00
