package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// createApp posts a create of the named app with the console's auth-key and returns the
// status and body, or the transport error.
func createApp(t *testing.T, srvURL, key, name string) (int, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest("POST", consoleURL(srvURL, "/console/applications"), strings.NewReader(`{"appName":"`+name+`"}`))
	req.Header.Set("auth-key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func appsNamed(s *Sandbox, name string) int {
	n := 0
	for _, a := range s.BackendlessApps() {
		if a.Name == name {
			n++
		}
	}
	return n
}

func TestDuplicateFault_CreateRunsTwiceAndTheClientSeesTheSecondAnswer(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("POST", "/console/applications", FaultDuplicate, 1)

	status, body, err := createApp(t, srv.URL, key, "twice")
	if err != nil {
		t.Fatal(err)
	}
	if status != http.StatusBadRequest || !strings.Contains(string(body), "already exists") {
		t.Fatalf("client saw %d %s, want the second delivery's \"already exists\"", status, body)
	}
	if n := appsNamed(s, "twice"); n != 1 {
		t.Fatalf("%d apps named twice, want the one the first delivery created", n)
	}
	if n := s.Requests("POST", "/console/applications"); n != 1 {
		t.Errorf("Requests = %d: the client sent one", n)
	}
	if n := s.Faulted("POST", "/console/applications"); n != 1 {
		t.Errorf("Faulted = %d", n)
	}
}

func TestDuplicateFault_ReplaysALargeBodyFromATemporaryFileAndRemovesIt(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	app := mustCreate(t, s, "target")
	s.ScriptFault("POST", "/"+app.ID+"/", FaultDuplicate, 1)

	content := bytes.Repeat([]byte("0123456789abcdef"), 256<<10) // 4 MiB: above the in-memory limit
	var mp bytes.Buffer
	body, ctype := multipartBody("file", "x.zip", bytes.NewReader(content))
	if _, err := io.Copy(&mp, body); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/x.zip"), bytes.NewReader(mp.Bytes()))
	req.Header.Set("Content-Type", ctype)
	resp, raw := do(t, req)
	if resp.StatusCode != http.StatusBadRequest || decode[bkErrorBody](t, raw).Code != bkCodeFileExists {
		t.Fatalf("client saw %d %s, want the second delivery's 6016", resp.StatusCode, raw)
	}
	size, sum, ok := s.BackendlessFile(app.ID, "x.zip")
	want := sha256.Sum256(content)
	if !ok || size != int64(len(content)) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("stored %v %d %s: the first delivery should have stored the whole file", ok, size, sum)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "replay-*"))
	if len(leftovers) != 0 {
		t.Fatalf("replay spool left behind: %v", leftovers)
	}
}

func TestDuplicateFault_ScriptWithoutAMethodMatchesPOSTsOnly(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("", "/console/applications", FaultDuplicate, 1)

	if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	if n := s.Faulted("", "/console/applications"); n != 0 {
		t.Fatalf("a GET consumed the duplicate rule")
	}
	if status, _, err := createApp(t, srv.URL, key, "dup"); err != nil || status != http.StatusBadRequest {
		t.Fatalf("POST: %d %v, want the duplicate's 400", status, err)
	}
}

func TestRandomFaults_DuplicateRateAppliesToPOSTsOnly(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{Seed: 1, RateDuplicate: 1}})
	key := login(t, srv) // a POST: delivered twice, two sessions, the second answer
	for range 3 {
		if resp, _ := call(t, "GET", consoleURL(srv.URL, "/console/applications"), key, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d", resp.StatusCode)
		}
	}
	if n := s.Faulted("GET", "/"); n != 0 {
		t.Fatalf("%d GETs duplicated", n)
	}
	if n := s.Faulted("POST", "/"); n != 1 {
		t.Fatalf("%d POSTs duplicated, want the login", n)
	}
}

func TestFiveXXAfterFault_TheCreateHappensAndTheClientSeesTheError(t *testing.T) {
	for f, want := range map[Fault]int{Fault500After: 500, Fault502After: 502, Fault503After: 503} {
		t.Run(f.String(), func(t *testing.T) {
			s, srv := newTestSandbox(t, Options{})
			key := login(t, srv)
			s.ScriptFault("POST", "/console/applications", f, 1)
			status, body, err := createApp(t, srv.URL, key, "done-anyway")
			if err != nil {
				t.Fatal(err)
			}
			if status != want || decode[bkErrorBody](t, body).Code != want {
				t.Fatalf("client saw %d %s, want %d in the vendor's error shape", status, body, want)
			}
			if n := appsNamed(s, "done-anyway"); n != 1 {
				t.Fatalf("%d apps: the handler should have run once", n)
			}
		})
	}
}

