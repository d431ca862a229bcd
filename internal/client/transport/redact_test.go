package transport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func TestDo_RedactsSecretsInLogs(t *testing.T) {
	const (
		authKey   = "authkey-0123456789"
		mendixKey = "mendix-apikey-abcdef"
		mxToken   = "xyz-mx-token-4242"
		restKey   = "REST-KEY-9F8E7D6C"
		password  = "hunter2-password"
		token     = "query-token-5555"
		session   = "set-cookie-session-77"
		nested    = "nested-secret-31337"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			t.Errorf("reading body: %v", err)
		}
		w.Header().Set("Set-Cookie", "session="+session)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"objectId": "app-1", "user-token": session, "apiKey": mendixKey})
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{Secrets: []string{authKey, "abc", ""}})
	c.AddSecret(restKey) // learned at run time, e.g. from a lookup
	body, err := transport.JSONBody(map[string]any{
		"login": "ops@example.com", "password": password,
		"settings": map[string]any{"validationSecret": nested, "list": []any{map[string]any{"PAT": nested}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("auth-key", authKey)
	h.Set("Mendix-ApiKey", mendixKey)
	h.Set("Authorization", "MxToken "+mxToken)
	h.Set("Content-Type", "application/json")
	h.Set("application-id", "APP-ID-KEEP-ME")
	resp, err := c.Do(context.Background(), &transport.Request{
		Method: http.MethodPost,
		URL:    srv.URL + "/" + restKey + "/data/apps?token=" + token + "&pageSize=10",
		Header: h,
		Body:   body,
		Name:   "test: create app",
	})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)

	out := logs.String()
	for _, secret := range []string{authKey, mendixKey, mxToken, restKey, password, token, session, nested} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{transport.Redacted, "APP-ID-KEEP-ME", "pageSize=10", "ops@example.com", "app-1", "test: create app"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if countLines(logs, "HTTP attempt") != 1 {
		t.Errorf("want one debug line per attempt:\n%s", out)
	}
}

func TestDo_ErrorsCarryNoSecret(t *testing.T) {
	const restKey = "REST-KEY-0A1B2C3D"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}

	c, logs := fastClient(transport.Options{MaxRetries: 1, Secrets: []string{restKey}})
	for name, u := range map[string]string{
		"dial failure": "http://" + addr + "/" + restKey + "/users/login?token=tok-123456",
		"invalid URL":  "http://" + addr + "/" + restKey + "/%zz",
		"bad scheme":   "gopher://" + addr + "/" + restKey,
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := c.Do(context.Background(), &transport.Request{URL: u, Name: "test: login"})
			if err == nil {
				closeBody(t, resp)
				t.Fatal("want an error")
			}
			msg := err.Error()
			if strings.Contains(msg, restKey) || strings.Contains(msg, "tok-123456") {
				t.Fatalf("error leaks a secret: %s", msg)
			}
			if !strings.Contains(msg, "test: login") || !strings.Contains(msg, transport.Redacted) {
				t.Fatalf("error should name the call and show the redaction: %s", msg)
			}
		})
	}
	if out := logs.String(); strings.Contains(out, restKey) {
		t.Fatalf("log leaks the secret:\n%s", out)
	}

	// The chain survives redaction: callers can still tell a refused connection apart.
	_, err = c.Do(context.Background(), &transport.Request{URL: "http://" + addr + "/" + restKey})
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("want a *net.OpError in the chain, got %T: %v", err, err)
	}
}

func TestRedact(t *testing.T) {
	c := transport.New(transport.Options{Secrets: []string{"s3cr3t/with space", "tiny"}})
	c.AddSecret("abc") // too short to redact safely
	cases := []struct {
		in, mustNot, must string
	}{
		{`{"user":{"Password":"p4ss","profile":{"api_key":"k-1"}},"items":[{"token":"t-1"}],"keep":"me"}`, "p4ss", `"keep":"me"`},
		{`{"items":[{"token":"t-1"}]}`, "t-1", transport.Redacted},
		{`{"authKey": 12345}`, "12345", transport.Redacted},
		{"GET https://h/x?sig=abcd1234&X-Amz-Signature=f00d&X-Amz-Credential=AKIA/2025&a=b", "f00d", "a=b"},
		{"GET https://h/x?sig=abcd1234", "abcd1234", "sig=" + transport.Redacted},
		{"GET https://h/x?X-Amz-Credential=AKIA9/2025", "AKIA9", transport.Redacted},
		{"Authorization: Bearer eyJhbGciOi\nAccept: */*", "eyJhbGciOi", "Accept: */*"},
		{`truncated {"secretKey":"sk-live-1","n":`, "sk-live-1", transport.Redacted},
		{"path /s3cr3t%2Fwith%20space/x", "s3cr3t", transport.Redacted},
		{"query ?q=s3cr3t%2Fwith+space", "s3cr3t", transport.Redacted},
		{"plain s3cr3t/with space here", "s3cr3t", transport.Redacted},
		{"abc stays readable", "", "abc stays readable"},
	}
	for _, tc := range cases {
		got := c.Redact(tc.in)
		if tc.mustNot != "" && strings.Contains(got, tc.mustNot) {
			t.Errorf("Redact(%q) = %q still contains %q", tc.in, got, tc.mustNot)
		}
		if !strings.Contains(got, tc.must) {
			t.Errorf("Redact(%q) = %q lacks %q", tc.in, got, tc.must)
		}
	}
	if got := c.Redact("tiny"); got != transport.Redacted {
		t.Errorf("a 4-character secret is redacted: got %q", got)
	}
}

// The replacer is rebuilt lazily: a value added after a Redact (which built it) must be masked
// by the next one, whatever the order values arrive in, and a value that is another's encoding
// still gets its own encodings.
func TestRedactor_ValuesAddedAfterAUseAreMaskedToo(t *testing.T) {
	r := transport.NewRedactor()
	if got := r.Redact("nothing to hide"); got != "nothing to hide" {
		t.Fatalf("empty redactor changed the text: %q", got)
	}
	for i := range 300 {
		key := fmt.Sprintf("rest-key-%03d-abcdef", i)
		r.Add(key)
		if got := r.Redact("X-Key " + key + " end"); got != "X-Key "+transport.Redacted+" end" {
			t.Fatalf("key %d not masked right after Add: %q", i, got)
		}
	}
	r.Add("a b/c")     // PathEscape: a%20b%2Fc
	r.Add("a%20b%2Fc") // itself a known encoding; its own encoding a%2520b%252Fc must be masked too
	for _, s := range []string{"a b/c", "a%20b%2Fc", "a%2520b%252Fc", "rest-key-000-abcdef", "rest-key-299-abcdef"} {
		if got := r.Redact("[" + s + "]"); got != "["+transport.Redacted+"]" {
			t.Errorf("%q not masked: %q", s, got)
		}
	}
	if n := len(r.Values()); n < 300 {
		t.Fatalf("Values lists %d, want every added value", n)
	}
}
