package mendix

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// mxProjectsPage is the account listing (AccountProjectsResponse).
type mxProjectsPage struct {
	Page struct {
		TotalElements int `json:"totalElements"`
		Offset        int `json:"offset"`
		Elements      int `json:"elements"`
	} `json:"page"`
	Items []mxV2ProjectItem `json:"items"`
}

func TestMendixProjects_DeprecatedListingRedirectsToTheCallersAccount(t *testing.T) {
	m := newMx(t, 0)
	req, err := http.NewRequest(http.MethodGet, m.srv.URL+"/mendix/projects/v2/projects?createdSince=2024-01-16T05:53:28Z&limit=5", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = patHeaders()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc := resp.Header.Get("Location")
	account := mxAccountOf(mxTestUser).AccountID
	if resp.StatusCode != http.StatusPermanentRedirect || loc != "accounts/"+account+"/projects?createdSince=2024-01-16T05:53:28Z&limit=5" {
		t.Fatalf("GET /projects: %d Location %q", resp.StatusCode, loc)
	}
	target, err := req.URL.Parse(loc)
	if err != nil || target.Path != "/mendix/projects/v2/accounts/"+account+"/projects" {
		t.Fatalf("the Location resolves to %v (%v)", target, err)
	}
	// Followed (as clients do), it lists the company's apps; the fixture's are older than the date.
	page := decodeAs[mxProjectsPage](t, m.expect("followed", 200)(m.projects("GET", "/projects?createdSince=2020-01-01T00:00:00Z", nil)))
	if page.Page.TotalElements < 2 || len(page.Items) != page.Page.Elements {
		t.Fatalf("company listing %+v", page)
	}
}

func TestMendixProjects_AccountListingFiltersByCreationAndPagesAndReadsOne(t *testing.T) {
	m := newMx(t, 0)
	since := time.Now().UTC().Add(-time.Second).Truncate(time.Second)
	for _, summary := range []string{"first appmigrate-tmp-aaa-1", "second"} {
		m.expect("create", http.StatusAccepted)(m.projects("POST", "/projects", map[string]string{"name": "Temp " + summary, "summary": summary}))
	}
	m.waitJobs()
	account := mxAccountOf(mxTestUser).AccountID
	list := func(q url.Values) mxProjectsPage {
		t.Helper()
		return decodeAs[mxProjectsPage](t, m.expect("list", 200)(m.projects("GET", "/accounts/"+account+"/projects?"+q.Encode(), nil)))
	}
	page := list(url.Values{"createdSince": {since.Format("2006-01-02T15:04:05Z")}})
	if page.Page.TotalElements != 2 || len(page.Items) != 2 || page.Items[0].Description != "first appmigrate-tmp-aaa-1" || page.Items[1].Name != "Temp second" {
		t.Fatalf("created since %s: %+v", since, page)
	}
	it := page.Items[0]
	if !it.Active || it.CreatedBy.UserID != mxUserIDOf(mxTestUser) || it.CreatedBy.FullName == "" {
		t.Fatalf("item %+v", it)
	}
	if created, err := time.Parse(time.RFC3339, it.CreatedOn); err != nil || created.Before(since) {
		t.Fatalf("createdOn %q: %v", it.CreatedOn, err)
	}
	page = list(url.Values{"createdSince": {since.Format("2006-01-02T15:04:05Z")}, "limit": {"1"}, "offset": {"1"}})
	if page.Page.TotalElements != 2 || page.Page.Offset != 1 || page.Page.Elements != 1 || page.Items[0].Name != "Temp second" {
		t.Fatalf("second page %+v", page)
	}
	if all := list(url.Values{"limit": {"500"}}); all.Page.Elements > 100 || all.Page.TotalElements < 4 {
		t.Fatalf("limit is capped at 100 and the fixture's apps are listed too: %+v", all.Page)
	}

	body := m.expect("bad date", 400)(m.projects("GET", "/accounts/"+account+"/projects?createdSince=yesterday", nil))
	if e := decodeAs[mxProjectsErrorBody](t, body); len(e.Error.InvalidParams) != 1 || e.Error.InvalidParams[0].Name != "createdSince" {
		t.Errorf("400 body %s", body)
	}
	m.expect("another company", 404)(m.projects("GET", "/accounts/00000000-0000-4000-8000-000000000000/projects", nil))

	one := keysOf(t, m.expect("one", 200)(m.projects("GET", "/projects/"+it.ProjectID, nil)))
	var desc string
	_ = json.Unmarshal(one["description"], &desc)
	if desc != "first appmigrate-tmp-aaa-1" {
		t.Fatalf("GET /projects/{id} description %q", desc)
	}
	for _, k := range []string{"projectId", "name", "createdOn", "createdBy", "technicalContact", "account"} {
		if _, ok := one[k]; !ok {
			t.Errorf("GET /projects/{id} lacks %s", k)
		}
	}
	m.expect("unknown", 404)(m.projects("GET", "/projects/00000000-0000-4000-8000-000000000000", nil))
}

func TestMendixProjects_SummaryFollowsTheDocumentedPattern(t *testing.T) {
	m := newMx(t, 0)
	m.expect("plain", http.StatusAccepted)(m.projects("POST", "/projects", map[string]string{"name": "a", "summary": "Holds the node. Deleted at the end.\n\nappmigrate-tmp-0a1b-2c3d"}))
	for _, bad := range []string{"a;b", "a,b", "a(b)", "a:b", "a/b", "a=b", "x@y", "<b>"} {
		body := m.expect("summary "+bad, 400)(m.projects("POST", "/projects", map[string]string{"name": "a", "summary": bad}))
		if !strings.Contains(string(body), `"summary"`) {
			t.Errorf("%q: %s", bad, body)
		}
	}
}

func TestMendixBackups_UploadCarriesItsCommentAndRestoresAreListedBySnapshot(t *testing.T) {
	m := newMx(t, 0)
	_, full := m.v1Snapshot(mxNewSnapshot)
	temp := m.deployToV4()
	base := "/api/v2/apps/" + temp + "/environments/" + mxV4ProdEnv
	sn := decodeAs[mxV2Snapshot](t, m.expect("upload", http.StatusAccepted)(m.upload(base+"/snapshots/upload?comment="+url.QueryEscape("appmigrate backup-restore v3=calc/Production/x;"), full)))
	if sn.Comment == nil || *sn.Comment != "appmigrate backup-restore v3=calc/Production/x;" {
		t.Fatalf("comment %v", sn.Comment)
	}
	m.waitJobs()
	empty := keysOf(t, m.expect("no restores yet", 200)(m.deploy("GET", base+"/restores?source_snapshot_id="+sn.SnapshotID, nil)))
	wantKeys(t, "listing", empty, "restores", "total", "offset", "limit")
	rs := decodeAs[mxV2Restore](t, m.expect("restore", 200)(m.deploy("POST", base+"/restores?source_snapshot_id="+sn.SnapshotID, nil)))
	m.waitJobs()
	list := decodeAs[struct {
		Restores []mxV2Restore `json:"restores"`
		Total    int           `json:"total"`
	}](t, m.expect("restores", 200)(m.deploy("GET", base+"/restores?source_snapshot_id="+sn.SnapshotID, nil)))
	if list.Total != 1 || len(list.Restores) != 1 || list.Restores[0].RestoreID != rs.RestoreID || list.Restores[0].State != "completed" {
		t.Fatalf("restores of %s: %+v", sn.SnapshotID, list)
	}
	other := decodeAs[struct {
		Total int `json:"total"`
	}](t, m.expect("restores of another", 200)(m.deploy("GET", base+"/restores?source_snapshot_id="+mxNewSnapshot, nil)))
	if other.Total != 0 {
		t.Fatalf("another snapshot's restores: %d", other.Total)
	}
}
