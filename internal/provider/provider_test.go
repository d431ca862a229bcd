package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// protoV6ProviderFactories serves the provider in-process to the real terraform CLI.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"appmigrate": NewServer("test"),
}

// Credentials of the sandbox's default fixture.
const (
	sandboxLogin    = "dev@example.com"
	sandboxPassword = "sandbox-password"
)

// startSandbox runs a fresh sandbox for one test, with instant jobs and no random faults.
func startSandbox(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	return startSandboxWith(t, sandbox.Options{})
}

// startSandboxWith is startSandbox with more options (DataDir and JobDuration are set here).
func startSandboxWith(t *testing.T, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	opts.DataDir, opts.JobDuration = t.TempDir(), -1
	sb, err := sandbox.New(opts)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		t.Fatalf("sandbox start: %v", err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("sandbox close: %v", err)
		}
	})
	return sb
}

// providerBlock is a provider configuration pointing at sb with the given console password.
func providerBlock(sb *sandbox.Sandbox, password string) string {
	e := sb.Endpoints()
	return fmt.Sprintf(`
provider "appmigrate" {
  poll_interval     = "10ms"
  poll_max_interval = "50ms"
  retry_max_wait    = "1s"
  backendless = {
    console_url = %q
    api_url     = %q
    legacy_url  = %q
    login       = %q
    password    = %q
  }
}
`, e.BackendlessConsoleURL, e.BackendlessAPIURL, e.BackendlessLegacyURL, sandboxLogin, password)
}

// TestMain keeps the tests hermetic: credentials and URLs come only from each test's
// configuration, never from the developer's environment, and terraform makes no checkpoint call.
func TestMain(m *testing.M) {
	for _, env := range os.Environ() {
		if name, _, _ := strings.Cut(env, "="); strings.HasPrefix(name, "APPMIGRATE_") {
			_ = os.Unsetenv(name)
		}
	}
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Exit(m.Run())
}
