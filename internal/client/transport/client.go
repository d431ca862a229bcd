package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// Level is a log level.
type Level int

// Levels mirror tflog's so the provider can map them one to one.
const (
	// LevelTrace carries headers and small JSON bodies, which only help when debugging a vendor API.
	LevelTrace Level = iota
	// LevelDebug carries one line per HTTP attempt: enough to see retries and latency.
	LevelDebug
	// LevelInfo is for events an operator wants in a normal run.
	LevelInfo
	// LevelWarn is for surprising but survivable vendor behaviour.
	LevelWarn
	// LevelError is for failures that end an operation.
	LevelError
)

// String names the level so captured logs read naturally.
func (l Level) String() string {
	switch l {
	case LevelTrace:
		return "TRACE"
	case LevelDebug:
		return "DEBUG"
	case LevelInfo:
		return "INFO"
	case LevelWarn:
		return "WARN"
	case LevelError:
		return "ERROR"
	}
	return "LEVEL(" + strconv.Itoa(int(l)) + ")"
}

// Logger receives log lines that have already been redacted. The provider adapts it to tflog.
type Logger interface {
	Log(ctx context.Context, level Level, msg string, fields map[string]any)
}

const (
	// DefaultMaxRetries rides out a brief vendor outage (a deploy, a burst of 502s) within a minute or two.
	DefaultMaxRetries = 4
	// DefaultMinBackoff is short enough that a single blip costs little.
	DefaultMinBackoff = 500 * time.Millisecond
	// DefaultMaxBackoff keeps late retries from stretching an apply needlessly.
	DefaultMaxBackoff = 30 * time.Second
	// DefaultMaxRetryAfter bounds a server's Retry-After, which can otherwise park an apply for hours.
	DefaultMaxRetryAfter = 60 * time.Second
)

// maxLoggedBody bounds what a trace line may carry, so trace logs stay readable and never hold a payload.
const maxLoggedBody = 8 << 10

// DefaultMaxAnswer bounds a buffered answer: vendor JSON documents are kilobytes, and a
// misbehaving server must not make the provider hold gigabytes.
const DefaultMaxAnswer = 32 << 20

// maxErrorBody bounds what is kept of a refusal's body: enough for any vendor error document.
const maxErrorBody = 64 << 10

// Options configures a Client. Zero values get defaults.
type Options struct {
	MaxRetries    int           // default 4 (so 5 attempts); negative = 0 retries
	MinBackoff    time.Duration // default 500ms
	MaxBackoff    time.Duration // default 30s
	MaxRetryAfter time.Duration // cap applied to a server's Retry-After (go-retryablehttp #247); default 60s
	// IdleTimeout fails an attempt whose connection moves no data (or only a trickle) for this
	// long, in either direction; default 60s. A stalled server then gets a retry or a clear error
	// instead of hanging plan or apply.
	IdleTimeout time.Duration
	// OutageRounds is how many more rounds of MaxRetries+1 attempts a call that may be repeated
	// gets when a whole round met an outage (broken connections, 429, 5xx other than a Final
	// refusal), after pauses that double from OutageRoundPause (default 2s, or MaxBackoff if
	// shorter) up to MaxBackoff; 0 = none. Creates never.
	OutageRounds     int
	OutageRoundPause time.Duration
	MaxAnswer        int64  // largest answer read into memory (non-Stream requests); default 32 MiB
	Logger           Logger // nil = no logging
	// Redactor is the registry of secret values to mask. Share one between the clients of a
	// provider so a secret learned by one (a session key, a REST key) is masked in all of them.
	Redactor   *Redactor
	Secrets    []string     // literal secret values added to the Redactor
	HTTPClient *http.Client // default cleanhttp.DefaultPooledClient(); its dialer is wrapped for IdleTimeout
	UserAgent  string       // sent as User-Agent when non-empty
	// RetryStatus reports vendor-documented extra "retry later" answers (e.g. a Backups v1 snapshot 500).
	RetryStatus func(resp *http.Response) bool
}

// Client sends requests with retries, backoff and redacted logging.
type Client struct {
	opts Options
	http *http.Client
	red  *Redactor
	now  func() time.Time // Retry-After dates are relative to it; tests pin it
}

