package transport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// received is what the hashing server saw in one request.
type received struct {
	Digest        transport.Digest
	ContentLength int64
	Chunked       bool
	FormName      string
	FileName      string
	PartType      string
}

// hashingServer hashes the raw body, or the single file part of a multipart body, and answers with
// what it saw. onBody, when set, sees every chunk count so tests can sample memory or hang up.
type hashingServer struct {
	t      testing.TB
	mu     sync.Mutex
	hits   int
	got    []received
	hangUp func(hit int) int64 // bytes to read before hanging up on this hit; <=0 = never
	onRead func(total int64)
}

func (s *hashingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits++
	hit := s.hits
	s.mu.Unlock()

	if s.hangUp != nil {
		if n := s.hangUp(hit); n > 0 {
			if _, err := io.CopyN(io.Discard, r.Body, n); err != nil {
				s.t.Errorf("reading the first half: %v", err)
			}
			hangUp(s.t, w)
			return
		}
	}

	rec := received{ContentLength: r.ContentLength, Chunked: len(r.TransferEncoding) > 0}
	var body io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		part, err := mr.NextPart()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec.FormName, rec.FileName, rec.PartType = part.FormName(), part.FileName(), part.Header.Get("Content-Type")
		body = &onePart{part: part, mr: mr}
	}
	h := sha256.New()
	n, err := io.Copy(h, &observedReader{r: body, fn: s.onRead})
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec.Digest = transport.Digest{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	s.mu.Lock()
	s.got = append(s.got, rec)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rec)
}

func (s *hashingServer) last() (received, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		return received{}, s.hits
	}
	return s.got[len(s.got)-1], s.hits
}

// onePart reads a part and then insists the envelope closes right after it.
type onePart struct {
	part io.Reader
	mr   *multipart.Reader
}

func (o *onePart) Read(p []byte) (int, error) {
	n, err := o.part.Read(p)
	if err == io.EOF {
		if _, next := o.mr.NextPart(); next != io.EOF {
			return n, fmt.Errorf("want exactly one part, then the closing boundary: %v", next)
		}
	}
	return n, err
}

type observedReader struct {
	r     io.Reader
	fn    func(int64)
	total int64
}

func (o *observedReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	o.total += int64(n)
	if o.fn != nil {
		o.fn(o.total)
	}
	return n, err
}

// expectedDigest hashes the pattern independently of the code under test.
func expectedDigest(t testing.TB, size int64) transport.Digest {
	t.Helper()
	h := sha256.New()
	n, err := io.Copy(h, &patternReader{size: size})
	if err != nil {
		t.Fatal(err)
	}
	return transport.Digest{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}
}

