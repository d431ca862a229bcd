# Import what is deployed to an environment by <app_id>/<environment>.
terraform import appmigrate_mendix_environment_deployment.app calc-v4/Production
