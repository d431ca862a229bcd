// Package tfrun runs the terraform CLI against a locally built provider through dev_overrides
// (no registry, no terraform init), with the provider's APPMIGRATE_* settings pointing at a
// sandbox. The crash-test harness (internal/e2e) and make chaos (scripts/chaos) share it; the
// recipe is scripts/demo.sh's.
package tfrun

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// ProviderSource is the registry address the examples' required_providers name.
const ProviderSource = "appmigrate/appmigrate"

// BinaryName is the provider executable terraform looks for in a dev_overrides directory.
const BinaryName = "terraform-provider-appmigrate"

// CLIConfig is a terraform CLI configuration that takes the provider from pluginDir (the
// directory holding BinaryName) and everything else from nowhere: terraform never needs init.
func CLIConfig(pluginDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, ProviderSource, pluginDir)
}

// WriteCLIConfig writes CLIConfig(pluginDir) to path.
func WriteCLIConfig(path, pluginDir string) error {
	return os.WriteFile(path, []byte(CLIConfig(pluginDir)), 0o600)
}

// Credentials are the accounts the provider signs in with.
type Credentials struct {
	BackendlessLogin    string
	BackendlessPassword string
	// LegacySecretKeys maps a Backendless 3.x application id to its secret key.
	LegacySecretKeys map[string]string
	MendixUsername   string
	MendixAPIKey     string
	MendixPAT        string
}

// DefaultCredentials are the sandbox's default fixture accounts (internal/sandbox/doc.go).
func DefaultCredentials() Credentials {
	return Credentials{
		BackendlessLogin:    "dev@example.com",
		BackendlessPassword: "sandbox-password",
		LegacySecretKeys:    map[string]string{"A1B2C3D4-0000-4000-8000-000000000301": "LEGACY-REST-SECRET-crm"},
		MendixUsername:      "dev@example.com",
		MendixAPIKey:        "SANDBOX-MX-APIKEY",
		MendixPAT:           "SANDBOX-MX-PAT",
	}
}

// CredentialsOf reads the first Backendless developer, every 3.x app's secret key and the first
// Mendix user of a sandbox, so a test with its own fixture needs no constants.
func CredentialsOf(sb *sandbox.Sandbox) Credentials {
	c := Credentials{LegacySecretKeys: map[string]string{}}
	if devs := sb.BackendlessDevelopers(); len(devs) > 0 {
		c.BackendlessLogin, c.BackendlessPassword = devs[0].Login, devs[0].Password
	}
	for _, a := range sb.LegacyApps() {
		c.LegacySecretKeys[a.ID] = a.SecretKey
	}
	if users := sb.MendixUsers(); len(users) > 0 {
		c.MendixUsername, c.MendixAPIKey, c.MendixPAT = users[0].Username, users[0].APIKey, users[0].PAT
	}
	return c
}

// Env is base without any APPMIGRATE_* or TF_* variable (a developer's own settings must not
// leak into a run), plus the sandbox's URLs, the credentials, the CLI configuration and
// CHECKPOINT_DISABLE=1 (no call to HashiCorp's checkpoint service).
func Env(base []string, eps sandbox.Endpoints, c Credentials, cliConfigPath string) []string {
	out := slices.DeleteFunc(slices.Clone(base), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return strings.HasPrefix(name, "APPMIGRATE_") || strings.HasPrefix(name, "TF_") || name == "CHECKPOINT_DISABLE"
	})
	keys := make([]string, 0, len(c.LegacySecretKeys))
	for id, key := range c.LegacySecretKeys {
		keys = append(keys, id+"="+key)
	}
	sort.Strings(keys)
	return append(out,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_CLI_CONFIG_FILE="+cliConfigPath,
		"APPMIGRATE_BACKENDLESS_CONSOLE_URL="+eps.BackendlessConsoleURL,
		"APPMIGRATE_BACKENDLESS_API_URL="+eps.BackendlessAPIURL,
		"APPMIGRATE_BACKENDLESS_LEGACY_URL="+eps.BackendlessLegacyURL,
		"APPMIGRATE_MENDIX_DEPLOY_URL="+eps.MendixDeployURL,
		"APPMIGRATE_MENDIX_CLOUD_URL="+eps.MendixCloudURL,
		"APPMIGRATE_MENDIX_PROJECTS_URL="+eps.MendixProjectsURL,
		"APPMIGRATE_BACKENDLESS_LOGIN="+c.BackendlessLogin,
		"APPMIGRATE_BACKENDLESS_PASSWORD="+c.BackendlessPassword,
		"APPMIGRATE_BACKENDLESS_LEGACY_SECRET_KEYS="+strings.Join(keys, ","),
		"APPMIGRATE_MENDIX_USERNAME="+c.MendixUsername,
		"APPMIGRATE_MENDIX_API_KEY="+c.MendixAPIKey,
		"APPMIGRATE_MENDIX_PAT="+c.MendixPAT,
	)
}

// The argument lists the harnesses use: never interactive, never colored.
var (
	ApplyArgs  = []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	PlanArgs   = []string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}
	OutputArgs = []string{"output", "-json", "-no-color"}
	// GetArgs installs a configuration's modules; it needs no provider and, for local
	// modules, no network (terraform init would look for the dev_overrides provider too).
	GetArgs = []string{"get", "-no-color"}
)

// Command is `terraform args...` in dir with env, writing stdout and stderr to out.
func Command(ctx context.Context, dir string, env []string, out io.Writer, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, out, out
	return cmd
}

// ExitCode is a finished command's exit status: 0, the process's code, or -1 when it did not
// exit by itself (killed by a signal) or did not start.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
