package core

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Tag says what a vendor route rests on, exactly as the vendor reference notes tag it, plus
// MODELED for the routes designed here for steps the vendor offers only in its web console.
type Tag string

// Route tags, from the most to the least established.
const (
	// Documented is in the vendor's published documentation.
	Documented Tag = "DOCUMENTED"
	// SDK is not in the prose docs but used by the vendor's own open-source SDK.
	SDK Tag = "SDK"
	// Inferred is reasoned from documented facts; verify against a live account.
	Inferred Tag = "INFERRED"
	// Modeled has no vendor API at all: designed here in the vendor's style, the sandbox's
	// "modeled:" comments describe it.
	Modeled Tag = "MODELED"
)

// tagOrder ranks the tags from the most to the least established.
var tagOrder = []Tag{Documented, SDK, Inferred, Modeled}

// OnDocumentedAPI reports whether a call with this tag is part of the vendor's documented API
// (DOCUMENTED or SDK): the only calls documented-only mode serves.
func (t Tag) OnDocumentedAPI() bool { return t == Documented || t == SDK }

// Route is one vendor call the sandbox serves: what the route table lists.
type Route struct {
	// Vendor and Host say where it is served: the vendor's name and the mount prefix.
	Vendor string `json:"vendor"`
	Host   string `json:"host"`
	// Method and Pattern are the call as the vendor host sees it (http.ServeMux syntax, below
	// the mount); Query, when set, is the query parameter (name=value) that makes this call
	// differ from the plain one on the same path.
	Method  string `json:"method"`
	Pattern string `json:"pattern"`
	Query   string `json:"query,omitempty"`
	// Tag is what the call rests on; Reference the section of the vendor reference notes.
	Tag       Tag    `json:"tag"`
	Reference string `json:"reference"`

	handler http.Handler
	qName   string
	qValue  string
}

// Call renders the route as "METHOD /host/pattern?query".
func (rt Route) Call() string {
	s := rt.Method + " " + rt.Host + rt.Pattern
	if rt.Query != "" {
		s += "?" + rt.Query
	}
	return s
}

// Route registers a vendor call served by h: pattern is "METHOD /path[?name=value]" below the
// mount (http.ServeMux syntax), tag what it rests on and ref the section of the mount's
// reference notes (e.g. "§5.3"). A GET route answers HEAD too, as net/http does; the HEAD call
// is listed on its own, tagged INFERRED (no reference documents HEAD) unless the GET's tag is
// weaker. On a mount with its own dispatch (MountSpec.Serve) h is nil: the route is listed and
// gated, Serve answers it.
func (m *Mount) Route(tag Tag, ref, pattern string, h http.HandlerFunc) {
	method, rest, ok := strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(rest, "/") {
		panic("sandbox: route pattern wants \"METHOD /path\": " + pattern)
	}
	if !slices.Contains(tagOrder, tag) {
		panic("sandbox: route " + pattern + ": unknown tag " + string(tag))
	}
	if (h == nil) != (m.spec.Serve != nil) {
		panic("sandbox: route " + pattern + ": a handler is required exactly when the mount has no Serve of its own")
	}
	path, query, _ := strings.Cut(rest, "?")
	rt := &Route{
		Vendor: m.spec.Vendor, Host: m.spec.Prefix, Method: method, Pattern: path, Query: query,
		Tag: tag, Reference: strings.TrimSpace(m.spec.Reference + " " + ref),
	}
	if h != nil {
		rt.handler = h
	}
	if query != "" {
		rt.qName, rt.qValue, _ = strings.Cut(query, "=")
	}
	m.add(rt)
	if method == http.MethodGet {
		head := *rt
		head.Method = http.MethodHead
		head.Tag = weaker(tag, Inferred)
		m.add(&head)
	}
}

// weaker is the less established of two tags.
func weaker(a, b Tag) Tag {
	if slices.Index(tagOrder, a) >= slices.Index(tagOrder, b) {
		return a
	}
	return b
}

// add records rt and, on a mount without its own dispatch, registers its path with the mux
// the first time the path is seen for a method.
func (m *Mount) add(rt *Route) {
	for _, have := range m.routes {
		if have.Method == rt.Method && have.Pattern == rt.Pattern && have.Query == rt.Query {
			panic("sandbox: route registered twice: " + rt.Call())
		}
	}
	m.routes = append(m.routes, rt)
	if m.spec.Serve != nil || rt.Method == http.MethodHead {
		return // HEAD reaches the GET pattern through http.ServeMux
	}
	key := rt.Method + " " + rt.Pattern
	if m.registered[key] {
		return
	}
	m.registered[key] = true
	m.mux.Handle(key, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := m.variant(r.Method, rt.Pattern, r.URL.Query()); v != nil && v.handler != nil {
			v.handler.ServeHTTP(w, r)
			return
		}
		m.mux404(w, r)
	}))
}

