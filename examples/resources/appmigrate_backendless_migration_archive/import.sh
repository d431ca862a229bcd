# Import the newest data and files archives of a 3.x app version by <app_id>/<version>.
terraform import appmigrate_backendless_migration_archive.crm A1B2C3D4-0000-4000-8000-000000000301/v1
