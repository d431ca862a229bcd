package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func TestAccProbeExampleImport(t *testing.T) {
	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	app, err := sb.CreateBackendlessApp(sandboxLogin, "crm-v5")
	if err != nil {
		t.Fatal(err)
	}
	cfg := exampleConfig(t, "backendless-v3-to-v5", legacyProviderBlock(sb, crm))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       appAddr,
				ImportState:        true,
				ImportStateId:      app.ID,
				ImportStatePersist: true,
				ImportStateCheck:   func([]*terraform.InstanceState) error { return nil },
			},
		},
	})
}
