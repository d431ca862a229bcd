# Credentials usually come from the environment (APPMIGRATE_BACKENDLESS_LOGIN,
# APPMIGRATE_BACKENDLESS_PASSWORD, APPMIGRATE_MENDIX_USERNAME, ...), so the block can stay empty
# in CI. Base URLs default to the vendors' real hosts.
provider "appmigrate" {}
