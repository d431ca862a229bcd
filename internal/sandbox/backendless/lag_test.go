package backendless

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// lagsOf returns the poll lags of the jobs of kind.
func lagsOf(s *Backendless, kind string) []core.JobLag {
	var out []core.JobLag
	for _, l := range s.JobLags() {
		if l.Kind == kind {
			out = append(out, l)
		}
	}
	return out
}

// readLog reads an import's migration log as the provider does: the console's file download.
func readLog(t *testing.T, srvURL, key, appID, importID string) []byte {
	t.Helper()
	resp, body := call(t, "GET", consoleURL(srvURL, "/"+appID+"/console/files/download"+BackendlessImportLogPath(importID)), key, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("read log: %d %s", resp.StatusCode, body)
	}
	return body
}

func TestLag_ArchiveStatusRouteAndMigrationLogCountTheirJobs(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	resp, body := call3(t, "POST", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	job := decode[map[string]string](t, body)["jobId"]
	waitIdle(t, s)
	for range 2 {
		if resp, body := call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive/"+job)); resp.StatusCode != http.StatusOK {
			t.Fatalf("status: %d %s", resp.StatusCode, body)
		}
	}
	call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive/00000000-0000-4000-8000-000000000000"))

	data, _ := archiveVersion(t, s, crmID, "v1") // a second archive job, never read by a client
	app := mustCreate(t, s, devLogin, "crm-v5", "US")
	id, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(legacyBytes(t, s, crmID, "v1", data)))
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	key := login(t, srv, devLogin)
	for range 2 {
		if log := readLog(t, srv.URL, key, app.ID, id); !bytes.Contains(log, []byte("MIGRATION COMPLETED")) {
			t.Fatalf("log %s", log)
		}
	}

	archives := lagsOf(s, bk3ArchiveJobKind)
	if len(archives) != 2 || archives[0].ID != job {
		t.Fatalf("archive jobs %+v", archives)
	}
	if a := archives[0]; a.Seen == nil || a.LagMS == nil || a.Reads != 2 || a.ReadsToSeen != 1 {
		t.Errorf("read archive job %+v", a)
	}
	if a := archives[1]; a.Finished == nil || a.Seen != nil || a.Reads != 0 {
		t.Errorf("unread archive job %+v", a)
	}
	imports := lagsOf(s, bkImportJobKind)
	if len(imports) != 1 || imports[0].Seen == nil || imports[0].LagMS == nil || imports[0].Reads != 2 || imports[0].ReadsToSeen != 1 {
		t.Fatalf("import jobs %+v", imports)
	}
}

func TestLag_ReadsBeforeTheEndAreNotSightings(t *testing.T) {
	// The data archive comes from a sandbox with instant jobs; the one under test never ends its jobs.
	src, _ := newTestSandbox(t, Options{})
	data, _ := archiveVersion(t, src, crmID, "v1")
	archive := legacyBytes(t, src, crmID, "v1", data)

	s, srv := newTestSandbox(t, Options{JobDuration: time.Hour})
	resp, body := call3(t, "POST", legacyURL(srv, "/v1/migration-to-4/archive"))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	call3(t, "GET", legacyURL(srv, "/v1/migration-to-4/archive/"+decode[map[string]string](t, body)["jobId"]))
	app := mustCreate(t, s, devLogin, "crm-v5", "US")
	id, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	key := login(t, srv, devLogin)
	readLog(t, srv.URL, key, app.ID, id) // its first line only
	readLog(t, srv.URL, key, app.ID, id)

	for kind, reads := range map[string]int{bk3ArchiveJobKind: 1, bkImportJobKind: 2} {
		l := lagsOf(s, kind)
		if len(l) != 1 || l[0].Seen != nil || l[0].Finished != nil || l[0].Reads != reads || l[0].ReadsToSeen != reads {
			t.Errorf("%s: %+v; want %d reads, no sighting", kind, l, reads)
		}
	}
}

func TestLogTailWriter_SeesOnlyAFinalLastLine(t *testing.T) {
	for log, want := range map[string]bool{
		"2025-01-01T00:00:00Z INFO  import x started\n":                                     false,
		"2025-01-01T00:00:00Z INFO  a\n2025-01-01T00:00:01Z INFO  MIGRATION COMPLETED\n":    true,
		"2025-01-01T00:00:00Z ERROR bad\n2025-01-01T00:00:01Z ERROR MIGRATION FAILED\n":     true,
		"2025-01-01T00:00:00Z INFO  MIGRATION COMPLETED\n2025-01-01T00:00:01Z INFO  more\n": false,
	} {
		w := &logTailWriter{ResponseWriter: discardWriter{}}
		for chunk := range slices.Chunk([]byte(log), 7) {
			_, _ = w.Write(chunk)
		}
		if got := w.showsEnd(); got != want {
			t.Errorf("%q: showsEnd %v, want %v", log, got, want)
		}
	}
	if id, ok := importLogID("migration/import-ABC.log"); !ok || id != "ABC" {
		t.Errorf("import id %q %v", id, ok)
	}
	if _, ok := importLogID("docs/import-ABC.log"); ok {
		t.Error("a file outside /migration is a log")
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}
