package mendix

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// The projects-api.home.mendix.com host, mounted at /mendix/projects: Projects API v2 (beta)
// under /v2 (mendix-cloud-api.md §5.8), PAT auth, camelCase bodies, errors as
// {"error": {"message", "detail", "code", "instance", "invalid-params"}} (§6).

func (s *Mendix) routeMendixProjects(mux *core.Mount) {
	// Every Projects API v2 route is DOCUMENTED (beta): create, job and delete in §5.8, the reads
	// in projects-v2.yaml, the API's published spec (§1); the deprecated listing answers 308 to
	// the account listing.
	h := func(pattern string, fn http.HandlerFunc) {
		mux.Route(core.Documented, "§5.8", pattern, s.mxPATAuth(fn, writeMxProjectsErr))
	}
	h("POST /v2/projects", s.mxCreateProject)
	h("GET /v2/projects", s.mxListProjectsDeprecated)
	h("GET /v2/projects/{projectId}", s.mxGetProject)
	h("GET /v2/projects/jobs/{jobId}", s.mxProjectJob)
	h("DELETE /v2/projects/{projectId}", s.mxDeleteProject)
	h("GET /v2/accounts/{accountId}/projects", s.mxListAccountProjects)
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

// mxSummaryPattern is the documented pattern of a project's summary (projects-v2.yaml): none of
// & < > " ' / = @ : ( ) [ ] { } + ! # $ % ^ * | ~ ` , ; ? \ .
var mxSummaryPattern = regexp.MustCompile(`^[^&<>"'/=@:()\[\]{}+!#\$%\^*|~` + "`" + `,;?\\]*$`)

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
	} else if !mxSummaryPattern.MatchString(in.Summary) {
		// projects-v2.yaml, requestBodies.Project.summary.pattern.
		invalid = append(invalid, mxInvalidParam{Name: "summary", Reason: "must match " + mxSummaryPattern.String()})
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
	s.NoteStatusRead(r.PathValue("jobId"), out.Status == "completed" || out.Status == "failed")
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

// --- reads (projects-v2.yaml) ---

// mxV2ProjectItem is one item of the account's project list (AccountProjectsResponse).
type mxV2ProjectItem struct {
	ProjectID   string          `json:"projectId"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Logo        string          `json:"logo"`
	CreatedOn   string          `json:"createdOn"`
	Active      bool            `json:"active"`
	CreatedBy   mxV2ProjectUser `json:"createdBy"`
}

type mxV2ProjectUser struct {
	UserID   string `json:"userId"`
	FullName string `json:"fullName"`
}

type mxV2Account struct {
	AccountID   string `json:"accountId"`
	AccountName string `json:"accountName"`
}

// mxV2Project is GET /projects/{project-id} (ProjectResponse), the fields the sandbox knows.
type mxV2Project struct {
	mxV2ProjectItem
	CloudProvider    string          `json:"cloudProvider"`
	TechnicalContact mxV2ProjectUser `json:"technicalContact"`
	Account          mxV2Account     `json:"account"`
}

// mxUserIDOf is a platform user's id: a UUID derived from the login, stable across restarts.
func mxUserIDOf(username string) string {
	return mxDerivedUUID("user:" + strings.ToLower(username))
}

// mxAccountOf is the account (company) of a user. modeled: the sandbox puts every user of one
// e-mail domain in one company.
func mxAccountOf(username string) mxV2Account {
	domain := strings.ToLower(username)
	if _, d, ok := strings.Cut(domain, "@"); ok {
		domain = d
	}
	return mxV2Account{AccountID: mxDerivedUUID("account:" + domain), AccountName: domain}
}

// mxDerivedUUID shapes a SHA-256 of key as a lower-case UUID (version 4 layout).
func mxDerivedUUID(key string) string {
	sum := sha256.Sum256([]byte(key))
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (st *state) mxProjectItem(a *mxApp) mxV2ProjectItem {
	by := mxV2ProjectUser{UserID: mxUserIDOf(a.TechnicalContact), FullName: a.TechnicalContact}
	if u := st.Mendix.user(a.TechnicalContact); u != nil && u.Name != "" {
		by.FullName = u.Name
	}
	return mxV2ProjectItem{ProjectID: a.ProjectID, Name: a.Name, Description: a.Summary, CreatedOn: a.Created.UTC().Format(time.RFC3339),
		Active: true, CreatedBy: by}
}

// mxListProjectsDeprecated is GET /v2/projects, deprecated: it answers 308 with the caller's
// account listing, GET /accounts/{account-id}/projects, keeping the query (projects-v2.yaml: "Clients
// are redirected"). The Location is relative so it holds whatever the sandbox is mounted under.
func (s *Mendix) mxListProjectsDeprecated(w http.ResponseWriter, r *http.Request) {
	loc := "accounts/" + mxAccountOf(mxCaller(r).Username).AccountID + "/projects"
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusPermanentRedirect)
}

// mxListAccountProjects is GET /v2/accounts/{account-id}/projects?createdSince=&limit=&offset= →
// {page: {totalElements, offset, elements}, items: [...]}: the projects of the caller's company,
// oldest first. modeled: another company's account answers 404; the order is not documented.
func (s *Mendix) mxListAccountProjects(w http.ResponseWriter, r *http.Request) {
	account := mxAccountOf(mxCaller(r).Username)
	if !strings.EqualFold(r.PathValue("accountId"), account.AccountID) {
		writeMxProjectsErr(w, r, newMxErr(http.StatusNotFound, "NOT_FOUND", "Account "+r.PathValue("accountId")+" not found"))
		return
	}
	q := r.URL.Query()
	var since time.Time
	var invalid []mxInvalidParam
	if raw := q.Get("createdSince"); raw != "" {
		t, err := time.Parse("2006-01-02T15:04:05Z", raw)
		if err != nil {
			invalid = append(invalid, mxInvalidParam{Name: "createdSince", Reason: "must be a UTC time such as 2020-01-16T05:53:28Z"})
		}
		since = t
	}
	limit, offset := 100, 0
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &limit}, {"offset", &offset}} {
		if raw := q.Get(p.name); raw != "" {
			v, err := strconv.Atoi(raw)
			if err != nil || v < 0 {
				invalid = append(invalid, mxInvalidParam{Name: p.name, Reason: p.name + " must be a positive number"})
				continue
			}
			*p.dst = v
		}
	}
	if len(invalid) > 0 {
		me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "One or more of the provided attributes are not valid")
		me.invalid = invalid
		writeMxProjectsErr(w, r, me)
		return
	}
	limit = min(max(limit, 1), 100) // "The default and maximum value is 100."
	items := []mxV2ProjectItem{}
	total := 0
	s.store.read(func(st *state) {
		apps := slices.Clone(st.Mendix.Apps)
		slices.SortStableFunc(apps, func(a, b *mxApp) int { return a.Created.Compare(b.Created) })
		for _, a := range apps {
			if mxAccountOf(a.TechnicalContact).AccountID != account.AccountID || (!since.IsZero() && a.Created.Before(since)) {
				continue
			}
			if total >= offset && len(items) < limit {
				items = append(items, st.mxProjectItem(a))
			}
			total++
		}
	})
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"page":  map[string]int{"totalElements": total, "offset": offset, "elements": len(items)},
		"items": items,
	})
}

// mxGetProject is GET /v2/projects/{project-id} (ProjectResponse); 404 for an unknown project.
func (s *Mendix) mxGetProject(w http.ResponseWriter, r *http.Request) {
	var out *mxV2Project
	s.store.read(func(st *state) {
		a := st.Mendix.app(r.PathValue("projectId"))
		if a == nil {
			return
		}
		item := st.mxProjectItem(a)
		out = &mxV2Project{mxV2ProjectItem: item, CloudProvider: "Mendix", TechnicalContact: item.CreatedBy, Account: mxAccountOf(a.TechnicalContact)}
	})
	if out == nil {
		writeMxProjectsErr(w, r, newMxErr(http.StatusNotFound, "NOT_FOUND", "Project "+r.PathValue("projectId")+" not found"))
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}