// New builds a Client; it keeps one connection pool, so share it across calls to the same vendor.
func New(opts Options) *Client {
	switch {
	case opts.MaxRetries == 0:
		opts.MaxRetries = DefaultMaxRetries
	case opts.MaxRetries < 0:
		opts.MaxRetries = 0
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = opts.MinBackoff
	}
	if opts.MaxRetryAfter <= 0 {
		opts.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.MaxAnswer <= 0 {
		opts.MaxAnswer = DefaultMaxAnswer
	}
	if opts.OutageRounds < 0 {
		opts.OutageRounds = 0
	}
	if opts.OutageRoundPause <= 0 {
		opts.OutageRoundPause = min(2*time.Second, opts.MaxBackoff)
	}
	red := opts.Redactor
	if red == nil {
		red = NewRedactor()
	}
	c := &Client{opts: opts, red: red, now: time.Now}
	c.http = c.httpClient(opts.HTTPClient)
	for _, s := range opts.Secrets {
		c.red.Add(s)
	}
	return c
}

// httpClient is a copy of base (default: a pooled client) whose connections enforce the idle
// timeout and whose redirects keep credentials on their host.
func (c *Client) httpClient(base *http.Client) *http.Client {
	if base == nil {
		base = cleanhttp.DefaultPooledClient()
	}
	hc := *base
	if t, ok := hc.Transport.(*http.Transport); ok {
		t = t.Clone()
		dial := t.DialContext
		if dial == nil {
			dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		}
		t.DialContext = idleDial(dial, c.opts.IdleTimeout)
		// Close pooled connections before their idle deadline fires, so a request never starts on
		// a connection about to time out under it.
		if t.IdleConnTimeout <= 0 || t.IdleConnTimeout > c.opts.IdleTimeout/2 {
			t.IdleConnTimeout = c.opts.IdleTimeout / 2
		}
		hc.Transport = t
	}
	hc.CheckRedirect = c.checkRedirect
	return &hc
}

// BodyFunc opens a fresh request body for one attempt; size is -1 when unknown.
type BodyFunc func(ctx context.Context) (body io.ReadCloser, size int64, err error)

// Request is one logical call; the body is re-opened for every attempt.
//
// Retries follow from what the call may do twice. GET, HEAD, PUT, DELETE and OPTIONS (and a
// POST marked Idempotent) are retried as a whole whenever an attempt fails, at any point: before
// the answer, while its body is read, on 429, 500, 502, 503, 504 or a RetryStatus answer. Any
// other POST creates something: it is retried only when the failure proves the server never saw
// it (no connection, or 429), or when NotDone proves by a lookup that it did not take effect; when
// the lookup says it did, Do returns a *TookEffectError so the caller adopts what was made.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   BodyFunc // nil = no body
	// Idempotent marks a POST that may be repeated without harm (a login, a stop, a settings write).
	Idempotent bool
	// NotDone is the lookup for a non-idempotent call whose outcome is unknown (its answer was
	// lost, or it failed with 5xx after it may have acted): true proves nothing happened. After
	// an attempt that timed out it is asked again, about ten times over IdleTimeout, before the
	// call is sent again: the request may still land.
	NotDone func(ctx context.Context) (bool, error)
	// Stream hands the answer's body to the caller as it arrives (downloads). Otherwise the whole
	// answer is read inside the retry loop, so a connection that breaks while the body is read is
	// retried like one that broke before the headers.
	Stream bool
	// CrossHostRedirects lets a redirect lead to another host (pre-signed storage links). Headers
	// that carry credentials are dropped on the way. Without it such a redirect is an error.
	CrossHostRedirects bool
	// Final reports a 5xx answer that is the vendor's documented, permanent refusal (Mendix answers
	// 500 MISSING_CONSTANT to a start-job read): it is returned at once instead of being retried.
	// It sees the first 64 KiB of the body.
	Final func(status int, body []byte) bool
	Name  string // short operation name for logs and errors, e.g. "backendless: create app"
	// OpaqueBody keeps both bodies out of the trace log: they carry secrets the caller cannot
	// name before the answer arrives (Mendix constant values).
	OpaqueBody bool
}

// idempotent reports whether a method may be repeated by definition (RFC 9110 §9.2.2).
func idempotent(method string, marked bool) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodTrace:
		return true
	}
	return marked
}

