package transport

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Redacted is what a secret is replaced with, so tests and log readers can tell redaction happened.
const Redacted = "REDACTED"

// minSecretLen keeps very short values (a "1", an "id") from shredding every log line they occur in.
const minSecretLen = 4

// Names are compared in lower case: vendors are inconsistent about header, query and field casing.
var (
	sensitiveHeaders = nameSet("auth-key", "secret-key", "user-token", "mendix-apikey", "authorization",
		"proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-amz-security-token")
	sensitiveQuery = nameSet("password", "token", "key", "apikey", "api_key", "secret", "sig", "signature",
		"x-amz-signature", "x-amz-credential", "x-amz-security-token")
	sensitiveFields = nameSet("password", "apikey", "api_key", "secretkey", "secret_key", "secret", "auth-key",
		"authkey", "user-token", "usertoken", "token", "validationsecret", "pat")
)

// The patterns catch the same names inside free text (error messages, truncated JSON) where no parser applies.
var (
	queryRe = regexp.MustCompile(`(?i)([?&;](?:password|token|key|apikey|api_key|secret|sig|signature|` +
		`x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s"'<>]*`)
	fieldRe = regexp.MustCompile(`(?i)("(?:password|apikey|api_key|secretkey|secret_key|secret|auth-key|authkey|` +
		`user-token|usertoken|token|validationsecret|pat)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	headerRe = regexp.MustCompile(`(?im)^(\s*(?:auth-key|secret-key|user-token|mendix-apikey|authorization|` +
		`proxy-authorization|cookie|set-cookie|x-api-key|x-amz-security-token)\s*:\s*)\S.*$`)
)

func nameSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Redactor holds the literal secret values to mask. Secrets arrive at run time (session tokens,
// REST keys, pre-signed link tokens), hence the lock. One Redactor is shared by every client of a
// provider, and by the provider itself for the diagnostics it writes, so a value learned anywhere
// is masked everywhere.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]bool // every value to mask, encodings included
	added   map[string]bool // the values Add was given
	rep     *strings.Replacer
}

// NewRedactor returns an empty registry.
func NewRedactor() *Redactor {
	return &Redactor{secrets: map[string]bool{}, added: map[string]bool{}}
}

// Add registers s together with the encodings it takes in URLs and JSON, where it would otherwise
// slip through. Values shorter than 4 characters are ignored: masking them would shred every line.
func (r *Redactor) Add(s string) {
	if r == nil {
		return
	}
	if len(s) < minSecretLen {
		return
	}
	// Known already (its encodings were added with it): clients add their credentials on every
	// request, so this is the common case.
	r.mu.RLock()
	known := r.added[s]
	r.mu.RUnlock()
	if known {
		return
	}
	variants := []string{s, url.PathEscape(s), url.QueryEscape(s)}
	if b, err := json.Marshal(s); err == nil {
		variants = append(variants, string(b[1:len(b)-1]))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.added[s] = true
	for _, v := range variants {
		if len(v) >= minSecretLen && !r.secrets[v] {
			r.secrets[v] = true
			// The replacer is rebuilt on its next use, not here: a fleet's refresh learns hundreds
			// of REST keys in a row, and rebuilding on each was quadratic.
			r.rep = nil
		}
	}
}

// replacer is the literal replacer over every registered value, built when first needed after a
// change: longest value first, since the replacer prefers earlier arguments, so a secret
// containing another is removed whole.
func (r *Redactor) replacer() *strings.Replacer {
	r.mu.RLock()
	rep, n := r.rep, len(r.secrets)
	r.mu.RUnlock()
	if rep != nil || n == 0 {
		return rep
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rep != nil {
		return r.rep
	}
	all := make([]string, 0, len(r.secrets))
	for v := range r.secrets {
		all = append(all, v)
	}
	sort.Slice(all, func(i, j int) bool {
		if len(all[i]) != len(all[j]) {
			return len(all[i]) > len(all[j])
		}
		return all[i] < all[j]
	})
	pairs := make([]string, 0, 2*len(all))
	for _, v := range all {
		pairs = append(pairs, v, Redacted)
	}
	r.rep = strings.NewReplacer(pairs...)
	return r.rep
}

// Values lists the registered secret values (with their URL and JSON encodings), for loggers that
// mask by value themselves.
func (r *Redactor) Values() []string {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.secrets))
	for v := range r.secrets {
		out = append(out, v)
	}
	return out
}

// literal removes the registered secret values only.
func (r *Redactor) literal(s string) string {
	if s == "" {
		return s
	}
	rep := r.replacer()
	if rep == nil {
		return s
	}
	return rep.Replace(s)
}

// Redact masks every registered secret value in s, and anything that looks like a sensitive query
// parameter, JSON field or header line, whatever message or body s comes from.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	return r.text(s)
}

// text redacts arbitrary text: literal secrets first, then anything that looks like a sensitive
// query parameter, JSON field or header line.
func (r *Redactor) text(s string) string {
	s = r.literal(s)
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		if out, ok := r.jsonDoc([]byte(t)); ok {
			return queryRe.ReplaceAllString(out, "${1}"+Redacted)
		}
	}
	s = queryRe.ReplaceAllString(s, "${1}"+Redacted)
	s = fieldRe.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	return headerRe.ReplaceAllString(s, "${1}"+Redacted)
}

// url redacts a request URL while keeping it readable: user info password, sensitive query values and
// literal secrets (which Backendless puts in the path).
func (r *Redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.text(raw)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	return r.literal(u.String())
}

// redactQuery works on the raw query so parameter order and encoding survive for the reader.
func redactQuery(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, _, found := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if found && sensitiveQuery[strings.ToLower(name)] {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// header returns a log-friendly copy of h with sensitive and secret-bearing values replaced.
func (r *Redactor) header(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		if sensitiveHeaders[strings.ToLower(k)] {
			out[k] = Redacted
			continue
		}
		out[k] = r.literal(strings.Join(vs, ", "))
	}
	return out
}

// jsonDoc redacts sensitive fields at any depth of a JSON document; ok is false when b is not JSON.
func (r *Redactor) jsonDoc(b []byte) (string, bool) {
	if !json.Valid(b) {
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(redactValue(v)); err != nil {
		return "", false
	}
	return r.literal(strings.TrimSuffix(buf.String(), "\n")), true
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if sensitiveFields[strings.ToLower(k)] {
				t[k] = Redacted
			} else {
				t[k] = redactValue(val)
			}
		}
	case []any:
		for i, val := range t {
			t[i] = redactValue(val)
		}
	case string:
		if strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "http://") {
			return redactLink(t)
		}
	}
	return v
}

// redactLink hides the credential of a link a vendor hands out in a JSON answer (a pre-signed
// download URL is a bearer credential until it expires): sensitive query values, such as S3's
// X-Amz-Signature, and path segments shaped like an access token.
func redactLink(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.RawQuery != "" {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	segs := strings.Split(u.EscapedPath(), "/")
	changed := false
	for i, seg := range segs {
		if looksLikeAccessToken(seg) {
			segs[i], changed = Redacted, true
		}
	}
	if changed {
		u.RawPath = strings.Join(segs, "/")
		u.Path, _ = url.PathUnescape(u.RawPath)
	}
	return u.String()
}

// looksLikeAccessToken matches a long run of token characters that is not a UUID: UUIDs name
// apps, environments and snapshots, which a reader of the log needs to see.
func looksLikeAccessToken(s string) bool {
	if len(s) < 32 || uuidRe.MatchString(s) {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// AddSecret registers a secret learned at run time (e.g. a session token) for redaction.
func (c *Client) AddSecret(s string) {
	c.red.Add(s)
}

// Redactor is the client's secret registry, for callers that write their own messages.
func (c *Client) Redactor() *Redactor { return c.red }

// Redact replaces every known secret (and sensitive header/query/JSON values) in s, for callers that
// build their own messages from vendor answers.
func (c *Client) Redact(s string) string {
	return c.red.text(s)
}

// redactedError keeps an error's chain (errors.Is(err, context.Canceled) still works) while its text is
// rebuilt without secrets: url.Error would otherwise print a URL carrying a REST key.
type redactedError struct {
	msg       string
	err       error
	transient bool
}

func (e *redactedError) Error() string { return e.msg }

func (e *redactedError) Unwrap() error { return e.err }

// Transient says whether the failure was a network condition that outlasted the retries.
func (e *redactedError) Transient() bool { return e.transient }
