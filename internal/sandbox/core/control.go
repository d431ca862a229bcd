package core

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// routeControl serves /_sandbox/: the sandbox's own API for tests, scripts and people. It is
// not a vendor surface, so faults never apply to it; it has no authentication because the
// sandbox listens on loopback only. Vendors add theirs with HandleControl.
func (s *Core) routeControl() {
	mux := s.control
	mux.HandleFunc("GET /_sandbox/health", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("GET /_sandbox/endpoints", s.ctlEndpoints)

	mux.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, s.faults.pendingScripts())
	})
	mux.HandleFunc("POST /_sandbox/faults", s.ctlScriptFault)
	mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		WriteEmpty(w, http.StatusNoContent)
	})
	mux.HandleFunc("POST /_sandbox/holds", s.ctlHold)
	mux.HandleFunc("GET /_sandbox/holds", s.ctlHolds)
	mux.HandleFunc("DELETE /_sandbox/holds", func(w http.ResponseWriter, r *http.Request) {
		s.ReleaseHolds()
		WriteEmpty(w, http.StatusNoContent)
	})
	mux.HandleFunc("GET /_sandbox/inventory", s.ctlInventory)
	mux.HandleFunc("GET /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		m, p := q.Get("method"), q.Get("path_prefix")
		WriteJSON(w, http.StatusOK, map[string]int{"count": s.Requests(m, p), "faulted": s.Faulted(m, p), "refused": s.Refused(m, p)})
	})
	mux.HandleFunc("GET /_sandbox/routes", s.ctlRoutes)
	mux.HandleFunc("GET /_sandbox/refused", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, refusedView{DocumentedOnly: s.opts.DocumentedOnly, Count: s.Refused("", ""), Calls: s.RefusedCalls()})
	})

	mux.HandleFunc("GET /_sandbox/jobs", func(w http.ResponseWriter, r *http.Request) {
		jobs := s.Jobs()
		if jobs == nil {
			jobs = []Job{}
		}
		WriteJSON(w, http.StatusOK, jobs)
	})
	mux.HandleFunc("GET /_sandbox/jobs/lag", s.ctlJobLag)
	mux.HandleFunc("GET /_sandbox/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		j, ok := s.Job(r.PathValue("id"))
		if !ok {
			WriteControlError(w, http.StatusNotFound, "no such job")
			return
		}
		WriteJSON(w, http.StatusOK, j)
	})

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		WriteControlError(w, http.StatusNotFound, "sandbox: no control route "+r.Method+" "+r.URL.Path)
	})
}

// HandleControl serves a /_sandbox/ control route (http.ServeMux syntax, the full path); call
// it from Vendor.Attach.
func (s *Core) HandleControl(pattern string, h http.HandlerFunc) { s.control.HandleFunc(pattern, h) }

// ctlEndpoints answers the provider URLs (Options.Endpoints). Behind Handler without Start the
// sandbox does not know its own address, so it uses the one the caller reached it on.
func (s *Core) ctlEndpoints(w http.ResponseWriter, r *http.Request) {
	if s.opts.Endpoints == nil {
		WriteControlError(w, http.StatusNotFound, "sandbox: this sandbox names no endpoints")
		return
	}
	base := s.URL()
	if base == "" {
		base = "http://" + r.Host
	}
	WriteJSON(w, http.StatusOK, s.opts.Endpoints(base))
}

// ctlRoutes is GET /_sandbox/routes[?vendor=&tag=]: the route table, optionally one vendor's
// or one tag's rows.
func (s *Core) ctlRoutes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	vendor, tag := q.Get("vendor"), Tag(strings.ToUpper(q.Get("tag")))
	out := []Route{}
	for _, rt := range s.Routes() {
		if (vendor == "" || rt.Vendor == vendor) && (tag == "" || rt.Tag == tag) {
			out = append(out, rt)
		}
	}
	WriteJSON(w, http.StatusOK, out)
}

// refusedView is GET /_sandbox/refused: whether documented-only mode is on, how many calls it
// refused and the first of them.
type refusedView struct {
	DocumentedOnly bool          `json:"documented_only"`
	Count          int           `json:"count"`
	Calls          []RefusedCall `json:"calls"`
}

// ctlScriptFault is POST /_sandbox/faults {"method","path_prefix","fault","count"}; fault is a
// name (faultNameList).
func (s *Core) ctlScriptFault(w http.ResponseWriter, r *http.Request) {
	var rule FaultRule
	if err := DecodeJSON(w, r, &rule); err != nil {
		WriteControlError(w, http.StatusBadRequest, "fault rule: "+err.Error())
		return
	}
	if rule.Fault == FaultNone || rule.Count <= 0 {
		WriteControlError(w, http.StatusBadRequest, `fault rule: want "fault" (`+faultNameList+`) and "count" > 0`)
		return
	}
	rule.Method = strings.ToUpper(rule.Method)
	s.faults.script(rule)
	WriteJSON(w, http.StatusCreated, rule)
}

// ctlHold is POST /_sandbox/holds {"method","path_prefix","when","count"}.
func (s *Core) ctlHold(w http.ResponseWriter, r *http.Request) {
	var rule HoldRule
	if err := DecodeJSON(w, r, &rule); err != nil {
		WriteControlError(w, http.StatusBadRequest, "hold rule: "+err.Error())
		return
	}
	rule, err := normalizeHoldRule(rule)
	if err == nil {
		err = s.Hold(rule)
	}
	if err != nil {
		WriteSentinelError(w, err)
		return
	}
	WriteJSON(w, http.StatusCreated, rule)
}

// holdsView is GET /_sandbox/holds: the rules still waiting for requests and the requests held.
type holdsView struct {
	Rules []HoldRule    `json:"rules"`
	Held  []HeldRequest `json:"held"`
}

// ctlHolds is GET /_sandbox/holds[?wait=N&timeout=30s]: with wait, it answers once N requests
// are held (408 when timeout, default 30s, passes first), so a script need not poll.
func (s *Core) ctlHolds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if raw := q.Get("wait"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			WriteControlError(w, http.StatusBadRequest, "wait: want a number of held requests, 1 or more")
			return
		}
		timeout := 30 * time.Second
		if raw := q.Get("timeout"); raw != "" {
			if timeout, err = time.ParseDuration(raw); err != nil || timeout <= 0 {
				WriteControlError(w, http.StatusBadRequest, "timeout: want a Go duration such as 30s")
				return
			}
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		if _, err := s.WaitHeld(ctx, n); err != nil {
			WriteControlError(w, http.StatusRequestTimeout, err.Error())
			return
		}
	}
	WriteJSON(w, http.StatusOK, holdsView{Rules: s.PendingHolds(), Held: s.Held()})
}

// WriteSentinelError maps ErrNotFound, ErrConflict and ErrInvalid to control-surface statuses.
func WriteSentinelError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, ErrInvalid):
		status = http.StatusBadRequest
	}
	WriteControlError(w, status, err.Error())
}
