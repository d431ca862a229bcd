package mendix

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// The projects-api.home.mendix.com host, mounted at /mendix/projects: Projects API v2 (beta)
// under /v2 (mendix-cloud-api.md §5.8), PAT auth, camelCase bodies, errors as
// {"error": {"message", "detail", "code", "instance", "invalid-params"}} (§6).

func (s *Mendix) routeMendixProjects(mux *core.Mount) {
	h := func(tag core.Tag, ref, pattern string, fn http.HandlerFunc) {
		mux.Route(tag, ref, pattern, s.mxPATAuth(fn, writeMxProjectsErr))
	}
	h(core.Documented, "§5.8", "POST /v2/projects", s.mxCreateProject)
	h(core.Documented, "§5.8", "GET /v2/projects/jobs/{jobId}", s.mxProjectJob)
	h(core.Documented, "§5.8", "DELETE /v2/projects/{projectId}", s.mxDeleteProject)
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeMxProjectsErr(w, r, newMxErr(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("sandbox: %s %s is not a Projects API v2 route", r.Method, mountMendixProjects+r.URL.Path)))
	})
}

// Projects v2 limits (mendix-cloud-api.md §5.8).
const (
	mxMaxProjectName    = 100
	mxMaxProjectSummary = 400
	mxMaxProjectImage   = 5 << 20
	// mxMaxProjectBody admits a 5 MB image in base64 plus the other fields.
	mxMaxProjectBody = 8 << 20
)

var mxUUIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

type mxProjectJobParams struct {
	ProjectID string `json:"project_id"`
	Name      string `json:"name"`
	Summary   string `json:"summary,omitempty"`
	Contact   string `json:"contact"`
}

