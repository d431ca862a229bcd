package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Mount points, one per vendor host (see the package comment).
const (
	mountBackendlessConsole = "/backendless/console"
	mountBackendlessAPI     = "/backendless/api"
	mountBackendlessLegacy  = "/backendless3/api"
	mountMendixDeploy       = "/mendix/deploy"
	mountMendixCloud        = "/mendix/cloud"
	mountMendixProjects     = "/mendix/projects"
	mountMendixStorage      = "/mendix/storage" // pre-signed download URLs (mendix_storage.go)
	controlPrefix           = "/_sandbox"
)

// mount is one vendor host served below a path prefix of the sandbox.
type mount struct {
	prefix string
	mux    *http.ServeMux // sees paths below prefix, as the vendor host would
	// errorBody renders an error in the host's own style: injected faults use it, so a client's
	// error decoding is exercised on faults too.
	errorBody func(status int, msg string) any
	// redactPath removes secrets that the vendor puts in paths before a path is logged.
	redactPath func(sub string) string
	// writeErr, when set, replaces errorBody for hosts that do not answer JSON (object storage).
	writeErr func(w http.ResponseWriter, status int, msg string)
}

func (m *mount) writeError(w http.ResponseWriter, status int, msg string) {
	if m.writeErr != nil {
		m.writeErr(w, status, msg)
		return
	}
	writeJSON(w, status, m.errorBody(status, msg))
}

// backendlessErrorBody is backendless-console-api.md §6: {code, message}. modeled: the
// code of an injected fault repeats the HTTP status, as no vendor code is known for them.
func backendlessErrorBody(status int, msg string) any {
	code := status
	if status == http.StatusNotFound {
		code = bkCodeNotServed
	}
	return bkErrorBody{Code: code, Message: msg}
}

// mendixDeployErrorBody follows mendix-cloud-api.md §6: Deploy v1/v2 document an upper-case
// code and a message but not the JSON field names. modeled: errorCode / errorMessage.
func mendixDeployErrorBody(status int, msg string) any {
	return map[string]string{"errorCode": strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_")), "errorMessage": msg}
}

// mendixV4ErrorBody follows mendix-cloud-api.md §6: Deploy v4 and Projects v2 wrap errors as
// {"error": {"code": <http int>, "message": str}}.
func mendixV4ErrorBody(status int, msg string) any {
	return map[string]any{"error": map[string]any{"code": status, "message": msg}}
}

// keepPath logs paths as they are: hosts that put no secrets in paths.
func keepPath(sub string) string { return sub }

// redactBackendlessAPIPath hides the REST API key, which backendless-console-api.md §3.2 puts in
// the path: /{appId}/{REST-API-key}/....
func redactBackendlessAPIPath(sub string) string {
	parts := strings.SplitN(sub, "/", 4)
	if len(parts) >= 3 && parts[2] != "" {
		parts[2] = "***"
	}
	return strings.Join(parts, "/")
}

// redactBackendlessConsolePath hides an auth-key embedded in old console download URLs
// (backendless-console-api.md §3.1: /{appId}/console/{authKey}/files/download/{path}).
func redactBackendlessConsolePath(sub string) string {
	parts := strings.SplitN(sub, "/", 5)
	if len(parts) >= 4 && parts[2] == "console" && looksLikeToken(parts[3]) {
		parts[3] = "***"
	}
	return strings.Join(parts, "/")
}

// looksLikeToken matches session tokens and UUID-shaped keys: long runs of hex and dashes.
func looksLikeToken(s string) bool {
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
func (s *Sandbox) buildHandler() http.Handler {
	console := &mount{prefix: mountBackendlessConsole, mux: http.NewServeMux(), errorBody: backendlessErrorBody, redactPath: redactBackendlessConsolePath}
	s.routeBackendlessConsole(console.mux)
	s.routeBackendlessConsoleMigration(console.mux)
	api := &mount{prefix: mountBackendlessAPI, mux: http.NewServeMux(), errorBody: backendlessErrorBody, redactPath: redactBackendlessAPIPath}
	s.routeBackendlessAPI(api.mux)
	legacy := &mount{prefix: mountBackendlessLegacy, mux: http.NewServeMux(), errorBody: backendlessErrorBody, redactPath: keepPath}
	s.routeBackendless3(legacy.mux)
	mounts := []*mount{
		console, api, legacy,
	}
	mounts = append(mounts, s.mendixMounts()...)
	control := s.controlHandler()

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
				writeControlError(rec, http.StatusNotFound, "sandbox: no vendor surface at this path; GET /_sandbox/endpoints lists them")
				break
			}
			sub := strings.TrimPrefix(r.URL.Path, m.prefix)
			if sub == "" {
				sub = "/"
			}
			logPath = m.prefix + m.redactPath(sub)
			key := reqKey{method: r.Method, mount: m.prefix, sub: sub}
			fault = s.faults.decide(key, hasBody(r))
			next := stripPrefix(m.prefix, sub, m.mux)
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
		s.logf("%s %s%s -> %s%s (%s)", r.Method, logPath, redactQuery(r.URL.RawQuery), status, note, time.Since(start).Round(time.Millisecond))
	})
}

// mendixMounts are the Mendix hosts (mendix_*.go) and the object storage their pre-signed
// download URLs point at.
func (s *Sandbox) mendixMounts() []*mount {
	deploy := &mount{prefix: mountMendixDeploy, mux: http.NewServeMux(), errorBody: mendixDeployErrorBody, redactPath: keepPath}
	s.routeMendixDeploy(deploy.mux)
	cloud := &mount{prefix: mountMendixCloud, mux: http.NewServeMux(), errorBody: mendixV4ErrorBody, redactPath: keepPath}
	s.routeMendixCloud(cloud.mux)
	projects := &mount{prefix: mountMendixProjects, mux: http.NewServeMux(), errorBody: mxProjectsErrorBodyFor, redactPath: keepPath}
	s.routeMendixProjects(projects.mux)
	storage := &mount{prefix: mountMendixStorage, mux: http.NewServeMux(), writeErr: s3ErrorWriter, redactPath: redactStoragePath}
	s.routeMendixStorage(storage.mux)
	// The Build API's examples end paths with "/"; the deploy host accepts both spellings.
	wrapped := trimTrailingSlash(deploy.mux)
	deployMux := http.NewServeMux()
	deployMux.Handle("/", wrapped)
	deploy.mux = deployMux
	return []*mount{deploy, cloud, projects, storage}
}

// redactStoragePath hides the token of a pre-signed URL (/<token>/<file name>): it is the
// credential.
func redactStoragePath(sub string) string {
	parts := strings.SplitN(sub, "/", 3)
	if len(parts) >= 2 && parts[1] != "" {
		parts[1] = "***"
	}
	return strings.Join(parts, "/")
}

// under reports whether path is prefix or below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func findMount(mounts []*mount, path string) *mount {
	var best *mount
	for _, m := range mounts {
		if under(path, m.prefix) && (best == nil || len(m.prefix) > len(best.prefix)) {
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
