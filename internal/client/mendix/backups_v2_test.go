package mendix

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
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

func TestStartRestore_QueryAndNotRetried(t *testing.T) {
	posts := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts++
		if r.URL.Path != "/deploy/api/v2/apps/p-1/environments/e-1/restores" || r.URL.Query().Get("source_snapshot_id") != "s-9" {
			t.Errorf("got %s?%s", r.URL.Path, r.URL.RawQuery)
		}
		deployError(w, 502, "BAD_GATEWAY", "proxy")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).StartRestore(context.Background(), "p-1", "e-1", "s-9", false)
	if err == nil || posts != 1 {
		t.Fatalf("a restore overwrites data and is not repeated blindly: %d posts, %v", posts, err)
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

func TestUploadSnapshot_ModeledPathAndMultipart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet:
			writeJSON(w, 200, map[string]any{"snapshots": []any{}, "total": 0})
		case r.URL.Path == "/deploy/api/v2/apps/p-1/environments/e-1/snapshots/upload":
			f, _, err := r.FormFile("file")
			if err != nil {
				t.Fatalf("form field file: %v", err)
			}
			b, _ := io.ReadAll(f)
			if string(b) != "tar.gz bytes" {
				t.Errorf("got %q", b)
			}
			writeJSON(w, 202, map[string]any{"snapshot_id": "up-1", "state": "queued", "comment": "Uploaded snapshot", "created_at": "2024-01-01T00:00:00.000Z"})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	}))
	defer srv.Close()
	up, err := newTestClient(t, srv).UploadSnapshot(context.Background(), "p-1", "e-1", "b.tar.gz", bytesSource([]byte("tar.gz bytes")))
	if err != nil || up.SnapshotID != "up-1" || up.State != StateQueued || up.Sent.Bytes != 12 {
		t.Fatalf("got %+v, %v", up, err)
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
