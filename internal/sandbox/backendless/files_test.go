package backendless

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

func TestFilesREST_UploadStoresTheBytesAndAnswersFileURL(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	content := bytes.Repeat([]byte("files-archive "), 50_000)
	resp, body := upload(t, apiURL(srv, app, "/files/crm_v1_files.zip?overwrite=true"), "", "crm_v1_files.zip", bytes.NewReader(content))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	out := decode[map[string]string](t, body)
	if want := apiURL(srv, app, "/files/crm_v1_files.zip"); out["fileURL"] != want || len(out) != 1 {
		t.Fatalf("body %s, want fileURL %s", body, want)
	}
	size, sum, ok := s.BackendlessFile(app.ID, "/crm_v1_files.zip")
	if !ok || size != int64(len(content)) || sum != sha256Hex(content) {
		t.Fatalf("stored %d %s %v", size, sum, ok)
	}
	resp, got := call(t, "GET", out["fileURL"], "", nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, content) {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(got))
	}
	// Missing directories are created.
	if resp, body := upload(t, apiURL(srv, app, "/files/a/b/c.txt"), "", "c.txt", strings.NewReader("c")); resp.StatusCode != http.StatusOK {
		t.Fatalf("nested upload: %d %s", resp.StatusCode, body)
	}
	_, body = call(t, "GET", apiURL(srv, app, "/files/a/"), "", nil)
	if items := decode[[]bkFileItem](t, body); len(items) != 1 || items[0].Name != "b" || items[0].Size != nil {
		t.Fatalf("listing a/: %s", body)
	}
}

func TestFilesREST_UploadOverExistingFileNeedsOverwrite(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	app := mustCreate(t, s, devLogin, "target", "US")
	url := apiURL(srv, app, "/files/x.zip")
	if resp, body := upload(t, url, "", "x.zip", strings.NewReader("first")); resp.StatusCode != http.StatusOK {
		t.Fatalf("first: %d %s", resp.StatusCode, body)
	}
	blobs := blobCount(t, dir)
	for _, q := range []string{"", "?overwrite=false"} {
		resp, body := upload(t, url+q, "", "x.zip", strings.NewReader("second"))
		if resp.StatusCode != http.StatusBadRequest || string(body) != `{"code":6016,"message":"File already exists"}` {
			t.Fatalf("%q: %d %s", q, resp.StatusCode, body)
		}
	}
	if got := backendlessBytes(t, s, app.ID, "x.zip"); string(got) != "first" {
		t.Fatalf("refused upload changed the file to %q", got)
	}
	if resp, body := upload(t, url+"?overwrite=true", "", "x.zip", strings.NewReader("second")); resp.StatusCode != http.StatusOK {
		t.Fatalf("overwrite: %d %s", resp.StatusCode, body)
	}
	if got := backendlessBytes(t, s, app.ID, "x.zip"); string(got) != "second" {
		t.Fatalf("after overwrite %q", got)
	}
	if n := blobCount(t, dir); n != blobs {
		t.Fatalf("%d blobs after overwrite, want %d: the old blob must go", n, blobs)
	}
	if resp, _ := upload(t, url+"?overwrite=maybe", "", "x.zip", strings.NewReader("x")); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("overwrite=maybe: %d", resp.StatusCode)
	}
}

