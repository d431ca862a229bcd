package backendless

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// The default fixture's 3.x apps.
const (
	crmID           = "A1B2C3D4-0000-4000-8000-000000000301"
	crmSecret       = "LEGACY-REST-SECRET-crm"
	inventoryID     = "A1B2C3D4-0000-4000-8000-000000000302"
	inventorySecret = "LEGACY-REST-SECRET-inventory"
)

func legacyURL(srv *httptest.Server, p string) string { return srv.URL + mountBackendlessLegacy + p }

func apiURL(srv *httptest.Server, app BackendlessApp, p string) string {
	return srv.URL + mountBackendlessAPI + "/" + app.ID + "/" + app.RESTAPIKey + p
}

// do sends req and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, raw
}

// call3 sends a 3.x REST call with the crm app's headers (backendless-console-api.md §3.3).
func call3(t *testing.T, method, url string) (*http.Response, []byte) {
	t.Helper()
	return call3As(t, method, url, crmID, crmSecret, "REST")
}

func call3As(t *testing.T, method, url, appID, secret, typ string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if appID != "" {
		req.Header.Set("application-id", appID)
	}
	if secret != "" {
		req.Header.Set("secret-key", secret)
	}
	if typ != "" {
		req.Header.Set("application-type", typ)
	}
	return do(t, req)
}

// multipartBody streams content as a multipart/form-data body with one part named field.
func multipartBody(field, fileName string, content io.Reader) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile(field, fileName)
		if err == nil {
			_, err = io.Copy(part, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr, mw.FormDataContentType()
}

// upload posts content as the multipart part "file" (streamed, chunked) with an optional
// auth-key.
func upload(t *testing.T, url, authKey, fileName string, content io.Reader) (*http.Response, []byte) {
	t.Helper()
	body, ctype := multipartBody("file", fileName, content)
	req, err := http.NewRequest("POST", url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	if authKey != "" {
		req.Header.Set("auth-key", authKey)
	}
	return do(t, req)
}

// archiveVersion presses "Create migration archive" for app/version, waits for the job and
// returns the two archive paths ("/migration-to-4/...").
func archiveVersion(t *testing.T, s *Backendless, appID, version string) (data, files string) {
	t.Helper()
	id, err := s.PressCreateMigrationArchive(appID, version)
	if err != nil {
		t.Fatalf("press create migration archive: %v", err)
	}
	waitIdle(t, s)
	st, ok := s.MigrationArchiveJob(id)
	if !ok || st.Status != "COMPLETED" {
		t.Fatalf("archive job %+v (found %v)", st, ok)
	}
	return st.DataArchive, st.FilesArchive
}

// legacyBytes reads a file of a 3.x version in process.
func legacyBytes(t *testing.T, s *Backendless, appID, version, p string) []byte {
	t.Helper()
	clean, _ := cleanFilePath(p)
	rc, _, err := s.bkOpenFile(bk3Files(appID, version), clean)
	if err != nil {
		t.Fatalf("open 3.x file %s: %v", p, err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// backendlessBytes reads a file of a 5.0 app in process.
func backendlessBytes(t *testing.T, s *Backendless, appID, p string) []byte {
	t.Helper()
	rc, err := s.OpenBackendlessFile(appID, p)
	if err != nil {
		t.Fatalf("open 5.0 file %s: %v", p, err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func openZip(t *testing.T, raw []byte) *zip.Reader {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	return zr
}

func zipEntry(t *testing.T, zr *zip.Reader, name string) []byte {
	t.Helper()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("zip entry %s: %v", name, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("read zip entry %s: %v", name, err)
	}
	return raw
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// blobCount is how many blobs the data directory holds.
func blobCount(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, core.BlobDir))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".tmp") {
			n++
		}
	}
	return n
}

// logLines reads an import's migration log from the target app.
func logLines(t *testing.T, s *Backendless, appID, importID string) []string {
	t.Helper()
	raw := backendlessBytes(t, s, appID, BackendlessImportLogPath(importID))
	return strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
}
