package core

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// controlPrefix is where the sandbox's own control surface lives.
const controlPrefix = "/_sandbox"

// MountSpec describes one vendor host served below a path prefix of the sandbox.
type MountSpec struct {
	// Vendor names the vendor (the route table groups by it); Reference names the vendor's
	// reference notes, which each route's reference section is in.
	Vendor    string
	Reference string
	// Prefix is where the host is mounted, e.g. "/backendless/console".
	Prefix string
	// ErrorBody renders an error in the host's own style: injected faults and refusals use it,
	// so a client's error decoding is exercised on them too.
	ErrorBody func(status int, msg string) any
	// WriteError, when set, replaces ErrorBody for hosts that do not answer JSON (object
	// storage).
	WriteError func(w http.ResponseWriter, status int, msg string)
	// RedactPath removes secrets that the vendor puts in paths before a path is logged; nil
	// logs paths as they are.
	RedactPath func(sub string) string
	// TrimTrailingSlash serves "/x/" as "/x", for hosts whose own examples write both.
	TrimTrailingSlash bool
	// Serve and Resolve are for a host whose paths http.ServeMux patterns cannot tell apart:
	// Serve answers every request of the mount, Resolve names the route pattern of a path below
	// the mount ("" for none), and the routes are registered without handlers.
	Serve   http.Handler
	Resolve func(path string) string
}

// Mount is one vendor host: its routes see paths below the prefix, as the vendor host would.
type Mount struct {
	spec       MountSpec
	mux        *http.ServeMux
	routes     []*Route
	registered map[string]bool // "METHOD /path" patterns handed to mux
	notFound   http.HandlerFunc
}

// Mount adds a vendor host; call it from Vendor.Attach, then add its routes with Route.
func (s *Core) Mount(spec MountSpec) *Mount {
	if spec.RedactPath == nil {
		spec.RedactPath = func(sub string) string { return sub }
	}
	if (spec.Serve == nil) != (spec.Resolve == nil) {
		panic("sandbox: mount " + spec.Prefix + ": Serve and Resolve go together")
	}
	m := &Mount{spec: spec, mux: http.NewServeMux(), registered: map[string]bool{}}
	if spec.Serve == nil {
		m.mux.HandleFunc("/", m.mux404)
	}
	s.mounts = append(s.mounts, m)
	return m
}

// Prefix is where the host is mounted.
func (m *Mount) Prefix() string { return m.spec.Prefix }

// NotFound sets what answers a path no route serves, in the host's style; by default a 404
// through ErrorBody.
func (m *Mount) NotFound(h http.HandlerFunc) { m.notFound = h }

// WriteError answers an error in the host's own style.
func (m *Mount) WriteError(w http.ResponseWriter, status int, msg string) {
	if m.spec.WriteError != nil {
		m.spec.WriteError(w, status, msg)
		return
	}
	WriteJSON(w, status, m.spec.ErrorBody(status, msg))
}

// handler is what the mount serves: its routes, below the prefix.
func (m *Mount) handler() http.Handler {
	if m.spec.Serve != nil {
		return m.spec.Serve
	}
	if m.spec.TrimTrailingSlash {
		return trimTrailingSlash(m.mux)
	}
	return m.mux
}

// trimTrailingSlash lets ".../x/" reach the ".../x" route.
func trimTrailingSlash(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, trimmed(r))
	})
}

// trimmed is r with its path's trailing slashes removed.
func trimmed(r *http.Request) *http.Request {
	if len(r.URL.Path) <= 1 || !strings.HasSuffix(r.URL.Path, "/") {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	r2.URL = &u
	return r2
}

// LooksLikeToken matches session tokens and UUID-shaped keys: long runs of hex and dashes.
func LooksLikeToken(s string) bool {
	if len(s) < 32 {
		return false
	}
	return strings.Trim(s, "0123456789abcdefABCDEF-") == ""
}

// sensitiveQuery names query parameters whose values never reach the log.
func sensitiveQuery(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"key", "token", "secret", "password", "auth", "sig", "otp"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "?<unparsed query>"
	}
	keys := slices.Sorted(maps.Keys(q))
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			if sensitiveQuery(k) {
				b.WriteString("***")
			} else {
				b.WriteString(url.QueryEscape(v))
			}
		}
	}
	return "?" + b.String()
}

