package transport_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func TestDo_RetriesServiceUnavailableThenSucceeds(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{Method: http.MethodGet, URL: srv.URL, Name: "test: get"})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer closeBody(t, resp)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Fatalf("got %d %q, want 200 ok", resp.StatusCode, body)
	}
	if n := hits.Load(); n != 2 {
		t.Fatalf("server hits = %d, want 2", n)
	}
}

func TestDo_ReturnsLastResponseWhenRetriesRunOut(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "upstream down")
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{MaxRetries: 2})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer closeBody(t, resp)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("the last response's body must stay readable: %v", err)
	}
	if resp.StatusCode != http.StatusBadGateway || string(body) != "upstream down" {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if n := hits.Load(); n != 3 {
		t.Fatalf("server hits = %d, want 3 (MaxRetries 2)", n)
	}
}

func TestDo_NegativeMaxRetriesMeansOneAttempt(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{MaxRetries: -1})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	if n := hits.Load(); n != 1 {
		t.Fatalf("server hits = %d, want 1", n)
	}
}

func TestDo_RetryAfterIsHonouredButCapped(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	// Without the cap this test would wait an hour.
	c, logs := fastClient(transport.Options{MaxRetryAfter: 5 * time.Millisecond})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	if resp.StatusCode != http.StatusNoContent || hits.Load() != 2 {
		t.Fatalf("got %d after %d hits", resp.StatusCode, hits.Load())
	}
	if !strings.Contains(logs.String(), "wait=5ms") {
		t.Fatalf("retry line should show the capped wait:\n%s", logs)
	}
}

func TestBackoff_CapsRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	c := transport.New(transport.Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond, MaxRetryAfter: 2 * time.Second})
	c.SetNowForTest(func() time.Time { return now })

	cases := []struct {
		status     int
		retryAfter string
		want       time.Duration
	}{
		{http.StatusTooManyRequests, "3600", 2 * time.Second},
		{http.StatusServiceUnavailable, "3600", 2 * time.Second},
		{http.StatusTooManyRequests, "99999999999999999999", 2 * time.Second},
		{http.StatusTooManyRequests, now.Add(time.Hour).Format(http.TimeFormat), 2 * time.Second},
		{http.StatusTooManyRequests, "1", time.Second},
		{http.StatusServiceUnavailable, now.Add(1500 * time.Millisecond).Format(http.TimeFormat), time.Second}, // HTTP-dates have whole seconds
		{http.StatusTooManyRequests, now.Add(-time.Hour).Format(http.TimeFormat), time.Millisecond},            // past date: floor at MinBackoff
	}
	for _, tc := range cases {
		resp := &http.Response{StatusCode: tc.status, Header: http.Header{"Retry-After": {tc.retryAfter}}}
		got := c.BackoffForTest(0, resp)
		if got != tc.want {
			t.Errorf("%d Retry-After %q: wait %s, want %s", tc.status, tc.retryAfter, got, tc.want)
		}
		if got > 2*time.Second {
			t.Errorf("%d Retry-After %q: wait %s exceeds MaxRetryAfter", tc.status, tc.retryAfter, got)
		}
	}

	// Retry-After on other statuses is not a promise the client relies on.
	resp := &http.Response{StatusCode: http.StatusBadGateway, Header: http.Header{"Retry-After": {"3600"}}}
	if got := c.BackoffForTest(0, resp); got > 10*time.Millisecond {
		t.Errorf("502 with Retry-After: wait %s, want exponential backoff within MaxBackoff", got)
	}
}

func TestBackoff_ExponentialJitterWithinBounds(t *testing.T) {
	lo, hi := 10*time.Millisecond, 400*time.Millisecond
	c := transport.New(transport.Options{MinBackoff: lo, MaxBackoff: hi})
	for attempt := 0; attempt < 40; attempt++ {
		ceiling := hi
		if attempt < 6 {
			ceiling = min(lo<<attempt, hi)
		}
		for range 50 {
			got := c.BackoffForTest(attempt, nil)
			if got < lo || got > hi {
				t.Fatalf("attempt %d: wait %s outside [%s, %s]", attempt, got, lo, hi)
			}
			if got < ceiling/2 || got > ceiling {
				t.Fatalf("attempt %d: wait %s outside the equal-jitter band [%s, %s]", attempt, got, ceiling/2, ceiling)
			}
		}
	}
}