func TestDropAnswerFault_TheCreateHappensAndTheClientGetsNoByte(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("POST", "/console/applications", FaultDropAnswer, 1)
	status, _, err := createApp(t, srv.URL, key, "unheard")
	if err == nil {
		t.Fatalf("client got an answer (%d) through a dropped answer", status)
	}
	if n := appsNamed(s, "unheard"); n != 1 {
		t.Fatalf("%d apps: the handler should have run once", n)
	}
}

func TestResetRequestFault_CutsASmallJSONBodyAndTheHandlerNeverRuns(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("POST", "/console/applications", FaultResetRequest, 1)
	if status, _, err := createApp(t, srv.URL, key, "cut"); err == nil {
		t.Fatalf("answered %d", status)
	}
	if n := appsNamed(s, "cut"); n != 0 {
		t.Fatalf("%d apps: the handler must not run", n)
	}
}

func TestResetResponseFault_CutsTheAnswerAfterItsHeaders(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("GET", "/console/applications", FaultResetResponse, 1)
	mustCreate(t, s, "listed")
	req, _ := http.NewRequest("GET", consoleURL(srv.URL, "/console/applications"), nil)
	req.Header.Set("auth-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("headers did not arrive: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength <= 0 {
		t.Fatalf("head: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	got, err := io.ReadAll(resp.Body)
	if err == nil || int64(len(got)) >= resp.ContentLength {
		t.Fatalf("read %d of %d bytes, err %v: want a body cut part-way", len(got), resp.ContentLength, err)
	}
}

func TestRandomResets_CutRequestBodiesAndAnswersAtEvenOddsDeterministically(t *testing.T) {
	run := func() int {
		s, srv := newTestSandbox(t, Options{Faults: FaultOptions{Seed: 9, RateReset: 1}})
		app := mustCreate(t, s, "target")
		for i := range 20 {
			body, ctype := multipartBody("file", "f.txt", strings.NewReader("small upload"))
			req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/f"+string(rune('a'+i))+".txt"), body)
			req.Header.Set("Content-Type", ctype)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if err == nil {
				t.Fatalf("upload %d answered %d through a reset", i, resp.StatusCode)
			}
		}
		return len(s.BackendlessFiles(app.ID, "/"))
	}
	stored := run()
	// A request reset never runs the handler, an answer reset does: both kinds must occur.
	if stored == 0 || stored == 20 {
		t.Fatalf("%d of 20 uploads were stored: want some request and some answer resets", stored)
	}
	if again := run(); again != stored {
		t.Fatalf("same seed: %d then %d uploads stored", stored, again)
	}
}

func TestTrickleFault_SendsTheHeadersThenTheBodyByteByByte(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{TrickleInterval: time.Hour}})
	key := login(t, srv)
	s.ScriptFault("GET", "/console/home/myaccount", FaultTrickle, 1)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", consoleURL(srv.URL, "/console/home/myaccount"), nil)
	req.Header.Set("auth-key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the headers should arrive at once: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.ContentLength < 2 {
		t.Fatalf("head: %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	buf := make([]byte, 64)
	n, err := resp.Body.Read(buf)
	if err != nil || n != 1 {
		t.Fatalf("first read: %d bytes, %v: want exactly the first byte", n, err)
	}
	cancel() // the client gives up on the second byte
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Fatal("the body completed within the hour's interval")
	}
}

func TestTrickleFault_TheTrickledBodyIsTheWholeAnswer(t *testing.T) {
	s, srv := newTestSandbox(t, Options{Faults: FaultOptions{TrickleInterval: time.Millisecond, TrickleBytes: 8}})
	key := login(t, srv)
	_, plain := call(t, "GET", consoleURL(srv.URL, "/console/home/myaccount"), key, nil)
	s.ScriptFault("GET", "/console/home/myaccount", FaultTrickle, 1)
	resp, trickled := call(t, "GET", consoleURL(srv.URL, "/console/home/myaccount"), key, nil)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(plain, trickled) {
		t.Fatalf("trickled %d %q, want %q", resp.StatusCode, trickled, plain)
	}
	if s.Faulted("GET", "/console/home/myaccount") != 1 {
		t.Fatal("the trickle did not fire")
	}
}

func TestStallFault_ReadsTheRequestAndNeverAnswers(t *testing.T) {
	s, srv := newTestSandbox(t, Options{})
	key := login(t, srv)
	s.ScriptFault("POST", "/console/applications", FaultStall, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", consoleURL(srv.URL, "/console/applications"), strings.NewReader(`{"appName":"stalled"}`))
	req.Header.Set("auth-key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a stalled request answered %d", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v: want the client's own deadline", err)
	}
	if n := appsNamed(s, "stalled"); n != 0 {
		t.Fatalf("%d apps: the handler must not run", n)
	}
}

func TestStallFault_DoesNotHoldUpClose(t *testing.T) {
	s, err := New(Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	s.ScriptFault("", "/", FaultStall, 1)
	got := make(chan error, 1)
	go func() {
		resp, err := http.Get(s.Endpoints().BackendlessConsoleURL + "/console/applications")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	waitFor(t, func() bool { return s.Faulted("", "/") == 1 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err == nil {
		t.Fatal("the stalled client got an answer")
	}
}

// waitFor polls cond until it holds, failing the test after a generous deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRandomFaults_AScriptedFaultDoesNotShiftTheRandomOnes(t *testing.T) {
	opts := FaultOptions{Seed: 5, Rate5xx: 0.3, Rate429: 0.3}
	a := outcomes(t, opts, nil)
	b := outcomes(t, opts, func(s *Sandbox) { s.ScriptFault("GET", "/", FaultDropAnswer, 1) })
	if b[0] != 0 {
		t.Fatalf("the scripted drop did not fire first: %v", b)
	}
	if !equalInts(a[1:], b[1:]) {
		t.Fatalf("request n's random outcome moved with a scripted fault:\n%v\n%v", a, b)
	}
}

func TestFaultOptions_RejectNewRatesThatCannotBeMeant(t *testing.T) {
	for _, f := range []FaultOptions{
		{RateStall: 1.2}, {RateDrop: -0.1}, {RateDuplicate: 0.6, Rate5xxAfter: 0.6},
		{RateTrickle: 0.5, RateReset: 0.3, Rate429: 0.3}, {Statuses5xx: []int{418}}, {TrickleInterval: -time.Second},
	} {
		if _, err := New(Options{DataDir: t.TempDir(), Faults: f}); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}

func TestControl_ScriptsEveryNewFaultByName(t *testing.T) {
	_, srv := newTestSandbox(t, Options{})
	for _, name := range []string{"duplicate", "500_after", "502_after", "503_after", "drop_answer", "trickle", "stall", "reset_request", "reset_response"} {
		if resp, body := call(t, "POST", srv.URL+"/_sandbox/faults", "", map[string]any{"path_prefix": "/x", "fault": name, "count": 1}); resp.StatusCode != http.StatusCreated {
			t.Errorf("%s: %d %s", name, resp.StatusCode, body)
		}
	}
	_, body := call(t, "GET", srv.URL+"/_sandbox/faults", "", nil)
	if rules := decode[[]FaultRule](t, body); len(rules) != 9 || rules[0].Fault != FaultDuplicate || rules[6].Fault != FaultStall {
		t.Fatalf("pending %s", body)
	}
}

func TestFaults_StallNeverTouchesTheControlSurface(t *testing.T) {
	_, srv := newTestSandbox(t, Options{Faults: FaultOptions{RateStall: 1}})
	if resp, _ := call(t, "GET", srv.URL+"/_sandbox/health", "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("health under RateStall=1: %d", resp.StatusCode)
	}
}

func TestDuplicateFault_LeavesNoSpoolFileAfterAClientBreaksOff(t *testing.T) {
	dir := t.TempDir()
	s, srv := newTestSandbox(t, Options{DataDir: dir})
	app := mustCreate(t, s, "target")
	s.ScriptFault("POST", "/"+app.ID+"/", FaultDuplicate, 1)
	req, _ := http.NewRequest("POST", apiURL(srv, app, "/files/x.bin"), io.MultiReader(bytes.NewReader(bytes.Repeat([]byte("y"), 2<<20)), &cutReader{n: 0}))
	req.Header.Set("Content-Type", "application/octet-stream")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("a broken-off upload answered %d", resp.StatusCode)
	}
	waitFor(t, func() bool {
		left, _ := filepath.Glob(filepath.Join(dir, "replay-*"))
		return len(left) == 0 && s.Faulted("POST", "/") == 1
	})
	if _, _, ok := s.BackendlessFile(app.ID, "x.bin"); ok {
		t.Fatal("a broken-off duplicate stored a file")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
}
