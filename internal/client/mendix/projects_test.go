package mendix

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestCreateProject_202JobID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requirePAT(t, r)
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if r.URL.Path != "/projects/v2/projects" || in["name"] != "calc-temp" {
			t.Errorf("got %s %v", r.URL.Path, in)
		}
		writeJSON(w, 202, map[string]string{"jobId": "j"})
	}))
	defer srv.Close()
	id, err := newTestClient(t, srv).CreateProject(context.Background(), "calc-temp", "")
	if err != nil || id != "j" {
		t.Fatalf("got %q, %v", id, err)
	}
}

func TestProjectJob_BothCasings(t *testing.T) {
	for _, body := range []map[string]string{
		{"status": "completed", "projectId": "p-1"},
		{"status": "completed", "project_id": "p-1"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/projects/v2/projects/jobs/j" {
				t.Errorf("path %q", r.URL.Path)
			}
			writeJSON(w, 200, body)
		}))
		j, err := newTestClient(t, srv).ProjectJob(context.Background(), "j")
		srv.Close()
		if err != nil || j.ProjectID != "p-1" || j.Status != ProjectJobCompleted {
			t.Fatalf("%v: got %+v, %v", body, j, err)
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]string{"status": "failed", "error_message": "quota"})
	}))
	defer srv.Close()
	j, err := newTestClient(t, srv).ProjectJob(context.Background(), "j")
	if err != nil || j.ErrorMessage != "quota" {
		t.Fatalf("got %+v, %v", j, err)
	}
}

func TestDeleteProject_409WhileLinked(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/projects/v2/projects/p-1" {
			t.Errorf("got %s %s", r.Method, r.URL.Path)
		}
		writeJSON(w, 409, map[string]any{"error": map[string]any{"message": "Conflict", "detail": "linked to a licensed node", "code": 409}})
	}))
	defer srv.Close()
	err := newTestClient(t, srv).DeleteProject(context.Background(), "p-1")
	if !IsLinked(err) {
		t.Fatalf("got %v", err)
	}
}

func TestProjectCalls_NeedThePAT(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("no request without a PAT: %s", r.URL.Path)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv, func(c *Config) { c.PAT = "" }).CreateProject(context.Background(), "x", "")
	var ce *CredentialsError
	if !errors.As(err, &ce) || ce.Needs != "pat" {
		t.Fatalf("got %v", err)
	}
}