func TestDo_DoesNotRetryClientErrors(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 422} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				hits.Add(1)
				w.WriteHeader(status)
			}))
			defer srv.Close()

			c, _ := fastClient(transport.Options{})
			resp, err := c.Do(context.Background(), &transport.Request{Method: http.MethodPut, URL: srv.URL, Body: transport.BytesBody([]byte("{}"))})
			if err != nil {
				t.Fatalf("a %d answer is not a transport error: %v", status, err)
			}
			closeBody(t, resp)
			if resp.StatusCode != status {
				t.Fatalf("status %d, want %d", resp.StatusCode, status)
			}
			if n := hits.Load(); n != 1 {
				t.Fatalf("server hits = %d, want 1", n)
			}
		})
	}
}

func TestDo_RetryStatusHookAddsVendorAnswers(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("X-Environment", "busy")
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()

	c, _ := fastClient(transport.Options{RetryStatus: func(resp *http.Response) bool {
		return resp.StatusCode == http.StatusBadRequest && resp.Header.Get("X-Environment") == "busy"
	}})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	if resp.StatusCode != http.StatusOK || hits.Load() != 2 {
		t.Fatalf("got %d after %d hits, want 200 after 2", resp.StatusCode, hits.Load())
	}

	// Without the hook a 400 is final.
	hits.Store(0)
	plain, _ := fastClient(transport.Options{})
	resp, err = plain.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || hits.Load() != 1 {
		t.Fatalf("got %d after %d hits, want 400 after 1", resp.StatusCode, hits.Load())
	}
}

func TestDo_RetriesConnectionReset(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			hangUp(t, w)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()

	c, logs := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatalf("Do: %v\n%s", err, logs)
	}
	closeBody(t, resp)
	if resp.StatusCode != http.StatusOK || hits.Load() != 2 {
		t.Fatalf("got %d after %d hits, want 200 after 2", resp.StatusCode, hits.Load())
	}
	if countLines(logs, "HTTP attempt failed") != 1 {
		t.Fatalf("want one failed attempt logged:\n%s", logs)
	}
}

func TestDo_ContextCancelStopsAtOnce(t *testing.T) {
	var hits atomic.Int32
	hit := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
		hit <- struct{}{}
	}))
	defer srv.Close()

	// An hour of backoff: only the cancel can end this call in time.
	c := transport.New(transport.Options{MinBackoff: time.Hour, MaxBackoff: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-hit
		cancel()
	}()
	resp, err := c.Do(ctx, &transport.Request{URL: srv.URL, Name: "test: wait"})
	if resp != nil {
		closeBody(t, resp)
		t.Fatal("no response expected after cancel")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want it to wrap context.Canceled", err)
	}
	if !strings.Contains(err.Error(), "test: wait") {
		t.Errorf("error should name the operation: %v", err)
	}
	if n := hits.Load(); n != 1 {
		t.Fatalf("server hits = %d, want 1", n)
	}
}

func TestDo_ContextAlreadyCancelledSendsNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _ := fastClient(transport.Options{})
	_, err := c.Do(ctx, &transport.Request{Method: http.MethodPost, URL: srv.URL, Body: transport.BytesBody([]byte("x"))})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if hits.Load() != 0 {
		t.Fatal("a cancelled call must not reach the server")
	}
}