// buildHandler wires the mounts, the control surface and the request log.
func (s *Core) buildHandler() http.Handler {
	mounts := s.mounts
	control := s.control

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w}
		logPath := r.URL.Path
		fault := FaultNone
		held, refused := "", ""
		switch {
		case under(r.URL.Path, controlPrefix):
			control.ServeHTTP(rec, r)
		default:
			m := findMount(mounts, r.URL.Path)
			if m == nil {
				logPath = "/<unknown>"
				WriteControlError(rec, http.StatusNotFound, "sandbox: no vendor surface at this path; GET /_sandbox/endpoints lists them")
				break
			}
			sub := strings.TrimPrefix(r.URL.Path, m.spec.Prefix)
			if sub == "" {
				sub = "/"
			}
			logPath = m.spec.Prefix + m.spec.RedactPath(sub)
			key := reqKey{method: r.Method, mount: m.spec.Prefix, sub: sub}
			if s.opts.DocumentedOnly {
				if rt := m.resolve(below(m.spec.Prefix, sub, r)); rt != nil && !rt.Tag.OnDocumentedAPI() {
					// Refused before faults and holds: the call is not served at all.
					s.faults.countOnly(key)
					s.refuse(rec, m, rt, key, logPath)
					refused = " [refused: " + string(rt.Tag) + "]"
					break
				}
			}
			fault = s.faults.decide(key, hasBody(r))
			next := stripPrefix(m.spec.Prefix, sub, m.handler())
			if t := s.holds.catch(r.Method, logPath, key); t != nil {
				held = " [held " + t.when + "]"
				if t.when == HoldAfter {
					next = s.holdAfter(t, next)
				} else {
					r2, cleanup := s.holdBefore(t, r)
					defer cleanup()
					if r2 == nil {
						closeConn(rec) // the client left, or the sandbox is closing: never served
						fault = FaultNone
						break
					}
					r = r2
				}
			}
			s.applyFault(fault, m, rec, r, next)
		}
		if s.opts.Logf == nil {
			return
		}
		status := fmt.Sprint(rec.status)
		switch {
		case fault == FaultReset || fault == FaultResetRequest || fault == FaultResetResponse:
			status = "connection reset"
		case fault == FaultDropAnswer:
			status = "answer dropped"
		case fault == FaultStall:
			status = "stalled"
		case rec.status == 0:
			status = "no answer"
		}
		note := held + refused
		if fault != FaultNone {
			note += " [fault " + fault.String() + "]"
		}
		// Only method, redacted path and status: header values and bodies carry credentials.
		s.Logf("%s %s%s -> %s%s (%s)", r.Method, logPath, redactQuery(r.URL.RawQuery), status, note, time.Since(start).Round(time.Millisecond))
	})
}

// under reports whether path is prefix or below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func findMount(mounts []*Mount, path string) *Mount {
	var best *Mount
	for _, m := range mounts {
		if under(path, m.spec.Prefix) && (best == nil || len(m.spec.Prefix) > len(best.spec.Prefix)) {
			best = m
		}
	}
	return best
}

// stripPrefix hands h the request as the vendor host would see it: the path below the mount.
func stripPrefix(prefix, sub string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, below(prefix, sub, r))
	})
}

// below is r as the vendor host mounted at prefix sees it: with the path sub.
func below(prefix, sub string, r *http.Request) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	u := *r.URL
	u.Path = sub
	if u.RawPath != "" {
		if rp, ok := strings.CutPrefix(u.RawPath, prefix); ok && rp != "" {
			u.RawPath = rp
		} else {
			u.RawPath = ""
		}
	}
	r2.URL = &u
	return r2
}

// statusWriter remembers the status for the log. Unwrap lets http.ResponseController reach the
// real writer, which the reset faults need to hijack the connection.
type statusWriter struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status for the log and passes it on.
func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write counts an implicit 200 and passes the bytes on.
func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Flush passes streaming flushes through (later surfaces stream large downloads).
func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
