package mendix

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Projects API v2, beta (mendix-cloud-api.md §5.8, static/openapi-spec/projects-v2.yaml): base
// {projects} (https://projects-api.home.mendix.com/v2), Authorization: MxToken, camelCase — except
// the spec's own x-example, which uses snake_case, so job answers are read in both casings.

// Project job statuses (§5.8).
const (
	ProjectJobScheduled = "scheduled"
	ProjectJobRunning   = "running"
	ProjectJobCompleted = "completed"
	ProjectJobFailed    = "failed"
)

// ProjectSpec is what a new app is created with.
type ProjectSpec struct {
	Name    string
	Summary string // sent as is: it carries the caller's marker (see FindProjects)
	// Marker is a text the summary contains and no other app's does: it is how the app is found
	// again when the answer to the create is lost (the job id is then unknown too).
	Marker string
	// Since is when this create began; only apps created from then on are looked at.
	Since time.Time
	// Settle is how long the lookup after a lost answer waits for the app to appear: the create
	// is a job, so the app exists only once the job has run. Only then is "not there" proof
	// enough to send the create again. Interval is the pause between two looks.
	Settle, Interval time.Duration
}

// ProjectCreated is the outcome of CreateProject: the job it started, or, when the answer was
// lost and the lookup found the app, the app(s) carrying the marker (a duplicated delivery can
// make two; the caller keeps one and deletes the others).
type ProjectCreated struct {
	JobID   string
	Adopted []Project
}

// CreateProject asks for a new app (POST /projects {"name", "summary"} → 202 {"jobId"}, DOCUMENTED
// beta) and returns the job id. Creating twice makes two apps, so after an answer that was lost (a
// broken connection after the request went out, a 5xx) it is sent again only when the apps of the
// caller's company created since spec.Since show none carrying spec.Marker for spec.Settle
// (FindProjects: DOCUMENTED reads); when one shows up it is adopted instead.
func (c *Client) CreateProject(ctx context.Context, spec ProjectSpec) (*ProjectCreated, error) {
	in := struct {
		Name    string `json:"name"`
		Summary string `json:"summary,omitempty"`
	}{spec.Name, spec.Summary}
	var out struct {
		JobID      string `json:"jobId"`
		JobIDSnake string `json:"job_id"`
	}
	var adopted []Project
	op := "mendix: create app " + spec.Name
	defer c.lists.invalidate()
	_, _, err := c.do(ctx, call{api: apiProjects, op: op, method: http.MethodPost, path: "/projects", in: in, out: &out,
		notDone: func(ctx context.Context) (bool, error) {
			found, err := c.awaitMarkedProjects(ctx, spec)
			if err != nil {
				return false, err
			}
			adopted = found
			return len(found) == 0, nil
		}})
	if transport.IsTookEffect(err) && len(adopted) > 0 {
		return &ProjectCreated{Adopted: adopted}, nil
	}
	if err != nil {
		return nil, err
	}
	id := firstNonEmpty(out.JobID, out.JobIDSnake)
	if id == "" {
		return nil, fmt.Errorf("%s: %w", op, errNoID)
	}
	return &ProjectCreated{JobID: id}, nil
}

