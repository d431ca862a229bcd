package backendless

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

const (
	testLegacyApp = "A1B2C3D4-0000-4000-8000-000000000301"
	testLegacyKey = "LEGACY-REST-SECRET-crm"
)

func legacyConfig() Config {
	return Config{AuthKey: "k", LegacySecretKeys: map[string]string{testLegacyApp: testLegacyKey}}
}

// requireLegacyHeaders answers 401 code 2002 like the 3.x API when the §3.3 headers are wrong.
func requireLegacyHeaders(t *testing.T, appType string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("application-id") != testLegacyApp || r.Header.Get("secret-key") != testLegacyKey || r.Header.Get("application-type") != appType {
			t.Errorf("%s %s: headers application-id=%q secret-key=%q application-type=%q", r.Method, r.URL.Path,
				r.Header.Get("application-id"), r.Header.Get("secret-key"), r.Header.Get("application-type"))
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":2002,"message":"Version is disabled or provided wrong application info (application id or secret key)"}`))
			return
		}
		next(w, r)
	}
}

func TestLegacy_SendsApplicationHeaders(t *testing.T) {
	for _, appType := range []string{"", "JS"} {
		t.Run("type="+appType, func(t *testing.T) {
			want := appType
			if want == "" {
				want = DefaultLegacyApplicationType
			}
			mux := http.NewServeMux()
			mux.HandleFunc("GET /v1/files/migration-to-4", requireLegacyHeaders(t, want, func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`[{"name":"a.zip","url":"migration-to-4/a.zip","createdOn":1700000000000,"size":5}]`))
			}))
			cfg := legacyConfig()
			cfg.LegacyApplicationType = appType
			c := newTestClient(t, mux, cfg)
			files, err := c.ListLegacyFiles(context.Background(), testLegacyApp, "v1", "/migration-to-4")
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 || files[0].Name != "a.zip" || files[0].Size != 5 || files[0].Created.IsZero() {
				t.Fatalf("decoded %+v", files)
			}
		})
	}
}

func TestLegacy_AppWithoutKeyIsLegacyKeyError(t *testing.T) {
	c := newTestClient(t, http.NotFoundHandler(), legacyConfig())
	_, err := c.ListLegacyFiles(context.Background(), "OTHER-APP", "v1", "/")
	var lk *LegacyKeyError
	if !errors.As(err, &lk) || lk.AppID != "OTHER-APP" {
		t.Fatalf("want *LegacyKeyError for OTHER-APP, got %v", err)
	}
	if c.HasLegacySecretKey("OTHER-APP") || !c.HasLegacySecretKey(testLegacyApp) {
		t.Fatal("HasLegacySecretKey disagrees with the configuration")
	}
}

func TestListLegacyFiles_ReadsEveryPage(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/files/big", func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if r.URL.Query().Get("pagesize") != "100" {
			t.Errorf("pagesize = %q", r.URL.Query().Get("pagesize"))
		}
		n := min(250-offset, 100)
		items := make([]string, 0, n)
		for i := range n {
			items = append(items, fmt.Sprintf(`{"name":"f%03d","size":1}`, offset+i))
		}
		_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
	})
	c := newTestClient(t, mux, legacyConfig())
	files, err := c.ListLegacyFiles(context.Background(), testLegacyApp, "v1", "big")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 250 || files[249].Name != "f249" {
		t.Fatalf("got %d files", len(files))
	}
}

func TestListMigrationArchives_MissingDirectoryIsEmptyAndNewestFirst(t *testing.T) {
	var exists atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/files/migration-to-4", func(w http.ResponseWriter, _ *http.Request) {
		if !exists.Load() {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":6007,"message":"The specified resource was not found"}`))
			return
		}
		_, _ = w.Write([]byte(`[{"name":"old_data_1.zip","createdOn":1000,"size":1},{"name":"sub"},{"name":"new_data_2.zip","createdOn":2000,"size":2}]`))
	})
	c := newTestClient(t, mux, legacyConfig())
	files, err := c.ListMigrationArchives(context.Background(), testLegacyApp, "v1")
	if err != nil || len(files) != 0 {
		t.Fatalf("a missing /migration-to-4 is no archive yet: %v %v", files, err)
	}
	exists.Store(true)
	files, err = c.ListMigrationArchives(context.Background(), testLegacyApp, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "new_data_2.zip" || files[1].Name != "old_data_1.zip" {
		t.Fatalf("want the two files newest first without the directory, got %+v", files)
	}
}

