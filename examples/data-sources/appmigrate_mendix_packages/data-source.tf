# The deployment packages of the v4 node's app, newest first.
data "appmigrate_mendix_packages" "v4" {
  app_id = "calc-v4"
}

output "newest_package" {
  value = data.appmigrate_mendix_packages.v4.newest_succeeded_id
}
