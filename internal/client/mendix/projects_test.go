package mendix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func TestCreateProject_202JobID(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requirePAT(t, r)
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if r.URL.Path != "/projects/v2/projects" || in["name"] != "calc-temp" || in["summary"] != "s mk-1" {
			t.Errorf("got %s %v", r.URL.Path, in)
		}
		writeJSON(w, 202, map[string]string{"jobId": "j"})
	}))
	defer srv.Close()
	out, err := newTestClient(t, srv).CreateProject(context.Background(), ProjectSpec{Name: "calc-temp", Summary: "s mk-1", Marker: "mk-1"})
	if err != nil || out.JobID != "j" || len(out.Adopted) != 0 {
		t.Fatalf("got %+v, %v", out, err)
	}
}

// projectsServer serves the Projects API reads as documented: GET /projects answers 308 to the
// caller's account listing, which honours createdSince/limit/offset.
type projectsServer struct {
	t        *testing.T
	mu       sync.Mutex
	projects []map[string]any
	posts    int
	// onPost handles a create: it may add a project and decide the answer.
	onPost func(w http.ResponseWriter, n int) bool
	since  []string
}

func (p *projectsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/projects/v2/projects":
		p.posts++
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if p.onPost(w, p.posts) {
			p.projects = append(p.projects, map[string]any{"projectId": fmt.Sprintf("p-%d", p.posts), "name": in["name"], "description": in["summary"],
				"createdOn": "2024-05-01T12:00:30Z", "active": true})
		}
	case r.Method == http.MethodGet && r.URL.Path == "/projects/v2/projects":
		w.Header().Set("Location", "accounts/acc-1/projects?"+r.URL.RawQuery)
		w.WriteHeader(http.StatusPermanentRedirect)
	case r.Method == http.MethodGet && r.URL.Path == "/projects/v2/accounts/acc-1/projects":
		p.since = append(p.since, r.URL.Query().Get("createdSince"))
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
		if err != nil || limit > 100 {
			limit = 100
		}
		items := []map[string]any{}
		if offset < len(p.projects) {
			items = p.projects[offset:min(offset+limit, len(p.projects))]
		}
		writeJSON(w, 200, map[string]any{"page": map[string]int{"totalElements": len(p.projects), "offset": offset, "elements": len(items)}, "items": items})
	default:
		p.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
	}
}

func TestCreateProject_LostAnswerAdoptsTheAppCarryingTheMarker(t *testing.T) {
	ps := &projectsServer{t: t, projects: []map[string]any{
		{"projectId": "someone-else", "name": "calc-temp", "description": "no marker", "createdOn": "2024-05-01T12:00:10Z"},
	}}
	ps.onPost = func(w http.ResponseWriter, _ int) bool {
		// Created, but the answer is lost: a 502 from a proxy after the side effect.
		deployError(w, 502, "BAD_GATEWAY", "proxy")
		return true
	}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	since := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	out, err := newTestClient(t, srv).CreateProject(context.Background(),
		ProjectSpec{Name: "calc-temp", Summary: "s mk-1", Marker: "mk-1", Since: since, Settle: time.Second, Interval: time.Millisecond})
	if err != nil || len(out.Adopted) != 1 || out.Adopted[0].ProjectID != "p-1" || ps.posts != 1 {
		t.Fatalf("got %+v, %v after %d posts", out, err, ps.posts)
	}
	if len(ps.since) == 0 || ps.since[len(ps.since)-1] != "2024-05-01T12:00:00Z" {
		t.Fatalf("createdSince must be sent in the documented format, got %q", ps.since)
	}
}

func TestCreateProject_LostAnswerSentAgainOnlyAfterTheSettleShowsNothing(t *testing.T) {
	ps := &projectsServer{t: t}
	ps.onPost = func(w http.ResponseWriter, n int) bool {
		if n == 1 {
			deployError(w, 503, "SERVICE_UNAVAILABLE", "nothing was made")
			return false
		}
		writeJSON(w, 202, map[string]string{"jobId": "j-2"})
		return false
	}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	out, err := newTestClient(t, srv).CreateProject(context.Background(),
		ProjectSpec{Name: "calc-temp", Summary: "mk-1", Marker: "mk-1", Settle: 30 * time.Millisecond, Interval: 5 * time.Millisecond})
	if err != nil || out.JobID != "j-2" || ps.posts != 2 {
		t.Fatalf("got %+v, %v after %d posts", out, err, ps.posts)
	}
	if len(ps.since) < 2 {
		t.Fatalf("the lookup must look more than once before it proves nothing was made, looked %d time(s)", len(ps.since))
	}
}

func TestFindProjects_FollowsTheDeprecatedRedirectOnceAndReadsEveryPage(t *testing.T) {
	ps := &projectsServer{t: t}
	for i := 0; i < 150; i++ {
		desc := "plain"
		if i%50 == 7 {
			desc = "x mk-7 y"
		}
		ps.projects = append(ps.projects, map[string]any{"projectId": fmt.Sprintf("p-%d", i), "name": "n", "description": desc, "createdOn": "2024-05-01T12:00:30Z"})
	}
	srv := httptest.NewServer(ps)
	defer srv.Close()
	c := newTestClient(t, srv)
	for range 2 {
		found, err := c.FindProjects(context.Background(), "mk-7", time.Time{})
		if err != nil || len(found) != 3 || found[0].ProjectID != "p-7" || found[2].ProjectID != "p-107" {
			t.Fatalf("got %+v, %v", found, err)
		}
	}
	if len(ps.since) != 5 { // the redirected GET /projects once per client, then two pages twice
		t.Fatalf("want 5 listing reads, got %d", len(ps.since))
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
	_, err := newTestClient(t, srv, func(c *Config) { c.PAT = "" }).CreateProject(context.Background(), ProjectSpec{Name: "x"})
	var ce *CredentialsError
	if !errors.As(err, &ce) || ce.Needs != "pat" {
		t.Fatalf("got %v", err)
	}
}