// Do sends req with retries. It returns the final response whatever its status (the caller reads
// and closes the body; non-2xx is not an error here); err is non-nil only for transport failures
// after retries are exhausted, a non-idempotent call whose outcome is known only to the vendor
// (*TookEffectError, *OutcomeUnknownError), or when ctx ends (then err wraps ctx.Err()).
// Unless req.Stream is set, the returned body is already in memory.
func (c *Client) Do(ctx context.Context, req *Request) (*http.Response, error) {
	if req == nil {
		return nil, errors.New("transport: nil request")
	}
	x := c.newExchange(ctx, call{
		name: req.Name, method: req.Method, url: req.URL, header: req.Header,
		open: req.Body, idempotent: idempotent(methodOr(req.Method), req.Idempotent), notDone: req.NotDone,
		stream: req.Stream, crossHost: req.CrossHostRedirects, final: req.Final, opaque: req.OpaqueBody,
	})
	return x.run()
}

func methodOr(m string) string {
	if m == "" {
		return http.MethodGet
	}
	return m
}

// JSONBody returns a BodyFunc for a JSON document (marshalled once, replayed per attempt) and sets nothing else; callers set Content-Type.
func JSONBody(v any) (BodyFunc, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding the request body as JSON: %w", err)
	}
	return BytesBody(b), nil
}

// BytesBody returns a BodyFunc replaying b; such bodies are the only ones trace logs may show.
func BytesBody(b []byte) BodyFunc {
	return func(context.Context) (io.ReadCloser, int64, error) {
		return &replayBody{Reader: bytes.NewReader(b), b: b}, int64(len(b)), nil
	}
}

// replayBody marks an in-memory body, which is safe to log (after redaction) because it is small and replayable.
type replayBody struct {
	*bytes.Reader
	b []byte
}

func (*replayBody) Close() error { return nil }

// call is what Do and Copy have in common.
type call struct {
	name       string
	method     string
	url        string
	header     http.Header
	open       func(ctx context.Context) (io.ReadCloser, int64, error) // nil = no body
	multipart  *Multipart
	hash       bool
	idempotent bool
	notDone    func(ctx context.Context) (bool, error)
	stream     bool
	crossHost  bool
	final      func(status int, body []byte) bool
	opaque     bool
}

// exchange is the state of one logical call across its attempts. The hooks retryablehttp calls
// (request hook, CheckRetry, response handler, Backoff) all run on the goroutine of Do; only the
// body is shared with net/http's goroutines, hence its own locking.
type exchange struct {
	c        *Client
	ctx      context.Context
	call     call
	redURL   string
	envelope *envelope

	armed   bool
	mu      sync.Mutex
	cur     *attemptBody
	attempt int // 1-based number of the attempt in flight
	start   time.Time
	gotConn atomic.Bool
	// reading is set between CheckRetry accepting an answer's status and the response handler
	// having read its body: the attempt is judged (and logged) once the body is in.
	reading bool
	// verdict is an attempt's final error: retryablehttp runs the response handler and asks again
	// even after CheckRetry has returned one, and the second answer must not lose it.
	verdict error
	rounds  int // extra rounds run after an outage (Options.OutageRounds)
}

func (c *Client) newExchange(ctx context.Context, cl call) *exchange {
	if cl.method == "" {
		cl.method = http.MethodGet
	}
	return &exchange{c: c, ctx: ctx, call: cl, redURL: c.red.url(cl.url)}
}

// openError marks a failure to open the body source, which is not a network failure and is not retried.
type openError struct{ err error }

func (e *openError) Error() string { return "opening the request body: " + e.err.Error() }

func (e *openError) Unwrap() error { return e.err }

// redirectPolicyKey carries a call's redirect rule to Client.checkRedirect, which net/http calls
// with the redirected request only.
type redirectPolicyKey struct{}

type redirectPolicy struct {
	name      string
	crossHost bool
}