func TestCreateMigrationArchive_AdoptsRunningJobOn409(t *testing.T) {
	var posts atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/migration-to-4/archive", requireLegacyHeaders(t, "REST", func(w http.ResponseWriter, _ *http.Request) {
		if posts.Add(1) == 1 {
			w.WriteHeader(http.StatusAccepted)
			_, _ = w.Write([]byte(`{"jobId":"job-1","status":"IN_PROGRESS"}`))
			return
		}
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"code":6100,"message":"A migration archive is already being created for this version","jobId":"job-1"}`))
	}))
	mux.HandleFunc("GET /v1/migration-to-4/archive/job-1", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"jobId":"job-1","status":"COMPLETED","dataArchive":"/migration-to-4/crm_v1_data_1.zip","filesArchive":"/migration-to-4/crm_v1_files_1.zip","created":1700000000000,"completed":1700000001000}`))
	})
	c := newTestClient(t, mux, legacyConfig())
	first, err := c.CreateMigrationArchive(context.Background(), testLegacyApp, "v1", nil)
	if err != nil || first.ID != "job-1" || first.Adopted {
		t.Fatalf("first create: %+v %v", first, err)
	}
	second, err := c.CreateMigrationArchive(context.Background(), testLegacyApp, "v1", []string{"job-1"})
	if err != nil || second.ID != "job-1" || !second.Adopted || second.Status != ArchiveInProgress {
		t.Fatalf("a 409 with the running jobId must be adopted: %+v %v", second, err)
	}
	// The same 409 for a job that was not there before the call: a duplicate delivery of this
	// very call started it, so it is the call's own job, not an adopted one.
	third, err := c.CreateMigrationArchive(context.Background(), testLegacyApp, "v1", nil)
	if err != nil || third.ID != "job-1" || third.Adopted {
		t.Fatalf("a 409 naming a job that is not in known is the call's own: %+v %v", third, err)
	}
	job, err := c.MigrationArchiveStatus(context.Background(), testLegacyApp, "v1", "job-1")
	if err != nil || job.Status != ArchiveCompleted || job.DataArchive != "/migration-to-4/crm_v1_data_1.zip" || job.Completed.IsZero() {
		t.Fatalf("status: %+v %v", job, err)
	}
}

func TestCreateMigrationArchive_OtherConflictIsAnError(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/migration-to-4/archive", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"code":6101,"message":"something else"}`))
	})
	c := newTestClient(t, mux, legacyConfig())
	_, err := c.CreateMigrationArchive(context.Background(), testLegacyApp, "v1", nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != 6101 || e.Status != http.StatusConflict {
		t.Fatalf("want the vendor error, got %v", err)
	}
}

func TestLegacyDownload_ReopensPerCall(t *testing.T) {
	var gets atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+testLegacyApp+"/v1/files/migration-to-4/a.zip", func(w http.ResponseWriter, _ *http.Request) {
		gets.Add(1)
		_, _ = w.Write([]byte("archive-bytes"))
	})
	c := newTestClient(t, mux, legacyConfig())
	src := c.LegacyDownload(testLegacyApp, "v1", "/migration-to-4/a.zip")
	for range 2 {
		body, size, err := src(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(body)
		_ = body.Close()
		if string(b) != "archive-bytes" || size != int64(len(b)) {
			t.Fatalf("read %q size %d", b, size)
		}
	}
	if gets.Load() != 2 {
		t.Fatalf("want one GET per open, got %d", gets.Load())
	}
	d, err := c.HashLegacyFile(context.Background(), testLegacyApp, "v1", "/migration-to-4/a.zip")
	if err != nil || d.Bytes != 13 || len(d.SHA256) != 64 {
		t.Fatalf("hash: %+v %v", d, err)
	}
}

