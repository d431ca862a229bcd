package backendless

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

const testApp = "APP-5"

// fiveServer is a 5.x app with REST key key: appsettings on the console, files and counts on REST.
type fiveServer struct {
	t        *testing.T
	mu       sync.Mutex
	key      string
	files    map[string][]byte
	settings atomic.Int32
}

func newFiveServer(t *testing.T) (*fiveServer, *http.ServeMux) {
	s := &fiveServer{t: t, key: "REST-KEY-0001", files: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+testApp+"/console/appsettings", func(w http.ResponseWriter, _ *http.Request) {
		s.settings.Add(1)
		s.mu.Lock()
		defer s.mu.Unlock()
		_, _ = w.Write([]byte(`{"apiKeys":[{"deviceType":"JS","apiKey":"JS-KEY-0001"},{"deviceType":"REST","apiKey":"` + s.key + `"}]}`))
	})
	mux.HandleFunc("/"+testApp+"/{key}/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.PathValue("key") != s.key {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":2002,"message":"wrong key"}`))
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, "/"+testApp+"/"+s.key)
		switch {
		case rest == "/data/Person/count":
			_, _ = w.Write([]byte(`250`))
		case strings.HasPrefix(rest, "/data/"):
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":1009,"message":"Table not found by name 'X'"}`))
		case strings.HasPrefix(rest, "/files/"):
			s.serveFile(w, r, strings.TrimPrefix(rest, "/files"))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	return s, mux
}

func (s *fiveServer) serveFile(w http.ResponseWriter, r *http.Request, p string) {
	switch {
	case r.Method == http.MethodPost:
		_, exists := s.files[p]
		if exists && r.URL.Query().Get("overwrite") != "true" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code":6016,"message":"File already exists"}`))
			return
		}
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		part, err := mr.NextPart()
		if err != nil || part.FormName() != "file" {
			http.Error(w, "want one part named file", http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(part)
		s.files[p] = b
		_, _ = w.Write([]byte(`{"fileURL":"https://example.test/` + testApp + `/` + s.key + `/files` + p + `"}`))
	case r.Method == http.MethodGet && r.URL.Query().Get("action") == "exists":
		_, ok := s.files[p]
		if ok {
			_, _ = w.Write([]byte(`true`))
		} else {
			_, _ = w.Write([]byte(`false`))
		}
	case r.Method == http.MethodGet && strings.HasSuffix(p, "/"):
		var items []string
		for name, b := range s.files {
			if dir, base := SplitPath(name); dir+"/" == p || (dir == "/" && p == "/") {
				items = append(items, `{"name":"`+base+`","size":`+strconv.Itoa(len(b))+`,"publicUrl":"https://example.test/`+s.key+`/`+base+`"}`)
			}
		}
		_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
	case r.Method == http.MethodGet:
		b, ok := s.files[p]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		_, _ = w.Write(b)
	case r.Method == http.MethodDelete:
		if _, ok := s.files[p]; !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":6007,"message":"not found"}`))
			return
		}
		delete(s.files, p)
		_, _ = w.Write([]byte(`{"deletionTime":1}`))
	}
}

func bytesSource(b []byte) transport.Source {
	return func(context.Context) (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestUploadFile_StreamsMultipartAndHidesTheKey(t *testing.T) {
	s, mux := newFiveServer(t)
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	content := bytes.Repeat([]byte("0123456789"), 10000)
	res, err := c.UploadFile(context.Background(), testApp, "/crm_v1_files_1.zip", false, bytesSource(content))
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent.Bytes != int64(len(content)) || res.Sent.SHA256 != sha(content) {
		t.Fatalf("in-flight digest %+v", res.Sent)
	}
	if strings.Contains(res.FileURL, s.key) || !strings.Contains(res.FileURL, RESTKeyPlaceholder) {
		t.Fatalf("fileURL must not carry the REST key: %s", res.FileURL)
	}
	if !bytes.Equal(s.files["/crm_v1_files_1.zip"], content) {
		t.Fatal("the server did not receive the bytes")
	}
	d, err := c.HashFile(context.Background(), testApp, "/crm_v1_files_1.zip")
	if err != nil || d != res.Sent {
		t.Fatalf("read back %+v, sent %+v, err %v", d, res.Sent, err)
	}
	info, err := c.StatFile(context.Background(), testApp, "/crm_v1_files_1.zip")
	if err != nil || info.Size != int64(len(content)) || strings.Contains(info.PublicURL, s.key) {
		t.Fatalf("stat %+v %v", info, err)
	}
	if n := s.settings.Load(); n != 1 {
		t.Fatalf("the REST key is read once per client, read %d times", n)
	}
}

func TestUploadFile_ExistingWithoutOverwriteIsFileExists(t *testing.T) {
	s, mux := newFiveServer(t)
	s.files["/a.zip"] = []byte("old")
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	_, err := c.UploadFile(context.Background(), testApp, "/a.zip", false, bytesSource([]byte("new")))
	if !IsFileExists(err) {
		t.Fatalf("want code 6016, got %v", err)
	}
	if _, err := c.UploadFile(context.Background(), testApp, "/a.zip", true, bytesSource([]byte("new"))); err != nil {
		t.Fatalf("overwrite: %v", err)
	}
	if string(s.files["/a.zip"]) != "new" {
		t.Fatal("overwrite did not replace the file")
	}
}

func TestREST_RegeneratedKeyIsReadAgainOnce(t *testing.T) {
	s, mux := newFiveServer(t)
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	if _, err := c.FileExists(context.Background(), testApp, "/x"); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.key = "REST-KEY-0002"
	s.mu.Unlock()
	exists, err := c.FileExists(context.Background(), testApp, "/x")
	if err != nil || exists {
		t.Fatalf("after a key change: %v %v", exists, err)
	}
	if n := s.settings.Load(); n != 2 {
		t.Fatalf("want the settings read twice, got %d", n)
	}
}

func TestCountRows_ReadsABareNumber(t *testing.T) {
	_, mux := newFiveServer(t)
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	n, err := c.CountRows(context.Background(), testApp, "Person")
	if err != nil || n != 250 {
		t.Fatalf("count %d %v", n, err)
	}
	_, err = c.CountRows(context.Background(), testApp, "Nope")
	if !IsNotFound(err) {
		t.Fatalf("an unknown table is a 404, got %v", err)
	}
}

func TestDeleteFile_NotFoundIsSuccess(t *testing.T) {
	s, mux := newFiveServer(t)
	s.files["/a.zip"] = []byte("x")
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	for range 2 {
		if err := c.DeleteFile(context.Background(), testApp, "/a.zip"); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := s.files["/a.zip"]; ok {
		t.Fatal("not deleted")
	}
}

func TestCleanAndSplitPath(t *testing.T) {
	if got := CleanPath("migration-to-4//a.zip/"); got != "/migration-to-4/a.zip" {
		t.Fatalf("CleanPath = %q", got)
	}
	dir, name := SplitPath("/a.zip")
	if dir != "/" || name != "a.zip" {
		t.Fatalf("SplitPath = %q %q", dir, name)
	}
	if got := filePath("/dir with space/a+b.zip"); got != "/dir%20with%20space/a+b.zip" {
		t.Fatalf("filePath = %q", got)
	}
}