func (x *exchange) run() (*http.Response, error) {
	defer x.finish()
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { x.gotConn.Store(true) }}
	ctx := context.WithValue(httptrace.WithClientTrace(x.ctx, trace), redirectPolicyKey{}, &redirectPolicy{name: x.call.name, crossHost: x.call.crossHost})
	rreq, err := retryablehttp.NewRequestWithContext(ctx, x.call.method, x.call.url, nil)
	if err != nil {
		return nil, x.fail(err)
	}
	if x.call.header != nil {
		rreq.Header = x.call.header.Clone()
	}
	if x.c.opts.UserAgent != "" && rreq.Header.Get("User-Agent") == "" {
		rreq.Header.Set("User-Agent", x.c.opts.UserAgent)
	}
	if x.call.multipart != nil {
		env, err := newEnvelope(x.call.multipart)
		if err != nil {
			return nil, x.fail(err)
		}
		x.envelope = env
		rreq.Header.Set("Content-Type", env.contentType)
	}
	if x.call.open != nil {
		// SetBody calls the func once to probe for a length; armed stays false so that probe opens nothing.
		if err := rreq.SetBody(retryablehttp.ReaderFunc(x.nextBody)); err != nil {
			return nil, x.fail(err)
		}
		x.armed = true
	}
	if !x.call.stream {
		rreq.SetResponseHandler(x.readAnswer)
	}
	rc := &retryablehttp.Client{
		HTTPClient:     x.c.http,
		Logger:         nil,
		RetryWaitMin:   x.c.opts.MinBackoff,
		RetryWaitMax:   x.c.opts.MaxBackoff,
		RetryMax:       x.c.opts.MaxRetries,
		RequestLogHook: x.beforeAttempt,
		CheckRetry:     x.checkRetry,
		Backoff:        x.backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
	}
	resp, err := x.round(rc, rreq)
	pause := x.c.opts.OutageRoundPause
	for round := 1; round <= x.c.opts.OutageRounds && x.call.idempotent && x.outage(resp, err); round++ {
		// Every attempt of this round met the outage: pause, then a fresh round, so one bad
		// minute does not fail a step. Only calls that may be repeated; never a create.
		if resp != nil {
			drainAndClose(resp.Body)
		}
		fields := x.fields()
		fields["round"], fields["pause"] = round, pause.String()
		x.log(LevelDebug, "HTTP outage outlasted a round of retries; pausing before another", fields)
		t := time.NewTimer(pause)
		select {
		case <-x.ctx.Done():
			t.Stop()
			return nil, x.fail(x.ctx.Err())
		case <-t.C:
		}
		pause = min(pause*2, x.c.opts.MaxBackoff)
		x.rounds = round
		resp, err = x.round(rc, rreq)
	}
	if err != nil {
		if resp != nil {
			drainAndClose(resp.Body)
		}
		return nil, x.fail(err)
	}
	return resp, nil
}

// round is one retryablehttp.Do: MaxRetries+1 attempts at most. A refusal whose body was not
// read in the loop (the retries ran out on a retryable status) is read here.
func (x *exchange) round(rc *retryablehttp.Client, rreq *retryablehttp.Request) (*http.Response, error) {
	resp, err := rc.Do(rreq)
	if err == nil && !x.call.stream {
		if _, ok := resp.Body.(*answerBody); !ok {
			if berr := x.bufferAnswer(resp, maxErrorBody); berr != nil {
				x.log(LevelDebug, "HTTP reading the last refusal failed", x.withError(berr))
			}
		}
	}
	return resp, err
}

// outage reports a round that ended on weather rather than on an answer: a broken or stalled
// connection, 429 or a 5xx that is not the vendor's documented permanent refusal. A refused
// connection and an unknown host are configuration (a wrong URL), not weather.
func (x *exchange) outage(resp *http.Response, err error) bool {
	if err != nil {
		var dns *net.DNSError
		if x.ctx.Err() != nil || errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &dns) && dns.IsNotFound) ||
			IsOutcomeUnknown(err) || IsTookEffect(err) {
			return false
		}
		return retryableError(err)
	}
	if resp == nil || !TransientStatus(resp.StatusCode) {
		return false
	}
	if x.call.final != nil {
		if ab, ok := resp.Body.(*answerBody); ok {
			body := make([]byte, ab.Len())
			_, _ = ab.ReadAt(body, 0)
			return !x.call.final(resp.StatusCode, body)
		}
	}
	return true
}

// answerBody is an answer already read into memory; Truncated says the server sent more than was kept.
type answerBody struct {
	*bytes.Reader
	Truncated bool
}

func (*answerBody) Close() error { return nil }

// answerReadError is a failure while reading an answer's body: a broken connection after the
// headers, or an idle timeout. It is retried like a failure before the headers.
type answerReadError struct{ err error }

func (e *answerReadError) Error() string { return "reading the answer: " + e.err.Error() }

func (e *answerReadError) Unwrap() error { return e.err }

