package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccBackendlessAppDataSource_ByNameAndByID(t *testing.T) {
	sb := startSandbox(t)
	app, err := sb.CreateBackendlessApp(sandboxLogin, "lookup-me")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(sb, sandboxPassword) + `
data "appmigrate_backendless_app" "by_name" {
  name = "lookup-me"
}

data "appmigrate_backendless_app" "by_id" {
  id = data.appmigrate_backendless_app.by_name.id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.appmigrate_backendless_app.by_name", tfjsonpath.New("id"), knownvalue.StringExact(app.ID)),
					statecheck.ExpectKnownValue("data.appmigrate_backendless_app.by_id", tfjsonpath.New("name"), knownvalue.StringExact("lookup-me")),
					statecheck.ExpectKnownValue("data.appmigrate_backendless_app.by_id", tfjsonpath.New("zone"), knownvalue.StringExact("US")),
				},
			},
		},
	})
}

func TestAccBackendlessAppDataSource_NotFoundAndBadArguments(t *testing.T) {
	sb := startSandbox(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerBlock(sb, sandboxPassword) + `
data "appmigrate_backendless_app" "x" {
  name = "does-not-exist"
}
`,
				ExpectError: regexp.MustCompile(`No app named "does-not-exist" exists`),
			},
			{
				Config: providerBlock(sb, sandboxPassword) + `
data "appmigrate_backendless_app" "x" {
  name = "a"
  id   = "b"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
		},
	})
}
