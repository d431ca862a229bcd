package core

import (
	"net/http/httptest"
	"testing"
)

func TestBaseURL_PublicURLWinsOverTheListener(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.test/x", nil)

	plain := newTestSandbox(t, Options{})
	if err := plain.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if got := plain.BaseURL(r); got != plain.URL() {
		t.Fatalf("BaseURL = %q, want the listener's %q", got, plain.URL())
	}

	proxied := newTestSandbox(t, Options{PublicURL: "http://127.0.0.1:9/"})
	if err := proxied.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if got := proxied.BaseURL(r); got != "http://127.0.0.1:9" {
		t.Fatalf("BaseURL = %q, want the public URL without its slash", got)
	}
}
