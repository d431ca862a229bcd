package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// echoingInner answers every read with a diagnostic that quotes a vendor body echoing the request.
type echoingInner struct {
	tfprotov6.ProviderServer
	body string
}

func (e echoingInner) ReadResource(context.Context, *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{Diagnostics: []*tfprotov6.Diagnostic{
		{Severity: tfprotov6.DiagnosticSeverityError, Summary: "Reading app: " + e.body, Detail: "the vendor said: " + e.body},
		{Severity: tfprotov6.DiagnosticSeverityWarning, Summary: "warning", Detail: e.body},
	}}, nil
}

func TestRedactingServer_MasksEverySecretInDiagnostics(t *testing.T) {
	red := transport.NewRedactor()
	red.Add("MX-APIKEY-0123456789")
	red.Add("session-key-learned-at-run-time")
	body := `{"echo":{"headers":{"X-Whatever":"MX-APIKEY-0123456789"}},"note":"auth session-key-learned-at-run-time"}`
	s := &redactingServer{ProviderServer: echoingInner{body: body}, red: red}
	resp, err := s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		for _, text := range []string{d.Summary, d.Detail} {
			if strings.Contains(text, "MX-APIKEY-0123456789") || strings.Contains(text, "session-key-learned-at-run-time") {
				t.Fatalf("a secret reached a diagnostic: %q", text)
			}
		}
	}
	if !strings.Contains(resp.Diagnostics[0].Detail, transport.Redacted) {
		t.Fatalf("the masked value should show where it was: %q", resp.Diagnostics[0].Detail)
	}
}
