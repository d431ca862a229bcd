package transport_test

import (
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func TestCheckBaseURL_PlainHTTPOnlyForLoopback(t *testing.T) {
	ok := []string{
		"https://deploy.mendix.com",
		"https://develop.backendless.com/",
		"http://127.0.0.1:8080/backendless/console",
		"http://localhost:18080",
		"http://[::1]:9000/mendix/deploy",
		"http://127.1.2.3:80",
	}
	for _, s := range ok {
		if err := transport.CheckBaseURL(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	refused := map[string]string{
		"http://deploy.mendix.com":        "plain http",
		"http://10.0.0.5:8080":            "plain http",
		"http://sandbox:8080":             "plain http",
		"http://localhost.evil.com":       "plain http",
		"ftp://example.com":               "must start with https://",
		"develop.backendless.com":         "must start with https://",
		"https://user:pw@api.example.com": "credentials",
		"https://api.example.com/?k=v":    "query",
		"https://":                        "no host",
	}
	for s, want := range refused {
		err := transport.CheckBaseURL(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error mentioning %q", s, err, want)
		}
	}
}
