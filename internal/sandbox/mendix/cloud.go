package mendix

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// The cloud.home.mendix.com host, mounted at /mendix/cloud: Deploy API v4 under /api/v4
// (mendix-cloud-api.md §5.1), with "Authorization: MxToken <PAT>" (§3.2), camelCase bodies
// and {"error": {"code", "message", "invalid-params"}} errors (§6). appId here is the UUID that
// Deploy v1 calls ProjectId (§4).

func (s *Mendix) routeMendixCloud(mux *core.Mount) {
	writeErr := func(w http.ResponseWriter, _ *http.Request, err error) { writeMxV4Err(w, err) }
	h := func(tag core.Tag, ref, pattern string, fn http.HandlerFunc) {
		mux.Route(tag, ref, pattern, s.mxPATAuth(fn, writeErr))
	}
	h(core.Documented, "§5.1", "GET /api/v4/apps", s.mxV4ListApps)
	h(core.Documented, "§5.1", "GET /api/v4/apps/{appId}", s.mxV4GetApp)
	h(core.Documented, "§5.1", "GET /api/v4/apps/{appId}/environments", s.mxV4ListEnvs)
	h(core.Documented, "§5.1", "GET /api/v4/apps/{appId}/environments/{environmentId}", s.mxV4GetEnv)
	h(core.Modeled, "§5.8", "POST /api/v4/apps/{appId}/node", s.mxV4LinkNode)
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeMxV4Err(w, newMxErr(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("sandbox: %s %s is not a Deploy API v4 route", r.Method, mountMendixCloud+r.URL.Path)))
	})
}

// mxV4MaxLimit caps page sizes; §6: over-large limits are silently capped.
const mxV4MaxLimit = 100

type mxV4Pagination struct {
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
	Size   int `json:"size"` // items in this page
}

// mxV4Page reads offset and limit.
func mxV4Page(r *http.Request) (offset, limit int, err *mxErr) {
	q := r.URL.Query()
	read := func(name string, def int) (int, *mxErr) {
		raw := q.Get(name)
		if raw == "" {
			return def, nil
		}
		v, e := strconv.Atoi(raw)
		if e != nil || v < 0 {
			me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Invalid query parameter "+name)
			me.invalid = []mxInvalidParam{{Name: name, Reason: "must be a non-negative integer"}}
			return 0, me
		}
		return v, nil
	}
	if offset, err = read("offset", 0); err != nil {
		return 0, 0, err
	}
	if limit, err = read("limit", mxV4MaxLimit); err != nil {
		return 0, 0, err
	}
	if limit == 0 || limit > mxV4MaxLimit {
		limit = mxV4MaxLimit
	}
	return offset, limit, nil
}

type mxV4Contact struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

type mxV4App struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	LicenseType      string      `json:"licenseType"`
	Subdomain        string      `json:"subdomain,omitempty"`
	TechnicalContact mxV4Contact `json:"technicalContact"`
	Region           string      `json:"region,omitempty"`
}

func (st *state) mxV4AppView(a *mxApp) mxV4App {
	v := mxV4App{ID: a.ProjectID, Name: a.Name, LicenseType: "free", TechnicalContact: mxV4Contact{UserID: a.TechnicalContact, Status: "active"}}
	if u := st.Mendix.user(a.TechnicalContact); u != nil {
		v.TechnicalContact.Name = u.Name
	} else {
		v.TechnicalContact.Status = "inactive"
	}
	if n := st.Mendix.linkedNode(a.ProjectID); n != nil {
		v.LicenseType, v.Subdomain, v.Region = "licensed", n.Subdomain, n.Region
	}
	return v
}

// mxV4Hidden reports an app Deploy v4 does not show: with V4HidesFreeApps, one no node links.
func (st *state) mxV4Hidden(a *mxApp) bool {
	return st.Mendix.V4HidesFreeApps && st.Mendix.linkedNode(a.ProjectID) == nil
}

// mxV4ListApps is GET /apps?offset&limit&licenseType → {apps, pagination}, oldest first.
func (s *Mendix) mxV4ListApps(w http.ResponseWriter, r *http.Request) {
	offset, limit, merr := mxV4Page(r)
	if merr != nil {
		writeMxV4Err(w, merr)
		return
	}
	lt := r.URL.Query().Get("licenseType")
	if lt != "" && lt != "free" && lt != "licensed" {
		me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Invalid query parameter licenseType")
		me.invalid = []mxInvalidParam{{Name: "licenseType", Reason: "must be free or licensed"}}
		writeMxV4Err(w, me)
		return
	}
	page := []mxV4App{}
	s.store.read(func(st *state) {
		apps := slices.Clone(st.Mendix.Apps)
		slices.SortStableFunc(apps, func(a, b *mxApp) int { return a.Created.Compare(b.Created) })
		i := 0
		for _, a := range apps {
			v := st.mxV4AppView(a)
			if (lt != "" && v.LicenseType != lt) || st.mxV4Hidden(a) {
				continue
			}
			if i >= offset && len(page) < limit {
				page = append(page, v)
			}
			i++
		}
	})
	core.WriteJSON(w, http.StatusOK, map[string]any{"apps": page, "pagination": mxV4Pagination{Offset: offset, Limit: limit, Size: len(page)}})
}