// AnswerTooLargeError reports a success answer larger than Options.MaxAnswer; it is not retried.
type AnswerTooLargeError struct {
	Name  string
	Limit int64
}

// Error says what the limit protects.
func (e *AnswerTooLargeError) Error() string {
	return fmt.Sprintf("%s: the answer is larger than %d bytes, more than any document of this API; refusing to hold it in memory", e.Name, e.Limit)
}

// readAnswer is the retryablehttp response handler of non-streamed calls: it reads the whole
// answer inside the retry loop. Refusals keep only their first maxErrorBody bytes.
func (x *exchange) readAnswer(resp *http.Response) error {
	limit := int64(maxErrorBody)
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		limit = x.c.opts.MaxAnswer
	}
	err := x.bufferAnswer(resp, limit)
	var big *AnswerTooLargeError
	if errors.As(err, &big) && resp.StatusCode > 299 {
		return nil // a refusal is judged by what was kept of it
	}
	return err
}

// bufferAnswer replaces resp.Body by its first limit bytes read into memory. More than limit is
// an *AnswerTooLargeError (the body is kept truncated); a read failure is an *answerReadError.
func (x *exchange) bufferAnswer(resp *http.Response, limit int64) error {
	orig := resp.Body
	if orig == nil || orig == http.NoBody {
		resp.Body = &answerBody{Reader: bytes.NewReader(nil)}
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(orig, limit+1))
	truncated := int64(len(b)) > limit
	if truncated {
		b = b[:limit]
	}
	// Closing without draining drops the connection when the rest was not read: cheaper than
	// reading a runaway body to the end.
	_ = orig.Close()
	resp.Body = &answerBody{Reader: bytes.NewReader(b), Truncated: truncated}
	switch {
	case err != nil:
		resp.Body = &answerBody{Reader: bytes.NewReader(nil)}
		return &answerReadError{err}
	case truncated:
		return &AnswerTooLargeError{Name: x.call.name, Limit: limit}
	}
	return nil
}

// nextBody is the retryablehttp.ReaderFunc: it closes the previous attempt's body before opening the
// next, so a re-openable source (a pre-signed GET) is never open twice.
func (x *exchange) nextBody() (io.Reader, error) {
	if !x.armed {
		return strings.NewReader(""), nil
	}
	x.mu.Lock()
	prev := x.cur
	x.cur = nil
	x.mu.Unlock()
	if prev != nil {
		prev.shutdown()
	}
	if err := x.ctx.Err(); err != nil {
		return nil, err
	}
	rc, size, err := x.call.open(x.ctx)
	if err != nil {
		return nil, &openError{err}
	}
	if rc == nil {
		rc, size = http.NoBody, 0
	}
	b := newAttemptBody(x.call.name, rc, size, x.call.hash, x.envelope)
	x.mu.Lock()
	x.cur = b
	x.mu.Unlock()
	return b, nil
}

func (x *exchange) current() *attemptBody {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.cur
}

// finish closes the last body, and waits for its multipart writer, so nothing outlives the call.
func (x *exchange) finish() {
	if b := x.current(); b != nil {
		b.shutdown()
	}
}

// beforeAttempt is the retryablehttp.RequestLogHook. Besides logging, it sets the Content-Length of
// the request about to go out, because only the freshly opened source knows its size.
func (x *exchange) beforeAttempt(_ retryablehttp.Logger, r *http.Request, i int) {
	x.attempt = i + 1
	x.gotConn.Store(false)
	x.reading = false
	x.verdict = nil
	x.start = time.Now()
	b := x.current()
	if b != nil {
		r.ContentLength = b.length
	}
	if x.c.opts.Logger == nil {
		return
	}
	fields := x.fields()
	fields["headers"] = x.c.red.header(r.Header)
	if b != nil && b.replay != nil && len(b.replay) <= maxLoggedBody && !x.call.opaque {
		if s, ok := x.c.red.jsonDoc(b.replay); ok {
			fields["body"] = s
		}
	}
	x.log(LevelTrace, "HTTP request", fields)
}

// checkRetry is the retryablehttp.CheckRetry; see Request for the rules. For a non-streamed call
// it runs twice on an answer it accepts: first on the status, then once the body has been read
// (err is then the read's failure, if any).
func (x *exchange) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if x.verdict != nil {
		return false, x.verdict
	}
	retry, verdict := x.judge(ctx, resp, err)
	x.verdict = verdict
	return retry, verdict
}

