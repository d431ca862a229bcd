package provider

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// TestAccMendixRunbook_SecretConstantsNeverInTraceLogStateOrPrivateState runs the whole example
// with TF_LOG=trace and two secret constants — a String constant v3 holds (secret by default) and a
// write-only override — then searches the trace log of Terraform and the provider, the state and
// the private state for the values and for their unsalted SHA-256.
func TestAccMendixRunbook_SecretConstantsNeverInTraceLogStateOrPrivateState(t *testing.T) {
	dir, logPath := traceEverything(t)

	env := startMendixSandbox(t)
	const v3Secret = "https://calc-api.example.com" // the fixture's v3 value of MyFirstModule.ApiUrl, a String constant
	const woSecret = "wo-override-7f3a9c-not-in-any-log"
	cfg := strings.Replace(runbookExample(t, env), "constant_overrides = var.constant_overrides",
		fmt.Sprintf("constant_overrides = var.constant_overrides\n  constant_overrides_wo = { \"MyFirstModule.MaxRetries\" = %q }\n  sensitive_constants = [\"MyFirstModule.MaxRetries\"]", "42"), 1)
	// MaxRetries is an Integer, so its secret value must be a number: "42" stands for a secret
	// number and woSecret for a secret text set on ApiUrl in the second apply.
	// The write-only secret comes in as a sensitive variable, as a user would pass it
	// (TF_VAR_api_url), not as a literal in the configuration the test harness logs.
	cfg2 := strings.Replace(cfg, `constant_overrides_wo = { "MyFirstModule.MaxRetries" = "42" }`,
		`constant_overrides_wo = { "MyFirstModule.MaxRetries" = "42", "MyFirstModule.ApiUrl" = var.api_url }`, 1) + `
variable "api_url" {
  type      = string
  sensitive = true
}
`
	vars := config.Variables{"public_constants": config.ListVariable()}
	second := config.Variables{"public_constants": config.ListVariable(), "v3_node_offboarded": config.BoolVariable(true),
		"api_url": config.StringVariable(woSecret)}
	secrets := []string{v3Secret, woSecret}
	check := func(*terraform.State) error {
		hay, err := traceHaystack(logPath, dir)
		if err != nil {
			return err
		}
		sawPrivate := false
		for _, h := range hay[1:] {
			if strings.Contains(h, "MyFirstModule.FeatureEnabled") && !strings.Contains(h, `"resources"`) {
				sawPrivate = true // the settings step's private state, decoded
			}
		}
		if !sawPrivate {
			return fmt.Errorf("no decoded private state of the settings step found under %s: the test checks nothing there", dir)
		}
		return findSecrets(hay, secrets)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: vars, Check: check},
			{PreConfig: offboardV3(t, env), Config: cfg2, ConfigVariables: second, Check: check},
		},
	})
}

// traceEverything makes the test's terraform runs log at TRACE into logPath and keep their
// working directories (with the state files) under dir, for traceHaystack.
func traceEverything(t *testing.T) (dir, logPath string) {
	dir = t.TempDir()
	logPath = filepath.Join(dir, "trace.log")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	t.Setenv("TF_ACC_PERSIST_WORKING_DIR", "1")
	t.Setenv("TF_ACC_TEMP_DIR", dir)
	return dir, logPath
}

// traceHaystack is what a secrets trace test searches: the trace log at logPath (which must hold
// the provider's HTTP lines), then every state file under dir with its decoded private states.
func traceHaystack(logPath, dir string) ([]string, error) {
	raw, err := os.ReadFile(logPath)
	if err != nil {
		return nil, fmt.Errorf("no trace log: %v", err)
	}
	if !strings.Contains(string(raw), "HTTP request") {
		return nil, fmt.Errorf("the trace log has no provider HTTP lines: the test checks nothing")
	}
	hay := []string{string(raw)}
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tfstate") {
			if b, err := os.ReadFile(p); err == nil {
				hay = append(hay, string(b))
				hay = append(hay, privateStates(b)...)
			}
		}
		return nil
	})
	if len(hay) < 2 {
		return nil, fmt.Errorf("no state file under %s: the test checks nothing there", dir)
	}
	return hay, nil
}

// findSecrets fails on the first secret, or unsalted SHA-256 of one, found in hay.
func findSecrets(hay, secrets []string) error {
	for _, s := range secrets {
		sum := sha256.Sum256([]byte(s))
		for _, needle := range []string{s, hex.EncodeToString(sum[:])} {
			for _, h := range hay {
				if i := strings.Index(h, needle); i >= 0 {
					return fmt.Errorf("%q (a secret or its unsalted SHA-256) found in the trace log or a state file: …%s…", needle, h[max(0, i-300):min(len(h), i+100)])
				}
			}
		}
	}
	return nil
}

// privateStates decodes the private state (base64 in the state file) of every resource instance.
func privateStates(stateFile []byte) []string {
	var st struct {
		Resources []struct {
			Instances []struct {
				Private string `json:"private"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(stateFile, &st) != nil {
		return nil
	}
	var out []string
	for _, r := range st.Resources {
		for _, in := range r.Instances {
			if b, err := base64.StdEncoding.DecodeString(in.Private); err == nil && len(b) > 0 {
				out = append(out, string(b))
				// Private state is JSON whose values may be base64 again (the framework's keys).
				var m map[string]string
				if json.Unmarshal(b, &m) == nil {
					for _, v := range m {
						if inner, err := base64.StdEncoding.DecodeString(v); err == nil {
							out = append(out, string(inner))
						}
					}
				}
			}
		}
	}
	return out
}
