package core

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultOptions injects faults at random by rate, reproducibly from Seed: every vendor request
// draws the same two numbers whatever happened before, so the outcome of the n-th request
// depends only on Seed and n (and on whether that request is a POST or has a body).
//
// Each request gets at most one fault. The rates are fractions of all vendor requests, except
// RateDuplicate, which is a fraction of POST requests; together they must not exceed 1.
type FaultOptions struct {
	Seed int64
	// Rate5xx is the fraction answered 500/502/503 (see Statuses5xx) before the handler runs:
	// nothing happened.
	Rate5xx float64
	// Rate429 is the fraction answered 429 with Retry-After: RetryAfter seconds.
	Rate429 float64
	// RateReset is the fraction whose connection is reset part-way through a body: for a request
	// with a body, the request body or the response body (even odds, drawn from the seed);
	// otherwise the response body, after the headers.
	RateReset float64
	// RateSlow is the fraction delayed by SlowDelay before being served.
	RateSlow float64
	// RateDuplicate is the fraction of POST requests delivered twice, as a retrying proxy does:
	// the handler runs twice and the client sees the second answer.
	RateDuplicate float64
	// Rate5xxAfter is the fraction whose handler runs (the side effect happens) but whose answer
	// is replaced by 500/502/503 (see Statuses5xx).
	Rate5xxAfter float64
	// RateDrop is the fraction whose handler runs, after which the connection is closed without
	// a single response byte.
	RateDrop float64
	// RateTrickle is the fraction whose answer trickles: headers at once, then the body one byte
	// every TrickleInterval (the first TrickleBytes bytes; the rest follows at once).
	RateTrickle float64
	// RateStall is the fraction that is read and never answered, until the client gives up or
	// the sandbox closes.
	RateStall float64

	// Statuses5xx are the statuses Rate5xx and Rate5xxAfter pick from, with even odds; each one
	// of 500, 502 and 503. Default all three.
	Statuses5xx []int
	// RetryAfter is what injected 429 answers ask for; default 1s.
	RetryAfter time.Duration
	// SlowDelay is how long a slow request waits; default 2s.
	SlowDelay time.Duration
	// TrickleInterval is the wait between two bytes of a trickled body; default 2s.
	TrickleInterval time.Duration
	// TrickleBytes bounds how many bytes of a body trickle before the rest is sent at once, so a
	// large download is slowed down, not stopped for days; 0 trickles the whole body.
	TrickleBytes int64
}

// Fault is one way a vendor call can go wrong.
type Fault int

// Faults a test can script or the random injector can pick.
const (
	FaultNone Fault = iota
	Fault500        // 500 Internal Server Error before the handler runs
	Fault502        // 502 Bad Gateway, as a load balancer in front of the vendor says it
	Fault503        // 503 Service Unavailable
	Fault429        // 429 Too Many Requests with Retry-After
	// FaultReset resets part-way. Scripted, it cuts the request body of an upload and the
	// response body of anything else; drawn at random it becomes FaultResetRequest or
	// FaultResetResponse (see FaultOptions.RateReset).
	FaultReset
	FaultSlow // served after SlowDelay
	// FaultResetRequest closes the connection after reading part of the request body, so the
	// handler never runs (the upload "did not happen"). Without a body it is FaultResetResponse.
	FaultResetRequest
	// FaultResetResponse runs the handler, then closes the connection part-way through its
	// response, after the headers (the create "happened but the client never heard").
	FaultResetResponse
	// FaultDuplicate delivers the request twice, as a retrying proxy does: the handler runs on
	// the same request twice (the body is replayed) and the client receives the second answer,
	// e.g. "name already taken" for a create that succeeded the first time. A scripted rule
	// without a method matches POST requests only.
	FaultDuplicate
	// Fault500After runs the handler (the side effect happens), discards its answer and sends
	// 500 instead.
	Fault500After
	// Fault502After is Fault500After with 502.
	Fault502After
	// Fault503After is Fault500After with 503.
	Fault503After
	// FaultDropAnswer runs the handler, then closes the connection without a response byte.
	FaultDropAnswer
	// FaultTrickle sends the answer's headers, then its body one byte every TrickleInterval.
	FaultTrickle
	// FaultStall reads the request, then sends nothing until the client gives up or the sandbox
	// closes; the handler never runs.
	FaultStall
)