// judge decides one attempt: retry it, accept it (false, nil), or end the call with an error.
func (x *exchange) judge(ctx context.Context, resp *http.Response, err error) (bool, error) {
	b := x.current()
	if !x.reading && err == nil && resp != nil && !x.call.stream {
		if retry, _ := x.retryable(resp, nil); !retry {
			x.reading = true // judged once the body is in
			return false, nil
		}
	}
	x.reading = false
	x.logAttempt(resp, err, b)
	if b != nil {
		if bodyErr := b.failure(); bodyErr != nil {
			var sm *SizeMismatchError
			if errors.As(bodyErr, &sm) {
				return false, bodyErr
			}
			// A source that broke mid-stream is re-opened on the next attempt, like a dropped connection.
			err = bodyErr
		}
	}
	retry, provenUnsent := x.retryable(resp, err)
	if !retry {
		return false, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if x.call.idempotent || provenUnsent {
		return true, nil
	}
	// A call that creates something, whose outcome is unknown: only the vendor can say.
	cause := err
	if ue, ok := cause.(*url.Error); ok {
		cause = ue.Err // its Op and URL repeat what the final error says
	}
	if cause == nil && resp != nil {
		cause = fmt.Errorf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if x.call.notDone == nil {
		return false, &OutcomeUnknownError{Name: x.call.name, Cause: cause}
	}
	notDone, lookupErr := x.call.notDone(ctx)
	if lookupErr == nil && notDone && timedOut(err) {
		notDone, lookupErr = x.lookAgain(ctx)
	}
	if lookupErr != nil {
		return false, &OutcomeUnknownError{Name: x.call.name, Cause: cause,
			Lookup: fmt.Errorf("checking whether the failed attempt took effect: %w", lookupErr)}
	}
	fields := x.fields()
	fields["not_done"] = notDone
	x.log(LevelDebug, "HTTP non-idempotent attempt failed; looked up whether it took effect", fields)
	if !notDone {
		return false, &TookEffectError{Name: x.call.name, Cause: cause}
	}
	if x.attempt > x.c.opts.MaxRetries {
		// Proven not done, but no attempt is left: the last failure stands, and a later run may retry.
		if err != nil {
			return false, err
		}
		return false, nil
	}
	return true, nil
}

// timedOut says an attempt failed because its connection went silent (idle_timeout): its request
// may still be on its way, held by a proxy or a stalled connection, rather than lost. A source
// that stalled is not that: the request never got its whole body.
func timedOut(err error) bool {
	var (
		ne  net.Error
		src *sourceError
	)
	return errors.As(err, &ne) && ne.Timeout() && !errors.As(err, &src)
}

// lookAgain repeats the NotDone lookup for as long as the attempt was given to answer
// (IdleTimeout), every tenth of it, because a request that timed out can land after the first
// look found nothing: sending the create again at once would make a second object. It stops at
// the first look that finds the object, or that fails.
func (x *exchange) lookAgain(ctx context.Context) (bool, error) {
	window := x.c.opts.IdleTimeout
	every := window / 10
	for deadline := time.Now().Add(window); time.Now().Before(deadline); {
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, ctx.Err()
		case <-t.C:
		}
		notDone, err := x.call.notDone(ctx)
		if err != nil || !notDone {
			return notDone, err
		}
	}
	return true, nil
}

// garbled says a 400 came from the server's HTTP layer, not from the vendor's application: it
// closes the connection and is not a JSON document (Go's net/http answers a request line or
// header it could not read in time, e.g. one a stalled network delivered in part, with a plain
// "400 Bad Request" and Connection: close). The vendor never saw the request, so it is a broken
// connection, not a refusal; the vendors' own 400s are JSON on a connection they keep.
func garbled(resp *http.Response) bool {
	if !resp.Close {
		return false
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return mt != "application/json" && !strings.HasSuffix(mt, "+json")
}

// retryable classifies one attempt's outcome. provenUnsent is true when the server cannot have acted
// on the request, which is what makes retrying a non-idempotent call safe.
func (x *exchange) retryable(resp *http.Response, err error) (retry, provenUnsent bool) {
	if err != nil {
		if !retryableError(err) {
			return false, false
		}
		var op *net.OpError
		dial := errors.As(err, &op) && op.Op == "dial"
		return true, dial || !x.gotConn.Load()
	}
	if resp == nil {
		return false, false
	}
	if resp.StatusCode >= 500 && x.call.final != nil && !x.call.stream {
		// The body decides: read it now (what retryablehttp drains or the handler reads later is
		// then this copy).
		if _, ok := resp.Body.(*answerBody); !ok {
			_ = x.bufferAnswer(resp, maxErrorBody)
		}
		if ab, ok := resp.Body.(*answerBody); ok {
			body := make([]byte, ab.Len())
			_, _ = ab.ReadAt(body, 0)
			if x.call.final(resp.StatusCode, body) {
				return false, false
			}
		}
	}
	if resp.StatusCode == http.StatusBadRequest && garbled(resp) {
		return true, false
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// A rate limiter refuses before the vendor acts, so a 429 normally proves nothing
		// happened; but behind a proxy that delivers a request twice, the first delivery may
		// have acted while the second was refused. When a lookup exists, it decides.
		return true, x.call.notDone == nil
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, false
	}
	if x.c.opts.RetryStatus != nil && x.c.opts.RetryStatus(resp) {
		return true, false
	}
	return false, false
}

// retryableError says whether a transport error is a connection failure worth another attempt.
// Certificate and TLS failures, bad URLs, refused redirects and redirect loops are configuration
// problems: retrying them only delays the message the user needs.
func retryableError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		invalidCert      x509.CertificateInvalidError
		hostname         x509.HostnameError
		verify           *tls.CertificateVerificationError
		record           tls.RecordHeaderError
		alert            tls.AlertError
		redirect         *RedirectError
		tooLarge         *AnswerTooLargeError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &invalidCert) || errors.As(err, &hostname) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) ||
		errors.As(err, &redirect) || errors.As(err, &tooLarge) {
		return false
	}
	var srcErr *sourceError
	if errors.As(err, &srcErr) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ETIMEDOUT) || errors.Is(err, syscall.EHOSTUNREACH) ||
		errors.Is(err, syscall.ENETUNREACH) {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection reset", "broken pipe", "server closed idle connection",
		"transport connection broken", "unexpected EOF", "GOAWAY", "stream error"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// backoff is the retryablehttp.Backoff of this call; it also tells the log how long the wait is.
func (x *exchange) backoff(lo, hi time.Duration, attemptNum int, resp *http.Response) time.Duration {
	wait := x.c.backoff(lo, hi, attemptNum, resp)
	fields := x.fields()
	fields["wait"] = wait.String()
	if resp != nil {
		fields["status"] = resp.StatusCode
	}
	x.log(LevelDebug, "HTTP retrying", fields)
	return wait
}

// backoff computes the wait before retry attemptNum+1 (attemptNum counts from 0): a server's
// Retry-After on 429/503 wins but is capped at MaxRetryAfter; otherwise equal-jitter exponential
// backoff between lo and hi, so many clients do not retry in lock-step.
func (c *Client) backoff(lo, hi time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), c.now(), c.opts.MaxRetryAfter); ok {
			return min(max(d, lo), c.opts.MaxRetryAfter)
		}
	}
	ceiling := lo
	for i := 0; i < attemptNum && ceiling < hi; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, hi)
	half := ceiling / 2
	d := half
	if half > 0 {
		d += rand.N(half + 1)
	}
	return max(d, lo)
}

