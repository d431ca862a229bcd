package transport

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects matches net/http's own limit.
const maxRedirects = 10

// checkRedirect is the CheckRedirect of every client: a redirect within the same origin (scheme,
// host and port) is followed; one to another origin is refused when the request carries a
// credential (a credential header, a registered secret in a header or the URL, or a body, which a
// 307/308 would send again), unless the call allows it (pre-signed storage links) — then the
// credential headers are dropped before it is followed. net/http itself keeps custom headers such
// as Mendix-ApiKey, auth-key or secret-key on a redirect to another host, hence this rule.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0]
	if sameOrigin(first.URL, req.URL) {
		return nil
	}
	p, _ := req.Context().Value(redirectPolicyKey{}).(*redirectPolicy)
	name, cross := "", false
	if p != nil {
		name, cross = p.name, p.crossHost
	}
	if !cross && c.carriesCredentials(first) {
		return &RedirectError{Name: name, From: c.red.url(first.URL.String()), To: c.red.url(req.URL.String())}
	}
	c.stripCredentials(req.Header)
	return nil
}

// carriesCredentials reports whether a request would hand a secret to whoever receives it.
func (c *Client) carriesCredentials(r *http.Request) bool {
	if r.ContentLength != 0 || r.GetBody != nil {
		return true
	}
	if c.red.literal(r.URL.String()) != r.URL.String() {
		return true
	}
	for k, vs := range r.Header {
		if sensitiveHeaders[strings.ToLower(k)] {
			return true
		}
		for _, v := range vs {
			if c.red.literal(v) != v {
				return true
			}
		}
	}
	return false
}

// stripCredentials drops every header that is, or holds, a credential.
func (c *Client) stripCredentials(h http.Header) {
	for k, vs := range h {
		if sensitiveHeaders[strings.ToLower(k)] {
			h.Del(k)
			continue
		}
		for _, v := range vs {
			if c.red.literal(v) != v {
				h.Del(k)
				break
			}
		}
	}
}

// sameOrigin compares scheme, host and port (RFC 6454), with the scheme's default port filled in.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
