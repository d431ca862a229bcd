package transport_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport/transporttest"
)

// Faults a real network produces after the headers have arrived, at any depth of a call.

// breakAfter sends the headers with the full Content-Length and the first n bytes of body, then
// drops the connection: the client has started reading an answer that never completes.
func breakAfter(t *testing.T, w http.ResponseWriter, body []byte, n int) {
	t.Helper()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:n])
	_ = http.NewResponseController(w).Flush()
	hangUp(t, w)
}

func TestDo_ResetAfterHeadersIsRetriedForReads(t *testing.T) {
	answer := []byte(`{"apps":[{"id":"1","name":"crm"}],"padding":"` + strings.Repeat("x", 4000) + `"}`)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			breakAfter(t, w, answer, 100)
			return
		}
		_, _ = w.Write(answer)
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL, Name: "test: list apps"})
	if err != nil {
		t.Fatalf("a broken answer to a GET must be retried as a whole: %v\n%s", err, logs)
	}
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, answer) {
		t.Fatalf("got %d bytes, want the whole %d-byte answer", len(got), len(answer))
	}
	if n := hits.Load(); n != 2 {
		t.Fatalf("server hits = %d, want 2", n)
	}
}

func TestDo_LostAnswerOfCreateIsLookedUpNotRepeated(t *testing.T) {
	var creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		creates.Add(1)                                             // the side effect happens...
		breakAfter(t, w, []byte(`{"id":"app-1","name":"crm"}`), 5) // ...and the answer is lost
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{})
	var lookups atomic.Int32
	_, err := c.Do(context.Background(), &transport.Request{Method: http.MethodPost, URL: srv.URL, Name: "test: create app",
		Body: transport.BytesBody([]byte(`{"appName":"crm"}`)),
		NotDone: func(context.Context) (bool, error) {
			lookups.Add(1)
			return creates.Load() == 0, nil // the vendor's own read: the app exists
		}})
	if !transport.IsTookEffect(err) {
		t.Fatalf("err = %v, want a TookEffectError so the caller adopts the app\n%s", err, logs)
	}
	if creates.Load() != 1 || lookups.Load() != 1 {
		t.Fatalf("creates = %d, lookups = %d; want 1 and 1", creates.Load(), lookups.Load())
	}
}

func TestDo_ServerErrorOnReadIsRetriedButBounded(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":"boom"}`)
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{MaxRetries: 3})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusInternalServerError || string(body) != `{"error":"boom"}` || hits.Load() != 4 {
		t.Fatalf("got %d %q after %d hits; want the last 500 with its body after 4", resp.StatusCode, body, hits.Load())
	}
}

func TestDo_DocumentedFinalServerErrorIsNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"errorCode":"MISSING_CONSTANT"}`)
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL,
		Final: func(status int, body []byte) bool { return bytes.Contains(body, []byte("MISSING_CONSTANT")) }})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if hits.Load() != 1 || !strings.Contains(string(body), "MISSING_CONSTANT") {
		t.Fatalf("%d hits, body %q; want 1 hit and the refusal's body", hits.Load(), body)
	}
}

func TestDo_SilentServerFailsWithinIdleTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select { // says nothing until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{IdleTimeout: 150 * time.Millisecond, MaxRetries: 1})
	_, err := c.Do(context.Background(), &transport.Request{URL: srv.URL + "/apps", Name: "test: list apps"})
	var idle *transport.IdleTimeoutError
	if !errors.As(err, &idle) {
		t.Fatalf("err = %v, want an IdleTimeoutError\n%s", err, logs)
	}
	for _, want := range []string{"test: list apps", srv.URL, "idle_timeout"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error should name %q: %v", want, err)
		}
	}
	if !transport.IsTransient(err) {
		t.Errorf("a stalled server is a transient condition: %v", err)
	}
	if n := hits.Load(); n != 2 {
		t.Fatalf("server hits = %d, want 2 (the stall is retried once)", n)
	}
}

func TestDo_TricklingServerFailsWithinIdleTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "4096")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for range 4096 { // one byte at a time: always alive, never done
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			_ = rc.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{IdleTimeout: 200 * time.Millisecond, MaxRetries: -1})
	_, err := c.Do(context.Background(), &transport.Request{URL: srv.URL, Name: "test: read"})
	var idle *transport.IdleTimeoutError
	if !errors.As(err, &idle) {
		t.Fatalf("err = %v, want an IdleTimeoutError for a trickle\n%s", err, logs)
	}
}

// steadySource yields n chunks of size bytes, pausing between them, so an upload lasts longer
// than the idle timeout while always making progress.
type steadySource struct {
	left  int
	chunk []byte
	pause time.Duration
}

func (s *steadySource) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	s.left--
	return copy(p, s.chunk), nil
}

func (*steadySource) Close() error { return nil }

func TestCopy_SteadyUploadLongerThanIdleTimeoutSucceeds(t *testing.T) {
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		received.Store(n)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()

	// 48 chunks 25 ms apart: the upload lasts about three idle timeouts, and the idle timeout is
	// 16 pauses long, so only a machine stalled for 400 ms could make it look idle.
	const chunks, size = 48, 16 << 10
	c, logs := fastClient(transport.Options{IdleTimeout: 400 * time.Millisecond, MaxRetries: -1})
	resp, d, err := c.Copy(context.Background(), transport.Upload{Name: "test: upload", Method: http.MethodPut, URL: srv.URL,
		Source: func(context.Context) (io.ReadCloser, int64, error) {
			return &steadySource{left: chunks, chunk: bytes.Repeat([]byte("a"), size), pause: 25 * time.Millisecond}, chunks * size, nil
		}})
	if err != nil {
		t.Fatalf("an upload that keeps moving must not hit the idle timeout: %v\n%s", err, logs)
	}
	closeBody(t, resp)
	if d.Bytes != chunks*size || received.Load() != chunks*size {
		t.Fatalf("sent %d, received %d; want %d", d.Bytes, received.Load(), chunks*size)
	}
}

func TestDo_OversizedAnswerIsRefusedNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write(bytes.Repeat([]byte("x"), 4096))
	}))
	defer srv.Close()
	c, _ := fastClient(transport.Options{MaxAnswer: 1024})
	_, err := c.Do(context.Background(), &transport.Request{URL: srv.URL, Name: "test: list"})
	var big *transport.AnswerTooLargeError
	if !errors.As(err, &big) || hits.Load() != 1 {
		t.Fatalf("err = %v after %d hits; want AnswerTooLargeError after 1", err, hits.Load())
	}
}

func TestDo_RefusalKeepsOnlyItsHead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(bytes.Repeat([]byte("e"), 1<<20))
	}))
	defer srv.Close()
	c, _ := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || len(body) != 64<<10 {
		t.Fatalf("got %d with %d bytes; want 400 with the first 64 KiB", resp.StatusCode, len(body))
	}
}

// twoHosts starts the configured host, which redirects everything to a second host, and the
// second host, which records what reached it.
func twoHosts(t *testing.T, status int) (configured, other *httptest.Server, seen *atomic.Value) {
	t.Helper()
	seen = &atomic.Value{}
	other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen.Store(fmt.Sprintf("%v %s", r.Header, body))
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(other.Close)
	configured = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, status)
	}))
	t.Cleanup(configured.Close)
	return configured, other, seen
}

func TestDo_CredentialsNeverFollowARedirectToAnotherHost(t *testing.T) {
	const apiKey = "MX-API-KEY-0123456789"
	const password = "hunter2-password"
	cases := []struct {
		name string
		req  func(base string) *transport.Request
	}{
		{"api key header", func(base string) *transport.Request {
			return &transport.Request{URL: base + "/api/1/apps", Name: "mendix: list apps",
				Header: http.Header{"Mendix-Username": {"dev@example.com"}, "Mendix-Apikey": {apiKey}}}
		}},
		{"login body", func(base string) *transport.Request {
			return &transport.Request{Method: http.MethodPost, URL: base + "/console/home/login", Name: "backendless: log in", Idempotent: true,
				Header: http.Header{"Content-Type": {"application/json"}},
				Body:   transport.BytesBody([]byte(`{"login":"dev@example.com","password":"` + password + `"}`))}
		}},
		{"secret in a custom header", func(base string) *transport.Request {
			return &transport.Request{URL: base + "/v1/files/x", Name: "backendless 3.x: list",
				Header: http.Header{"X-Custom": {"key " + apiKey}}}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			configured, other, seen := twoHosts(t, http.StatusTemporaryRedirect)
			c, logs := fastClient(transport.Options{Secrets: []string{apiKey, password}})
			_, err := c.Do(context.Background(), tc.req(configured.URL))
			var re *transport.RedirectError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a RedirectError", err)
			}
			if seen.Load() != nil {
				t.Fatalf("the other host received a request: %v", seen.Load())
			}
			if !strings.Contains(err.Error(), other.URL) || !strings.Contains(err.Error(), "credentials stay") {
				t.Errorf("the error should name the other host and why: %v", err)
			}
			for _, s := range []string{apiKey, password} {
				if strings.Contains(err.Error(), s) || strings.Contains(logs.String(), s) {
					t.Fatalf("a secret leaked into the error or log")
				}
			}
		})
	}
}

func TestDo_PresignedDownloadFollowsRedirectWithoutCredentials(t *testing.T) {
	const apiKey = "MX-API-KEY-0123456789"
	configured, _, seen := twoHosts(t, http.StatusFound)
	c, _ := fastClient(transport.Options{Secrets: []string{apiKey}})
	resp, err := c.Do(context.Background(), &transport.Request{URL: configured.URL + "/blob", CrossHostRedirects: true, Stream: true,
		Header: http.Header{"Mendix-Apikey": {apiKey}, "Accept": {"*/*"}}})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	got, _ := seen.Load().(string)
	if got == "" || strings.Contains(got, apiKey) || strings.Contains(strings.ToLower(got), "mendix-apikey") {
		t.Fatalf("the storage host saw %q; want the request without the credential", got)
	}
}

func TestDo_SameHostRedirectKeepsCredentials(t *testing.T) {
	var key atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusPermanentRedirect)
	})
	mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
		key.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, "{}")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := fastClient(transport.Options{Secrets: []string{"PAT-0123456789"}})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL + "/old", Header: http.Header{"Authorization": {"MxToken PAT-0123456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	if key.Load() != "MxToken PAT-0123456789" {
		t.Fatalf("same-host redirect lost the credential: %v", key.Load())
	}
}

func TestResumable_ContinuesFromTheByteReached(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	var ranges []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if rg := r.Header.Get("Range"); rg != "" {
			ranges = append(ranges, rg+" "+r.Header.Get("If-Range"))
			from, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rg, "bytes="), "-"))
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, len(content)-1, len(content)))
			w.Header().Set("Content-Length", strconv.Itoa(len(content)-from))
			w.WriteHeader(http.StatusPartialContent)
			rest := content[from:]
			if len(ranges) == 1 { // the first resume breaks again
				_, _ = w.Write(rest[:len(rest)/3])
				_ = http.NewResponseController(w).Flush()
				hangUp(t, w)
				return
			}
			_, _ = w.Write(rest)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		_, _ = w.Write(content[:300<<10])
		_ = http.NewResponseController(w).Flush()
		hangUp(t, w)
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{})
	get := func(ctx context.Context, h http.Header) (*http.Response, error) {
		return c.Do(ctx, &transport.Request{URL: srv.URL, Header: h, Stream: true})
	}
	resp, err := get(context.Background(), http.Header{})
	if err != nil {
		t.Fatal(err)
	}
	body := transport.Resumable(context.Background(), "test: download", resp, get)
	d := transport.NewDigestReader(body)
	if _, err := io.Copy(io.Discard, d); err != nil {
		t.Fatalf("the download should have been resumed: %v", err)
	}
	_ = body.Close()
	want := sha256.Sum256(content)
	if got := d.Digest(); got.Bytes != int64(len(content)) || got.SHA256 != hex.EncodeToString(want[:]) {
		t.Fatalf("digest %d/%s, want %d/%x", got.Bytes, got.SHA256, len(content), want)
	}
	if len(ranges) != 2 || !strings.HasSuffix(ranges[0], `"v1"`) {
		t.Fatalf("resume requests %q; want two Range requests pinned with If-Range", ranges)
	}
	if transport.Resumes(body) != 2 {
		t.Fatalf("Resumes = %d, want 2", transport.Resumes(body))
	}
}

// flaky is a transient failure, as a network outage that outlasted a request's retries.
type flaky struct{}

func (flaky) Error() string   { return "connection reset" }
func (flaky) Transient() bool { return true }

func TestPoll_RidesOutTransientFailures(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	calls := 0
	st, err := transport.Poll(context.Background(), transport.PollOptions{Job: "restore", Clock: clock}, func(context.Context) (transport.Status, error) {
		calls++
		if calls <= 3 {
			return transport.Status{}, flaky{}
		}
		return transport.Status{State: "completed", Done: true}, nil
	})
	if err != nil || !st.Done || calls != 4 {
		t.Fatalf("state %+v after %d checks: %v", st, calls, err)
	}
}

func TestPoll_GivesUpWhenTransientFailuresOutlastTheBudget(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	calls := 0
	_, err := transport.Poll(context.Background(), transport.PollOptions{Job: "restore", Clock: clock, TransientBudget: time.Minute},
		func(context.Context) (transport.Status, error) {
			calls++
			return transport.Status{}, flaky{}
		})
	if err == nil || !strings.Contains(err.Error(), "kept failing") || !strings.Contains(err.Error(), "restore") {
		t.Fatalf("err = %v, want a failure that names the job", err)
	}
	if calls < 3 {
		t.Fatalf("only %d checks before giving up", calls)
	}
}

func TestPoll_PermanentErrorEndsAtOnce(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	calls := 0
	_, err := transport.Poll(context.Background(), transport.PollOptions{Job: "restore", Clock: clock}, func(context.Context) (transport.Status, error) {
		calls++
		return transport.Status{}, errors.New("404 NOT_FOUND")
	})
	if err == nil || calls != 1 {
		t.Fatalf("err = %v after %d checks; want the error after 1", err, calls)
	}
}

func TestRedactor_SharedBetweenClients(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hangUp(t, w)
	}))
	defer srv.Close()
	red := transport.NewRedactor()
	a, _ := fastClient(transport.Options{Redactor: red, MaxRetries: -1})
	b, _ := fastClient(transport.Options{Redactor: red, MaxRetries: -1})
	a.AddSecret("SESSION-TOKEN-learned-by-a")
	_, err := b.Do(context.Background(), &transport.Request{URL: srv.URL + "/apps/SESSION-TOKEN-learned-by-a/files"})
	if err == nil || strings.Contains(err.Error(), "SESSION-TOKEN-learned-by-a") {
		t.Fatalf("a secret learned by one client must be masked by the other: %v", err)
	}
	if got := red.Redact("echo: SESSION-TOKEN-learned-by-a"); got != "echo: "+transport.Redacted {
		t.Fatalf("Redact = %q", got)
	}
}

func TestDo_OutageRoundsRideOutALongerOutageForReadsOnly(t *testing.T) {
	var gets, posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		if gets.Add(1) <= 7 { // more than two rounds of three attempts
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()
	c, logs := fastClient(transport.Options{MaxRetries: 2, OutageRounds: 2, OutageRoundPause: time.Millisecond})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL, Name: "test: read"})
	if err != nil || resp.StatusCode != http.StatusOK || gets.Load() != 8 {
		t.Fatalf("a read rides out the outage in its third round: %v after %d GETs\n%s", err, gets.Load(), logs)
	}
	_, err = c.Do(context.Background(), &transport.Request{Method: http.MethodPost, URL: srv.URL, Name: "test: create", Body: transport.BytesBody([]byte("{}"))})
	if !transport.IsOutcomeUnknown(err) || posts.Load() != 1 {
		t.Fatalf("a create is never sent again in a round: %v after %d POSTs", err, posts.Load())
	}
}

func TestDo_OutageRoundsEndWithTheLastAnswer(t *testing.T) {
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		gets.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"error":"down"}`)
	}))
	defer srv.Close()
	c, _ := fastClient(transport.Options{MaxRetries: 1, OutageRounds: 2, OutageRoundPause: time.Millisecond})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || string(body) != `{"error":"down"}` || gets.Load() != 6 {
		t.Fatalf("got %d %q after %d GETs; want the last 503 with its body after 3 rounds of 2", resp.StatusCode, body, gets.Load())
	}
}

