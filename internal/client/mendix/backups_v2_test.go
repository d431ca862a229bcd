package mendix

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

func TestSnapshots_SnakeCaseAllPagesNullableTimes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requireAPIKey(t, r)
		if r.URL.Path != "/deploy/api/v2/apps/p-1/environments/e-1/snapshots" {
			t.Errorf("path %q", r.URL.Path)
		}
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		var page []map[string]any
		for i := offset; i < 150 && len(page) < 100; i++ {
			page = append(page, map[string]any{"snapshot_id": strconv.Itoa(i), "state": "completed",
				"created_at":  time.Date(2024, 1, 1, 0, 0, i%60, 0, time.UTC).Add(time.Duration(i) * time.Minute).Format("2006-01-02T15:04:05.000Z"),
				"finished_at": nil, "model_version": "1.0"})
		}
		writeJSON(w, 200, map[string]any{"snapshots": page, "total": 150, "offset": offset, "limit": 100})
	}))
	defer srv.Close()
	snaps, err := newTestClient(t, srv).Snapshots(context.Background(), "p-1", "e-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 150 || snaps[0].SnapshotID != "149" || !snaps[0].FinishedAt.IsZero() {
		t.Fatalf("got %d snapshots, first %+v", len(snaps), snaps[0])
	}
}

func TestStartRestore_WithoutLookupALostAnswerIsNotSentAgain(t *testing.T) {
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		if r.URL.Path != "/deploy/api/v2/apps/p-1/environments/e-1/restores" || r.URL.Query().Get("source_snapshot_id") != "s-9" {
			t.Errorf("got %s?%s", r.URL.Path, r.URL.RawQuery)
		}
		deployError(w, 502, "BAD_GATEWAY", "proxy")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).StartRestore(context.Background(), "p-1", "e-1", "s-9", false, false)
	if !transport.IsOutcomeUnknown(err) || posts != 1 {
		t.Fatalf("a restore is a job no documented read can find: not repeated blindly (%d posts), outcome unknown: %v", posts, err)
	}
}

func TestStartRestore_LostAnswerAdoptsTheRestoreTheModeledListingShows(t *testing.T) {
	var posts, lists atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			posts.Add(1)
			deployError(w, 502, "BAD_GATEWAY", "proxy") // the restore started, the answer was lost
		case http.MethodGet:
			lists.Add(1)
			if r.URL.Path != "/deploy/api/v2/apps/p-1/environments/e-1/restores" || r.URL.Query().Get("source_snapshot_id") != "s-9" {
				t.Errorf("listing %s?%s", r.URL.Path, r.URL.RawQuery)
			}
			writeJSON(w, 200, map[string]any{"restores": []any{map[string]any{"restore_id": "r-1", "source_snapshot_id": "s-9", "state": "running",
				"created_at": "2024-01-01T00:00:00.000Z"}}, "total": 1})
		}
	}))
	defer srv.Close()
	rs, err := newTestClient(t, srv).StartRestore(context.Background(), "p-1", "e-1", "s-9", false, true)
	if err != nil || !rs.Adopted || rs.RestoreID != "r-1" || posts.Load() != 1 || lists.Load() != 1 {
		t.Fatalf("got %+v, %v after %d posts and %d lists", rs, err, posts.Load(), lists.Load())
	}
}

func TestStartRestore_LostAnswerSentAgainWhenTheListingShowsNone(t *testing.T) {
	var posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			writeJSON(w, 200, map[string]any{"restores": []any{}, "total": 0})
			return
		}
		if posts.Add(1) == 1 {
			deployError(w, 503, "SERVICE_UNAVAILABLE", "try later")
			return
		}
		writeJSON(w, 200, map[string]any{"restore_id": "r-2", "source_snapshot_id": "s-9", "state": "queued"})
	}))
	defer srv.Close()
	rs, err := newTestClient(t, srv).StartRestore(context.Background(), "p-1", "e-1", "s-9", false, true)
	if err != nil || rs.Adopted || rs.RestoreID != "r-2" || posts.Load() != 2 {
		t.Fatalf("got %+v, %v after %d posts", rs, err, posts.Load())
	}
}

func TestRestore_Parse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"restore_id": "r", "source_snapshot_id": "s", "target_environment_id": "e-1",
			"state": "failed", "status_message": "app still running (stop loft)", "created_at": "2024-01-01T00:00:00.000Z", "finished_at": "2024-01-01T00:01:00Z"})
	}))
	defer srv.Close()
	rs, err := newTestClient(t, srv).Restore(context.Background(), "p-1", "e-1", "r")
	if err != nil || rs.State != StateFailed || rs.StatusMessage == "" || rs.FinishedAt.Sub(rs.CreatedAt) != time.Minute {
		t.Fatalf("got %+v, %v", rs, err)
	}
}

