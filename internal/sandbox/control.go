package sandbox

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// controlHandler serves /_sandbox/: the sandbox's own API for tests, scripts and people. It is
// not a vendor surface, so faults never apply to it; it has no authentication because the
// sandbox listens on loopback only.
func (s *Sandbox) controlHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sandbox/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("GET /_sandbox/endpoints", s.ctlEndpoints)

	mux.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.faults.pendingScripts())
	})
	mux.HandleFunc("POST /_sandbox/faults", s.ctlScriptFault)
	mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		writeEmpty(w, http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sandbox/holds", s.ctlHold)
	mux.HandleFunc("GET /_sandbox/holds", s.ctlHolds)
	mux.HandleFunc("DELETE /_sandbox/holds", func(w http.ResponseWriter, r *http.Request) {
		s.ReleaseHolds()
		writeEmpty(w, http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sandbox/inventory", s.ctlInventory)
	mux.HandleFunc("GET /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		m, p := q.Get("method"), q.Get("path_prefix")
		writeJSON(w, http.StatusOK, map[string]int{"count": s.Requests(m, p), "faulted": s.Faulted(m, p)})
	})

	mux.HandleFunc("GET /_sandbox/jobs", func(w http.ResponseWriter, r *http.Request) {
		jobs := s.Jobs()
		if jobs == nil {
			jobs = []Job{}
		}
		writeJSON(w, http.StatusOK, jobs)
	})
	mux.HandleFunc("GET /_sandbox/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		j, ok := s.Job(r.PathValue("id"))
		if !ok {
			writeControlError(w, http.StatusNotFound, "no such job")
			return
		}
		writeJSON(w, http.StatusOK, j)
	})

	mux.HandleFunc("GET /_sandbox/backendless/apps", func(w http.ResponseWriter, r *http.Request) {
		apps := s.BackendlessApps()
		if apps == nil {
			apps = []BackendlessApp{}
		}
		writeJSON(w, http.StatusOK, apps)
	})
	mux.HandleFunc("POST /_sandbox/backendless/apps", s.ctlCreateBackendlessApp)
	mux.HandleFunc("DELETE /_sandbox/backendless/apps/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := s.DeleteBackendlessApp(r.PathValue("id")); err != nil {
			writeSentinelError(w, err)
			return
		}
		writeEmpty(w, http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /_sandbox/backendless/sessions", func(w http.ResponseWriter, r *http.Request) {
		if err := s.ExpireBackendlessSessions(); err != nil {
			writeSentinelError(w, err)
			return
		}
		writeEmpty(w, http.StatusNoContent)
	})

	s.routeBackendlessMigrationControl(mux)
	s.routeMendixControl(mux) // mendix_portal.go

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeControlError(w, http.StatusNotFound, "sandbox: no control route "+r.Method+" "+r.URL.Path)
	})
	return mux
}

// ctlEndpoints answers the provider URLs. Behind Handler without Start the sandbox does not know
// its own address, so it uses the one the caller reached it on.
func (s *Sandbox) ctlEndpoints(w http.ResponseWriter, r *http.Request) {
	base := s.URL()
	if base == "" {
		base = "http://" + r.Host
	}
	writeJSON(w, http.StatusOK, EndpointsAt(base))
}

// ctlScriptFault is POST /_sandbox/faults {"method","path_prefix","fault","count"}; fault is a
// name (faultNameList).
func (s *Sandbox) ctlScriptFault(w http.ResponseWriter, r *http.Request) {
	var rule FaultRule
	if err := decodeJSON(w, r, &rule); err != nil {
		writeControlError(w, http.StatusBadRequest, "fault rule: "+err.Error())
		return
	}
	if rule.Fault == FaultNone || rule.Count <= 0 {
		writeControlError(w, http.StatusBadRequest, `fault rule: want "fault" (`+faultNameList+`) and "count" > 0`)
		return
	}
	rule.Method = strings.ToUpper(rule.Method)
	s.faults.script(rule)
	writeJSON(w, http.StatusCreated, rule)
}

// ctlHold is POST /_sandbox/holds {"method","path_prefix","when","count"}.
func (s *Sandbox) ctlHold(w http.ResponseWriter, r *http.Request) {
	var rule HoldRule
	if err := decodeJSON(w, r, &rule); err != nil {
		writeControlError(w, http.StatusBadRequest, "hold rule: "+err.Error())
		return
	}
	rule, err := normalizeHoldRule(rule)
	if err == nil {
		err = s.Hold(rule)
	}
	if err != nil {
		writeSentinelError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, rule)
}

// holdsView is GET /_sandbox/holds: the rules still waiting for requests and the requests held.
type holdsView struct {
	Rules []HoldRule    `json:"rules"`
	Held  []HeldRequest `json:"held"`
}

// ctlHolds is GET /_sandbox/holds[?wait=N&timeout=30s]: with wait, it answers once N requests
// are held (408 when timeout, default 30s, passes first), so a script need not poll.
func (s *Sandbox) ctlHolds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if raw := q.Get("wait"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			writeControlError(w, http.StatusBadRequest, "wait: want a number of held requests, 1 or more")
			return
		}
		timeout := 30 * time.Second
		if raw := q.Get("timeout"); raw != "" {
			if timeout, err = time.ParseDuration(raw); err != nil || timeout <= 0 {
				writeControlError(w, http.StatusBadRequest, "timeout: want a Go duration such as 30s")
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		if _, err := s.WaitHeld(ctx, n); err != nil {
			writeControlError(w, http.StatusRequestTimeout, err.Error())
			return
		}
	}
	writeJSON(w, http.StatusOK, holdsView{Rules: s.PendingHolds(), Held: s.Held()})
}

// ctlCreateBackendlessApp is POST /_sandbox/backendless/apps {"owner","name","zone"?}: a
// developer creating an app in the web console, outside the provider's knowledge.
func (s *Sandbox) ctlCreateBackendlessApp(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Owner string `json:"owner"`
		Name  string `json:"name"`
		Zone  string `json:"zone"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := s.CreateBackendlessAppInZone(in.Owner, in.Name, in.Zone)
	if err != nil {
		writeSentinelError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

// writeSentinelError maps the package's error kinds to control-surface statuses.
func writeSentinelError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, ErrInvalid):
		status = http.StatusBadRequest
	}
	writeControlError(w, status, err.Error())
}
