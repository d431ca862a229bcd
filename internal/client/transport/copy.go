package transport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sync"
	"sync/atomic"
)

// Digest is the byte count and SHA-256 of a stream.
type Digest struct {
	Bytes  int64
	SHA256 string // lowercase hex
}

// DigestReader counts and hashes what is read through it, so a copy can be verified without a second read.
type DigestReader struct {
	r  io.Reader
	mu sync.Mutex // Digest may be called while net/http is still reading on another goroutine
	h  hash.Hash
	n  int64
}

// NewDigestReader wraps r; hashing happens as the consumer reads, never ahead of it.
func NewDigestReader(r io.Reader) *DigestReader {
	return &DigestReader{r: r, h: sha256.New()}
}

// Read passes through to the wrapped reader, accounting for the bytes it returns.
func (d *DigestReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if n > 0 {
		d.mu.Lock()
		_, _ = d.h.Write(p[:n]) // hash.Hash.Write never fails
		d.n += int64(n)
		d.mu.Unlock()
	}
	return n, err
}

// Digest reports what has been read so far; it is final once the reader has hit EOF.
func (d *DigestReader) Digest() Digest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return Digest{Bytes: d.n, SHA256: hex.EncodeToString(d.h.Sum(nil))}
}

// Source opens the object to copy, once per attempt (re-openable, e.g. a new GET on a pre-signed URL). size -1 = unknown.
type Source func(ctx context.Context) (body io.ReadCloser, size int64, err error)

// Multipart wraps the stream as one multipart/form-data file part.
type Multipart struct {
	Field       string
	FileName    string
	ContentType string // default application/octet-stream
}

// Upload describes a streaming copy into a destination request.
type Upload struct {
	Name      string // operation name for logs/errors
	Method    string
	URL       string
	Header    http.Header
	Source    Source
	Multipart *Multipart // nil = raw body
	// Idempotent marks a POST whose repetition does no harm (an upload with overwrite=true);
	// other POSTs follow Request's rules for calls that create something.
	Idempotent bool
	NotDone    func(ctx context.Context) (bool, error)
}

// SizeMismatchError reports a source that yielded a different number of bytes than it declared; the
// copy stops rather than store a truncated or padded object under the declared size.
type SizeMismatchError struct {
	Name     string
	Declared int64
	Read     int64
}

// Error says which way the source was wrong, because "more" is only known as a lower bound.
func (e *SizeMismatchError) Error() string {
	prefix := ""
	if e.Name != "" {
		prefix = e.Name + ": "
	}
	if e.Read > e.Declared {
		return fmt.Sprintf("%sthe source declared %d bytes but yielded more (at least %d)", prefix, e.Declared, e.Read)
	}
	return fmt.Sprintf("%sthe source declared %d bytes but yielded only %d", prefix, e.Declared, e.Read)
}

// Copy streams Source into the destination request without holding the body in memory:
// per attempt it re-opens the source, hashes (SHA-256) and counts bytes in flight, and (for multipart)
// wraps it in a fixed multipart envelope with an exact Content-Length when the size is known.
// It returns the destination response (caller closes it) and the digest of the attempt that got the response.
// If the source's declared size differs from the bytes actually read, it fails with a *SizeMismatchError.
func (c *Client) Copy(ctx context.Context, up Upload) (*http.Response, Digest, error) {
	if up.Source == nil {
		return nil, Digest{}, fmt.Errorf("%s: no source to copy", up.Name)
	}
	x := c.newExchange(ctx, call{
		name: up.Name, method: up.Method, url: up.URL, header: up.Header,
		open: up.Source, multipart: up.Multipart, hash: true, idempotent: idempotent(methodOr(up.Method), up.Idempotent), notDone: up.NotDone,
	})
	resp, err := x.run()
	if err != nil {
		return nil, Digest{}, err
	}
	var d Digest
	if b := x.current(); b != nil && b.digest != nil {
		d = b.digest.Digest()
	}
	return resp, d, nil
}

// envelope is the multipart framing around the streamed part; it is computed once per call so every
// attempt has the same boundary and therefore the same Content-Length.
type envelope struct {
	prefix, suffix []byte
	contentType    string
}

func newEnvelope(m *Multipart) (*envelope, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	ct := m.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", multipart.FileContentDisposition(m.Field, m.FileName))
	h.Set("Content-Type", ct)
	if _, err := mw.CreatePart(h); err != nil {
		return nil, fmt.Errorf("building the multipart envelope: %w", err)
	}
	prefix := bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := mw.Close(); err != nil {
		return nil, fmt.Errorf("building the multipart envelope: %w", err)
	}
	return &envelope{prefix: prefix, suffix: bytes.Clone(buf.Bytes()), contentType: mw.FormDataContentType()}, nil
}

