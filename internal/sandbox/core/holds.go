package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// When a hold freezes a request (HoldRule.When).
const (
	// HoldBefore blocks a request after it has been read in full and before its handler runs:
	// killed there, the call never happened.
	HoldBefore = "before"
	// HoldAfter lets the handler run (the side effect happens) and blocks its answer before the
	// first byte is sent: killed there, the call happened but the client never heard.
	HoldAfter = "after"
)

// HoldRule freezes the next Count vendor requests matching Method ("" = any) and PathPrefix
// (below the mount or from the sandbox root, as for FaultRule) at the point When names, until
// ReleaseHolds, the client hanging up, or Close. Crash tests use it to kill the provider at a
// precise point of a call.
type HoldRule struct {
	Method     string `json:"method"`
	PathPrefix string `json:"path_prefix"`
	When       string `json:"when"`  // HoldBefore (default) or HoldAfter
	Count      int    `json:"count"` // how many matching requests are still to be held; 0 means 1
}

// HeldRequest is a request a hold is blocking now.
type HeldRequest struct {
	ID     int       `json:"id"`
	Method string    `json:"method"`
	Path   string    `json:"path"` // from the sandbox root, with secrets in the path redacted
	When   string    `json:"when"`
	Since  time.Time `json:"since"`
}

// holdSet keeps the pending hold rules and the requests they block.
type holdSet struct {
	mu      sync.Mutex
	rules   []*HoldRule
	held    map[int]HeldRequest
	nextID  int
	release chan struct{} // closed by ReleaseHolds, then replaced
	changed chan struct{} // closed whenever held changes, then replaced (WaitHeld)
}

func newHoldSet() *holdSet {
	return &holdSet{held: map[int]HeldRequest{}, release: make(chan struct{}), changed: make(chan struct{})}
}

// holdTicket is one request a rule caught: it blocks at most once.
type holdTicket struct {
	set   *holdSet
	when  string
	req   HeldRequest
	once  sync.Once
	freed bool // released by ReleaseHolds (false: the client left or the sandbox closed)
}

// Hold adds a hold rule. It refuses a When other than "before" or "after" and a negative Count.
func (s *Core) Hold(rule HoldRule) error {
	r, err := normalizeHoldRule(rule)
	if err != nil {
		return err
	}
	h := s.holds
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rules = append(h.rules, &r)
	return nil
}

func normalizeHoldRule(r HoldRule) (HoldRule, error) {
	r.Method = strings.ToUpper(strings.TrimSpace(r.Method))
	r.When = strings.ToLower(strings.TrimSpace(r.When))
	if r.When == "" {
		r.When = HoldBefore
	}
	if r.When != HoldBefore && r.When != HoldAfter {
		return r, fmt.Errorf("sandbox: hold when = %q: want %q or %q: %w", r.When, HoldBefore, HoldAfter, ErrInvalid)
	}
	if r.Count < 0 {
		return r, fmt.Errorf("sandbox: hold count = %d: want 1 or more (0 means 1): %w", r.Count, ErrInvalid)
	}
	if r.Count == 0 {
		r.Count = 1
	}
	return r, nil
}

// Held lists the requests blocked now, oldest first.
func (s *Core) Held() []HeldRequest {
	h := s.holds
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.heldLocked()
}

func (h *holdSet) heldLocked() []HeldRequest {
	out := make([]HeldRequest, 0, len(h.held))
	for _, r := range h.held {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b HeldRequest) int { return a.ID - b.ID })
	return out
}

// PendingHolds lists the hold rules that have not caught all their requests yet.
func (s *Core) PendingHolds() []HoldRule {
	h := s.holds
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]HoldRule, 0, len(h.rules))
	for _, r := range h.rules {
		out = append(out, *r)
	}
	return out
}

// WaitHeld blocks until at least n requests are held and returns them, or returns ctx's error.
func (s *Core) WaitHeld(ctx context.Context, n int) ([]HeldRequest, error) {
	h := s.holds
	for {
		h.mu.Lock()
		if len(h.held) >= n {
			out := h.heldLocked()
			h.mu.Unlock()
			return out, nil
		}
		changed := h.changed
		h.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("sandbox: %d of %d requests held: %w", len(s.Held()), n, ctx.Err())
		}
	}
}

