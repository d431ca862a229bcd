package backendless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// The console's 404 is empty (§6), like a wrong URL's: a delete counts as done only when a fresh
// app list, answered after the 404, no longer has the app.
func TestDeleteApp_NotFoundIsSuccessOnlyWhenTheListProvesIt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		list    func(w http.ResponseWriter)
		wantErr bool
	}{
		{"the list no longer has it", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`[{"id":"OTHER","name":"x"}]`)) }, false},
		{"the list still has it", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`[{"id":"gone","name":"x"}]`)) }, true},
		{"the list is a bare 404 too (a wrong console_url)", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("DELETE /{app}/console/application", func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNotFound) // §6: 404 with an empty body
			})
			mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) { tc.list(w) })
			c := newTestClient(t, mux, Config{AuthKey: "k"})
			err := c.DeleteApp(context.Background(), "gone")
			if (err != nil) != tc.wantErr {
				t.Fatalf("DeleteApp = %v, want an error: %v", err, tc.wantErr)
			}
		})
	}
}

// GetApp's absence is proven by the list the console answered; the list's own bare 404 is not.
func TestGetApp_AbsenceFromTheListIsProvenABare404IsNot(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`[{"id":"A","name":"a"}]`)) })
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	if _, err := c.GetApp(context.Background(), "B"); !IsNotFound(err) || IsBareNotFound(err) {
		t.Fatalf("an id missing from the answered list is proven gone: %v", err)
	}
	wrong := newTestClient(t, http.NotFoundHandler(), Config{AuthKey: "k"})
	if _, err := wrong.GetApp(context.Background(), "A"); IsNotFound(err) || !IsBareNotFound(err) {
		t.Fatalf("a list that is a bare 404 proves nothing: %v", err)
	}
}

func TestPath_EscapesEachSegment(t *testing.T) {
	if got, want := path("a b", "c/d", "e"), "/a%20b/c%2Fd/e"; got != want {
		t.Fatalf("path = %q, want %q", got, want)
	}
}

func TestError_TransientFor429And5xxOnly(t *testing.T) {
	for status, want := range map[int]bool{429: true, 500: true, 502: true, 503: true, 504: true, 400: false, 401: false, 404: false, 409: false} {
		if got := transport.IsTransient(&Error{Op: "x", Status: status}); got != want {
			t.Errorf("HTTP %d: Transient = %v, want %v", status, got, want)
		}
	}
}

