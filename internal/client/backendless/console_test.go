package backendless

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func newTestClient(t *testing.T, h http.Handler, cfg Config) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.ConsoleURL, cfg.APIURL, cfg.LegacyURL = srv.URL, srv.URL, srv.URL
	cfg.HTTP = transport.New(transport.Options{MaxRetries: 0})
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestListApps_AcceptsBothFieldCasings(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("auth-key", "session-1")
		_, _ = w.Write([]byte(`{"email":"dev@example.com"}`))
	})
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`[{"appId":"A","appName":"old-style","created":1700000000000},{"id":"B","name":"new-style","zone":"EU"}]`))
	})
	c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
	apps, err := c.ListApps(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || apps[0].ID != "A" || apps[0].Name != "old-style" || apps[0].Created.IsZero() ||
		apps[1].ID != "B" || apps[1].Name != "new-style" || apps[1].Zone != "EU" {
		t.Fatalf("decoded %+v", apps)
	}
}

func TestConsole_RenewsARefusedSessionOnce(t *testing.T) {
	var logins atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, _ *http.Request) {
		n := logins.Add(1)
		w.Header().Set("auth-key", map[int32]string{1: "stale", 2: "fresh"}[n])
		_, _ = w.Write([]byte(`{}`))
	})
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("auth-key") != "fresh" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":3064,"message":"Not existing user token"}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
	if _, err := c.ListApps(context.Background()); err != nil {
		t.Fatalf("expected the second session to work: %v", err)
	}
	if logins.Load() != 2 {
		t.Fatalf("want 2 logins, got %d", logins.Load())
	}
}

func TestConsole_StaticAuthKeyRefusedIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
	})
	c := newTestClient(t, mux, Config{AuthKey: "expired-key"})
	_, err := c.ListApps(context.Background())
	var ak *AuthKeyError
	if !errors.As(err, &ak) {
		t.Fatalf("want *AuthKeyError, got %T %v", err, err)
	}
	if calls.Load() != 1 {
		t.Fatalf("want 1 call, got %d", calls.Load())
	}
}

func TestLogin_TwoFactorAccountExplainsAuthKey(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"otpCreated": true})
	})
	c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
	err := c.Login(context.Background())
	var le *LoginError
	if !errors.As(err, &le) {
		t.Fatalf("want *LoginError, got %v", err)
	}
	if want := "backendless.auth_key"; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q should point at %s", err, want)
	}
}

func TestDeleteApp_NotFoundIsSuccess(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /{app}/console/application", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound) // §6: 404 with an empty body
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	if err := c.DeleteApp(context.Background(), "gone"); err != nil {
		t.Fatalf("404 on delete must count as deleted: %v", err)
	}
}

func TestPath_EscapesEachSegment(t *testing.T) {
	if got, want := path("a b", "c/d", "e"), "/a%20b/c%2Fd/e"; got != want {
		t.Fatalf("path = %q, want %q", got, want)
	}
}
