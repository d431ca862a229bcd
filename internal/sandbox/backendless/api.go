package backendless

import (
	"net/http"
	"slices"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// --- "a human at the web console": in-process helpers, mirrored under /_sandbox/ ---

// BackendlessDeveloper is a console account.
type BackendlessDeveloper struct {
	Login, Password, Name string
}

// BackendlessApp is a 5.0 app as the console shows it.
type BackendlessApp struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Zone       string    `json:"zone"`
	RESTAPIKey string    `json:"rest_api_key"`
	Created    time.Time `json:"created"`
	Owner      string    `json:"owner"` // login of the developer who owns it
}

func (a *bkApp) public() BackendlessApp {
	return BackendlessApp{ID: a.ID, Name: a.Name, Zone: a.Zone, RESTAPIKey: a.restKey(), Created: a.Created, Owner: a.Owner}
}

// BackendlessApps returns every 5.0 app of every developer, oldest first.
func (s *Backendless) BackendlessApps() []BackendlessApp {
	var out []BackendlessApp
	s.store.read(func(st *state) {
		for _, a := range st.Backendless.Apps {
			out = append(out, a.public())
		}
	})
	slices.SortStableFunc(out, func(a, b BackendlessApp) int { return a.Created.Compare(b.Created) })
	return out
}

// BackendlessDevelopers returns the console accounts (with passwords: they are fixture values).
func (s *Backendless) BackendlessDevelopers() []BackendlessDeveloper {
	var out []BackendlessDeveloper
	s.store.read(func(st *state) {
		for _, d := range st.Backendless.Developers {
			out = append(out, BackendlessDeveloper{Login: d.Login, Password: d.Password, Name: d.Name})
		}
	})
	return out
}

// CreateBackendlessApp creates a 5.0 app in zone US as if done in the web console by developer
// owner (login). It applies the console's rules: ErrInvalid for a bad name, ErrConflict for a
// name the developer already uses, ErrNotFound for an unknown owner.
func (s *Backendless) CreateBackendlessApp(owner, name string) (BackendlessApp, error) {
	return s.CreateBackendlessAppInZone(owner, name, "US")
}

// CreateBackendlessAppInZone is CreateBackendlessApp in zone US or EU.
func (s *Backendless) CreateBackendlessAppInZone(owner, name, zone string) (BackendlessApp, error) {
	a, err := s.bkCreateApp(owner, name, zone)
	if err != nil {
		return BackendlessApp{}, err
	}
	return a.public(), nil
}

// DeleteBackendlessApp deletes an app out of band (drift); ErrNotFound when there is none.
func (s *Backendless) DeleteBackendlessApp(id string) error { return s.bkDeleteApp("", id) }

// ExpireBackendlessSessions ends every console session, as a token expiring does
// (backendless-console-api.md §3.1: lifetime unknown), so tests can check that a client logs in
// again.
func (s *Backendless) ExpireBackendlessSessions() error {
	return s.store.update(func(st *state) error {
		st.Backendless.Sessions = []*bkSession{}
		st.tx.TouchAll(sectionName, collSessions)
		return nil
	})
}

// routeBackendlessControl adds the /_sandbox/ routes of the console helpers above.
func (s *Backendless) routeBackendlessControl() {
	s.HandleControl("GET /_sandbox/backendless/apps", func(w http.ResponseWriter, r *http.Request) {
		apps := s.BackendlessApps()
		if apps == nil {
			apps = []BackendlessApp{}
		}
		core.WriteJSON(w, http.StatusOK, apps)
	})
	s.HandleControl("POST /_sandbox/backendless/apps", s.ctlCreateBackendlessApp)
	s.HandleControl("DELETE /_sandbox/backendless/apps/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.DeleteBackendlessApp(r.PathValue("id")); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})
	s.HandleControl("DELETE /_sandbox/backendless/sessions", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ExpireBackendlessSessions(); err != nil {
			core.WriteSentinelError(w, err)
			return
		}
		core.WriteEmpty(w, http.StatusNoContent)
	})

}

// ctlCreateBackendlessApp is POST /_sandbox/backendless/apps {"owner","name","zone"?}: a
// developer creating an app in the web console, outside the provider's knowledge.
func (s *Backendless) ctlCreateBackendlessApp(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Owner string `json:"owner"`
		Name  string `json:"name"`
		Zone  string `json:"zone"`
	}
	if err := core.DecodeJSON(w, r, &in); err != nil {
		core.WriteControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.CreateBackendlessAppInZone(in.Owner, in.Name, in.Zone)
	if err != nil {
		core.WriteSentinelError(w, err)
		return
	}
	core.WriteJSON(w, http.StatusCreated, a)
}
