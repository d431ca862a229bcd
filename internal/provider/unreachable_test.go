package provider

import (
	"net"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// A wrong URL (nothing listens there) is configuration, not weather: plan says so at once
// instead of riding it out for minutes.
func TestAccProvider_NothingListeningAtTheURLFailsPlanWithAdvice(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	_ = ln.Close()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "appmigrate" {
  retry_max_wait = "1s"
  backendless = {
    console_url = "` + url + `/console"
    api_url     = "` + url + `/api"
    legacy_url  = "` + url + `/legacy"
    login       = "dev@example.com"
    password    = "x"
  }
}

resource "appmigrate_backendless_app" "t" {
  name = "crm-v5"
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)connection\s+refused.*check\s+the\s+URL`),
		}},
	})
}
