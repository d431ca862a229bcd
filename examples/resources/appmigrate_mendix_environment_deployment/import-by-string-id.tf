# Import id: "<app_id>/<environment>", the v4 app id (its subdomain) and the environment's name.
import {
  to = appmigrate_mendix_environment_deployment.app
  id = "calc-v4/Production"
}
