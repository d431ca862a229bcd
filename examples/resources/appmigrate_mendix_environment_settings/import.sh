# Import the settings of an environment by <app_id>/<environment>; every current value is read.
terraform import appmigrate_mendix_environment_settings.app calc-v4/Production
