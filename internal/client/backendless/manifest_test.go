package backendless

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// buildArchive returns a zip with a large incompressible entry and, optionally, a manifest.
func buildArchive(t *testing.T, manifest string, bulk int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "tables/Order.json", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	chunk := make([]byte, 4096)
	for written := 0; written < bulk; written += len(chunk) {
		for i := range chunk {
			chunk[i] = byte(r.Uint32())
		}
		_, _ = w.Write(chunk)
	}
	if manifest != "" {
		mw, err := zw.Create(ManifestName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = mw.Write([]byte(manifest))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const testManifest = `{"format":"backendless-migration/1","app":{"id":"A1","name":"crm"},"version":"v1","created":"2026-11-22T10:00:00Z",
"tables":{"Person":250,"Order":1200,"Product":40},"users":2,"roles":2,"entries":[{"path":"tables/Order.json","size":1,"sha256":"00"}]}`

// rangeServer serves b at the 3.x download URL with Range support and counts the bytes it sent.
func rangeServer(t *testing.T, b []byte, honourRange bool) (*Client, *atomic.Int64, *atomic.Int32) {
	t.Helper()
	var sent atomic.Int64
	var full atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/"+testLegacyApp+"/v1/files/migration-to-4/crm_v1_data_1.zip", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("secret-key") != testLegacyKey {
			t.Errorf("3.x headers missing on %s", r.Method)
		}
		if !honourRange {
			r.Header.Del("Range")
		}
		if r.Method == http.MethodGet && r.Header.Get("Range") == "" {
			full.Add(1)
		}
		cw := &countingWriter{ResponseWriter: w, n: &sent}
		http.ServeContent(cw, r, "a.zip", time.Time{}, bytes.NewReader(b))
	})
	return newTestClient(t, mux, legacyConfig()), &sent, &full
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n.Add(int64(len(p)))
	return c.ResponseWriter.Write(p)
}

func TestLegacyArchiveManifest_ReadsOnlyTheEndOfTheArchive(t *testing.T) {
	archive := buildArchive(t, testManifest, 8<<20)
	c, sent, full := rangeServer(t, archive, true)
	m, err := c.LegacyArchiveManifest(context.Background(), testLegacyApp, "v1", "/migration-to-4/crm_v1_data_1.zip")
	if err != nil {
		t.Fatal(err)
	}
	if m.App.Name != "crm" || m.Tables["Order"] != 1200 || len(m.Tables) != 3 || len(m.Entries) != 1 {
		t.Fatalf("manifest %+v", m)
	}
	if full.Load() != 0 {
		t.Fatal("the archive was downloaded whole")
	}
	if n := sent.Load(); n > 512<<10 {
		t.Fatalf("read %d bytes of an %d-byte archive for its manifest", n, len(archive))
	}
}

func TestLegacyArchiveManifest_ServerWithoutRangeIsReported(t *testing.T) {
	archive := buildArchive(t, testManifest, 1<<20)
	c, _, _ := rangeServer(t, archive, false)
	_, err := c.LegacyArchiveManifest(context.Background(), testLegacyApp, "v1", "/migration-to-4/crm_v1_data_1.zip")
	var ae *ArchiveError
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "Range") {
		t.Fatalf("want a Range error that does not blame the archive, got %v", err)
	}
}

func TestReadManifest_BrokenArchivesAreArchiveErrors(t *testing.T) {
	for name, b := range map[string][]byte{
		"not a zip":   bytes.Repeat([]byte("not a zip file "), 1000),
		"no manifest": buildArchive(t, "", 1024),
		"bad json":    buildArchive(t, "{not json", 1024),
		"bad format":  buildArchive(t, `{"format":"something/else"}`, 1024),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadManifest(bytes.NewReader(b), int64(len(b)), "/migration-to-4/x.zip")
			var ae *ArchiveError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), "/migration-to-4/x.zip") {
				t.Fatalf("want an *ArchiveError naming the archive, got %v", err)
			}
		})
	}
}

func TestRangeReaderAt_CachesBlocks(t *testing.T) {
	archive := buildArchive(t, testManifest, 300<<10)
	c, _, _ := rangeServer(t, archive, true)
	h, _ := c.legacyHeader(testLegacyApp)
	ra := NewRangeReaderAt(context.Background(), c.http, "test", c.legacyDownloadURL(testLegacyApp, "v1", "/migration-to-4/crm_v1_data_1.zip"), h, int64(len(archive)))
	p := make([]byte, 100)
	for range 3 {
		if _, err := ra.ReadAt(p, 10); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(p, archive[10:110]) || ra.Requests() != 1 {
		t.Fatalf("want one request for three reads of one block, got %d", ra.Requests())
	}
	big := make([]byte, 200<<10)
	n, err := ra.ReadAt(big, 50<<10)
	if err != nil || n != len(big) || !bytes.Equal(big, archive[50<<10:250<<10]) {
		t.Fatalf("cross-block read: %d %v", n, err)
	}
}

// TestLegacyArchiveManifest_SendsNoHEAD: the size comes from a one-byte Range GET on the
// documented download URL; HEAD on the 3.x download URL is not documented.
func TestLegacyArchiveManifest_SendsNoHEAD(t *testing.T) {
	archive := buildArchive(t, testManifest, 200<<10)
	var heads, gets atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/"+testLegacyApp+"/v1/files/migration-to-4/crm_v1_data_1.zip", func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodHead:
			heads.Add(1)
		case r.Header.Get("Range") == "":
			t.Errorf("a GET without Range")
		default:
			gets.Add(1)
		}
		http.ServeContent(w, r, "a.zip", time.Time{}, bytes.NewReader(archive))
	})
	c := newTestClient(t, mux, legacyConfig())
	if _, err := c.LegacyArchiveManifest(context.Background(), testLegacyApp, "v1", "/migration-to-4/crm_v1_data_1.zip"); err != nil {
		t.Fatal(err)
	}
	if heads.Load() != 0 || gets.Load() == 0 {
		t.Fatalf("want Range GETs only, got %d HEAD and %d GET", heads.Load(), gets.Load())
	}
}

