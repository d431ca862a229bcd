package mendix

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Deploy API v4 (mendix-cloud-api.md §5.1): base {cloud} (https://cloud.home.mendix.com/api/v4),
// Authorization: MxToken, camelCase, ISO-8601. Apps are addressed by the UUID Deploy v1 calls ProjectId.

// License types of a v4 app.
const (
	LicenseFree     = "free"
	LicenseLicensed = "licensed"
)

// V4 environment states (§5.1, lower case).
const (
	V4Stopped     = "stopped"
	V4Running     = "running"
	V4NotDeployed = "notdeployed"
)

// V4App is a Deploy v4 app.
type V4App struct {
	ID          string // the project UUID
	Name        string
	LicenseType string // free | licensed
	Subdomain   string // the Deploy v1 AppId of the node it is licensed on
	Region      string
	// TechnicalContact is the contact's user id (e-mail).
	TechnicalContact string
}

type v4App struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	LicenseType      string `json:"licenseType"`
	Subdomain        string `json:"subdomain"`
	Region           string `json:"region"`
	TechnicalContact *struct {
		UserID string `json:"userId"`
	} `json:"technicalContact"`
}

func (a v4App) app() V4App {
	out := V4App{ID: a.ID, Name: a.Name, LicenseType: a.LicenseType, Subdomain: a.Subdomain, Region: a.Region}
	if a.TechnicalContact != nil {
		out.TechnicalContact = a.TechnicalContact.UserID
	}
	return out
}

// v4PageSize is what each page asks for; §6: over-large limits are silently capped, so paging
// stops on an empty page rather than on a short one.
const v4PageSize = 100

// AppsV4 lists apps, every page (GET /apps?offset=&limit=&licenseType=, DOCUMENTED). licenseType "" lists all.
//
// The listing grows with the account, so it is read at most once per listCacheTTL per client (one
// provider process: every resource of one plan or apply shares it) and read again after this
// client links a node or creates or deletes an app.
func (c *Client) AppsV4(ctx context.Context, licenseType string) ([]V4App, error) {
	if cached, ok := c.lists.get("v4 apps " + licenseType); ok {
		if apps, ok := cached.([]V4App); ok {
			return slices.Clone(apps), nil
		}
	}
	apps, err := c.appsV4(ctx, licenseType)
	if err != nil {
		return nil, err
	}
	c.lists.put("v4 apps "+licenseType, slices.Clone(apps))
	return apps, nil
}

func (c *Client) appsV4(ctx context.Context, licenseType string) ([]V4App, error) {
	var out []V4App
	for offset, pages := 0, 0; pages < 1000; pages++ {
		var page struct {
			Apps []v4App `json:"apps"`
		}
		q := url.Values{"offset": []string{strconv.Itoa(offset)}, "limit": []string{strconv.Itoa(v4PageSize)}}
		if licenseType != "" {
			q.Set("licenseType", licenseType)
		}
		if _, _, err := c.do(ctx, call{api: apiCloudV4, op: "mendix: list apps (v4)", method: http.MethodGet, path: "/apps", query: q, out: &page}); err != nil {
			return nil, err
		}
		for _, a := range page.Apps {
			out = append(out, a.app())
		}
		if len(page.Apps) == 0 {
			break
		}
		offset += len(page.Apps)
	}
	return out, nil
}

// AppV4 reads one app (GET /apps/{appId}, DOCUMENTED).
func (c *Client) AppV4(ctx context.Context, projectID string) (*V4App, error) {
	var raw v4App
	if _, _, err := c.do(ctx, call{api: apiCloudV4, op: "mendix: read app " + projectID + " (v4)", method: http.MethodGet,
		path: seg("apps", projectID), out: &raw}); err != nil {
		return nil, err
	}
	a := raw.app()
	return &a, nil
}

// V4Package is the package deployed to a v4 environment (expand=package).
type V4Package struct {
	ID             string
	ModelVersion   string
	RuntimeVersion string
	FileName       string
	FileSize       int64
	CreatedOn      time.Time
}

// V4Environment is a Deploy v4 environment.
type V4Environment struct {
	ID           string
	AppID        string
	Name         string
	State        string // stopped | running | notdeployed
	IsProduction bool
	URL          string
	Package      *V4Package
}

type v4Environment struct {
	ID           string      `json:"id"`
	AppID        string      `json:"appId"`
	Name         string      `json:"name"`
	State        string      `json:"state"`
	IsProduction lenientBool `json:"isProduction"`
	URL          string      `json:"url"`
	Package      *struct {
		ID             string  `json:"id"`
		ModelVersion   string  `json:"modelVersion"`
		RuntimeVersion string  `json:"runtimeVersion"`
		FileName       string  `json:"fileName"`
		FileSize       int64   `json:"fileSize"`
		CreatedOn      isoTime `json:"createdOn"`
	} `json:"package"`
}

func (e v4Environment) env() V4Environment {
	out := V4Environment{ID: e.ID, AppID: e.AppID, Name: e.Name, State: e.State, IsProduction: bool(e.IsProduction), URL: e.URL}
	if e.Package != nil {
		out.Package = &V4Package{ID: e.Package.ID, ModelVersion: e.Package.ModelVersion, RuntimeVersion: e.Package.RuntimeVersion,
			FileName: e.Package.FileName, FileSize: e.Package.FileSize, CreatedOn: time.Time(e.Package.CreatedOn)}
	}
	return out
}

// EnvironmentsV4 lists an app's environments, every page, with their deployed package
// (GET /apps/{appId}/environments?expand=package, DOCUMENTED).
func (c *Client) EnvironmentsV4(ctx context.Context, projectID string) ([]V4Environment, error) {
	var out []V4Environment
	for offset, pages := 0, 0; pages < 1000; pages++ {
		var page struct {
			Environments []v4Environment `json:"environments"`
		}
		q := url.Values{"offset": []string{strconv.Itoa(offset)}, "limit": []string{strconv.Itoa(v4PageSize)}, "expand": []string{"package"}}
		if _, _, err := c.do(ctx, call{api: apiCloudV4, op: "mendix: list environments of app " + projectID + " (v4)", method: http.MethodGet,
			path: seg("apps", projectID, "environments"), query: q, out: &page}); err != nil {
			return nil, err
		}
		for _, e := range page.Environments {
			out = append(out, e.env())
		}
		if len(page.Environments) == 0 {
			break
		}
		offset += len(page.Environments)
	}
	return out, nil
}

// EnvironmentV4 reads one environment (GET /apps/{appId}/environments/{environmentId}, DOCUMENTED).
func (c *Client) EnvironmentV4(ctx context.Context, projectID, environmentID string) (*V4Environment, error) {
	var raw v4Environment
	if _, _, err := c.do(ctx, call{api: apiCloudV4, op: "mendix: read environment " + environmentID + " (v4)", method: http.MethodGet,
		path: seg("apps", projectID, "environments", environmentID), query: url.Values{"expand": []string{"package"}}, out: &raw}); err != nil {
		return nil, err
	}
	e := raw.env()
	return &e, nil
}