// parseRetryAfter reads seconds or an HTTP-date; values beyond limit are clipped before any
// arithmetic so an absurd header cannot overflow.
func parseRetryAfter(v string, now time.Time, limit time.Duration) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
		return limit, true
	case err == nil && secs < 0:
		return 0, false
	case err == nil && secs > int64(limit/time.Second)+1:
		return limit, true
	case err == nil:
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// fail turns the final error into one that names the call and the host, carries no secret, and
// says whether a later attempt may succeed (Transient).
func (x *exchange) fail(err error) error {
	var sm *SizeMismatchError
	if errors.As(err, &sm) {
		return sm
	}
	prefix := ""
	if x.call.name != "" {
		prefix = x.call.name + ": "
	}
	prefix += x.call.method + " " + x.redURL + ": "
	attempts := ""
	switch {
	case x.rounds > 0 && x.c.opts.MaxRetries == 0:
		attempts = fmt.Sprintf(" (gave up after %d attempts, paused in between)", x.rounds+1)
	case x.rounds > 0:
		attempts = fmt.Sprintf(" (gave up after %d rounds of up to %d attempts)", x.rounds+1, x.c.opts.MaxRetries+1)
	case x.attempt > 1:
		attempts = fmt.Sprintf(" (gave up after %d attempts)", x.attempt)
	}
	if ctxErr := x.ctx.Err(); ctxErr != nil {
		return &redactedError{msg: prefix + ctxErr.Error() + attempts, err: ctxErr}
	}
	inner := err
	if ue, ok := err.(*url.Error); ok {
		inner = ue.Err
	}
	var (
		took    *TookEffectError
		unknown *OutcomeUnknownError
		idle    *IdleTimeoutError
	)
	switch {
	case errors.As(inner, &took), errors.As(inner, &unknown):
		return &redactedError{msg: x.c.red.text(prefix + inner.Error()), err: inner, transient: unknown != nil}
	case errors.As(inner, &idle):
		return &redactedError{msg: prefix + idle.Error() + " at " + hostOf(x.call.url) + attempts +
			"; if the vendor is known to be this slow, raise the provider's idle_timeout", err: inner, transient: true}
	}
	return &redactedError{msg: prefix + x.c.red.text(inner.Error()) + attempts, err: inner, transient: retryableError(inner)}
}