var faultNames = map[Fault]string{
	FaultNone: "none", Fault500: "500", Fault502: "502", Fault503: "503", Fault429: "429",
	FaultReset: "reset", FaultSlow: "slow", FaultResetRequest: "reset_request", FaultResetResponse: "reset_response",
	FaultDuplicate: "duplicate", Fault500After: "500_after", Fault502After: "502_after", Fault503After: "503_after",
	FaultDropAnswer: "drop_answer", FaultTrickle: "trickle", FaultStall: "stall",
}

// faultNameList is the names a rule may use, for error messages.
const faultNameList = "500, 502, 503, 429, reset, reset_request, reset_response, slow, duplicate, 500_after, 502_after, 503_after, drop_answer, trickle, stall"

// String names the fault as the control surface and the --fault flags spell it.
func (f Fault) String() string {
	if n, ok := faultNames[f]; ok {
		return n
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// ParseFault reads a fault name: none or one of faultNameList.
func ParseFault(name string) (Fault, error) {
	for f, n := range faultNames {
		if strings.EqualFold(n, strings.TrimSpace(name)) {
			return f, nil
		}
	}
	return FaultNone, fmt.Errorf("unknown fault %q (want one of %s)", name, faultNameList)
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
	case Fault500, Fault500After:
		return http.StatusInternalServerError
	case Fault502, Fault502After:
		return http.StatusBadGateway
	case Fault503, Fault503After:
		return http.StatusServiceUnavailable
	case Fault429:
		return http.StatusTooManyRequests
	}
	return 0
}

// faultFor5xx maps a status of Statuses5xx to its fault, before or after the handler.
func faultFor5xx(status int, after bool) Fault {
	if after {
		return map[int]Fault{500: Fault500After, 502: Fault502After, 503: Fault503After}[status]
	}
	return map[int]Fault{500: Fault500, 502: Fault502, 503: Fault503}[status]
}

// FaultRule is one scripted fault: the next Count requests matching Method ("" = any; for
// duplicate, "" = POST) and PathPrefix fail with Fault.
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

// rates lists the random rates in the order the draw lays them out on [0, 1).
func (o FaultOptions) rates() []struct {
	name string
	v    float64
} {
	return []struct {
		name string
		v    float64
	}{
		{"Rate5xx", o.Rate5xx}, {"Rate429", o.Rate429}, {"RateReset", o.RateReset}, {"RateSlow", o.RateSlow},
		{"RateDuplicate", o.RateDuplicate}, {"Rate5xxAfter", o.Rate5xxAfter}, {"RateDrop", o.RateDrop},
		{"RateTrickle", o.RateTrickle}, {"RateStall", o.RateStall},
	}
}

// Validate reports rates that cannot be meant: each must be a fraction in [0, 1] and together
// they must not exceed 1 (each request gets at most one random fault).
func (o FaultOptions) Validate() error {
	sum := 0.0
	for _, r := range o.rates() {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("sandbox: fault %s = %v: want a fraction between 0 and 1", r.name, r.v)
		}
		sum += r.v
	}
	if sum > 1+1e-9 {
		return fmt.Errorf("sandbox: fault rates add up to %v: together they must not exceed 1", sum)
	}
	if o.RetryAfter < 0 || o.SlowDelay < 0 || o.TrickleInterval < 0 || o.TrickleBytes < 0 {
		return errors.New("sandbox: fault RetryAfter, SlowDelay, TrickleInterval and TrickleBytes must not be negative")
	}
	for _, st := range o.Statuses5xx {
		if faultFor5xx(st, false) == FaultNone {
			return fmt.Errorf("sandbox: fault Statuses5xx has %d: want 500, 502 or 503", st)
		}
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
	if o.TrickleInterval == 0 {
		o.TrickleInterval = 2 * time.Second
	}
	if len(o.Statuses5xx) == 0 {
		o.Statuses5xx = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}
	} else {
		o.Statuses5xx = slices.Clone(o.Statuses5xx)
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
// seeded random draw. hasBody says whether the request carries a body (a random reset may then
// cut it).
func (fi *faultInjector) decide(k reqKey, hasBody bool) Fault {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.counts[k]++
	// Draw first, even when a script decides: the n-th request's random outcome must not depend
	// on how many scripted faults fired before it.
	random := fi.randomLocked(k.method, hasBody)
	f := fi.scriptedLocked(k)
	if f == FaultNone {
		f = random
	}
	if f != FaultNone {
		fi.faulted[k]++
	}
	return f
}

// countOnly counts a request that is answered without a fault decision (a refusal), drawing
// nothing: the random faults of the requests that are served do not move.
func (fi *faultInjector) countOnly(k reqKey) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.counts[k]++
}

func (fi *faultInjector) scriptedLocked(k reqKey) Fault {
	for i, r := range fi.scripts {
		method := r.Method
		if method == "" && r.Fault == FaultDuplicate {
			method = http.MethodPost // a retrying proxy re-sends what it believes failed: POSTs
		}
		if !matches(method, r.PathPrefix, k) {
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
// of the n-th request depends only on the seed and n (and on the request's method and body):
// x picks the fault from the rates laid end to end on [0, 1), y picks among its variants (which
// 5xx status; request or response body for a reset).
func (fi *faultInjector) randomLocked(method string, hasBody bool) Fault {
	o := fi.opts
	total := 0.0
	for _, r := range o.rates() {
		total += r.v
	}
	if total == 0 {
		return FaultNone
	}
	x, y := fi.rng.Float64(), fi.rng.Float64()
	pick5xx := func(after bool) Fault {
		return faultFor5xx(o.Statuses5xx[int(y*float64(len(o.Statuses5xx)))], after)
	}
	edge := 0.0
	for i, r := range o.rates() {
		edge += r.v
		if x >= edge {
			continue
		}
		switch i {
		case 0:
			return pick5xx(false)
		case 1:
			return Fault429
		case 2:
			if hasBody && y < 0.5 {
				return FaultResetRequest
			}
			return FaultResetResponse
		case 3:
			return FaultSlow
		case 4:
			if method != http.MethodPost {
				return FaultNone // RateDuplicate is a fraction of POSTs
			}
			return FaultDuplicate
		case 5:
			return pick5xx(true)
		case 6:
			return FaultDropAnswer
		case 7:
			return FaultTrickle
		case 8:
			return FaultStall
		}
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

// ScriptFault makes the next n requests whose method matches method ("" = any; for
// FaultDuplicate "" = POST) and whose path (below the vendor mount, e.g.
// "/console/applications") has the given prefix fail with fault f — deterministic faults for
// tests. A prefix may also be a full path from the sandbox root (e.g.
// "/backendless/console/console/applications") to aim at one mount. Scripted faults are
// consumed before random ones.
func (s *Core) ScriptFault(method, pathPrefix string, f Fault, n int) {
	s.faults.script(FaultRule{Method: method, PathPrefix: pathPrefix, Fault: f, Count: n})
}

// ClearFaults drops every scripted fault that has not fired yet.
func (s *Core) ClearFaults() { s.faults.clearScripts() }

// Requests returns how many requests matched method+pathPrefix so far (tests assert "no
// duplicate create"). Faulted requests count too: the server received them. A duplicated
// request counts once: the client sent it once.
func (s *Core) Requests(method, pathPrefix string) int {
	return s.faults.count(method, pathPrefix, s.faults.counts)
}

// Faulted returns how many of the matching requests were answered with an injected fault.
func (s *Core) Faulted(method, pathPrefix string) int {
	return s.faults.count(method, pathPrefix, s.faults.faulted)
}
