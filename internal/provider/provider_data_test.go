package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func noTransport(...string) *transport.Client { return transport.New(transport.Options{}) }

func diagText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		b.WriteString(x.Summary() + ": " + x.Detail() + "\n")
	}
	return b.String()
}

func TestConfigureBackendless_NotConfiguredNamesBlockAndVariables(t *testing.T) {
	var d diag.Diagnostics
	c, why := configureBackendless(nil, noTransport, &d)
	if c != nil || d.HasError() {
		t.Fatalf("an unconfigured platform is not an error by itself: client=%v diags=%s", c, diagText(d))
	}
	for _, want := range []string{"`backendless` block", envBackendlessLogin, envBackendlessPassword, envBackendlessAuthKey} {
		if !strings.Contains(why, want) {
			t.Errorf("reason %q should mention %s", why, want)
		}
	}
}

func TestConfigureBackendless_EnvironmentSuppliesCredentials(t *testing.T) {
	t.Setenv(envBackendlessLogin, "dev@example.com")
	t.Setenv(envBackendlessPassword, "from-env")
	var d diag.Diagnostics
	c, _ := configureBackendless(nil, noTransport, &d)
	if c == nil || d.HasError() {
		t.Fatalf("credentials from the environment should configure the client: %s", diagText(d))
	}
}

func TestConfigureBackendless_HalfACredentialPairNamesTheMissingOne(t *testing.T) {
	var d diag.Diagnostics
	configureBackendless(&backendlessModel{Login: types.StringValue("dev@example.com")}, noTransport, &d)
	got := diagText(d)
	if !d.HasError() || !strings.Contains(got, "backendless.password") || !strings.Contains(got, envBackendlessPassword) {
		t.Fatalf("want an error naming backendless.password and %s, got %s", envBackendlessPassword, got)
	}
}

func TestConfigureBackendless_BadURLFromEnvironmentNamesTheVariable(t *testing.T) {
	t.Setenv(envBackendlessConsoleURL, "ftp://example.com")
	var d diag.Diagnostics
	configureBackendless(&backendlessModel{AuthKey: types.StringValue("k")}, noTransport, &d)
	got := diagText(d)
	if !d.HasError() || !strings.Contains(got, "the environment variable "+envBackendlessConsoleURL) {
		t.Fatalf("want an error naming %s, got %s", envBackendlessConsoleURL, got)
	}
}

func TestConfigureMendix_UsernameWithoutAPIKeyNamesIt(t *testing.T) {
	var d diag.Diagnostics
	configureMendix(&mendixModel{Username: types.StringValue("dev@example.com")}, noTransport, &d)
	got := diagText(d)
	if !d.HasError() || !strings.Contains(got, "mendix.api_key") || !strings.Contains(got, envMendixAPIKey) {
		t.Fatalf("want an error naming mendix.api_key and %s, got %s", envMendixAPIKey, got)
	}
}