// awaitMarkedProjects looks for the apps carrying spec.Marker until one shows up or spec.Settle
// has passed without any.
func (c *Client) awaitMarkedProjects(ctx context.Context, spec ProjectSpec) ([]Project, error) {
	deadline := time.Now().Add(spec.Settle)
	interval := max(spec.Interval, 10*time.Millisecond)
	for {
		found, err := c.FindProjects(ctx, spec.Marker, spec.Since)
		if err != nil || len(found) > 0 || !time.Now().Before(deadline) {
			return found, err
		}
		t := time.NewTimer(min(interval, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// ProjectJob is the state of a create-project job.
type ProjectJob struct {
	Status       string
	ErrorMessage string
	ProjectID    string
}

// ProjectJob reads a create job (GET /projects/jobs/{job-id}, DOCUMENTED beta), accepting
// errorMessage/projectId and error_message/project_id alike (§5.8).
func (c *Client) ProjectJob(ctx context.Context, jobID string) (*ProjectJob, error) {
	var out struct {
		Status            string `json:"status"`
		ErrorMessage      string `json:"errorMessage"`
		ErrorMessageSnake string `json:"error_message"`
		ProjectID         string `json:"projectId"`
		ProjectIDSnake    string `json:"project_id"`
	}
	if _, _, err := c.do(ctx, call{api: apiProjects, op: "mendix: read create-app job " + jobID, method: http.MethodGet,
		path: seg("projects", "jobs", jobID), out: &out}); err != nil {
		return nil, err
	}
	return &ProjectJob{Status: out.Status, ErrorMessage: firstNonEmpty(out.ErrorMessage, out.ErrorMessageSnake),
		ProjectID: firstNonEmpty(out.ProjectID, out.ProjectIDSnake)}, nil
}

// Project is an app as the Projects API lists it.
type Project struct {
	ProjectID string
	Name      string
	// Description is what the create called the summary (INFERRED: projects-v2.yaml describes the
	// create's summary as "Description of the project", and the reads return a description).
	Description string
	CreatedOn   time.Time
	Active      bool
}

type v2Project struct {
	ProjectID   string `json:"projectId"`
	Name        string `json:"name"`
	Description string `json:"description"`
	CreatedOn   string `json:"createdOn"`
	Active      *bool  `json:"active"`
}

func (p v2Project) project() Project {
	return Project{ProjectID: p.ProjectID, Name: p.Name, Description: p.Description, CreatedOn: projectTime(p.CreatedOn),
		Active: p.Active == nil || *p.Active}
}

// projectTime reads createdOn: ISO-8601 in the spec's examples, "Jun 29, 2023 4:39 PM" in one
// x-example; anything else is the zero time (and is then not filtered on).
func projectTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "Jan 2, 2006 3:04 PM"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Project reads one app (GET /projects/{project-id}, DOCUMENTED beta; 404 when unknown).
func (c *Client) Project(ctx context.Context, projectID string) (*Project, error) {
	var raw v2Project
	if _, _, err := c.do(ctx, call{api: apiProjects, op: "mendix: read app " + projectID + " (Projects API)", method: http.MethodGet,
		path: seg("projects", projectID), out: &raw}); err != nil {
		return nil, err
	}
	p := raw.project()
	return &p, nil
}

// projectsPageSize is the Projects API's default and maximum page size (§6).
const projectsPageSize = 100

// FindProjects lists the apps of the caller's company created since the given time whose
// description contains marker (an empty marker matches every app), oldest first.
//
// GET /accounts/{account-id}/projects?createdSince=&limit=&offset= (DOCUMENTED beta) needs the
// account id, which no call documents on its own: the deprecated GET /projects (DOCUMENTED)
// answers 308 with the caller's account listing, and the path it leads to names the account
// (INFERRED: the redirect targets the caller's own company). The id is learned once per client.
func (c *Client) FindProjects(ctx context.Context, marker string, since time.Time) ([]Project, error) {
	listing, err := c.accountProjectsPath(ctx)
	if err != nil {
		return nil, err
	}
	var out []Project
	for offset, pages := 0, 0; pages < 1000; pages++ {
		q := url.Values{"limit": []string{strconv.Itoa(projectsPageSize)}, "offset": []string{strconv.Itoa(offset)}}
		if !since.IsZero() {
			// projects-v2.yaml: "Time is in UTC and must be provided in this format: 2020-01-16T05:53:28Z".
			q.Set("createdSince", since.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z"))
		}
		var page struct {
			Page struct {
				TotalElements *int `json:"totalElements"`
			} `json:"page"`
			Items []v2Project `json:"items"`
		}
		if _, _, err := c.do(ctx, call{api: apiProjects, op: "mendix: list the company's apps", method: http.MethodGet,
			path: listing, query: q, out: &page}); err != nil {
			return nil, err
		}
		for _, raw := range page.Items {
			p := raw.project()
			if !strings.Contains(p.Description, marker) || (!since.IsZero() && !p.CreatedOn.IsZero() && p.CreatedOn.Before(since.Truncate(time.Second))) {
				continue
			}
			out = append(out, p)
		}
		offset += len(page.Items)
		total := page.Page.TotalElements
		if len(page.Items) == 0 || (total != nil && offset >= *total) || (total == nil && len(page.Items) < projectsPageSize) {
			break
		}
	}
	return out, nil
}

// accountListing caches the path of the caller's account listing, below the API's base.
type accountListing struct {
	mu   sync.Mutex
	path string
}

// accountProjectsPath returns /accounts/{account-id}/projects for the caller, learning the account
// id from the redirect of the deprecated GET /projects. A server that answers GET /projects
// itself, without a redirect, is listed through it.
func (c *Client) accountProjectsPath(ctx context.Context) (string, error) {
	c.accounts.mu.Lock()
	defer c.accounts.mu.Unlock()
	if c.accounts.path != "" {
		return c.accounts.path, nil
	}
	h, err := c.header(apiProjects)
	if err != nil {
		return "", err
	}
	op := "mendix: find the company's app listing (GET /projects, redirected)"
	resp, err := c.http.Do(ctx, &transport.Request{Name: op, Method: http.MethodGet, URL: c.base(apiProjects) + "/projects?limit=1", Header: h, Final: finalAnswer})
	if err != nil {
		return "", err
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := apiError(op, resp, styleV4)
		e.API = apiProjects.String()
		return "", e
	}
	listing := "/projects"
	if resp.Request != nil && resp.Request.URL != nil {
		if _, rest, ok := strings.Cut(resp.Request.URL.Path, "/accounts/"); ok {
			if id, tail, ok := strings.Cut(rest, "/"); ok && id != "" && tail == "projects" {
				listing = seg("accounts", id, "projects")
			}
		}
	}
	c.accounts.path = listing
	return listing, nil
}

// DeleteProject deletes an app (DELETE /projects/{project-id} → 202, DOCUMENTED beta). §5.8: 409 while
// the app is attached to a licensed node — IsLinked reports it. A 404 is returned as is.
func (c *Client) DeleteProject(ctx context.Context, projectID string) error {
	defer c.lists.invalidate()
	_, _, err := c.do(ctx, call{api: apiProjects, op: "mendix: delete app " + projectID, method: http.MethodDelete, path: seg("projects", projectID)})
	return err
}

// IsLinked reports the Projects API refusing to delete an app that is still linked to a licensed node.
func IsLinked(err error) bool { return StatusOf(err) == http.StatusConflict }

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
