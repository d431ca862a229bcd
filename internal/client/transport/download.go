package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// ResumeFunc asks again for the rest of a download: a GET sent with the given headers (Range and,
// when the first answer named a version, If-Range). It may use a fresh URL (an expired
// pre-signed link is replaced), as long as it names the same object.
type ResumeFunc func(ctx context.Context, h http.Header) (*http.Response, error)

// maxStalledResumes bounds how many resumes in a row may fail to move the download forward
// before the break is reported; any progress resets the count.
const maxStalledResumes = 5

// Resumable wraps the body of a 200 answer to a GET so that a connection that breaks before the
// declared length is resumed with `Range: bytes=<read>-` from the byte reached. If-Range pins the
// version the first answer named (ETag, else Last-Modified), and the answer must be 206 starting
// exactly there. The reader never sees the break, so a SHA-256 computed over it stays the digest of
// the whole object, and a copy that streams it into an upload does not have to start over.
// Without a declared length (chunked) a break cannot be told from the end and is returned as is.
func Resumable(ctx context.Context, name string, resp *http.Response, resume ResumeFunc) io.ReadCloser {
	return &resumingBody{ctx: ctx, name: name, resume: resume, body: resp.Body, size: resp.ContentLength,
		validator: firstNonEmpty(resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"))}
}

type resumingBody struct {
	ctx       context.Context
	name      string
	resume    ResumeFunc
	body      io.ReadCloser
	size      int64
	validator string
	read      int64
	stalled   int   // resumes since the last byte arrived
	resumes   int   // all resumes, for the caller's report
	lastErr   error // the break that caused the current resume
}

func (b *resumingBody) Read(p []byte) (int, error) {
	for {
		n, err := b.body.Read(p)
		b.read += int64(n)
		if n > 0 {
			b.stalled = 0
		}
		if err == nil || (errors.Is(err, io.EOF) && (b.size < 0 || b.read >= b.size)) {
			return n, err
		}
		if b.size < 0 || b.ctx.Err() != nil || !retryableError(err) && !errors.Is(err, io.EOF) {
			return n, err
		}
		if b.stalled >= maxStalledResumes {
			return n, fmt.Errorf("%s: the download broke %d times at byte %d of %d without progress: %w", b.name, b.stalled, b.read, b.size, err)
		}
		b.lastErr = err
		if rerr := b.reopen(); rerr != nil {
			return n, fmt.Errorf("%w (resuming at byte %d failed: %v)", err, b.read, rerr)
		}
		if n > 0 {
			return n, nil
		}
	}
}

// reopen replaces the broken body by the rest of the object.
func (b *resumingBody) reopen() error {
	_ = b.body.Close()
	b.body = http.NoBody
	b.stalled++
	b.resumes++
	h := http.Header{"Range": []string{"bytes=" + strconv.FormatInt(b.read, 10) + "-"}}
	if b.validator != "" {
		h.Set("If-Range", b.validator)
	}
	resp, err := b.resume(b.ctx, h)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusPartialContent || !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(b.read, 10)+"-") {
		drainAndClose(resp.Body)
		return fmt.Errorf("%s: the server answered %d to a Range request from byte %d, not the rest of the same object", b.name, resp.StatusCode, b.read)
	}
	b.body = resp.Body
	return nil
}

func (b *resumingBody) Close() error { return b.body.Close() }

// Resumes reports how often a download was resumed (0 for a body Resumable did not wrap).
func Resumes(r io.Reader) int {
	if b, ok := r.(*resumingBody); ok {
		return b.resumes
	}
	return 0
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
