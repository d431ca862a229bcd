# Import a temporary app by its project id (UUID).
terraform import appmigrate_mendix_temporary_app.temp 0b7e4c1a-2d3f-4a5b-9c6d-7e8f9a0b1c2d