func TestLegacyDownload_MissingFileIsNotFound(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{app}/v1/files/nope.zip", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":6007,"message":"The specified resource was not found"}`))
	})
	c := newTestClient(t, mux, legacyConfig())
	_, _, err := c.LegacyDownload(testLegacyApp, "v1", "/nope.zip")(context.Background())
	if !IsNotFound(err) || !IsFileNotFound(err) {
		t.Fatalf("want a proven 404, got %v", err)
	}
	bare := newTestClient(t, http.NotFoundHandler(), legacyConfig())
	_, _, err = bare.LegacyDownload(testLegacyApp, "v1", "/nope.zip")(context.Background())
	if IsNotFound(err) || !IsBareNotFound(err) {
		t.Fatalf("a 404 without a Backendless code proves nothing: %v", err)
	}
}

func TestDeleteLegacyFile_NotFoundIsSuccess(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("DELETE /v1/files/migration-to-4/gone.zip", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":6007,"message":"The specified resource was not found"}`))
	})
	c := newTestClient(t, mux, legacyConfig())
	if err := c.DeleteLegacyFile(context.Background(), testLegacyApp, "v1", "/migration-to-4/gone.zip"); err != nil {
		t.Fatalf("404 on delete must count as deleted: %v", err)
	}
}

func TestLegacyVersionExists_TellsRefusalFromPresence(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/files/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`[]`)) })
	mux.HandleFunc("GET /v9/files/", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"code":2002,"message":"Version is disabled or provided wrong application info (application id or secret key)"}`))
	})
	c := newTestClient(t, mux, legacyConfig())
	if ok, err := c.LegacyVersionExists(context.Background(), testLegacyApp, "v1"); !ok || err != nil {
		t.Fatalf("v1: %v %v", ok, err)
	}
	ok, err := c.LegacyVersionExists(context.Background(), testLegacyApp, "v9")
	if ok || !IsLegacyRefusal(err) {
		t.Fatalf("v9: want a refusal, got %v %v", ok, err)
	}
}

func TestLegacyDownload_ResumesABrokenConnectionWithRange(t *testing.T) {
	content := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	var gets, ranged atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+testLegacyApp+"/v1/files/migration-to-4/a.zip", func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		if r.Header.Get("Range") != "" {
			ranged.Add(1)
			http.ServeContent(w, r, "a.zip", time.Unix(1700000000, 0), bytes.NewReader(content))
			return
		}
		// The first answer breaks after 300 KiB, as a dropped connection would.
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Header().Set("Last-Modified", time.Unix(1700000000, 0).UTC().Format(http.TimeFormat))
		_, _ = w.Write(content[:300<<10])
		_ = http.NewResponseController(w).Flush()
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
	c := newTestClient(t, mux, legacyConfig())
	d, err := c.HashLegacyFile(context.Background(), testLegacyApp, "v1", "/migration-to-4/a.zip")
	if err != nil {
		t.Fatal(err)
	}
	if d.Bytes != int64(len(content)) || d.SHA256 != sha(content) {
		t.Fatalf("resumed download is wrong: %+v", d)
	}
	if gets.Load() != 2 || ranged.Load() != 1 {
		t.Fatalf("want one plain GET and one Range GET, got %d GETs, %d ranged", gets.Load(), ranged.Load())
	}
}

func TestLegacyDownload_ChangedFileIsNotStitched(t *testing.T) {
	content := bytes.Repeat([]byte("x"), 200<<10)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /"+testLegacyApp+"/v1/files/migration-to-4/a.zip", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			// If-Range no longer matches: the whole (new) file, 200.
			_, _ = w.Write(content)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.Header().Set("ETag", `"v1"`)
		_, _ = w.Write(content[:1000])
		_ = http.NewResponseController(w).Flush()
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
	})
	c := newTestClient(t, mux, legacyConfig())
	_, err := c.HashLegacyFile(context.Background(), testLegacyApp, "v1", "/migration-to-4/a.zip")
	if err == nil || !strings.Contains(err.Error(), "not the rest of the same object") {
		t.Fatalf("want a refusal to stitch two versions, got %v", err)
	}
}

// retryingClient is newTestClient with retries (and no waiting between them), for calls whose
// lost answers are looked up and retried.
func retryingClient(t *testing.T, h http.Handler, cfg Config) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	cfg.ConsoleURL, cfg.APIURL, cfg.LegacyURL = srv.URL, srv.URL, srv.URL
	cfg.HTTP = transport.New(transport.Options{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond})
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateMigrationArchive_LostAnswerAdoptsTheNewJobWithoutASecondPost(t *testing.T) {
	var posts atomic.Int32
	var started atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/migration-to-4/archive", func(w http.ResponseWriter, _ *http.Request) {
		posts.Add(1)
		started.Store(true)
		w.WriteHeader(http.StatusBadGateway) // the job started; the proxy lost the answer
	})
	mux.HandleFunc("GET /v1/migration-to-4/archive", func(w http.ResponseWriter, _ *http.Request) {
		jobs := `[{"jobId":"old","status":"COMPLETED","created":1600000000000}]`
		if started.Load() {
			jobs = `[{"jobId":"new","status":"IN_PROGRESS","created":1700000000000},{"jobId":"old","status":"COMPLETED","created":1600000000000}]`
		}
		_, _ = w.Write([]byte(jobs))
	})
	c := retryingClient(t, mux, legacyConfig())
	job, err := c.CreateMigrationArchive(context.Background(), testLegacyApp, "v1", []string{"old"})
	if err != nil || job.ID != "new" || !job.LostAnswer || job.Adopted {
		t.Fatalf("want the new job adopted after the lost answer: %+v %v", job, err)
	}
	if posts.Load() != 1 {
		t.Fatalf("the archive was requested %d times", posts.Load())
	}
}

func TestCreateMigrationArchive_FailedAttemptThatStartedNothingIsSentAgain(t *testing.T) {
	var posts atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/migration-to-4/archive", func(w http.ResponseWriter, _ *http.Request) {
		if posts.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // refused before it started anything
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"jobId":"job-2","status":"IN_PROGRESS"}`))
	})
	mux.HandleFunc("GET /v1/migration-to-4/archive", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`[]`))
	})
	c := retryingClient(t, mux, legacyConfig())
	job, err := c.CreateMigrationArchive(context.Background(), testLegacyApp, "v1", nil)
	if err != nil || job.ID != "job-2" || job.LostAnswer {
		t.Fatalf("job %+v %v", job, err)
	}
	if posts.Load() != 2 {
		t.Fatalf("want 2 posts (the lookup proved the first did nothing), got %d", posts.Load())
	}
}

func TestListMigrationArchiveJobs_NewestFirst(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/migration-to-4/archive", requireLegacyHeaders(t, "REST", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`[{"jobId":"a","status":"COMPLETED","created":1000},{"jobId":"b","status":"IN_PROGRESS","created":2000}]`))
	}))
	c := newTestClient(t, mux, legacyConfig())
	jobs, err := c.ListMigrationArchiveJobs(context.Background(), testLegacyApp, "v1")
	if err != nil || len(jobs) != 2 || jobs[0].ID != "b" || jobs[1].ID != "a" || jobs[1].Created.IsZero() {
		t.Fatalf("jobs %+v %v", jobs, err)
	}
}

func TestListMigrationArchives_NotFoundWithoutTheFilesCodeIsAnError(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/files/migration-to-4", func(w http.ResponseWriter, _ *http.Request) {
		http.NotFound(w, nil) // a wrong base URL: no Backendless code
	})
	c := newTestClient(t, mux, legacyConfig())
	if _, err := c.ListMigrationArchives(context.Background(), testLegacyApp, "v1"); !IsBareNotFound(err) || IsNotFound(err) {
		t.Fatalf("a bare 404 proves nothing about the archives: want the error, got %v", err)
	}
}
