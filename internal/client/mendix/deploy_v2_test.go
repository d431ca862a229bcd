package mendix

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func bytesSource(b []byte) transport.Source {
	return func(context.Context) (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
}

func TestUploadPackage_MultipartFileFieldStreamed(t *testing.T) {
	content := bytes.Repeat([]byte("mda!"), 10000)
	sum := sha256.Sum256(content)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requireAPIKey(t, r)
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/deploy/api/1/apps/calc-v4/packages":
			writeJSON(w, 200, []any{})
		case r.Method == http.MethodPost && r.URL.Path == "/deploy/api/v2/apps/calc-v4/packages/upload":
			if r.URL.Query().Get("name") != "Main line.mda" {
				t.Errorf("name query %q", r.URL.RawQuery)
			}
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Error("§8.4: never application/json on the upload")
			}
			f, hdr, err := r.FormFile("file")
			if err != nil {
				t.Fatalf("form field file: %v", err)
			}
			got, _ := io.ReadAll(f)
			if !bytes.Equal(got, content) || hdr.Filename != "Main line.mda" {
				t.Errorf("got %d bytes named %q", len(got), hdr.Filename)
			}
			writeJSON(w, 200, map[string]string{"PackageId": "pk", "JobId": "j"})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer srv.Close()
	up, err := newTestClient(t, srv).UploadPackage(context.Background(), "calc-v4", PackageUpload{FileName: "Main line.mda"}, bytesSource(content))
	if err != nil {
		t.Fatal(err)
	}
	if up.PackageID != "pk" || up.JobID != "j" || up.Sent.Bytes != int64(len(content)) || up.Sent.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("got %+v", up)
	}
}

func TestUploadPackage_RefusesOver1GBBeforeSending(t *testing.T) {
	var uploads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			uploads.Add(1)
		}
		writeJSON(w, 200, []any{})
	}))
	defer srv.Close()
	opened := false
	huge := func(context.Context) (io.ReadCloser, int64, error) {
		opened = true
		return io.NopCloser(strings.NewReader("")), MaxUploadBytes + 1, nil
	}
	_, err := newTestClient(t, srv).UploadPackage(context.Background(), "calc-v4", PackageUpload{FileName: "big.mda"}, huge)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Bytes != MaxUploadBytes+1 || !strings.Contains(err.Error(), "above 1 GB") {
		t.Fatalf("got %v", err)
	}
	if !opened {
		t.Fatal("the size is only known once the source is opened")
	}
	if n := uploads.Load(); n != 0 {
		t.Fatalf("%d upload request(s) reached the server; the refusal must come before sending", n)
	}
}

func TestUploadPackage_AmbiguousFailureRetriedOnlyWhenNothingAppeared(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, []map[string]any{{"PackageId": "old", "Name": "app.mda", "Size": 1}})
		case http.MethodPost:
			_, _ = io.Copy(io.Discard, r.Body)
			if posts.Add(1) == 1 {
				deployError(w, 502, "BAD_GATEWAY", "proxy")
				return
			}
			writeJSON(w, 200, map[string]string{"PackageId": "new", "JobId": "j"})
		}
	}))
	defer srv.Close()
	up, err := newTestClient(t, srv).UploadPackage(context.Background(), "calc-v4", PackageUpload{FileName: "app.mda", Size: 1}, bytesSource([]byte("x")))
	if err != nil || up.PackageID != "new" || up.Adopted || posts.Load() != 2 {
		t.Fatalf("got %+v, %v after %d posts", up, err, posts.Load())
	}
}

func TestUploadPackage_LostAnswerAdoptsTheNewPackageOfThatNameAndSize(t *testing.T) {
	var posts atomic.Int32
	since := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			pkgs := []map[string]any{
				{"PackageId": "old", "Name": "app.mda", "Size": 1, "CreationDate": since.Add(-time.Hour).UnixMilli()},
				{"PackageId": "other-size", "Name": "app.mda", "Size": 99, "CreationDate": since.Add(time.Minute).UnixMilli()},
			}
			if posts.Load() > 0 {
				pkgs = append(pkgs, map[string]any{"PackageId": "mine", "Name": "app.mda", "Size": 1, "Status": "Uploading", "CreationDate": since.Add(time.Minute).UnixMilli()})
			}
			writeJSON(w, 200, pkgs)
		case http.MethodPost:
			_, _ = io.Copy(io.Discard, r.Body)
			posts.Add(1)
			// The package was made, then the connection broke before the answer.
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	up, err := newTestClient(t, srv).UploadPackage(context.Background(), "calc-v4", PackageUpload{FileName: "app.mda", Size: 1, Since: since}, bytesSource([]byte("x")))
	if err != nil || !up.Adopted || up.PackageID != "mine" || up.JobID != "" || posts.Load() != 1 {
		t.Fatalf("got %+v, %v after %d posts", up, err, posts.Load())
	}
}

func TestJob_Status(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/deploy/api/v2/apps/calc-v4/jobs/j" {
			t.Errorf("path %q", r.URL.Path)
		}
		writeJSON(w, 200, map[string]string{"Status": "Completed"})
	}))
	defer srv.Close()
	s, err := newTestClient(t, srv).Job(context.Background(), "calc-v4", "j")
	if err != nil || s != JobCompleted {
		t.Fatalf("got %q, %v", s, err)
	}
}

func TestUploadPackage_ServerRefusalIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, []any{})
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		deployError(w, 413, "FILE_TOO_LARGE", "uploads above 1 GB are not possible")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).UploadPackage(context.Background(), "calc-v4", PackageUpload{FileName: "a.mda"}, bytesSource([]byte("x")))
	var e *Error
	if !errors.As(err, &e) || e.Code != "FILE_TOO_LARGE" || e.API != "Deploy API v2" {
		t.Fatalf("got %v", err)
	}
}
