package mendix

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
)

// Pre-signed downloads (mendix-cloud-api.md §5.2 Url.Location, §5.4 snapshot links, §5.5 archive url):
// plain GETs against third-party storage, with no Mendix header (§8.1: never forward credentials
// there), valid for a limited time (TTL 900 s for packages, as little as 10 minutes for backups).
// An expired link is not retried: the platform is asked for a fresh one.

// URLFunc asks the platform for a fresh pre-signed URL (e.g. DeployedPackage with url=true).
type URLFunc func(ctx context.Context) (string, error)

// maxURLRefreshes bounds how many refused links one open replaces before giving up.
const maxURLRefreshes = 3

// Download reads an object through pre-signed URLs. Open is a transport.Source: every call (one per
// copy attempt) GETs the current URL and, when storage refuses it (expired, denied, gone), asks
// for a fresh URL and tries again.
type Download struct {
	c     *Client
	op    string
	fresh URLFunc

	mu      sync.Mutex
	url     string
	refused []string // storage's codes for each refused link, oldest first
	issued  int      // URLs obtained from fresh
}

// NewDownload returns a re-openable download of the object behind first (may be empty: then the
// first Open asks fresh). fresh must return a new URL for the same object.
func (c *Client) NewDownload(op, first string, fresh URLFunc) *Download {
	d := &Download{c: c, op: op, fresh: fresh}
	d.setURL(first)
	return d
}

// Source returns d.Open as a transport.Source.
func (d *Download) Source() transport.Source { return d.Open }

// Refused lists the storage error codes of the links that were refused and replaced by a fresh one
// (e.g. ["AccessDenied"] after an expired link), so callers can report it.
func (d *Download) Refused() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.refused...)
}

// Issued counts the URLs obtained from the platform by this download.
func (d *Download) Issued() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.issued
}

func (d *Download) setURL(u string) {
	if u == "" {
		return
	}
	d.url = u
	// A pre-signed URL is a bearer credential: keep its token out of logs and errors. Signatures in
	// the query are redacted by name; a token carried as a path segment is registered here.
	if pu, err := url.Parse(u); err == nil {
		for _, s := range strings.Split(pu.Path, "/") {
			if looksLikeToken(s) {
				d.c.http.AddSecret(s)
			}
		}
	}
}

// refusedStatus reports storage answers that mean "this link no longer works" (S3: 403 AccessDenied
// "Request has expired"; others use 401, 404 or 410; some 400 ExpiredToken).
func refusedStatus(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		return true
	}
	return false
}

// Open GETs the object and returns its body and declared size (-1 when unknown). A connection
// that breaks part-way through is resumed with a Range request from the byte reached
// (transport.Resumable), through a fresh link if the current one has expired meanwhile.
func (d *Download) Open(ctx context.Context) (io.ReadCloser, int64, error) {
	resp, err := d.get(ctx, http.Header{})
	if err != nil {
		return nil, 0, err
	}
	if resp.StatusCode != http.StatusOK {
		defer drain(resp.Body)
		return nil, 0, fmt.Errorf("storage refused the download link: %w", apiError(d.op, resp, styleStorage))
	}
	return transport.Resumable(ctx, d.op, resp, d.get), resp.ContentLength, nil
}

// get sends one GET of the object with extra headers (a Range when resuming), asking the platform
// for a fresh link whenever storage refuses the current one. Any answer other than a refusal is
// the caller's to judge.
func (d *Download) get(ctx context.Context, extra http.Header) (*http.Response, error) {
	for refreshes := 0; ; refreshes++ {
		d.mu.Lock()
		u := d.url
		d.mu.Unlock()
		if u == "" {
			fresh, err := d.fresh(ctx)
			if err != nil {
				return nil, fmt.Errorf("%s: asking for a download link: %w", d.op, err)
			}
			if fresh == "" {
				return nil, fmt.Errorf("%s: the platform returned an empty download link", d.op)
			}
			d.mu.Lock()
			d.issued++
			d.setURL(fresh)
			d.mu.Unlock()
			u = fresh
		}
		// Deliberately no header but Accept (and Range): the link carries its own authorisation,
		// and storage may redirect to another host.
		h := extra.Clone()
		h.Set("Accept", "*/*")
		resp, err := d.c.send(ctx, &transport.Request{Name: d.op, Method: http.MethodGet, URL: u,
			Header: h, Stream: true, CrossHostRedirects: true})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusPartialContent {
			return resp, nil
		}
		e := apiError(d.op, resp, styleStorage)
		drain(resp.Body)
		if !refusedStatus(resp.StatusCode) || refreshes >= maxURLRefreshes {
			return nil, fmt.Errorf("storage refused the download link: %w", e)
		}
		code := e.Code
		if code == "" {
			code = http.StatusText(resp.StatusCode)
		}
		d.mu.Lock()
		d.refused = append(d.refused, code)
		if d.url == u {
			d.url = ""
		}
		d.mu.Unlock()
	}
}

// Hash streams a source to its end and returns its byte count and SHA-256, holding nothing;
// a declared size that differs from what arrived is an error.
func Hash(ctx context.Context, op string, src transport.Source) (transport.Digest, error) {
	body, size, err := src(ctx)
	if err != nil {
		return transport.Digest{}, err
	}
	defer body.Close()
	d := transport.NewDigestReader(body)
	if _, err := io.Copy(io.Discard, readerCtx{ctx, d}); err != nil {
		return transport.Digest{}, fmt.Errorf("%s: reading: %w", op, err)
	}
	got := d.Digest()
	if size >= 0 && got.Bytes != size {
		return transport.Digest{}, fmt.Errorf("%s: storage declared %d bytes but sent %d", op, size, got.Bytes)
	}
	return got, nil
}

// readerCtx stops a long read when ctx ends (timeouts, Ctrl-C) rather than draining to the end.
type readerCtx struct {
	ctx context.Context
	r   io.Reader
}

func (r readerCtx) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// looksLikeToken matches long runs of hex, base64url or dashes: random link tokens, not file names.
func looksLikeToken(s string) bool {
	if len(s) < 24 || strings.Contains(s, ".") {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}
