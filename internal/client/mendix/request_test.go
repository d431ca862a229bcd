package mendix

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// withRounds gives a test client n rounds with a tiny pause.
func withRounds(n int) func(*Config) {
	return func(c *Config) { c.Rounds, c.RoundPause = n, time.Millisecond }
}

func TestRounds_AReadRidesOutAnOutageLongerThanTheTransportsRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 4 { // more than one round of the transport's 3 attempts
			deployError(w, 502, "BAD_GATEWAY", "proxy")
			return
		}
		writeJSON(w, 200, map[string]any{"Status": "Running", "Mode": "Production"})
	}))
	defer srv.Close()
	env, err := newTestClient(t, srv, withRounds(2)).Environment(context.Background(), "calc", "Production")
	if err != nil || env.Status != EnvRunning || calls.Load() != 5 {
		t.Fatalf("got %+v, %v after %d calls", env, err, calls.Load())
	}
}

func TestRounds_AnOutageThatLastsFailsAfterTheRounds(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		deployError(w, 503, "SERVICE_UNAVAILABLE", "down")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv, withRounds(2)).Environment(context.Background(), "calc", "Production")
	if StatusOf(err) != 503 || !transport.IsTransient(err) || calls.Load() != 9 {
		t.Fatalf("want the 503 after 3 rounds of 3 attempts (9 calls), got %v after %d", err, calls.Load())
	}
}

func TestRounds_NotForACreateNorADocumentedRefusal(t *testing.T) {
	var posts, reads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			deployError(w, 502, "BAD_GATEWAY", "proxy")
			return
		}
		reads.Add(1)
		deployError(w, 500, "MISSING_CONSTANT", "Cannot start app.")
	}))
	defer srv.Close()
	c := newTestClient(t, srv, withRounds(3))
	if _, err := c.CreateArchive(context.Background(), "p", "e", "s", ""); !transport.IsOutcomeUnknown(err) || posts.Load() != 1 {
		t.Fatalf("a create whose outcome is unknown is never repeated: %v after %d posts", err, posts.Load())
	}
	if _, err := c.StartStatus(context.Background(), "calc", "Production", "j"); !HasCode(err, "MISSING_CONSTANT") || reads.Load() != 1 {
		t.Fatalf("a documented refusal is final: %v after %d reads", err, reads.Load())
	}
}

func TestRounds_ARefusedConnectionIsNotWaitedOn(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens there now
	srv := &httptest.Server{URL: "http://" + addr}
	c := newTestClient(t, srv, func(c *Config) { c.Rounds, c.RoundPause = 3, time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = c.Environment(ctx, "calc", "Production")
	if err == nil || errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
		t.Fatalf("a wrong URL is configuration, not weather: want the refusal at once, got %v", err)
	}
}
