package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultOptions injects faults at random by rate, reproducibly from Seed.
type FaultOptions struct {
	Seed       int64
	Rate5xx    float64       // fraction of requests answered 500/502/503 (random among them)
	Rate429    float64       // answered 429 with Retry-After: RetryAfter seconds
	RateReset  float64       // connection reset part-way through the response body (or request body for uploads)
	RateSlow   float64       // delayed by SlowDelay before being served
	RetryAfter time.Duration // default 1s
	SlowDelay  time.Duration // default 2s
}

// Fault is one way a vendor call can go wrong.
type Fault int

// Faults a test can script or the random injector can pick.
const (
	FaultNone  Fault = iota
	Fault500         // 500 Internal Server Error
	Fault502         // 502 Bad Gateway, as a load balancer in front of the vendor says it
	Fault503         // 503 Service Unavailable
	Fault429         // 429 Too Many Requests with Retry-After
	FaultReset       // reset part-way: the request body for uploads, else the response body
	FaultSlow        // served after SlowDelay
	// FaultResetRequest closes the connection after reading part of the request body, so the
	// handler never runs (the upload "did not happen").
	FaultResetRequest
	// FaultResetResponse runs the handler, then closes the connection part-way through its
	// response (the create "happened but the client never heard").
	FaultResetResponse
)

var faultNames = map[Fault]string{
	FaultNone: "none", Fault500: "500", Fault502: "502", Fault503: "503", Fault429: "429",
	FaultReset: "reset", FaultSlow: "slow", FaultResetRequest: "reset_request", FaultResetResponse: "reset_response",
}

// String names the fault as the control surface and the --fault flags spell it.
func (f Fault) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// ParseFault reads a fault name: none, 500, 502, 503, 429, reset, slow, reset_request, reset_response.
func ParseFault(name string) (Fault, error) {
	for f, n := range faultNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return f, nil
		}
	}
	return FaultNone, fmt.Errorf("unknown fault %q (want one of 500, 502, 503, 429, reset, reset_request, reset_response, slow)", name)
}