func TestFilesREST_UploadRefusesBadBodiesAndPaths(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	// Not multipart.
	resp, body := call(t, "POST", apiURL(srv, app, "/files/x.zip"), "", "raw bytes")
	if resp.StatusCode != http.StatusBadRequest || decode[bkErrorBody](t, body).Code != bkCodeBadFileRequest {
		t.Fatalf("raw body: %d %s", resp.StatusCode, body)
	}
	// Multipart without a part named file.
	mp, ctype := multipartBody("document", "x.zip", strings.NewReader("x"))
	req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/x.zip"), mp)
	req.Header.Set("Content-Type", ctype)
	if resp, body := do(t, req); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "'file'") {
		t.Fatalf("no file part: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/files/", "/files/dir/"} {
		if resp, body := upload(t, apiURL(srv, app, p), "", "x", strings.NewReader("x")); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
	if _, _, ok := s.BackendlessFile(app.ID, "x.zip"); ok {
		t.Fatal("a refused upload stored a file")
	}
	// A file cannot be stored over a directory, nor below a file.
	upload(t, apiURL(srv, app, "/files/d/f.txt"), "", "f", strings.NewReader("f"))
	for _, p := range []string{"/files/d", "/files/d/f.txt/g.txt"} {
		if resp, body := upload(t, apiURL(srv, app, p+"?overwrite=true"), "", "x", strings.NewReader("x")); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
}

func TestFilesREST_WrongRESTKeyIs401Code2002(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	other := mustCreate(t, s, devLogin, "other", "US")
	for _, c := range []struct{ method, path string }{
		{"GET", "/" + app.ID + "/" + other.RESTAPIKey + "/files/x.zip"},
		{"GET", "/" + app.ID + "/" + jsKey(t, s, app) + "/files/x.zip?action=exists"},
		{"DELETE", "/" + app.ID + "/WRONG/files/x.zip"},
		{"POST", "/" + app.ID + "/WRONG/files/x.zip"},
		{"GET", "/NOPE/" + app.RESTAPIKey + "/data/Person/count"},
	} {
		resp, body := call(t, c.method, srv.URL+mountBackendlessAPI+c.path, "", nil)
		if resp.StatusCode != http.StatusUnauthorized || decode[bkErrorBody](t, body).Code != 2002 {
			t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
		}
	}
}

// jsKey returns the app's JS key: a real key of the app, but not the REST one.
func jsKey(t *testing.T, s *Backendless, a BackendlessApp) string {
	t.Helper()
	key := ""
	s.store.read(func(st *state) {
		for _, k := range st.bkApp(a.ID).APIKeys {
			if k.DeviceType == "JS" {
				key = k.APIKey
			}
		}
	})
	return key
}

func TestFilesREST_ExistsListingDeleteAndCount(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	app := mustCreate(t, s, devLogin, "target", "US")
	for _, p := range []string{"a.zip", "logs/one.log", "logs/two.log"} {
		if resp, body := upload(t, apiURL(srv, app, "/files/"+p), "", p, strings.NewReader("content of "+p)); resp.StatusCode != http.StatusOK {
			t.Fatalf("upload %s: %d %s", p, resp.StatusCode, body)
		}
	}
	for p, want := range map[string]string{"a.zip": "true", "logs": "true", "logs/one.log": "true", "nope.zip": "false", "logs/nope": "false"} {
		resp, body := call(t, "GET", apiURL(srv, app, "/files/"+p+"?action=exists"), "", nil)
		if resp.StatusCode != http.StatusOK || string(body) != want {
			t.Errorf("exists %s: %d %s, want %s", p, resp.StatusCode, body, want)
		}
	}
	_, body := call(t, "GET", apiURL(srv, app, "/files/?pattern=*&sub=false&pagesize=100&offset=0"), "", nil)
	if items := decode[[]bkFileItem](t, body); len(items) != 2 || items[0].Name != "a.zip" || items[1].Name != "logs" || items[1].PublicURL != apiURL(srv, app, "/files/logs/") {
		t.Fatalf("root listing %s", body)
	}
	_, body = call(t, "GET", apiURL(srv, app, "/files/logs"), "", nil)
	if items := decode[[]bkFileItem](t, body); len(items) != 2 || items[0].URL != "logs/one.log" || *items[0].Size != int64(len("content of logs/one.log")) {
		t.Fatalf("logs listing %s", body)
	}
	for q, want := range map[string]string{"?action=count": "1", "?action=count&sub=true": "3", "?action=count&countDirectories=true": "2", "?action=count&sub=true&pattern=*.log": "2"} {
		if _, body := call(t, "GET", apiURL(srv, app, "/files/"+q), "", nil); string(body) != want {
			t.Errorf("count %s: %s, want %s", q, body, want)
		}
	}
	if resp, body := call(t, "GET", apiURL(srv, app, "/files/nope/"), "", nil); resp.StatusCode != http.StatusNotFound || decode[bkErrorBody](t, body).Code != 6007 {
		t.Fatalf("missing dir: %d %s", resp.StatusCode, body)
	}

	blobs := blobCount(t, dir)
	resp, body := call(t, "DELETE", apiURL(srv, app, "/files/a.zip"), "", nil)
	if resp.StatusCode != http.StatusOK || decode[bkDeletion](t, body).DeletionTime == 0 {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	if _, body := call(t, "GET", apiURL(srv, app, "/files/a.zip?action=exists"), "", nil); string(body) != "false" {
		t.Fatal("deleted file still exists")
	}
	if resp, body := call(t, "DELETE", apiURL(srv, app, "/files/a.zip"), "", nil); resp.StatusCode != http.StatusNotFound || decode[bkErrorBody](t, body).Code != 6007 {
		t.Fatalf("second delete: %d %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, "DELETE", apiURL(srv, app, "/files/logs"), "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("delete dir: %d", resp.StatusCode)
	}
	if n := blobCount(t, dir); n != blobs-3 {
		t.Fatalf("%d blobs, want %d", n, blobs-3)
	}
	if err := s.DeleteBackendlessFile(app.ID, "logs"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("helper delete of a missing dir: %v", err)
	}
}

func TestFilesREST_DownloadServesRangesAndHEAD(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	content := make([]byte, 300_000)
	_, _ = io.ReadFull(generatedBytes(42, int64(len(content))), content)
	upload(t, apiURL(srv, app, "/files/big.bin"), "", "big.bin", bytes.NewReader(content))
	req, _ := http.NewRequest("GET", apiURL(srv, app, "/files/big.bin"), nil)
	req.Header.Set("Range", "bytes=-100")
	resp, body := do(t, req)
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, content[len(content)-100:]) {
		t.Fatalf("suffix range: %d, %d bytes", resp.StatusCode, len(body))
	}
	resp, body = call(t, "HEAD", apiURL(srv, app, "/files/big.bin"), "", nil)
	if resp.StatusCode != http.StatusOK || resp.ContentLength != int64(len(content)) || len(body) != 0 {
		t.Fatalf("HEAD: %d %d", resp.StatusCode, resp.ContentLength)
	}
	if resp, body := call(t, "GET", apiURL(srv, app, "/files/nope.bin"), "", nil); resp.StatusCode != http.StatusNotFound || decode[bkErrorBody](t, body).Code != 6007 {
		t.Fatalf("missing: %d %s", resp.StatusCode, body)
	}
}

func TestFilesREST_ResetFaultMidUploadLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	app := mustCreate(t, s, devLogin, "target", "US")
	blobs := blobCount(t, dir)
	s.ScriptFault("POST", "/"+app.ID+"/", core.FaultReset, 1)
	var mp bytes.Buffer
	body, ctype := multipartBody("file", "x.zip", bytes.NewReader(bytes.Repeat([]byte("z"), 4<<20)))
	_, _ = io.Copy(&mp, body)
	req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/x.zip"), bytes.NewReader(mp.Bytes()))
	req.Header.Set("Content-Type", ctype)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("upload through a reset answered %d", resp.StatusCode)
	}
	if s.Faulted("POST", "/"+app.ID+"/") != 1 {
		t.Fatal("the reset did not fire")
	}
	if _, _, ok := s.BackendlessFile(app.ID, "x.zip"); ok {
		t.Fatal("a reset upload left a file")
	}
	if n := blobCount(t, dir); n != blobs {
		t.Fatalf("%d blobs, want %d", n, blobs)
	}
}

// cutReader yields n bytes, then fails: a client whose source dies part-way through an upload.
type cutReader struct{ n int }

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errors.New("source went away")
	}
	k := min(len(p), c.n)
	for i := range k {
		p[i] = 'c'
	}
	c.n -= k
	return k, nil
}

