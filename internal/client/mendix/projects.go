package mendix

import (
	"context"
	"fmt"
	"net/http"
)

// Projects API v2, beta (mendix-cloud-api.md §5.8): base {projects} (https://projects-api.home.mendix.com/v2),
// Authorization: MxToken, camelCase — except the spec's own x-example, which uses snake_case, so
// job answers are read in both casings.

// Project job statuses (§5.8).
const (
	ProjectJobScheduled = "scheduled"
	ProjectJobRunning   = "running"
	ProjectJobCompleted = "completed"
	ProjectJobFailed    = "failed"
)

// CreateProject asks for a new app (POST /projects {"name", "summary"} → 202 {"jobId"}, DOCUMENTED beta)
// and returns the job id. Creating twice makes two apps and there is no documented lookup by
// name, so it is repeated only when the first attempt provably never reached the server.
func (c *Client) CreateProject(ctx context.Context, name, summary string) (string, error) {
	in := struct {
		Name    string `json:"name"`
		Summary string `json:"summary,omitempty"`
	}{name, summary}
	var out struct {
		JobID      string `json:"jobId"`
		JobIDSnake string `json:"job_id"`
	}
	op := "mendix: create app " + name
	if _, _, err := c.do(ctx, call{api: apiProjects, op: op, method: http.MethodPost, path: "/projects", in: in, out: &out, unsafe: true}); err != nil {
		return "", err
	}
	id := firstNonEmpty(out.JobID, out.JobIDSnake)
	if id == "" {
		return "", fmt.Errorf("%s: %w", op, errNoID)
	}
	return id, nil
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

// DeleteProject deletes an app (DELETE /projects/{project-id} → 202, DOCUMENTED beta). §5.8: 409 while
// the app is attached to a licensed node — IsLinked reports it. A 404 is returned as is.
func (c *Client) DeleteProject(ctx context.Context, projectID string) error {
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