// MarshalText spells the fault by name in JSON (control surface, FaultRule).
func (f Fault) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText reads a fault name, as ParseFault does.
func (f *Fault) UnmarshalText(b []byte) error {
	v, err := ParseFault(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// status is the HTTP status an answering fault sends, 0 for the others.
func (f Fault) status() int {
	switch f {
	case Fault500:
		return http.StatusInternalServerError
	case Fault502:
		return http.StatusBadGateway
	case Fault503:
		return http.StatusServiceUnavailable
	case Fault429:
		return http.StatusTooManyRequests
	}
	return 0
}

// FaultRule is one scripted fault: the next Count requests matching Method ("" = any) and
// PathPrefix fail with Fault.
type FaultRule struct {
	Method     string `json:"method"`
	PathPrefix string `json:"path_prefix"`
	Fault      Fault  `json:"fault"`
	Count      int    `json:"count"` // how many matching requests are still to fail
}

// reqKey groups requests for counting: the mount keeps the sub-path unambiguous.
type reqKey struct {
	method, mount, sub string
}

// faultInjector decides, per vendor request, whether and how it fails, and counts requests.
type faultInjector struct {
	opts FaultOptions

	mu      sync.Mutex
	rng     *rand.Rand // seeded: the same seed and request sequence give the same outcomes
	scripts []*FaultRule
	counts  map[reqKey]int
	faulted map[reqKey]int
}

func newFaultInjector(opts FaultOptions) *faultInjector {
	return &faultInjector{
		opts:    opts,
		rng:     rand.New(rand.NewPCG(uint64(opts.Seed), 0x5eed5eed)),
		counts:  map[reqKey]int{},
		faulted: map[reqKey]int{},
	}
}

// Validate reports rates that cannot be meant: each must be a fraction in [0, 1] and together
// they must not exceed 1 (each request gets at most one random fault).
func (o FaultOptions) Validate() error {
	sum := 0.0
	for _, r := range []struct {
		name string
		v    float64
	}{{"Rate5xx", o.Rate5xx}, {"Rate429", o.Rate429}, {"RateReset", o.RateReset}, {"RateSlow", o.RateSlow}} {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("sandbox: fault %s = %v: want a fraction between 0 and 1", r.name, r.v)
		}
		sum += r.v
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("sandbox: fault rates add up to %v: together they must not exceed 1", sum)
	}
	if o.RetryAfter < 0 || o.SlowDelay < 0 {
		return errors.New("sandbox: fault RetryAfter and SlowDelay must not be negative")
	}
	return nil
}

// validateFaultOptions checks o and fills the documented defaults.
func validateFaultOptions(o *FaultOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.RetryAfter == 0 {
		o.RetryAfter = time.Second
	}
	if o.SlowDelay == 0 {
		o.SlowDelay = 2 * time.Second
	}
	return nil
}

func (fi *faultInjector) script(rule FaultRule) {
	if rule.Count <= 0 || rule.Fault == FaultNone {
		return
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	r := rule
	fi.scripts = append(fi.scripts, &r)
}

func (fi *faultInjector) clearScripts() {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.scripts = nil
}

func (fi *faultInjector) pendingScripts() []FaultRule {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	out := make([]FaultRule, 0, len(fi.scripts))
	for _, r := range fi.scripts {
		out = append(out, *r)
	}
	return out
}

// matches reports whether a request (method, sub-path below the mount, mount prefix) matches
// method+prefix; the prefix may be given below the mount or as the full path.
func matches(method, prefix string, k reqKey) bool {
	if method != "" && !strings.EqualFold(method, k.method) {
		return false
	}
	return strings.HasPrefix(k.sub, prefix) || strings.HasPrefix(k.mount+k.sub, prefix)
}

// decide counts the request and picks its fault: scripted rules first (oldest first), then the
// seeded random draw.
func (fi *faultInjector) decide(k reqKey) Fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.counts[k]++
	f := fi.scriptedLocked(k)
	if f == FaultNone {
		f = fi.randomLocked()
	}
	if f != FaultNone {
		fi.faulted[k]++
	}
	return f
}

func (fi *faultInjector) scriptedLocked(k reqKey) Fault {
	for i, r := range fi.scripts {
		if !matches(r.Method, r.PathPrefix, k) {
			continue
		}
		r.Count--
		if r.Count <= 0 {
			fi.scripts = append(fi.scripts[:i], fi.scripts[i+1:]...)
		}
		return r.Fault
	}
	return FaultNone
}

// randomLocked draws exactly two numbers per request whenever any rate is set, so the outcome
// of the n-th request depends only on the seed and n, not on earlier outcomes.
func (fi *faultInjector) randomLocked() Fault {
	o := fi.opts
	if o.Rate5xx+o.Rate429+o.RateReset+o.RateSlow == 0 {
		return FaultNone
	}
	x, pick := fi.rng.Float64(), fi.rng.IntN(3)
	switch {
	case x < o.Rate5xx:
		return []Fault{Fault500, Fault502, Fault503}[pick]
	case x < o.Rate5xx+o.Rate429:
		return Fault429
	case x < o.Rate5xx+o.Rate429+o.RateReset:
		return FaultReset
	case x < o.Rate5xx+o.Rate429+o.RateReset+o.RateSlow:
		return FaultSlow
	}
	return FaultNone
}

func (fi *faultInjector) count(method, prefix string, m map[reqKey]int) int {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	n := 0
	for k, c := range m {
		if matches(method, prefix, k) {
			n += c
		}
	}
	return n
}

// ScriptFault makes the next n requests whose method matches method ("" = any) and whose path
// (below the vendor mount, e.g. "/console/applications") has the given prefix fail with fault
// f — deterministic faults for tests. A prefix may also be a full path from the sandbox root
// (e.g. "/backendless/console/console/applications") to aim at one mount. Scripted faults
// are consumed before random ones.
func (s *Sandbox) ScriptFault(method, pathPrefix string, f Fault, n int) {
	s.faults.script(FaultRule{Method: method, PathPrefix: pathPrefix, Fault: f, Count: n})
}

// ClearFaults drops every scripted fault that has not fired yet.
func (s *Sandbox) ClearFaults() { s.faults.clearScripts() }

// Requests returns how many requests matched method+pathPrefix so far (tests assert "no
// duplicate create"). Faulted requests count too: the server received them.
func (s *Sandbox) Requests(method, pathPrefix string) int {
	return s.faults.count(method, pathPrefix, s.faults.counts)
}

// Faulted returns how many of the matching requests were answered with an injected fault.
func (s *Sandbox) Faulted(method, pathPrefix string) int {
	return s.faults.count(method, pathPrefix, s.faults.faulted)
}

// applyFault serves r through next unless fault f says otherwise.
func (s *Sandbox) applyFault(f Fault, m *mount, w http.ResponseWriter, r *http.Request, next http.Handler) {
	o := s.faults.opts
	switch f {
	case Fault500, Fault502, Fault503:
		m.writeError(w, f.status(), fmt.Sprintf("sandbox: injected %d", f.status()))
	case Fault429:
		// Retry-After carries whole seconds (RFC 9110 §10.2.3); round up so a client that obeys
		// it never comes back early.
		secs := int(math.Ceil(o.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		m.writeError(w, http.StatusTooManyRequests, "sandbox: injected 429, retry later")
	case FaultSlow:
		t := time.NewTimer(o.SlowDelay)
		defer t.Stop()
		select {
		case <-t.C:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
			// The client gave up: nothing to answer.
		case <-s.reqCtx.Done():
			// The sandbox is closing; also under a caller's own server, whose request contexts
			// Close cannot cancel.
		}
	case FaultReset:
		if isUpload(r) {
			resetRequest(w, r)
		} else {
			resetResponse(w, r, next)
		}
	case FaultResetRequest:
		resetRequest(w, r)
	case FaultResetResponse:
		resetResponse(w, r, next)
	default:
		next.ServeHTTP(w, r)
	}
}

// isUpload tells a file upload from a small JSON call: it is the upload whose body a reset
// should cut, while a reset on a small call should hit the answer.
func isUpload(r *http.Request) bool {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return false
	}
	if r.ContentLength < 0 || r.ContentLength > 64<<10 {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/") || mt == "application/octet-stream" || mt == "application/zip"
}

// resetRequest reads part of the request body, then drops the connection without answering, as
// a proxy that dies mid-upload does. Closing with unread input makes the kernel send a TCP RST.
func resetRequest(w http.ResponseWriter, r *http.Request) {
	if r.Body != nil {
		n := r.ContentLength / 2
		if n <= 0 {
			n = 32 << 10
		}
		_, _ = io.CopyN(io.Discard, r.Body, n)
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 and recorders: abort the stream instead
	}
	_ = conn.Close()
}

// resetResponse runs the handler into a buffer, then sends the status line, the headers (with
// the full Content-Length) and half of the body, and closes the connection: the client has
// started reading an answer that never completes.
func resetResponse(w http.ResponseWriter, r *http.Request, next http.Handler) {
	buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(buf, r)
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	writePartialResponse(rw.Writer, buf)
	_ = rw.Flush()
}

func writePartialResponse(bw *bufio.Writer, buf *bufferedResponse) {
	body := buf.body.Bytes()
	if len(body) == 0 {
		// Nothing to cut in half: cut the head instead, after the status line.
		fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", buf.status, http.StatusText(buf.status))
		return
	}
	h := buf.header.Clone()
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Connection", "close")
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", buf.status, http.StatusText(buf.status))
	_ = h.Write(bw)
	_, _ = bw.WriteString("\r\n")
	_, _ = bw.Write(body[:len(body)/2])
}

// bufferedResponse captures a handler's answer so a reset can replay part of it.
type bufferedResponse struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

// Header is the buffered header map.
func (b *bufferedResponse) Header() http.Header { return b.header }

// WriteHeader records the first status only, as net/http does.
func (b *bufferedResponse) WriteHeader(status int) {
	if !b.wrote {
		b.status, b.wrote = status, true
	}
}

// Write buffers body bytes.
func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.wrote = true
	return b.body.Write(p)
}
