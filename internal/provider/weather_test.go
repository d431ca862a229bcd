package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox"
)

// A server that says nothing, or trickles its answer a byte at a time, fails plan within the
// configured idle_timeout (and its rounds) with an error that names the call and the host; it
// never hangs.
func TestAccProvider_SilentOrTricklingServerFailsWithinIdleTimeout(t *testing.T) {
	for _, f := range []sandbox.Fault{sandbox.FaultStall, sandbox.FaultTrickle} {
		t.Run(f.String(), func(t *testing.T) {
			sb, err := sandbox.New(sandbox.Options{DataDir: t.TempDir(), JobDuration: -1,
				Faults: sandbox.FaultOptions{TrickleInterval: 300 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			if err := sb.Start("127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sb.Close() })
			// The v3 app's record: a few hundred bytes, which a trickle takes minutes to send.
			const path = "/mendix/deploy/api/1/apps/calc"
			sb.ScriptFault("GET", path, f, 1000)
			e := sb.Endpoints()
			cfg := fmt.Sprintf(`
provider "appmigrate" {
  idle_timeout   = "1s"
  max_retries    = 0
  retry_max_wait = "1s"
  mendix = {
    deploy_url   = %q
    cloud_url    = %q
    projects_url = %q
    username     = %q
    api_key      = %q
    pat          = %q
  }
}

data "appmigrate_mendix_app" "calc" {
  app_id = "calc"
}
`, e.MendixDeployURL, e.MendixCloudURL, e.MendixProjectsURL, mxUser, mxAPIKey, mxPAT)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      cfg,
					ExpectError: regexp.MustCompile(`(?s)mendix: read app calc.*sent\s+no\s+data.*for\s+1s\s+\(idle_timeout\)\s+at\s+http://127\.0\.0\.1`),
				}},
			})
			if n := sb.Faulted("GET", path); n < 1 {
				t.Fatalf("the listing was never %s", f)
			}
		})
	}
}
