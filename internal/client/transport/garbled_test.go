package transport_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// TestDo_GarbledRequestAnsweredByTheHTTPLayerIsRetried: a request that reaches the server only in
// part (the network stalled it past the server's header timeout) is answered by the server's HTTP
// layer, not by the vendor: Go's net/http writes a plain "400 Bad Request" and closes the
// connection. make chaos with the byte-level proxy (long-stalls, backendless seed 3) stalled a
// console login after its first 3 bytes; the sandbox answered that 400 after its 30 s
// ReadHeaderTimeout and the apply failed on "HTTP 400". The vendor never saw the request: it is
// a broken connection, retried like one.
func TestDo_GarbledRequestAnsweredByTheHTTPLayerIsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			// Byte for byte what net/http's server writes for a request line it cannot parse.
			_, _ = io.WriteString(conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")
			_ = conn.Close()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{Method: http.MethodPost, URL: srv.URL + "/login", Idempotent: true,
		Name: "test: login", Body: transport.BytesBody([]byte(`{"login":"x"}`))})
	if err != nil {
		t.Fatalf("err = %v\n%s", err, logs)
	}
	defer closeBody(t, resp)
	if resp.StatusCode != http.StatusOK || hits.Load() != 2 {
		t.Fatalf("status %d after %d hits, want 200 after 2 (the garbled attempt retried)\n%s", resp.StatusCode, hits.Load(), logs)
	}
}

// TestDo_VendorValidationErrorIsNotRetried: the vendor's own 400 (its JSON error document, the
// connection kept) is a refusal, never retried.
func TestDo_VendorValidationErrorIsNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"code":8000,"message":"appName is required"}`)
	}))
	defer srv.Close()
	c, _ := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{Method: http.MethodPost, URL: srv.URL + "/apps", Idempotent: true,
		Name: "test: create app", Body: transport.BytesBody([]byte(`{}`))})
	if err != nil {
		t.Fatal(err)
	}
	defer closeBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || hits.Load() != 1 {
		t.Fatalf("status %d after %d hits, want the 400 after 1", resp.StatusCode, hits.Load())
	}
}