func TestCreateApp_LostAnswerReturnsTheAppTheLookupFound(t *testing.T) {
	var posts atomic.Int32
	var created atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		posts.Add(1)
		created.Store(true)
		w.WriteHeader(http.StatusBadGateway) // created, answer lost on the way back
	})
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		if created.Load() {
			_, _ = w.Write([]byte(`[{"appId":"NEW","appName":"crm-v5","created":1700000000000}]`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	c := retryingClient(t, mux, Config{AuthKey: "k"})
	app, err := c.CreateApp(context.Background(), "crm-v5", "")
	if err != nil || app.ID != "NEW" || !app.LostAnswer {
		t.Fatalf("want the app found after the lost answer: %+v %v", app, err)
	}
	if posts.Load() != 1 {
		t.Fatalf("create sent %d times", posts.Load())
	}
}

func TestCreateApp_NameTakenIsRecognised(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":8009,"message":"Application with name 'crm-v5' already exists"}`))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	_, err := c.CreateApp(context.Background(), "crm-v5", "US")
	if !IsNameTaken(err) || transport.IsTransient(err) {
		t.Fatalf("want a permanent name-taken error, got %v", err)
	}
}

func TestReadAppContent_BlankOnlyWithoutTablesRootFilesAndLogs(t *testing.T) {
	var tables, root, logs atomic.Pointer[string]
	set := func(p *atomic.Pointer[string], v string) { p.Store(&v) }
	set(&tables, `{"tables":[]}`)
	set(&root, `[{"name":"web"}]`) // a directory is not content
	set(&logs, ``)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP/console/data/tables", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(*tables.Load())) })
	mux.HandleFunc("GET /APP/console/files/directory/view/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(*root.Load())) })
	mux.HandleFunc("GET /APP/console/files/directory/view/migration", func(w http.ResponseWriter, _ *http.Request) {
		if *logs.Load() == "" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		_, _ = w.Write([]byte(*logs.Load()))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	content, err := c.ReadAppContent(context.Background(), "APP")
	if err != nil || !content.Blank() {
		t.Fatalf("a new app is blank: %+v %v", content, err)
	}
	for _, tc := range []struct{ tables, root, logs, want string }{
		{`{"tables":[{"name":"Orders"}]}`, `[]`, ``, "table Orders"},
		{`{"tables":[]}`, `[{"name":"a.zip","size":1}]`, ``, "file /a.zip"},
		{`{"tables":[]}`, `[]`, `[{"name":"import-1.log","size":10}]`, "migration log /migration/import-1.log"},
	} {
		set(&tables, tc.tables)
		set(&root, tc.root)
		set(&logs, tc.logs)
		content, err := c.ReadAppContent(context.Background(), "APP")
		if err != nil || content.Blank() || content.String() != tc.want {
			t.Errorf("want %q, got %+v (%v)", tc.want, content, err)
		}
	}
}

// TestGetApp_OneListPerProcessForManyAppsAndFreshAfterOwnWrites: reading N apps by id lists the
// apps once (concurrently too); a create, rename or delete sent by this client drops the list.
func TestGetApp_OneListPerProcessForManyAppsAndFreshAfterOwnWrites(t *testing.T) {
	var lists atomic.Int32
	var created atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		lists.Add(1)
		var items []string
		for i := range 50 {
			items = append(items, `{"id":"APP-`+string(rune('A'+i%26))+string(rune('a'+i/26))+`","name":"n"}`)
		}
		if created.Load() {
			items = append(items, `{"id":"NEW","name":"new"}`)
		}
		_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
	})
	mux.HandleFunc("POST /console/applications", func(w http.ResponseWriter, _ *http.Request) {
		created.Store(true)
		_, _ = w.Write([]byte(`{"id":"NEW","name":"new"}`))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	ctx := context.Background()
	done := make(chan error, 50)
	for i := range 50 {
		go func() {
			_, err := c.GetApp(ctx, "APP-"+string(rune('A'+i%26))+string(rune('a'+i/26)))
			done <- err
		}()
	}
	for range 50 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := lists.Load(); n != 1 {
		t.Fatalf("50 reads by id listed the apps %d times, want 1", n)
	}
	if _, err := c.GetApp(ctx, "NEW"); !IsNotFound(err) {
		t.Fatalf("not created yet: %v", err)
	}
	if _, err := c.CreateApp(ctx, "new", ""); err != nil {
		t.Fatal(err)
	}
	if a, err := c.GetApp(ctx, "NEW"); err != nil || a.ID != "NEW" {
		t.Fatalf("after our own create the list is read again: %+v %v", a, err)
	}
	if n := lists.Load(); n != 2 {
		t.Fatalf("lists = %d, want 2", n)
	}
}

// TestLogin_AnswerThatIsNotABackendlessErrorIsNotAPasswordVerdict: a 400 with a huge body that is
// not Backendless' {code, message} is reported as such (and truncated), not as a refused password;
// a 401 and a 400 with a Backendless code are refusals.
func TestLogin_AnswerThatIsNotABackendlessErrorIsNotAPasswordVerdict(t *testing.T) {
	var body atomic.Pointer[string]
	var status atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(int(status.Load()))
		_, _ = w.Write([]byte(*body.Load()))
	})
	huge := "<html>" + strings.Repeat("proxy error page ", 1<<16) + "</html>"
	for _, tc := range []struct {
		status  int
		body    string
		refused bool
	}{
		{400, huge, false},
		{401, `{"code":3003,"message":"Invalid login or password"}`, true},
		{400, `{"code":3003,"message":"Invalid login or password"}`, true},
	} {
		status.Store(int32(tc.status))
		body.Store(&tc.body)
		c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
		err := c.Login(context.Background())
		var le *LoginError
		if errors.As(err, &le) != tc.refused {
			t.Errorf("HTTP %d: refused=%v, got %v", tc.status, tc.refused, err)
		}
		if !tc.refused && (!strings.Contains(err.Error(), "not a Backendless error") || len(err.Error()) > 1000) {
			t.Errorf("HTTP %d: want a short message that says the answer is not a Backendless error, got %d bytes: %.200s", tc.status, len(err.Error()), err)
		}
	}
}

func TestError_ExplainsCode2002AndABare404(t *testing.T) {
	e := &Error{Op: "backendless 3.x: list", Status: 401, Code: 2002, Message: "Version is disabled or provided wrong application info"}
	if !strings.Contains(e.Error(), "version is disabled or does not exist, or the application id or its secret key is wrong") {
		t.Errorf("2002: %v", e)
	}
	bare := &Error{Op: "backendless: read", Status: 404}
	if !strings.Contains(bare.Error(), "base URL is likely wrong") {
		t.Errorf("bare 404: %v", bare)
	}
	if IsFileNotFound(bare) {
		t.Error("a bare 404 proves no file missing")
	}
}

func TestIsBareNotFound_OnlyA404WithoutBackendlessCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&Error{Op: "read", Status: 404}, true},
		{fmt.Errorf("wrapped: %w", &Error{Op: "read", Status: 404, Message: "404 page not found"}), true},
		{&Error{Op: "read", Status: 404, Code: CodeFileNotFound}, false},
		{&Error{Op: "read", Status: 404, Code: 2002}, false},
		{&Error{Op: "read", Status: 401, Code: 2002}, false},
		{&Error{Op: "read", Status: 500}, false},
		{errors.New("connection refused"), false},
	} {
		if got := IsBareNotFound(tc.err); got != tc.want {
			t.Errorf("IsBareNotFound(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
