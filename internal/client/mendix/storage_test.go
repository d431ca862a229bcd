package mendix

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// storage serves /storage/<token>/file: tokens listed in valid answer the content; others the S3
// "Request has expired" refusal. It fails the test if a Mendix credential reaches it.
func storage(t *testing.T, content string, valid func(token string) bool) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Mendix-ApiKey") != "" || r.Header.Get("Mendix-Username") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("§8.1: Mendix credentials forwarded to storage: %v", r.Header)
		}
		parts := strings.Split(r.URL.Path, "/")
		if len(parts) < 3 || !valid(parts[2]) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(403)
			_, _ = io.WriteString(w, `<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`)
			return
		}
		_, _ = io.WriteString(w, content)
	}))
}

func TestDownload_ExpiredLinkIsReplacedByAFreshOne(t *testing.T) {
	var issued atomic.Int32
	store := storage(t, "package bytes", func(tok string) bool { return tok == "fresh0123456789abcdef0123456789" })
	defer store.Close()
	c := newTestClient(t, store)
	d := c.NewDownload("test download", store.URL+"/storage/expired0123456789abcdef012345/app.mda", func(context.Context) (string, error) {
		issued.Add(1)
		return store.URL + "/storage/fresh0123456789abcdef0123456789/app.mda", nil
	})
	got, err := Hash(context.Background(), "hash", d.Source())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("package bytes"))
	if got.SHA256 != hex.EncodeToString(sum[:]) || got.Bytes != 13 {
		t.Fatalf("got %+v", got)
	}
	if issued.Load() != 1 || d.Issued() != 1 || fmt.Sprint(d.Refused()) != "[AccessDenied]" {
		t.Fatalf("issued %d, refused %v", issued.Load(), d.Refused())
	}
}

func TestDownload_GivesUpAfterRepeatedRefusals(t *testing.T) {
	store := storage(t, "", func(string) bool { return false })
	defer store.Close()
	c := newTestClient(t, store)
	n := 0
	d := c.NewDownload("test download", "", func(context.Context) (string, error) {
		n++
		return fmt.Sprintf("%s/storage/token%024d/x", store.URL, n), nil
	})
	_, _, err := d.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") || n != maxURLRefreshes+1 {
		t.Fatalf("got %v after %d links", err, n)
	}
}

func TestDownload_TokenNeverInErrors(t *testing.T) {
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		_ = conn.Close()
	}))
	defer store.Close()
	c := newTestClient(t, store)
	const token = "0123456789abcdef0123456789abcdef01234567"
	d := c.NewDownload("test download", store.URL+"/storage/"+token+"/x.tar.gz", func(context.Context) (string, error) { return "", nil })
	_, _, err := d.Open(context.Background())
	if err == nil || strings.Contains(err.Error(), token) {
		t.Fatalf("the link token must not appear in errors: %v", err)
	}
}

func TestHash_DeclaredSizeMismatch(t *testing.T) {
	src := func(context.Context) (io.ReadCloser, int64, error) {
		return io.NopCloser(strings.NewReader("short")), 10, nil
	}
	if _, err := Hash(context.Background(), "hash", src); err == nil || !strings.Contains(err.Error(), "declared 10 bytes but sent 5") {
		t.Fatalf("got %v", err)
	}
}