func mxV4AppNotFound(id string) *mxErr {
	return newMxErr(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("App %s not found", id))
}

func (s *Mendix) mxV4GetApp(w http.ResponseWriter, r *http.Request) {
	var out mxV4App
	var merr *mxErr
	s.store.read(func(st *state) {
		a := st.Mendix.app(r.PathValue("appId"))
		if a == nil || st.mxV4Hidden(a) {
			merr = mxV4AppNotFound(r.PathValue("appId"))
			return
		}
		out = st.mxV4AppView(a)
	})
	if merr != nil {
		writeMxV4Err(w, merr)
		return
	}
	core.WriteJSON(w, http.StatusOK, out)
}

type mxV4Package struct {
	ID             string  `json:"id"`
	AppID          string  `json:"appId"`
	ModelVersion   string  `json:"modelVersion"`
	RuntimeVersion string  `json:"runtimeVersion"`
	CreatedOn      string  `json:"createdOn"`
	ExpiresOn      *string `json:"expiresOn"`
	Description    string  `json:"description"`
	FileName       string  `json:"fileName"`
	FileSize       int64   `json:"fileSize"`
}

type mxV4Env struct {
	ID           string       `json:"id"`
	AppID        string       `json:"appId"`
	Name         string       `json:"name"`
	State        string       `json:"state"`
	IsProduction bool         `json:"isProduction"`
	URL          string       `json:"url"`
	DBVersion    string       `json:"dbVersion"`
	PlanName     string       `json:"planName"`
	Package      *mxV4Package `json:"package,omitempty"`
}

// mxV4State maps a Deploy v1 status to v4's state.
func mxV4State(status string) string {
	switch status {
	case mxStatusRunning:
		return "running"
	case mxStatusStopped:
		return "stopped"
	}
	return "notdeployed"
}

func (st *state) mxV4EnvView(a *mxApp, n *mxNode, e *mxEnv, withPackage bool) mxV4Env {
	v := mxV4Env{
		ID: e.ID, AppID: a.ProjectID, Name: e.Mode, State: mxV4State(e.Status), IsProduction: e.Production,
		URL: envURL(n.Subdomain, e.Mode), DBVersion: e.DBVersion, PlanName: e.PlanName,
	}
	if p := st.Mendix.pkg(e.PackageID); p != nil && withPackage {
		v.Package = &mxV4Package{
			ID: p.ID, AppID: a.ProjectID, ModelVersion: p.ModelVersion, RuntimeVersion: p.MendixVersion,
			CreatedOn: isoTime(p.Created), Description: p.Description, FileName: p.Name, FileSize: p.Blob.Size,
		}
	}
	return v
}

// mxV4EnvsOf lists the environments of app appID (none for a free app), generating the
// deployed fixture packages first when their sizes are asked for.
func (s *Mendix) mxV4EnvsOf(appID string, withPackage bool) ([]mxV4Env, *mxErr) {
	if withPackage {
		var ids []string
		s.store.read(func(st *state) {
			if n := st.Mendix.linkedNode(appID); n != nil {
				for _, e := range n.Environments {
					if e.PackageID != "" {
						ids = append(ids, e.PackageID)
					}
				}
			}
		})
		for _, id := range ids {
			_, _ = s.mxPackageBlob(id)
		}
	}
	var out []mxV4Env
	var merr *mxErr
	s.store.read(func(st *state) {
		a := st.Mendix.app(appID)
		if a == nil {
			merr = mxV4AppNotFound(appID)
			return
		}
		out = []mxV4Env{}
		if n := st.Mendix.linkedNode(a.ProjectID); n != nil {
			for _, e := range n.Environments {
				out = append(out, st.mxV4EnvView(a, n, e, withPackage))
			}
		}
	})
	return out, merr
}

