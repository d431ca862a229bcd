# Import id: the temporary app's project id (a UUID).
import {
  to = appmigrate_mendix_temporary_app.temp
  id = "0b7e4c1a-2d3f-4a5b-9c6d-7e8f9a0b1c2d"
}