// ReleaseHolds lets every held request go on and drops the rules that have not fired, so a
// re-run after a crash test is not held again.
func (s *Core) ReleaseHolds() {
	h := s.holds
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rules = nil
	close(h.release)
	h.release = make(chan struct{})
}

// catch returns a ticket when a pending rule matches the request, consuming one of its count.
func (h *holdSet) catch(method, logPath string, k reqKey) *holdTicket {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, r := range h.rules {
		if !matches(r.Method, r.PathPrefix, k) {
			continue
		}
		r.Count--
		if r.Count <= 0 {
			h.rules = append(h.rules[:i], h.rules[i+1:]...)
		}
		h.nextID++
		return &holdTicket{set: h, when: r.When, req: HeldRequest{ID: h.nextID, Method: method, Path: logPath, When: r.When}}
	}
	return nil
}

// block waits, once, until ReleaseHolds, the end of ctx (the client left) or the sandbox closing;
// it reports whether ReleaseHolds let the request go on.
func (t *holdTicket) block(ctx, sandboxCtx context.Context) bool {
	t.once.Do(func() {
		h := t.set
		h.mu.Lock()
		release := h.release
		t.req.Since = time.Now().UTC()
		h.held[t.req.ID] = t.req
		h.notifyLocked()
		h.mu.Unlock()

		select {
		case <-release:
			t.freed = true
		case <-ctx.Done():
		case <-sandboxCtx.Done():
		}

		h.mu.Lock()
		delete(h.held, t.req.ID)
		h.notifyLocked()
		h.mu.Unlock()
	})
	return t.freed
}

func (h *holdSet) notifyLocked() {
	close(h.changed)
	h.changed = make(chan struct{})
}

// holdBefore blocks r before its handler. The body is read first (kept in memory or a temporary
// file), so the request is whole when released and a client hanging up ends the hold at once.
// It returns the request to serve and a cleanup, or nil when the request must not be served.
func (s *Core) holdBefore(t *holdTicket, r *http.Request) (*http.Request, func()) {
	body, err := s.spoolBody(r)
	if err != nil {
		return nil, func() {}
	}
	rd, err := body.open()
	if err != nil {
		body.remove()
		return nil, func() {}
	}
	cleanup := func() { _ = rd.Close(); body.remove() }
	if !t.block(r.Context(), s.reqCtx) {
		cleanup()
		return nil, func() {}
	}
	r2 := r.Clone(r.Context())
	r2.Body = rd
	return r2, cleanup
}

// holdAfter wraps a handler so that its answer waits for the ticket: the first header or body
// write (or the handler's return, when it wrote nothing) blocks until the hold ends. A hold
// that ends without ReleaseHolds drops the answer and the connection.
func (s *Core) holdAfter(t *holdTicket, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &holdWriter{ResponseWriter: w, hold: func() bool { return t.block(r.Context(), s.reqCtx) }}
		next.ServeHTTP(hw, r)
		if !hw.pass() {
			closeConn(w)
		}
	})
}

// holdWriter blocks the first write of an answer on a hold.
type holdWriter struct {
	http.ResponseWriter
	hold    func() bool
	decided bool
	ok      bool
}

// pass blocks on the hold the first time and reports whether the answer may be sent.
func (w *holdWriter) pass() bool {
	if !w.decided {
		w.decided, w.ok = true, w.hold()
	}
	return w.ok
}

// WriteHeader waits for the hold, then sends the status (or drops it).
func (w *holdWriter) WriteHeader(status int) {
	if w.pass() {
		w.ResponseWriter.WriteHeader(status)
	}
}

// Write waits for the hold, then sends the bytes (or refuses them).
func (w *holdWriter) Write(p []byte) (int, error) {
	if !w.pass() {
		return 0, errHoldDropped
	}
	return w.ResponseWriter.Write(p)
}

// Flush waits for the hold, then flushes.
func (w *holdWriter) Flush() {
	if w.pass() {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

// Unwrap exposes the underlying writer to http.ResponseController (faults hijack through it).
func (w *holdWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errHoldDropped is what a handler's write sees when its held answer will never be sent.
var errHoldDropped = errors.New("sandbox: the held answer is dropped (client gone or sandbox closing)")