func TestDo_UnsafeRequests(t *testing.T) {
	type outcome struct {
		status int // 0 = hang up
	}
	cases := []struct {
		name       string
		first      outcome
		notDone    *bool
		wantHits   int32
		wantStatus int
		wantErr    bool
		wantLookup int32
		wantErrIs  func(error) bool
	}{
		{name: "503 without NotDone has an unknown outcome", first: outcome{503}, wantHits: 1, wantErr: true, wantErrIs: transport.IsOutcomeUnknown},
		{name: "500 without NotDone has an unknown outcome", first: outcome{500}, wantHits: 1, wantErr: true, wantErrIs: transport.IsOutcomeUnknown},
		{name: "503 retried when NotDone proves nothing happened", first: outcome{503}, notDone: ptr(true), wantHits: 2, wantStatus: 200, wantLookup: 1},
		{name: "503 took effect when NotDone says it happened", first: outcome{503}, notDone: ptr(false), wantHits: 1, wantErr: true, wantLookup: 1, wantErrIs: transport.IsTookEffect},
		{name: "429 retried without NotDone", first: outcome{429}, wantHits: 2, wantStatus: 200},
		{name: "429 is looked up when a lookup exists (a duplicate may have acted)", first: outcome{429}, notDone: ptr(false), wantHits: 1, wantErr: true, wantLookup: 1, wantErrIs: transport.IsTookEffect},
		{name: "429 retried after the lookup proves nothing happened", first: outcome{429}, notDone: ptr(true), wantHits: 2, wantStatus: 200, wantLookup: 1},
		{name: "hang-up after sending has an unknown outcome without NotDone", first: outcome{0}, wantHits: 1, wantErr: true, wantErrIs: transport.IsOutcomeUnknown},
		{name: "hang-up retried when NotDone proves nothing happened", first: outcome{0}, notDone: ptr(true), wantHits: 2, wantStatus: 200, wantLookup: 1},
		{name: "400 never consults NotDone", first: outcome{400}, notDone: ptr(true), wantHits: 1, wantStatus: 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hits, lookups atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					t.Errorf("reading body: %v", err)
				}
				if hits.Add(1) > 1 {
					w.WriteHeader(http.StatusOK)
					return
				}
				if tc.first.status == 0 {
					hangUp(t, w)
					return
				}
				w.WriteHeader(tc.first.status)
			}))
			defer srv.Close()

			req := &transport.Request{Method: http.MethodPost, URL: srv.URL, Name: "test: create",
				Body: transport.BytesBody([]byte(`{"name":"app"}`))}
			if tc.notDone != nil {
				req.NotDone = func(context.Context) (bool, error) {
					lookups.Add(1)
					return *tc.notDone, nil
				}
			}
			c, logs := fastClient(transport.Options{})
			resp, err := c.Do(context.Background(), req)
			if tc.wantErr {
				if err == nil {
					closeBody(t, resp)
					t.Fatal("want an error")
				}
				if tc.wantErrIs != nil && !tc.wantErrIs(err) {
					t.Fatalf("error of the wrong kind: %v", err)
				}
			} else {
				if err != nil {
					t.Fatalf("Do: %v\n%s", err, logs)
				}
				closeBody(t, resp)
				if resp.StatusCode != tc.wantStatus {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.wantStatus)
				}
			}
			if n := hits.Load(); n != tc.wantHits {
				t.Fatalf("server hits = %d, want %d\n%s", n, tc.wantHits, logs)
			}
			if n := lookups.Load(); n != tc.wantLookup {
				t.Fatalf("NotDone calls = %d, want %d", n, tc.wantLookup)
			}
		})
	}
}

func TestDo_UnsafeRetriedWhenConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	c, logs := fastClient(transport.Options{MaxRetries: 2})
	_, err = c.Do(context.Background(), &transport.Request{Method: http.MethodPost, URL: "http://" + addr + "/apps",
		Body: transport.BytesBody([]byte("{}"))})
	if err == nil {
		t.Fatal("want an error from a closed port")
	}
	if n := countLines(logs, "HTTP attempt failed"); n != 3 {
		t.Fatalf("attempts = %d, want 3: a refused dial proves the server never saw the request\n%s", n, logs)
	}
	if !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("error should say how many attempts were made: %v", err)
	}
}

func TestDo_NotDoneLookupErrorIsReported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	lookupErr := errors.New("lookup exploded")
	c, _ := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{Method: http.MethodPost, URL: srv.URL,
		NotDone: func(context.Context) (bool, error) { return false, lookupErr }})
	if resp != nil {
		closeBody(t, resp)
	}
	if !errors.Is(err, lookupErr) {
		t.Fatalf("err = %v, want the lookup error", err)
	}
}

