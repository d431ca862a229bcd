package backendless

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

const completedLog = `2026-11-22T10:00:00Z INFO  import imp-1 started: archive crm_v1_data_20261122100000.zip (1234567 bytes, sha256 ABCDEF0123)
2026-11-22T10:00:01Z INFO  table Person: 250 rows imported
2026-11-22T10:00:01Z INFO  table Order: 1200 rows imported
2026-11-22T10:00:01Z INFO  users: 2 imported
2026-11-22T10:00:02Z INFO  roles: 2, permissions: 5 imported
2026-11-22T10:00:02Z INFO  MIGRATION COMPLETED
`

func TestParseMigrationLog_Completed(t *testing.T) {
	l := ParseMigrationLog(completedLog)
	if l.Status != LogCompleted || l.ImportID != "imp-1" || l.Archive != "crm_v1_data_20261122100000.zip" ||
		l.ArchiveBytes != 1234567 || l.ArchiveSHA256 != "abcdef0123" {
		t.Fatalf("parsed %+v", l)
	}
	if l.Tables["Person"] != 250 || l.Tables["Order"] != 1200 || len(l.Tables) != 2 {
		t.Fatalf("tables %v", l.Tables)
	}
	if len(l.Lines) != 6 || len(l.Errors) != 0 {
		t.Fatalf("lines %d errors %v", len(l.Lines), l.Errors)
	}
	if tail := l.Tail(2); len(tail) != 2 || !strings.HasSuffix(tail[1], "MIGRATION COMPLETED") {
		t.Fatalf("tail %q", tail)
	}
}

func TestParseMigrationLog_FailedKeepsTheErrorLines(t *testing.T) {
	l := ParseMigrationLog(`2026-11-22T10:00:00Z INFO  import imp-2 started: archive x.zip (10 bytes, sha256 00ff)
2026-11-22T10:00:01Z ERROR manifest disagrees with content: tables/Person.json sha256 aa != manifest bb
2026-11-22T10:00:01Z ERROR MIGRATION FAILED
`)
	if l.Status != LogFailed || len(l.Errors) != 1 || !strings.HasPrefix(l.Errors[0], "manifest disagrees with content") {
		t.Fatalf("parsed %+v", l)
	}
}

func TestParseMigrationLog_GrowingLogIsInProgress(t *testing.T) {
	l := ParseMigrationLog("2026-11-22T10:00:00Z INFO  import imp-3 started: archive x.zip (10 bytes, sha256 00ff)\n2026-11-22T10:00:01Z INFO  table Per")
	if l.Status != LogInProgress || len(l.Lines) != 1 || l.ImportID != "imp-3" {
		t.Fatalf("a partial last line is not read yet: %+v", l)
	}
	if l := ParseMigrationLog(""); l.Status != LogInProgress || l.ImportID != "" {
		t.Fatalf("empty log: %+v", l)
	}
}

func TestStartImport_StreamsTheArchiveAsMultipartFile(t *testing.T) {
	var got []byte
	var field, name, allow string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /APP-5/console/import/backendless-app", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("auth-key") != "k" {
			t.Errorf("auth-key %q", r.Header.Get("auth-key"))
		}
		allow = r.URL.Query().Get("allowNonEmpty")
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
		field, name = part.FormName(), part.FileName()
		got, _ = io.ReadAll(part)
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"importId":"imp-9","status":"IN_PROGRESS","logPath":"/migration/import-imp-9.log"}`))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	archive := bytes.Repeat([]byte("PK"), 5000)
	job, sent, err := c.StartImport(context.Background(), "APP-5", "", false, ImportMatch{Archive: "crm_v1_data_1.zip", Bytes: int64(len(archive))}, bytesSource(archive))
	if err != nil {
		t.Fatal(err)
	}
	if job.ID != "imp-9" || job.LogPath != "/migration/import-imp-9.log" {
		t.Fatalf("job %+v", job)
	}
	if field != "file" || name != "crm_v1_data_1.zip" || allow != "false" || !bytes.Equal(got, archive) {
		t.Fatalf("field %q name %q allowNonEmpty %q, %d bytes", field, name, allow, len(got))
	}
	if sent.Bytes != int64(len(archive)) || sent.SHA256 != sha(archive) {
		t.Fatalf("digest %+v", sent)
	}
}

func TestStartImport_RefusedSessionIsRenewedOnce(t *testing.T) {
	var logins, posts atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("POST /console/home/login", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("auth-key", map[int32]string{1: "stale", 2: "fresh"}[logins.Add(1)])
		_, _ = w.Write([]byte(`{}`))
	})
	mux.HandleFunc("POST /APP-5/console/import/backendless-app", func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Header.Get("auth-key") != "fresh" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"importId":"imp-1","status":"IN_PROGRESS"}`))
	})
	c := newTestClient(t, mux, Config{Login: "dev@example.com", Password: "pw"})
	job, _, err := c.StartImport(context.Background(), "APP-5", "", true, ImportMatch{Archive: "a.zip", Bytes: 3}, bytesSource([]byte("zip")))
	if err != nil {
		t.Fatal(err)
	}
	if job.LogPath != ImportLogPath("imp-1") || posts.Load() != 2 {
		t.Fatalf("job %+v after %d posts", job, posts.Load())
	}
}