// TestStatLegacyDownload_SizeFromContentRangeAndMissingFile: existence and size through the
// documented download URL with Range: bytes=0-0, for a file, an empty file and a missing one.
func TestStatLegacyDownload_SizeFromContentRangeAndMissingFile(t *testing.T) {
	var heads atomic.Int32
	mux := http.NewServeMux()
	serve := func(b []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				heads.Add(1)
			}
			if r.Header.Get("Range") != "bytes=0-0" || r.Header.Get("secret-key") != testLegacyKey {
				t.Errorf("want Range: bytes=0-0 and the 3.x headers, got %v", r.Header)
			}
			http.ServeContent(w, r, "a.zip", time.Time{}, bytes.NewReader(b))
		}
	}
	mux.HandleFunc("/"+testLegacyApp+"/v1/files/migration-to-4/a.zip", serve(bytes.Repeat([]byte("x"), 12345)))
	mux.HandleFunc("/"+testLegacyApp+"/v1/files/migration-to-4/empty.zip", serve(nil))
	mux.HandleFunc("/"+testLegacyApp+"/v1/files/migration-to-4/gone.zip", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":6007,"message":"The specified resource was not found"}`))
	})
	c := newTestClient(t, mux, legacyConfig())
	ctx := context.Background()
	f, err := c.StatLegacyDownload(ctx, testLegacyApp, "v1", "/migration-to-4/a.zip")
	if err != nil || f.Size != 12345 || f.Name != "a.zip" {
		t.Fatalf("%+v %v", f, err)
	}
	if f, err := c.StatLegacyDownload(ctx, testLegacyApp, "v1", "migration-to-4/empty.zip"); err != nil || f.Size != 0 {
		t.Fatalf("empty file: %+v %v", f, err)
	}
	if _, err := c.StatLegacyDownload(ctx, testLegacyApp, "v1", "/migration-to-4/gone.zip"); !IsFileNotFound(err) {
		t.Fatalf("want the Files API's 404 6007, got %v", err)
	}
	if heads.Load() != 0 {
		t.Fatal("no HEAD may be sent")
	}
}

func TestBadEntryName_EveryWayOutOfTheFolder(t *testing.T) {
	for name, bad := range map[string]bool{
		"tables/Person.json": false, "manifest.json": false, "a..b/c": false, "dir/": false,
		"../x": true, "a/../../x": true, "/etc/passwd": true, `..\x`: true, `a\b`: true, "C:x": true, "c:/x": true, "a\x00b": true, "..": true,
	} {
		if got := BadEntryName(name) != ""; got != bad {
			t.Errorf("BadEntryName(%q) = %q, want bad=%v", name, BadEntryName(name), bad)
		}
	}
}

// TestCheckLegacyArchive_RefusesEscapingEntriesReadingOnlyTheDirectory: an archive with a "../"
// entry is refused from its central directory, read with Range GETs (no whole download).
func TestCheckLegacyArchive_RefusesEscapingEntriesReadingOnlyTheDirectory(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"files/a.txt", "../evil.sh"} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		_, _ = w.Write(bytes.Repeat([]byte("x"), 300<<10))
	}
	_ = zw.Close()
	bad := buf.Bytes()
	good := buildArchive(t, testManifest, 1024)
	var full atomic.Int32
	mux := http.NewServeMux()
	for name, b := range map[string][]byte{"bad.zip": bad, "good.zip": good} {
		mux.HandleFunc("/"+testLegacyApp+"/v1/files/migration-to-4/"+name, func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Range") == "" {
				full.Add(1)
			}
			http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
		})
	}
	c := newTestClient(t, mux, legacyConfig())
	err := c.CheckLegacyArchive(context.Background(), testLegacyApp, "v1", "/migration-to-4/bad.zip")
	var ae *ArchiveError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), `"../evil.sh"`) {
		t.Fatalf("want an *ArchiveError naming ../evil.sh, got %v", err)
	}
	if err := c.CheckLegacyArchive(context.Background(), testLegacyApp, "v1", "/migration-to-4/good.zip"); err != nil {
		t.Fatal(err)
	}
	if full.Load() != 0 {
		t.Fatal("an archive was downloaded whole")
	}
}