// mxV4ListEnvs is GET /apps/{appId}/environments?offset&limit&sort&expand=package →
// {environments, pagination}.
func (s *Mendix) mxV4ListEnvs(w http.ResponseWriter, r *http.Request) {
	offset, limit, merr := mxV4Page(r)
	if merr != nil {
		writeMxV4Err(w, merr)
		return
	}
	q := r.URL.Query()
	// A literal "+" in a query decodes to a space; both mean ascending.
	sortKey := strings.TrimSpace(q.Get("sort"))
	desc := strings.HasPrefix(sortKey, "-")
	sortKey = strings.TrimLeft(sortKey, "+-")
	if sortKey != "" && sortKey != "name" && sortKey != "index" {
		me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "Invalid query parameter sort")
		me.invalid = []mxInvalidParam{{Name: "sort", Reason: "must be name or index, optionally prefixed with + or -"}}
		writeMxV4Err(w, me)
		return
	}
	envs, merr := s.mxV4EnvsOf(r.PathValue("appId"), q.Get("expand") == "package")
	if merr != nil {
		writeMxV4Err(w, merr)
		return
	}
	if sortKey == "name" {
		slices.SortStableFunc(envs, func(a, b mxV4Env) int { return strings.Compare(a.Name, b.Name) })
	}
	if desc {
		slices.Reverse(envs)
	}
	page := []mxV4Env{}
	for i, e := range envs {
		if i >= offset && len(page) < limit {
			page = append(page, e)
		}
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"environments": page, "pagination": mxV4Pagination{Offset: offset, Limit: limit, Size: len(page)}})
}

// mxV4GetEnv is GET /apps/{appId}/environments/{environmentId}, with its package.
func (s *Mendix) mxV4GetEnv(w http.ResponseWriter, r *http.Request) {
	envs, merr := s.mxV4EnvsOf(r.PathValue("appId"), true)
	if merr != nil {
		writeMxV4Err(w, merr)
		return
	}
	for _, e := range envs {
		if strings.EqualFold(e.ID, r.PathValue("environmentId")) {
			core.WriteJSON(w, http.StatusOK, e)
			return
		}
	}
	writeMxV4Err(w, newMxErr(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Environment %s not found", r.PathValue("environmentId"))))
}

// --- the modeled node link ---

// mxV4LinkResult is the answer of the modeled node link.
type mxV4LinkResult struct {
	AppID     string `json:"appId"`
	NodeID    string `json:"nodeId"`
	Subdomain string `json:"subdomain"`
	LinkedAt  string `json:"linkedAt"`
}

// mxV4LinkNode serves the portal's "Environments → Select Node → Use this Node", which has no
// API (mendix-cloud-api.md §5.8).
//
// modeled: POST /api/v4/apps/{appId}/node {"nodeId"} on the Deploy v4 host, because v4 is where
// the result is read back (GET /apps/{appId}: licenseType licensed and the node's subdomain;
// GET /apps/{appId}/environments: the node's environments), so it takes v4's PAT, camelCase and
// error shape. The docs say an app cannot be unlinked explicitly, only by linking a different
// app to the node: so linking replaces the node's previous app, which becomes a free app again.
// An app that is linked elsewhere moves, leaving its old node without an app (what offboarding
// the v3 node does in the runbook). Linking the app that is already linked changes nothing.
// Answers 200 {appId, nodeId, subdomain, linkedAt}.
func (s *Mendix) mxV4LinkNode(w http.ResponseWriter, r *http.Request) {
	var in struct {
		NodeID string `json:"nodeId"`
	}
	if err := core.DecodeJSON(w, r, &in); err != nil || strings.TrimSpace(in.NodeID) == "" {
		me := newMxErr(http.StatusBadRequest, "INVALID_PARAMETERS", "The body must be {\"nodeId\": \"<node id>\"}")
		me.invalid = []mxInvalidParam{{Name: "nodeId", Reason: "required"}}
		writeMxV4Err(w, me)
		return
	}
	res, err := s.mxLink(in.NodeID, r.PathValue("appId"))
	if err != nil {
		writeMxV4Err(w, err)
		return
	}
	core.WriteJSON(w, http.StatusOK, res)
}

// mxLink links app projectID to node nodeID (see mxV4LinkNode).
func (s *Mendix) mxLink(nodeID, projectID string) (mxV4LinkResult, error) {
	var out mxV4LinkResult
	err := s.store.update(func(st *state) error {
		a := st.Mendix.app(projectID)
		if a == nil {
			return mxV4AppNotFound(projectID)
		}
		n := st.Mendix.node(nodeID)
		if n == nil {
			me := newMxErr(http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Node %s not found", nodeID))
			me.invalid = []mxInvalidParam{{Name: "nodeId", Reason: "no such node"}}
			return me
		}
		if !strings.EqualFold(n.LinkedProjectID, a.ProjectID) {
			if old := st.Mendix.linkedNode(a.ProjectID); old != nil {
				st.touch(collNodes, old.ID)
				old.LinkedProjectID, old.LinkedAt = "", time.Time{}
			}
			st.touch(collNodes, n.ID)
			n.LinkedProjectID, n.LinkedAt = a.ProjectID, time.Now().UTC().Truncate(time.Millisecond)
		}
		out = mxV4LinkResult{AppID: a.ProjectID, NodeID: n.ID, Subdomain: n.Subdomain, LinkedAt: isoTime(n.LinkedAt)}
		return nil
	})
	return out, err
}
