# Import id: the 5.x application id (the id in the console URL).
import {
  to = appmigrate_backendless_app.crm
  id = "8F0B2C1E-1D2A-4F0B-9A6C-5E4D3C2B1A00"
}
