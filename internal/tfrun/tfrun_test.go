package tfrun

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

func TestCLIConfig_OverridesTheProviderWithTheBuildDirectory(t *testing.T) {
	got := CLIConfig("/tmp/build")
	if !strings.Contains(got, `"appmigrate/appmigrate" = "/tmp/build"`) || !strings.Contains(got, "direct {}") {
		t.Fatalf("%s", got)
	}
}

func TestEnv_DropsTheCallersProviderAndTerraformSettings(t *testing.T) {
	base := []string{"PATH=/bin", "HOME=/home/x", "APPMIGRATE_MENDIX_PAT=mine", "TF_LOG=trace", "TF_CLI_CONFIG_FILE=/mine", "CHECKPOINT_DISABLE="}
	env := strings.Join(Env(base, sandbox.EndpointsAt("http://127.0.0.1:9"), DefaultCredentials(), "/rc"), "\n") + "\n"
	for _, want := range []string{"PATH=/bin\n", "HOME=/home/x\n", "APPMIGRATE_MENDIX_PAT=SANDBOX-MX-PAT\n", "TF_CLI_CONFIG_FILE=/rc\n", "CHECKPOINT_DISABLE=1\n",
		"APPMIGRATE_MENDIX_DEPLOY_URL=http://127.0.0.1:9/mendix/deploy\n",
		"APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS=A1B2C3D4-0000-4000-8000-000000000301=LEGACY-REST-SECRET-crm\n"} {
		if !strings.Contains(env, want) {
			t.Errorf("env lacks %q", want)
		}
	}
	for _, leak := range []string{"=mine", "TF_LOG", "CHECKPOINT_DISABLE=\n"} {
		if strings.Contains(env, leak) {
			t.Errorf("env keeps %q", leak)
		}
	}
}

func TestExitCode(t *testing.T) {
	if ExitCode(nil) != 0 {
		t.Error("nil")
	}
	err := exec.Command("sh", "-c", "exit 3").Run()
	if ExitCode(err) != 3 {
		t.Errorf("exit 3: %v", err)
	}
	if ExitCode(errors.New("did not start")) != -1 {
		t.Error("not an exit")
	}
}