func TestDo_OutageRoundsDoNotWaitOnARefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c, _ := fastClient(transport.Options{MaxRetries: 1, OutageRounds: 3, OutageRoundPause: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = c.Do(ctx, &transport.Request{URL: "http://" + addr + "/apps"})
	if err == nil || ctx.Err() != nil {
		t.Fatalf("a refused connection is configuration, not weather: want its error at once, got %v", err)
	}
}

func TestPoll_ARefusedConnectionBeforeAnyAnswerEndsAtOnce(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	calls := 0
	_, err := transport.Poll(context.Background(), transport.PollOptions{Job: "archive", Clock: clock}, func(context.Context) (transport.Status, error) {
		calls++
		return transport.Status{}, refusedAfterRetries{}
	})
	if err == nil || calls != 1 || !strings.Contains(err.Error(), "check the URL") {
		t.Fatalf("%d checks, err %v: want one check and advice to check the URL", calls, err)
	}
}

func TestPoll_ARefusedConnectionAfterAnAnswerIsRiddenOut(t *testing.T) {
	clock := transporttest.NewFakeClock(epoch)
	calls := 0
	st, err := transport.Poll(context.Background(), transport.PollOptions{Job: "archive", Clock: clock}, func(context.Context) (transport.Status, error) {
		calls++
		switch {
		case calls == 1:
			return transport.Status{State: "running"}, nil
		case calls <= 4: // the vendor restarts
			return transport.Status{}, refusedAfterRetries{}
		}
		return transport.Status{State: "done", Done: true}, nil
	})
	if err != nil || !st.Done || calls != 5 {
		t.Fatalf("%d checks, state %+v, err %v", calls, st, err)
	}
}

// refusedAfterRetries is what a request to a closed port returns once its retries ran out.
type refusedAfterRetries struct{}

func (refusedAfterRetries) Error() string   { return "GET http://127.0.0.1:1/x: connection refused" }
func (refusedAfterRetries) Transient() bool { return true }
func (refusedAfterRetries) Unwrap() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
}

func TestIsUnreachable_ARealClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := transport.New(transport.Options{MaxRetries: -1})
	_, err = c.Do(context.Background(), &transport.Request{Method: http.MethodGet, URL: "http://" + addr + "/x", Name: "probe"}) //nolint:bodyclose // no answer: nothing listens
	if !transport.IsUnreachable(err) {
		t.Fatalf("a closed port: IsUnreachable(%v) = false", err)
	}
	if transport.IsUnreachable(flaky{}) {
		t.Fatal("a reset connection is not unreachable")
	}
}