func TestFilesREST_BodyCutOffPartWayLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	app := mustCreate(t, s, devLogin, "target", "US")
	blobs := blobCount(t, dir)
	body, ctype := multipartBody("file", "x.zip", &cutReader{n: 3 << 20})
	req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/x.zip"), body)
	req.Header.Set("Content-Type", ctype)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a cut upload answered %d", resp.StatusCode)
	}
	// The handler notices the cut on its own time; wait until it has cleaned up.
	deadline := time.Now().Add(20 * time.Second)
	for {
		entries, _ := os.ReadDir(filepath.Join(dir, core.BlobDir))
		tmp := 0
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".tmp") {
				tmp++
			}
		}
		if tmp == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d temporary blobs left", tmp)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, _, ok := s.BackendlessFile(app.ID, "x.zip"); ok {
		t.Fatal("a cut upload left a file")
	}
	if n := blobCount(t, dir); n != blobs {
		t.Fatalf("%d blobs, want %d", n, blobs)
	}
}

func TestFilesREST_Upload64MiBIsStreamedNotBuffered(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	const size = 64 << 20
	want := sha256.New()
	if _, err := io.Copy(want, generatedBytes(7, size)); err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	resp, body := upload(t, apiURL(srv, app, "/files/big.zip"), "", "big.zip", generatedBytes(7, size))
	close(stop)
	wg.Wait()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	n, sum, ok := s.BackendlessFile(app.ID, "big.zip")
	if !ok || n != size || sum != hex.EncodeToString(want.Sum(nil)) {
		t.Fatalf("stored %d bytes %s", n, sum)
	}
	growth := int64(peak.Load()) - int64(base)
	t.Logf("heap in use grew by %d KiB during a %d MiB upload", growth>>10, size>>20)
	if growth > 16<<20 {
		t.Fatalf("heap in use grew by %d MiB during a 64 MiB upload: the body is being buffered", growth>>20)
	}
}