func TestDo_ReopensBodyPerAttempt(t *testing.T) {
	payload := bytes.Repeat([]byte("appmigrate "), 10000)
	var (
		mu       sync.Mutex
		bodies   [][]byte
		lengths  []int64
		chunked  []bool
		opens    int
		closes   int
		openNow  int
		overlaps int
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading body: %v", err)
		}
		mu.Lock()
		bodies = append(bodies, b)
		lengths = append(lengths, r.ContentLength)
		chunked = append(chunked, len(r.TransferEncoding) > 0)
		n := len(bodies)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	inner := transport.BytesBody(payload)
	body := func(ctx context.Context) (io.ReadCloser, int64, error) {
		rc, size, err := inner(ctx)
		if err != nil {
			return nil, 0, err
		}
		mu.Lock()
		defer mu.Unlock()
		opens++
		if openNow > 0 {
			overlaps++
		}
		openNow++
		return &onClose{ReadCloser: rc, fn: func() {
			mu.Lock()
			defer mu.Unlock()
			closes++
			openNow--
		}}, size, nil
	}

	c, _ := fastClient(transport.Options{})
	resp, err := c.Do(context.Background(), &transport.Request{Method: http.MethodPut, URL: srv.URL, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	mu.Lock()
	defer mu.Unlock()
	if resp.StatusCode != http.StatusCreated || len(bodies) != 2 {
		t.Fatalf("got %d after %d hits", resp.StatusCode, len(bodies))
	}
	for i, b := range bodies {
		if !bytes.Equal(b, payload) {
			t.Errorf("attempt %d: server got %d bytes, want the %d-byte payload", i+1, len(b), len(payload))
		}
		if lengths[i] != int64(len(payload)) || chunked[i] {
			t.Errorf("attempt %d: Content-Length %d chunked=%v, want %d and not chunked", i+1, lengths[i], chunked[i], len(payload))
		}
	}
	if opens != 2 || closes != 2 || overlaps != 0 {
		t.Fatalf("opens=%d closes=%d overlaps=%d, want 2, 2, 0", opens, closes, overlaps)
	}
}

func TestDo_DoesNotRetryConfigurationErrors(t *testing.T) {
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point here
	tlsSrv.StartTLS()
	defer tlsSrv.Close()

	for name, u := range map[string]string{
		"untrusted certificate":      tlsSrv.URL,
		"unsupported scheme":         "ftp://example.invalid/file",
		"certificate for wrong host": strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1),
	} {
		t.Run(name, func(t *testing.T) {
			c, logs := fastClient(transport.Options{})
			resp, err := c.Do(context.Background(), &transport.Request{URL: u})
			if err == nil {
				closeBody(t, resp)
				t.Fatal("want an error")
			}
			if n := countLines(logs, "HTTP attempt failed"); n != 1 {
				t.Fatalf("attempts = %d, want 1\n%s", n, logs)
			}
		})
	}
}

func TestDo_SetsUserAgent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got <- r.UserAgent() }))
	defer srv.Close()
	c, _ := fastClient(transport.Options{UserAgent: "terraform-provider-appmigrate/test"})
	resp, err := c.Do(context.Background(), &transport.Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)
	if ua := <-got; ua != "terraform-provider-appmigrate/test" {
		t.Fatalf("User-Agent %q", ua)
	}
}

func TestJSONBody(t *testing.T) {
	body, err := transport.JSONBody(map[string]int{"a": 1})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		rc, size, err := body(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := rc.Close(); err != nil {
			t.Fatal(err)
		}
		if string(b) != `{"a":1}` || size != int64(len(b)) {
			t.Fatalf("got %q size %d", b, size)
		}
	}
	if _, err := transport.JSONBody(make(chan int)); err == nil {
		t.Fatal("want an error for a value JSON cannot encode")
	}
}

type onClose struct {
	io.ReadCloser
	once sync.Once
	fn   func()
}

func (o *onClose) Close() error {
	err := o.ReadCloser.Close()
	o.once.Do(o.fn)
	return err
}

func ptr[T any](v T) *T { return &v }
