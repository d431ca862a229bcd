package mendix

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSnapshotsV1_CapitalIDNewestFirst(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requireAPIKey(t, r)
		if r.URL.Path != "/deploy/api/1/apps/calc/environments/Production/snapshots" {
			t.Errorf("path %q", r.URL.Path)
		}
		writeJSON(w, 200, []map[string]any{
			{"SnapshotID": "old", "State": "Completed", "CreatedOn": 1000, "ExpiresOn": 9000, "ModelVersion": "1.0"},
			{"SnapshotID": "newest-running", "State": "Running", "CreatedOn": 3000},
			{"SnapshotID": "new", "State": "Completed", "CreatedOn": 2000, "Comment": "nightly"},
		})
	}))
	defer srv.Close()
	snaps, err := newTestClient(t, srv).SnapshotsV1(context.Background(), "calc", "Production")
	if err != nil {
		t.Fatal(err)
	}
	if snaps[0].SnapshotID != "newest-running" || snaps[2].CreatedOn != time.UnixMilli(1000).UTC() || snaps[2].ExpiresOn != time.UnixMilli(9000).UTC() {
		t.Fatalf("got %+v", snaps)
	}
	if n := NewestCompletedV1(snaps); n == nil || n.SnapshotID != "new" {
		t.Fatalf("newest completed = %+v", n)
	}
	if NewestCompletedV1(nil) != nil {
		t.Fatal("no snapshots, no newest")
	}
}

func TestSnapshotURLsV1_500MeansStillBeingMade(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		deployError(w, 500, "INTERNAL_SERVER_ERROR", "still being made")
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv).SnapshotURLsV1(context.Background(), "calc", "Production", "s")
	if !IsStillBeingMade(err) {
		t.Fatalf("got %v", err)
	}
}

func TestSnapshotURLsV1_Links(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/deploy/api/1/apps/calc/environments/Production/snapshots/s1" {
			t.Errorf("path %q", r.URL.Path)
		}
		writeJSON(w, 200, map[string]string{"FilesOnly": "f", "DatabaseOnly": "d", "DatabaseAndFiles": "df"})
	}))
	defer srv.Close()
	l, err := newTestClient(t, srv).SnapshotURLsV1(context.Background(), "calc", "Production", "s1")
	if err != nil || *l != (SnapshotURLs{FilesOnly: "f", DatabaseOnly: "d", DatabaseAndFiles: "df"}) {
		t.Fatalf("got %+v, %v", l, err)
	}
}