// errBodyClosed is what net/http sees if it reads a body this package already abandoned.
var errBodyClosed = errors.New("request body closed")

// sourceError marks a read failure of the body source, as opposed to a failure of the destination.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "reading the source: " + e.err.Error() }

func (e *sourceError) Unwrap() error { return e.err }

// attemptBody is the request body of one attempt: the source, hashed and size-checked as it is read,
// inside the multipart envelope when there is one.
type attemptBody struct {
	name     string
	src      io.ReadCloser
	declared int64
	length   int64 // Content-Length on the wire; -1 = unknown (chunked)
	digest   *DigestReader
	replay   []byte // set for BytesBody/JSONBody bodies, which trace logs may show
	in       io.Reader

	read     atomic.Int64
	srcOnce  sync.Once
	shutOnce sync.Once
	closed   atomic.Bool
	mu       sync.Mutex
	err      error // first size mismatch or source read failure
}

func newAttemptBody(name string, src io.ReadCloser, size int64, hashIt bool, env *envelope) *attemptBody {
	if size < 0 {
		size = -1
	}
	b := &attemptBody{name: name, src: src, declared: size, length: size}
	if rb, ok := src.(*replayBody); ok {
		b.replay = rb.b
	}
	var r io.Reader = src
	if hashIt {
		b.digest = NewDigestReader(src)
		r = b.digest
	}
	checked := &checkedReader{b: b, r: r}
	if env == nil {
		b.in = checked
		return b
	}
	if size >= 0 {
		b.length = int64(len(env.prefix)) + size + int64(len(env.suffix))
	}
	// The envelope is fixed, so the body is prefix, source, suffix read in turn: no goroutine, no
	// pipe, and net/http reads the source with its own buffer.
	b.in = io.MultiReader(bytes.NewReader(env.prefix), checked, bytes.NewReader(env.suffix))
	return b
}

// Read serves net/http; after shutdown it refuses, because the source may already be closed.
func (b *attemptBody) Read(p []byte) (int, error) {
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	return b.in.Read(p)
}

// Close is called by net/http when it is done with the body (possibly on its own goroutine).
func (b *attemptBody) Close() error {
	b.closed.Store(true)
	b.closeSource()
	return nil
}

// shutdown closes the body (and so its source) before the next attempt opens a new one.
func (b *attemptBody) shutdown() {
	b.shutOnce.Do(func() { _ = b.Close() })
}

func (b *attemptBody) closeSource() {
	b.srcOnce.Do(func() { _ = b.src.Close() })
}

func (b *attemptBody) fail(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}

// failure is the body's own error, which explains a transport error better than net/http's wrapping.
func (b *attemptBody) failure() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

func (b *attemptBody) sent() int64 { return b.read.Load() }

// checkedReader enforces the declared size while the bytes flow, so a wrong size fails the request
// instead of sending a short body or silently dropping the tail.
type checkedReader struct {
	b *attemptBody
	r io.Reader
}

func (c *checkedReader) Read(p []byte) (int, error) {
	b := c.b
	if b.closed.Load() {
		return 0, errBodyClosed
	}
	n, err := c.r.Read(p)
	total := b.read.Add(int64(n))
	if b.declared >= 0 {
		if total > b.declared {
			// Withhold the chunk: net/http must not complete a request whose body is wrong.
			return 0, b.mismatch(total)
		}
		if total == b.declared && n > 0 && err == nil {
			// Look ahead now: net/http stops reading at Content-Length, and the server could answer
			// before a later read revealed the surplus.
			switch perr := c.confirmEOF(); {
			case perr == io.EOF:
				err = io.EOF
			case perr != nil:
				var sm *SizeMismatchError
				if errors.As(perr, &sm) {
					return 0, perr
				}
				err = perr
			}
		}
		if err == io.EOF && total < b.declared {
			return n, b.mismatch(total)
		}
	}
	if err != nil && err != io.EOF && !b.closed.Load() {
		e := &sourceError{err}
		b.fail(e)
		return n, e
	}
	return n, err
}

// confirmEOF reads one byte past the declared size: io.EOF is the expected answer, a byte is a mismatch.
func (c *checkedReader) confirmEOF() error {
	var one [1]byte
	for range 100 { // a reader may return 0, nil; do not spin forever on one
		m, err := c.r.Read(one[:])
		if m > 0 {
			return c.b.mismatch(c.b.read.Add(int64(m)))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *attemptBody) mismatch(read int64) error {
	e := &SizeMismatchError{Name: b.name, Declared: b.declared, Read: read}
	b.fail(e)
	return e
}