// variant picks the route of a request on one path: the variant whose query parameter the
// request carries, else the plain one.
func (m *Mount) variant(method, path string, q url.Values) *Route {
	var plain *Route
	for _, rt := range m.routes {
		if rt.Method != method || rt.Pattern != path {
			continue
		}
		if rt.Query == "" {
			plain = rt
			continue
		}
		if q.Get(rt.qName) == rt.qValue {
			return rt
		}
	}
	return plain
}

// resolve names the route a request (already below the mount) is for, nil for a path no route
// serves.
func (m *Mount) resolve(r *http.Request) *Route {
	var path string
	if m.spec.Serve != nil {
		path = m.spec.Resolve(r.URL.Path)
	} else {
		if m.spec.TrimTrailingSlash {
			r = trimmed(r)
		}
		_, pattern := m.mux.Handler(r)
		_, path, _ = strings.Cut(pattern, " ")
	}
	if path == "" {
		return nil
	}
	return m.variant(r.Method, path, r.URL.Query())
}

// mux404 answers a path the mux has no route for in the host's style.
func (m *Mount) mux404(w http.ResponseWriter, r *http.Request) {
	if m.notFound != nil {
		m.notFound(w, r)
		return
	}
	m.WriteError(w, http.StatusNotFound, fmt.Sprintf("sandbox: %s %s is not a route this sandbox serves", r.Method, m.spec.Prefix+r.URL.Path))
}

// Routes lists every vendor call the sandbox serves, mount by mount in the order the vendors
// registered them (GET /_sandbox/routes).
func (s *Core) Routes() []Route {
	var out []Route
	for _, m := range s.mounts {
		for _, rt := range m.routes {
			out = append(out, *rt)
		}
	}
	return out
}

// RefusedCall is a vendor call documented-only mode refused.
type RefusedCall struct {
	Method string    `json:"method"`
	Path   string    `json:"path"` // from the sandbox root, with secrets in the path redacted
	Route  string    `json:"route"`
	Tag    Tag       `json:"tag"`
	At     time.Time `json:"at"`
}

// maxRefusedKept bounds the list of refused calls kept for GET /_sandbox/refused; the counts
// stay exact.
const maxRefusedKept = 1000

// refusals counts the calls documented-only mode refused.
type refusals struct {
	mu     sync.Mutex
	counts map[reqKey]int
	calls  []RefusedCall
}

func (f *refusals) add(k reqKey, c RefusedCall) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.counts == nil {
		f.counts = map[reqKey]int{}
	}
	f.counts[k]++
	if len(f.calls) < maxRefusedKept {
		f.calls = append(f.calls, c)
	}
}

// Refused returns how many vendor calls matching method ("" = any) and pathPrefix (below the
// mount or from the sandbox root, as for ScriptFault) documented-only mode refused, so a test
// can assert that no call outside the documented API was made.
func (s *Core) Refused(method, pathPrefix string) int {
	s.refused.mu.Lock()
	defer s.refused.mu.Unlock()
	n := 0
	for k, c := range s.refused.counts {
		if matches(method, pathPrefix, k) {
			n += c
		}
	}
	return n
}

// RefusedCalls lists the calls documented-only mode refused, oldest first (the first 1000).
func (s *Core) RefusedCalls() []RefusedCall {
	s.refused.mu.Lock()
	defer s.refused.mu.Unlock()
	out := slices.Clone(s.refused.calls)
	if out == nil {
		out = []RefusedCall{}
	}
	return out
}

// refuse answers a call outside the documented API in documented-only mode, in the host's
// error style, and counts it.
func (s *Core) refuse(w http.ResponseWriter, m *Mount, rt *Route, key reqKey, logPath string) {
	s.refused.add(key, RefusedCall{Method: key.method, Path: logPath, Route: rt.Call(), Tag: rt.Tag, At: time.Now().UTC()})
	m.WriteError(w, http.StatusForbidden, fmt.Sprintf(
		"sandbox: %s is not a documented call (tag %s): refused in documented-only mode (reference: %s)",
		rt.Call(), rt.Tag, rt.Reference))
}