// hostOf names the host of a URL for messages (never its path, which may hold a key).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the server"
	}
	return u.Scheme + "://" + u.Host
}

func (x *exchange) fields() map[string]any {
	f := map[string]any{"method": x.call.method, "url": x.redURL, "attempt": x.attempt}
	if x.call.name != "" {
		f["operation"] = x.call.name
	}
	return f
}

func (x *exchange) withError(err error) map[string]any {
	f := x.fields()
	f["error"] = x.c.red.text(err.Error())
	return f
}

func (x *exchange) log(level Level, msg string, fields map[string]any) {
	if l := x.c.opts.Logger; l != nil {
		l.Log(x.ctx, level, msg, fields)
	}
}

// logAttempt writes the per-attempt debug line and, at trace, the response headers and small JSON body.
func (x *exchange) logAttempt(resp *http.Response, err error, b *attemptBody) {
	if x.c.opts.Logger == nil {
		return
	}
	fields := x.fields()
	fields["max_attempts"] = x.c.opts.MaxRetries + 1
	fields["duration_ms"] = time.Since(x.start).Milliseconds()
	if b != nil && x.call.hash {
		fields["bytes_sent"] = b.sent()
	}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its Op and URL repeat the method and url fields
		}
		fields["error"] = x.c.red.text(err.Error())
		x.log(LevelDebug, "HTTP attempt failed", fields)
		return
	}
	if resp == nil {
		x.log(LevelDebug, "HTTP attempt", fields)
		return
	}
	fields["status"] = resp.StatusCode
	x.log(LevelDebug, "HTTP attempt", fields)

	trace := x.fields()
	trace["status"] = resp.StatusCode
	trace["headers"] = x.c.red.header(resp.Header)
	if x.call.opaque {
		trace["body"] = "(not logged: it carries secrets)"
	} else if body := peekJSON(resp); body != nil {
		if s, ok := x.c.red.jsonDoc(body); ok {
			trace["body"] = s
		}
	}
	x.log(LevelTrace, "HTTP response", trace)
}

// peekJSON reads a small JSON response body for the trace log and puts an equivalent body back;
// anything large, unsized or not JSON is left alone so streams are never buffered.
func peekJSON(resp *http.Response) []byte {
	if resp.Body == nil || resp.ContentLength <= 0 || resp.ContentLength > maxLoggedBody {
		return nil
	}
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil
	}
	orig := resp.Body
	b, readErr := io.ReadAll(io.LimitReader(orig, maxLoggedBody+1))
	closeErr := orig.Close()
	var rest io.Reader = bytes.NewReader(b)
	if readErr == nil {
		readErr = closeErr
	}
	if readErr != nil {
		rest = io.MultiReader(rest, errReader{readErr})
	}
	resp.Body = io.NopCloser(rest)
	if readErr != nil {
		return nil
	}
	return b
}

// errReader replays a read error after the bytes that were read, so peeking does not hide a failure.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// drainAndClose lets the connection be reused; bodies of abandoned responses are small error pages.
func drainAndClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	_ = body.Close()
}