// mxCreateProject is POST /v2/projects {name, summary?, image?, templateId?} → 202 {jobId}.
// The new app is a free app without environments (the runbook's temporary app).
func (s *Mendix) mxCreateProject(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name       string `json:"name"`
		Summary    string `json:"summary"`
		Image      string `json:"image"`
		TemplateID string `json:"templateId"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, mxMaxProjectBody)).Decode(&in); err != nil {
		me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "The request body is not a valid JSON project: "+err.Error())
		writeMxProjectsErr(w, r, me)
		return
	}
	var invalid []mxInvalidParam
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		invalid = append(invalid, mxInvalidParam{Name: "name", Reason: "must not be empty"})
	case utf8.RuneCountInString(name) > mxMaxProjectName:
		invalid = append(invalid, mxInvalidParam{Name: "name", Reason: fmt.Sprintf("must be at most %d characters", mxMaxProjectName)})
	}
	if utf8.RuneCountInString(in.Summary) > mxMaxProjectSummary {
		invalid = append(invalid, mxInvalidParam{Name: "summary", Reason: fmt.Sprintf("must be at most %d characters", mxMaxProjectSummary)})
	} else if strings.ContainsFunc(in.Summary, func(c rune) bool { return c == '<' || c == '>' || (unicode.IsControl(c) && c != '\n') }) {
		// modeled: the spec restricts the summary's characters without listing them; markup and
		// control characters are the likely exclusions.
		invalid = append(invalid, mxInvalidParam{Name: "summary", Reason: "contains characters that are not allowed (< > or control characters)"})
	}
	if in.Image != "" {
		raw, err := base64.StdEncoding.DecodeString(in.Image)
		switch {
		case err != nil:
			invalid = append(invalid, mxInvalidParam{Name: "image", Reason: "must be base64"})
		case len(raw) > mxMaxProjectImage:
			invalid = append(invalid, mxInvalidParam{Name: "image", Reason: "must be at most 5 MB"})
		}
	}
	if in.TemplateID != "" && !mxUUIDPattern.MatchString(in.TemplateID) {
		invalid = append(invalid, mxInvalidParam{Name: "templateId", Reason: "must be a UUID"})
	}
	if len(invalid) > 0 {
		me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "The project has invalid fields")
		me.invalid = invalid
		writeMxProjectsErr(w, r, me)
		return
	}
	job, err := s.SubmitJob(mxJobProject, mxProjectJobParams{ProjectID: newMxID(), Name: name, Summary: in.Summary, Contact: mxCaller(r).Username})
	if err != nil {
		writeMxProjectsErr(w, r, err)
		return
	}
	core.WriteJSON(w, http.StatusAccepted, map[string]string{"jobId": mxJobID(job.ID)})
}

// mxRunCreateProject creates the app; the project id was chosen at submit, so a re-run after a
// restart does not create a second one.
func mxRunCreateProject(_ context.Context, s *Mendix, run *core.JobRun) error {
	var p mxProjectJobParams
	if err := run.DecodeParams(&p); err != nil {
		return err
	}
	err := s.store.update(func(st *state) error {
		if st.Mendix.app(p.ProjectID) != nil {
			return nil
		}
		st.touch(collApps, p.ProjectID)
		st.Mendix.Apps = append(st.Mendix.Apps, &mxApp{
			ProjectID: p.ProjectID, Name: p.Name, Summary: p.Summary, TechnicalContact: p.Contact,
			Created: time.Now().UTC().Truncate(time.Millisecond),
		})
		return nil
	})
	if err != nil {
		return err
	}
	return run.SetResult(map[string]string{"project_id": p.ProjectID})
}

type mxProjectJobView struct {
	Status       string  `json:"status"`
	ErrorMessage *string `json:"errorMessage"`
	ProjectID    *string `json:"projectId"`
}

// mxProjectJob is GET /v2/projects/jobs/{job-id} → {status: scheduled | running | completed |
// failed, errorMessage, projectId}.
func (s *Mendix) mxProjectJob(w http.ResponseWriter, r *http.Request) {
	var out mxProjectJobView
	found := false
	s.store.read(func(st *state) {
		j := mxJob(st, r.PathValue("jobId"))
		if j == nil || j.Kind != mxJobProject {
			return
		}
		found = true
		switch j.State {
		case core.JobQueued:
			out.Status = "scheduled"
		case core.JobRunning:
			out.Status = "running"
		case core.JobCompleted:
			out.Status = "completed"
			var p mxProjectJobParams
			if json.Unmarshal(j.Params, &p) == nil {
				out.ProjectID = &p.ProjectID
			}
		case core.JobFailed:
			out.Status = "failed"
			msg := j.Message
			out.ErrorMessage = &msg
		}
	})
	if !found {
		writeMxProjectsErr(w, r, newMxErr(http.StatusNotFound, "NOT_FOUND", "core.Job "+r.PathValue("jobId")+" not found"))
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

// mxDeleteProject is DELETE /v2/projects/{project-id} → 202; 409 while the app is linked to a
// licensed node (mendix-cloud-api.md §5.8). modeled: the deletion is immediate and the 202 has
// no body.
func (s *Mendix) mxDeleteProject(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("projectId")
	err := s.store.update(func(st *state) error {
		a := st.Mendix.app(id)
		if a == nil {
			return newMxErr(http.StatusNotFound, "NOT_FOUND", "Project "+id+" not found")
		}
		if n := st.Mendix.linkedNode(a.ProjectID); n != nil {
			return newMxErr(http.StatusConflict, "CONFLICT", fmt.Sprintf("The app is linked to the licensed Mendix Cloud node %q (%s); link a different app to that node first", n.ID, n.Subdomain))
		}
		st.Mendix.Apps = slices.DeleteFunc(st.Mendix.Apps, func(x *mxApp) bool { return x == a })
		st.touch(collApps, a.ProjectID)
		return nil
	})
	if err != nil {
		writeMxProjectsErr(w, r, err)
		return
	}
	core.WriteEmpty(w, http.StatusAccepted)
}