func TestCopy_ArrivesIntact(t *testing.T) {
	const size = 3<<20 + 12345
	want := expectedDigest(t, size)
	for _, tc := range []struct {
		name      string
		declared  int64
		multipart *transport.Multipart
	}{
		{"raw", size, nil},
		{"raw unknown size", -1, nil},
		{"multipart", size, &transport.Multipart{Field: "file", FileName: "app \"v1\".mpk"}},
		{"multipart unknown size", -1, &transport.Multipart{Field: "archive", FileName: "a.zip", ContentType: "application/zip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := &hashingServer{t: t}
			srv := httptest.NewServer(hs)
			defer srv.Close()
			src := &trackedSource{t: t, declared: tc.declared, yields: size}

			c, _ := fastClient(transport.Options{})
			resp, got, err := c.Copy(context.Background(), transport.Upload{
				Name: "test: upload", Method: http.MethodPut, URL: srv.URL + "/upload",
				Source: src.source, Multipart: tc.multipart,
			})
			if err != nil {
				t.Fatal(err)
			}
			closeBody(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			rec, hits := hs.last()
			if hits != 1 {
				t.Fatalf("server hits = %d, want 1", hits)
			}
			if got != want || rec.Digest != want {
				t.Fatalf("digests: Copy %+v, server %+v, want %+v", got, rec.Digest, want)
			}
			if chunkedWanted := tc.declared < 0; rec.Chunked != chunkedWanted || (!rec.Chunked && rec.ContentLength <= 0) {
				t.Fatalf("chunked=%v Content-Length=%d with declared size %d", rec.Chunked, rec.ContentLength, tc.declared)
			}
			if tc.multipart != nil {
				wantType := tc.multipart.ContentType
				if wantType == "" {
					wantType = "application/octet-stream"
				}
				if rec.FormName != tc.multipart.Field || rec.FileName != tc.multipart.FileName || rec.PartType != wantType {
					t.Fatalf("part %q %q %q, want %q %q %q", rec.FormName, rec.FileName, rec.PartType,
						tc.multipart.Field, tc.multipart.FileName, wantType)
				}
			}
			if opens, closes, open := src.counts(); opens != 1 || closes != 1 || open != 0 {
				t.Fatalf("source opens=%d closes=%d still open=%d", opens, closes, open)
			}
		})
	}
}

func TestCopy_RetriesResetPartWayThrough(t *testing.T) {
	const size = 8 << 20 // larger than socket buffers, so the client is mid-write when the server hangs up
	want := expectedDigest(t, size)
	for _, mp := range []*transport.Multipart{nil, {Field: "file", FileName: "backup.tar.gz"}} {
		t.Run(fmt.Sprintf("multipart=%v", mp != nil), func(t *testing.T) {
			hs := &hashingServer{t: t, hangUp: func(hit int) int64 {
				if hit == 1 {
					return size / 2
				}
				return 0
			}}
			srv := httptest.NewServer(hs)
			defer srv.Close()
			src := &trackedSource{t: t, declared: size, yields: size}

			c, logs := fastClient(transport.Options{})
			resp, got, err := c.Copy(context.Background(), transport.Upload{
				Name: "test: upload", Method: http.MethodPut, URL: srv.URL, Source: src.source, Multipart: mp,
			})
			if err != nil {
				t.Fatalf("Copy: %v\n%s", err, logs)
			}
			closeBody(t, resp)
			rec, hits := hs.last()
			if resp.StatusCode != http.StatusOK || hits != 2 {
				t.Fatalf("status %d after %d hits, want 200 after 2\n%s", resp.StatusCode, hits, logs)
			}
			if got != want || rec.Digest != want {
				t.Fatalf("digests: Copy %+v, server %+v, want %+v", got, rec.Digest, want)
			}
			if opens, closes, open := src.counts(); opens != 2 || closes != 2 || open != 0 {
				t.Fatalf("source opens=%d closes=%d still open=%d, want 2 2 0", opens, closes, open)
			}
		})
	}
}

func TestCopy_SizeMismatch(t *testing.T) {
	for _, tc := range []struct {
		name             string
		declared, yields int64
		multipart        bool
	}{
		{"raw short", 1 << 20, 1<<20 - 1000, false},
		{"multipart short", 1 << 20, 1<<20 - 1000, true},
		{"raw long", 1 << 20, 1<<20 + 1, false},
		{"multipart long", 1 << 20, 1<<20 + 1, true},
		{"raw empty but declared", 10, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := &hashingServer{t: t}
			srv := httptest.NewServer(hs)
			defer srv.Close()
			src := &trackedSource{t: t, declared: tc.declared, yields: tc.yields}
			up := transport.Upload{Name: "test: upload", Method: http.MethodPost, URL: srv.URL, Source: src.source}
			if tc.multipart {
				up.Multipart = &transport.Multipart{Field: "file", FileName: "x.bin"}
			}
			c, _ := fastClient(transport.Options{})
			resp, _, err := c.Copy(context.Background(), up)
			if err == nil {
				closeBody(t, resp)
				t.Fatal("want a size mismatch")
			}
			var sm *transport.SizeMismatchError
			if !errors.As(err, &sm) {
				t.Fatalf("err = %T %v, want *SizeMismatchError", err, err)
			}
			if sm.Declared != tc.declared || sm.Name != "test: upload" {
				t.Fatalf("got %+v", sm)
			}
			if tc.yields < tc.declared && sm.Read != tc.yields {
				t.Fatalf("Read = %d, want %d", sm.Read, tc.yields)
			}
			if tc.yields > tc.declared && sm.Read <= tc.declared {
				t.Fatalf("Read = %d, want more than %d", sm.Read, tc.declared)
			}
			if rec, hits := hs.last(); rec.Digest.Bytes != 0 || hits > 1 {
				t.Fatalf("the server must not accept a wrong-size body nor see a retry: %+v after %d hits", rec, hits)
			}
			if opens, closes, open := src.counts(); opens != 1 || closes != 1 || open != 0 {
				t.Fatalf("source opens=%d closes=%d still open=%d, want 1 1 0", opens, closes, open)
			}
		})
	}
}