func TestFilesREST_FaultsApplyToTheAPIMount(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	app := mustCreate(t, s, devLogin, "target", "US")
	s.ScriptFault("GET", "/"+app.ID+"/", core.Fault429, 1)
	resp, _ := call(t, "GET", apiURL(srv, app, "/files/?action=count"), "", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
}

// --- console file routes ---

func TestConsoleFiles_DirectoryViewCountAndDownload(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	app := mustCreate(t, s, devLogin, "target", "US")
	for _, p := range []string{"migration/import-A.log", "migration/import-B.log", "root.zip"} {
		upload(t, apiURL(srv, app, "/files/"+p), "", p, strings.NewReader(p))
		time.Sleep(2 * time.Millisecond) // distinct createdOn, so the sort order is known
	}
	resp, body := call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/files/directory/view/migration?pattern=*.log&sub=false&sortBy=createdOn&sortDirection=desc&pageSize=10&offset=0"), key, nil)
	items := decode[[]bkFileItem](t, body)
	if resp.StatusCode != http.StatusOK || len(items) != 2 || items[0].Name != "import-B.log" || items[1].Name != "import-A.log" {
		t.Fatalf("view: %d %s", resp.StatusCode, body)
	}
	if items[0].URL != "migration/import-B.log" || items[0].PublicURL != apiURL(srv, app, "/files/migration/import-B.log") {
		t.Errorf("item %+v", items[0])
	}
	for p, want := range map[string]string{"/migration/count": "2", "/count?sub=true": "4", "/count": "2", "/migration/count?pattern=*A*": "1"} {
		resp, body := call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/files/directory/view"+p), key, nil)
		if resp.StatusCode != http.StatusOK || string(body) != want {
			t.Errorf("count %s: %d %s, want %s", p, resp.StatusCode, body, want)
		}
	}
	resp, body = call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/files/download/migration/import-A.log"), key, nil)
	if resp.StatusCode != http.StatusOK || string(body) != "migration/import-A.log" {
		t.Fatalf("download: %d %s", resp.StatusCode, body)
	}
	// Console 404s carry no body; another developer's app is not found; no auth-key is 401.
	lresp, _ := call(t, "POST", consoleURL(srv.URL, "/console/home/login"), "", map[string]string{"login": "other@example.com", "password": "other-password"})
	other := lresp.Header.Get("auth-key")
	for _, c := range []struct{ key, path string }{
		{key, "/" + app.ID + "/console/files/download/nope.log"},
		{key, "/" + app.ID + "/console/files/directory/view/nope"},
		{other, "/" + app.ID + "/console/files/directory/view/migration"},
		{key, "/NOPE/console/files/directory/view/"},
	} {
		resp, body := call(t, "GET", consoleURL(srv.URL, c.path), c.key, nil)
		if resp.StatusCode != http.StatusNotFound || len(body) != 0 {
			t.Errorf("%s: %d %q", c.path, resp.StatusCode, body)
		}
	}
	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/"+app.ID+"/console/files/directory/view/"), "", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no auth-key: %d", resp.StatusCode)
	}
}

// --- lifecycle ---

