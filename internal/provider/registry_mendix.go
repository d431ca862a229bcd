package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// mendixResources are the Mendix Cloud v3 → v4 runbook steps, in runbook order.
func mendixResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewMendixTemporaryAppResource,
		NewMendixNodeLinkResource,
		NewMendixPackageTransferResource,
		NewMendixEnvironmentDeploymentResource,
		NewMendixEnvironmentSettingsResource,
		NewMendixBackupRestoreResource,
		NewMendixEnvironmentStartResource,
	}
}

// mendixDataSources are the Mendix lookups.
func mendixDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewMendixAppDataSource,
		NewMendixEnvironmentDataSource,
		NewMendixSnapshotsDataSource,
		NewMendixPackagesDataSource,
		NewMendixOffboardingRequestDataSource,
	}
}