func TestCopy_SourceOpenFailureIsNotRetried(t *testing.T) {
	hs := &hashingServer{t: t}
	srv := httptest.NewServer(hs)
	defer srv.Close()
	var opens atomic.Int32
	boom := errors.New("pre-signed URL expired")
	c, _ := fastClient(transport.Options{})
	_, _, err := c.Copy(context.Background(), transport.Upload{Name: "test: upload", Method: http.MethodPut, URL: srv.URL,
		Source: func(context.Context) (io.ReadCloser, int64, error) {
			opens.Add(1)
			return nil, 0, boom
		}})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the source error", err)
	}
	if _, hits := hs.last(); hits != 0 || opens.Load() != 1 {
		t.Fatalf("hits=%d opens=%d, want 0 and 1", hits, opens.Load())
	}
}

// TestCopy_StreamsTwoGiBWithBoundedHeap proves Copy never holds the object: 2 GiB pass through a
// multipart upload while the heap stays within a few MiB of where it started.
func TestCopy_StreamsTwoGiBWithBoundedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 2 GiB through loopback")
	}
	const size = 2 << 30
	const limit = 32 << 20

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse

	var peak atomic.Uint64
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		for {
			p := peak.Load()
			if m.HeapInuse <= p || peak.CompareAndSwap(p, m.HeapInuse) {
				return
			}
		}
	}
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				sample()
			}
		}
	}()

	var nextSample int64
	hs := &hashingServer{t: t, onRead: func(total int64) {
		if total >= nextSample {
			nextSample = total + 64<<20
			sample()
		}
	}}
	srv := httptest.NewServer(hs)
	defer srv.Close()
	src := &trackedSource{t: t, declared: size, yields: size}

	c := transport.New(transport.Options{})
	resp, got, err := c.Copy(context.Background(), transport.Upload{
		Name: "test: 2 GiB", Method: http.MethodPost, URL: srv.URL,
		Source: src.source, Multipart: &transport.Multipart{Field: "file", FileName: "big.bin"},
	})
	sample()
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	closeBody(t, resp)

	rec, _ := hs.last()
	if got.Bytes != size || got != rec.Digest {
		t.Fatalf("digests: Copy %+v, server %+v", got, rec.Digest)
	}
	growth := int64(peak.Load()) - int64(base)
	t.Logf("peak heap growth: %.2f MiB (HeapInuse %d -> peak %d bytes over %d MiB)", float64(growth)/(1<<20), base, peak.Load(), size>>20)
	if growth >= limit {
		t.Fatalf("peak heap growth %d MiB, want < %d MiB", growth>>20, limit>>20)
	}
}

func BenchmarkCopy(b *testing.B) {
	const size = 256 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		part, err := mr.NextPart()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	c := transport.New(transport.Options{})
	src := func(context.Context) (io.ReadCloser, int64, error) {
		return io.NopCloser(&patternReader{size: size}), size, nil
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		resp, d, err := c.Copy(context.Background(), transport.Upload{Method: http.MethodPost, URL: srv.URL, Source: src,
			Multipart: &transport.Multipart{Field: "file", FileName: "bench.bin"}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			b.Fatal(err)
		}
		if err := resp.Body.Close(); err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || d.Bytes != size {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, d.Bytes)
		}
	}
}
