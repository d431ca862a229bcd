package transport_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// TestDo_CreateThatTimedOutAndLandsLateIsNotSentTwice: a create whose whole request went out but
// whose answer never came (the idle timeout fired) may still be on its way to the vendor: a proxy
// or a stalled connection holds it, and it lands after the first lookup found nothing. make chaos
// with the byte-level proxy (CHAOS_PROXY_PROFILE=long-stalls, seed 2) did exactly this to a
// Mendix package upload: held 82 s, so the provider gave up at 60 s, looked, found nothing,
// uploaded again, and the first upload landed 22 s later as a second package. The lookup must
// keep looking, as long as the attempt was given to answer, before a second create goes out.
func TestDo_CreateThatTimedOutAndLandsLateIsNotSentTwice(t *testing.T) {
	var hits, created, lookups atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			_, _ = io.Copy(io.Discard, r.Body) // the whole request arrived …
			<-r.Context().Done()               // … and its answer never leaves
			return
		}
		created.Add(1)
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{IdleTimeout: 100 * time.Millisecond, MaxRetries: 2})
	resp, err := c.Do(context.Background(), &transport.Request{
		Method: http.MethodPost, URL: srv.URL + "/packages", Name: "test: upload package",
		Body: transport.BytesBody([]byte("package bytes")),
		NotDone: func(context.Context) (bool, error) {
			notDone := created.Load() == 0
			if lookups.Add(1) == 1 {
				created.Add(1) // the held request lands just after the first look
			}
			return notDone, nil
		},
	})
	if resp != nil {
		_ = resp.Body.Close()
	}
	if n := created.Load(); n != 1 {
		t.Fatalf("%d objects created, want 1 (hits %d, lookups %d, err %v)\n%s", n, hits.Load(), lookups.Load(), err, logs)
	}
	if !transport.IsTookEffect(err) {
		t.Fatalf("err = %v, want TookEffect: the late create is the caller's to adopt", err)
	}
}
