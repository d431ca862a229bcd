package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// backendlessResources are the Backendless 3.x → 5.0 runbook steps, in runbook order.
func backendlessResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewBackendlessMigrationArchiveResource,
		NewBackendlessAppResource,
		NewBackendlessFileUploadResource,
		NewBackendlessDataImportResource,
	}
}

// backendlessDataSources are the Backendless lookups.
func backendlessDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewBackendlessLegacyAppDataSource,
		NewBackendlessAppDataSource,
		NewBackendlessMigrationLogDataSource,
	}
}
