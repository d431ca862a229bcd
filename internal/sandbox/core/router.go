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
	// Prefix is where the host is mounted, e.g. "/backendless/console".
	Prefix string
	// ErrorBody renders an error in the host's own style: injected faults use it, so a client's
	// error decoding is exercised on faults too.
	ErrorBody func(status int, msg string) any
	// WriteError, when set, replaces ErrorBody for hosts that do not answer JSON (object
	// storage).
	WriteError func(w http.ResponseWriter, status int, msg string)
	// RedactPath removes secrets that the vendor puts in paths before a path is logged; nil
	// logs paths as they are.
	RedactPath func(sub string) string
	// TrimTrailingSlash serves "/x/" as "/x", for hosts whose own examples write both.
	TrimTrailingSlash bool
}

// Mount is one vendor host: its routes see paths below the prefix, as the vendor host would.
type Mount struct {
	spec MountSpec
	mux  *http.ServeMux
}

// Mount adds a vendor host; call it from Vendor.Attach.
func (c *Core) Mount(spec MountSpec) *Mount {
	if spec.RedactPath == nil {
		spec.RedactPath = func(sub string) string { return sub }
	}
	m := &Mount{spec: spec, mux: http.NewServeMux()}
	c.mounts = append(c.mounts, m)
	return m
}

// Prefix is where the host is mounted.
func (m *Mount) Prefix() string { return m.spec.Prefix }

// Handle serves pattern (http.ServeMux syntax, a path below the prefix) with h.
func (m *Mount) Handle(pattern string, h http.Handler) { m.mux.Handle(pattern, h) }

// HandleFunc serves pattern (http.ServeMux syntax, a path below the prefix) with h.
func (m *Mount) HandleFunc(pattern string, h http.HandlerFunc) { m.mux.HandleFunc(pattern, h) }

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
	if m.spec.TrimTrailingSlash {
		return trimTrailingSlash(m.mux)
	}
	return m.mux
}

// trimTrailingSlash lets ".../x/" reach the ".../x" route.
func trimTrailingSlash(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.Path) > 1 && strings.HasSuffix(r.URL.Path, "/") {
			r2 := new(http.Request)
			*r2 = *r
			u := *r.URL
			u.Path = strings.TrimRight(u.Path, "/")
			u.RawPath = ""
			r2.URL = &u
			r = r2
		}
		h.ServeHTTP(w, r)
	})
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
		held := ""
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
		note := held
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
		h.ServeHTTP(w, r2)
	})
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
