# The ProjectId (UUID) of the app behind the Deploy API v1 AppId "calc".
data "appmigrate_mendix_app" "calc" {
  app_id = "calc"
}

output "calc_project_id" {
  value = data.appmigrate_mendix_app.calc.project_id
}