func TestFiles_AppDeletionRemovesItsFilesTablesAndBlobs(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	data, _ := archiveVersion(t, s, crmID, "v1")
	before := blobCount(t, dir)
	key := login(t, srv, devLogin)
	app := mustCreate(t, s, devLogin, "doomed", "US")
	upload(t, apiURL(srv, app, "/files/a.zip"), "", "a.zip", strings.NewReader("a"))
	if _, err := s.ImportBackendlessArchive(app.ID, bytes.NewReader(legacyBytes(t, s, crmID, "v1", data))); err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s)
	if len(s.BackendlessTableCounts(app.ID)) != 3 || blobCount(t, dir) <= before+3 {
		t.Fatalf("setup: counts %v, blobs %d", s.BackendlessTableCounts(app.ID), blobCount(t, dir))
	}
	if resp, _ := call(t, "DELETE", consoleURL(srv.URL, "/"+app.ID+"/console/application"), key, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("delete app: %d", resp.StatusCode)
	}
	if n := blobCount(t, dir); n != before {
		t.Fatalf("%d blobs after deleting the app, want %d", n, before)
	}
	if s.BackendlessTableCounts(app.ID) != nil {
		t.Fatal("tables of a deleted app")
	}
	s.store.read(func(st *state) {
		if _, ok := st.Backendless.AppData[app.ID]; ok {
			t.Error("state keeps the deleted app's data")
		}
	})
}

func TestFiles_StateAndBlobsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := newSandbox(Options{DataDir: dir, JobDuration: -1})
	if err != nil {
		t.Fatal(err)
	}
	app, err := s1.CreateBackendlessApp(devLogin, "kept")
	if err != nil {
		t.Fatal(err)
	}
	data, files := archiveVersion(t, s1, crmID, "v1")
	_, dataSum, _ := s1.LegacyFileDigest(crmID, "v1", data)
	if err := s1.bkStoreFile(bkAppFiles(app.ID), "files.zip", bytes.NewReader(legacyBytes(t, s1, crmID, "v1", files)), false); err != nil {
		t.Fatal(err)
	}
	importID, err := s1.ImportBackendlessArchive(app.ID, bytes.NewReader(legacyBytes(t, s1, crmID, "v1", data)))
	if err != nil {
		t.Fatal(err)
	}
	waitIdle(t, s1)
	size, sum, _ := s1.BackendlessFile(app.ID, "files.zip")
	counts := s1.BackendlessTableCounts(app.ID)
	blobs := blobCount(t, dir)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2, srv := newTestSandbox(t, Options{DataDir: dir})
	if n := blobCount(t, dir); n != blobs {
		t.Fatalf("%d blobs after restart, want %d (nothing re-seeded)", n, blobs)
	}
	if n, h, ok := s2.BackendlessFile(app.ID, "files.zip"); !ok || n != size || h != sum {
		t.Fatalf("files.zip after restart: %d %s %v", n, h, ok)
	}
	if got := sha256Hex(backendlessBytes(t, s2, app.ID, "files.zip")); got != sum {
		t.Fatal("files.zip bytes changed across the restart")
	}
	if got := s2.BackendlessTableCounts(app.ID); !equalCounts(got, counts) {
		t.Fatalf("tables after restart %v, want %v", got, counts)
	}
	if _, h, ok := s2.LegacyFileDigest(crmID, "v1", data); !ok || h != dataSum {
		t.Fatal("the 3.x archive changed across the restart")
	}
	if lines := logLines(t, s2, app.ID, importID); lines[len(lines)-1] == "" || !strings.HasSuffix(lines[len(lines)-1], "MIGRATION COMPLETED") {
		t.Fatalf("log after restart %v", lines)
	}
	_, body := call(t, "GET", apiURL(srv, app, "/data/Person/count"), "", nil)
	if string(body) != "250" {
		t.Fatalf("Person count after restart %s", body)
	}
}

func TestFilesREST_RootWithoutTrailingSlashListsInsteadOfRedirecting(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv, devLogin)
	app := mustCreate(t, s, devLogin, "target", "US")
	upload(t, apiURL(srv, app, "/files/a.zip"), "", "a.zip", strings.NewReader("a"))
	for _, c := range []struct{ url, key string }{
		{apiURL(srv, app, "/files"), ""},
		{consoleURL(srv.URL, "/"+app.ID+"/console/files/directory/view"), key},
	} {
		resp, body := call(t, "GET", c.url, c.key, nil)
		if items := decode[[]bkFileItem](t, body); resp.StatusCode != http.StatusOK || resp.Request.URL.String() != c.url || len(items) != 1 || items[0].Name != "a.zip" {
			t.Errorf("%s: %d at %s: %s", c.url, resp.StatusCode, resp.Request.URL, body)
		}
	}
}
