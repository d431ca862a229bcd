package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccBackendlessRunbook_SecretsNeverInTraceLogOrState runs the whole Backendless example with
// TF_LOG=trace, the credentials coming from the environment as in CI (so the test harness's own
// copy of the configuration holds none), then searches the trace log of Terraform and the
// provider and the state files for the console password, the 3.x secret key and the 5.0 app's
// REST key the provider learned during the run, and for their unsalted SHA-256.
func TestAccBackendlessRunbook_SecretsNeverInTraceLogOrState(t *testing.T) {
	dir, logPath := traceEverything(t)

	sb := startSandbox(t)
	crm := fixtureCRM(t, sb)
	t.Setenv(envBackendlessPassword, sandboxPassword)
	t.Setenv(envBackendlessLegacyKeys, crm.id+"="+crm.secret)
	// The provider block without the password: it comes from the environment.
	block := strings.Replace(providerBlock(sb, sandboxPassword), fmt.Sprintf("password    = %q\n", sandboxPassword), "", 1)
	if strings.Contains(block, sandboxPassword) {
		t.Fatalf("the provider block still holds the password:\n%s", block)
	}
	cfg := backendlessExampleConfig(t, block)

	check := func(*terraform.State) error {
		hay, err := traceHaystack(logPath, dir)
		if err != nil {
			return err
		}
		secrets := []string{sandboxPassword, crm.secret}
		for _, a := range sb.BackendlessApps() {
			if a.Name == "crm-v5" && a.RESTAPIKey != "" {
				secrets = append(secrets, a.RESTAPIKey)
			}
		}
		if len(secrets) != 3 {
			return fmt.Errorf("the migrated app's REST key was not found in the sandbox: the test checks less than it says")
		}
		return findSecrets(hay, secrets)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: cfg, Check: check}},
	})
}