func TestImportLogs_NewestFirstLogsOnly(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP-5/console/files/directory/view/migration", func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query(); q.Get("sortBy") != "createdOn" || q.Get("pageSize") != "100" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		_, _ = w.Write([]byte(`[{"name":"import-a.log","createdOn":1000,"size":10},{"name":"notes.txt","createdOn":3000,"size":1},{"name":"import-b.log","createdOn":2000,"size":10}]`))
	})
	mux.HandleFunc("GET /APP-5/console/files/download/migration/import-b.log", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(completedLog))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	logs, err := c.ImportLogs(context.Background(), "APP-5")
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 2 || logs[0].Name != "import-b.log" || logs[1].Name != "import-a.log" {
		t.Fatalf("logs %+v", logs)
	}
	l, err := c.ReadMigrationLog(context.Background(), "APP-5", "/migration/import-b.log")
	if err != nil || l.Status != LogCompleted || l.Path != "/migration/import-b.log" {
		t.Fatalf("log %+v %v", l, err)
	}
}

// The console's 404 is empty (§6): /migration counts as missing only when the root listing,
// answered, has no such folder; otherwise the 404 stays an error (an import that ran must not be
// taken for none).
func TestImportLogs_NoFolderYetIsEmptyOnlyWhenTheRootListingProvesIt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		root    func(w http.ResponseWriter)
		wantErr bool
	}{
		{"the root has no migration folder", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`[{"name":"web"},{"name":"a.zip","size":3}]`)) }, false},
		{"the root has the folder", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`[{"name":"migration"}]`)) }, true},
		{"the root is a bare 404 too", func(w http.ResponseWriter) { w.WriteHeader(http.StatusNotFound) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /APP-5/console/files/directory/view/migration", func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusNotFound) // §6: console 404s have an empty body
			})
			mux.HandleFunc("GET /APP-5/console/files/directory/view/", func(w http.ResponseWriter, _ *http.Request) { tc.root(w) })
			c := newTestClient(t, mux, Config{AuthKey: "k"})
			logs, err := c.ImportLogs(context.Background(), "APP-5")
			if (err != nil) != tc.wantErr || len(logs) != 0 {
				t.Fatalf("ImportLogs = %v, %v; want an error: %v", logs, err, tc.wantErr)
			}
		})
	}
}

func TestConsoleReadFile_RefusesMoreThanTheLimit(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP-5/console/files/download/big.log", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte("x"), 100))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	if _, err := c.ConsoleReadFile(context.Background(), "APP-5", "/big.log", 99); err == nil {
		t.Fatal("want an error above the limit")
	}
	if b, err := c.ConsoleReadFile(context.Background(), "APP-5", "/big.log", 100); err != nil || len(b) != 100 {
		t.Fatalf("%d %v", len(b), err)
	}
}

// TestListTables_DecodesTheSDKObjectShape: §5.1, the Console SDK reads resp.tables of an object
// whose table objects carry no row count; a bare array (the old, wrong shape) is an error.
func TestListTables_DecodesTheSDKObjectShape(t *testing.T) {
	var body atomic.Pointer[string]
	mux := http.NewServeMux()
	mux.HandleFunc("GET /APP-5/console/data/tables", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(*body.Load()))
	})
	c := newTestClient(t, mux, Config{AuthKey: "k"})
	sdk := `{"tables":[{"tableId":"T1","name":"Person","columns":[],"relations":[]},{"tableId":"T2","name":"Order"}],"views":[]}`
	body.Store(&sdk)
	tables, err := c.ListTables(context.Background(), "APP-5")
	if err != nil || len(tables) != 2 || tables[0].Name != "Person" || tables[1].Name != "Order" {
		t.Fatalf("%+v %v", tables, err)
	}
	bare := `[{"name":"Person","count":250}]`
	body.Store(&bare)
	if _, err := c.ListTables(context.Background(), "APP-5"); err == nil {
		t.Fatal("a bare array is not the SDK's shape: want a decoding error")
	}
}

func TestStartImport_LostAnswerAdoptsTheNewLogOfTheSameArchive(t *testing.T) {
	var posts atomic.Int32
	var started atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("POST /APP-5/console/import/backendless-app", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		posts.Add(1)
		started.Store(true)
		w.WriteHeader(http.StatusServiceUnavailable) // the importer started; the answer was lost
	})
	mux.HandleFunc("GET /APP-5/console/files/directory/view/migration", func(w http.ResponseWriter, _ *http.Request) {
		items := `[{"name":"import-old.log","size":10,"createdOn":1000}]`
		if started.Load() {
			items = `[{"name":"import-new.log","size":10,"createdOn":2000},{"name":"import-old.log","size":10,"createdOn":1000}]`
		}
		_, _ = w.Write([]byte(items))
	})
	mux.HandleFunc("GET /APP-5/console/files/download/migration/{name}", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSuffix(strings.TrimPrefix(r.PathValue("name"), "import-"), ".log")
		_, _ = fmt.Fprintf(w, "2026-01-01T00:00:00Z INFO  import %s started: archive crm_data.zip (3 bytes, sha256 ab)\n", id)
	})
	c := retryingClient(t, mux, Config{AuthKey: "k"})
	match := ImportMatch{Archive: "crm_data.zip", Bytes: 3, Known: map[string]bool{"/migration/import-old.log": true}}
	job, _, err := c.StartImport(context.Background(), "APP-5", "", false, match, bytesSource([]byte("zip")))
	if err != nil || job.ID != "new" || job.LogPath != "/migration/import-new.log" || !job.LostAnswer {
		t.Fatalf("want the new import adopted: %+v %v", job, err)
	}
	if posts.Load() != 1 {
		t.Fatalf("the archive was imported %d times", posts.Load())
	}
}