func TestUploadSnapshot_ModeledPathCommentAndMultipart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet:
			writeJSON(w, 200, map[string]any{"snapshots": []any{}, "total": 0})
		case r.URL.Path == "/deploy/api/v2/apps/p-1/environments/e-1/snapshots/upload":
			if got := r.URL.Query().Get("comment"); got != "marker;" {
				t.Errorf("comment %q", got)
			}
			f, _, err := r.FormFile("file")
			if err != nil {
				t.Fatalf("form field file: %v", err)
			}
			b, _ := io.ReadAll(f)
			if string(b) != "tar.gz bytes" {
				t.Errorf("got %q", b)
			}
			writeJSON(w, 202, map[string]any{"snapshot_id": "up-1", "state": "queued", "comment": "marker;", "created_at": "2024-01-01T00:00:00.000Z"})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer srv.Close()
	up, err := newTestClient(t, srv).UploadSnapshot(context.Background(), "p-1", "e-1", "b.tar.gz", "marker;", bytesSource([]byte("tar.gz bytes")))
	if err != nil || up.SnapshotID != "up-1" || up.State != StateQueued || up.Sent.Bytes != 12 || up.Adopted {
		t.Fatalf("got %+v, %v", up, err)
	}
}

func TestUploadSnapshot_LostAnswerAdoptsTheBackupCarryingTheComment(t *testing.T) {
	var posts atomic.Int32
	var made atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			snaps := []any{map[string]any{"snapshot_id": "other", "comment": "Uploaded snapshot", "state": "completed", "created_at": "2024-01-01T00:00:00Z"}}
			if made.Load() {
				snaps = append(snaps, map[string]any{"snapshot_id": "mine", "comment": "marker; sha256=x", "state": "running", "created_at": "2024-01-02T00:00:00Z"})
			}
			writeJSON(w, 200, map[string]any{"snapshots": snaps, "total": len(snaps)})
		case http.MethodPost:
			posts.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			made.Store(true)
			deployError(w, 500, "INTERNAL_SERVER_ERROR", "after the side effect")
		}
	}))
	defer srv.Close()
	up, err := newTestClient(t, srv).UploadSnapshot(context.Background(), "p-1", "e-1", "b.tar.gz", "marker;", bytesSource([]byte("tar.gz bytes")))
	if err != nil || !up.Adopted || up.SnapshotID != "mine" || posts.Load() != 1 {
		t.Fatalf("got %+v, %v after %d uploads", up, err, posts.Load())
	}
}

func TestSetSnapshotComment_PutsTheComment(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if r.Method != http.MethodPut || r.URL.Path != "/deploy/api/v2/apps/p-1/environments/e-1/snapshots/s-1" || in["comment"] != "journal" {
			t.Errorf("got %s %s %v", r.Method, r.URL.Path, in)
		}
		writeJSON(w, 200, map[string]any{"snapshot_id": "s-1", "comment": "journal"})
	}))
	defer srv.Close()
	if err := newTestClient(t, srv).SetSnapshotComment(context.Background(), "p-1", "e-1", "s-1", "journal"); err != nil {
		t.Fatal(err)
	}
}

func TestArchive_URLOnceCompleted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			if r.URL.Query().Get("data_type") != DataFilesAndDatabase {
				t.Errorf("query %q", r.URL.RawQuery)
			}
			writeJSON(w, 200, map[string]any{"archive_id": "a", "snapshot_id": "s", "state": "queued", "url": nil})
		default:
			writeJSON(w, 200, map[string]any{"archive_id": "a", "snapshot_id": "s", "state": "completed", "url": "https://storage/x"})
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv)
	a, err := c.CreateArchive(context.Background(), "p", "e", "s", DataFilesAndDatabase)
	if err != nil || a.URL != "" {
		t.Fatalf("got %+v, %v", a, err)
	}
	a, err = c.Archive(context.Background(), "p", "e", "s", "a")
	if err != nil || a.URL != "https://storage/x" {
		t.Fatalf("got %+v, %v", a, err)
	}
}

func TestSnapshots_NotSupportedOnV3(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deployError(w, 400, "NOT_SUPPORTED", "This endpoint can only be used with Mendix Cloud V4")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).Snapshots(context.Background(), "p", "e")
	if !HasCode(err, "NOT_SUPPORTED") {
		t.Fatalf("got %v", err)
	}
}
