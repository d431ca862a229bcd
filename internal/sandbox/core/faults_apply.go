package core

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// applyFault serves r through next unless fault f says otherwise.
func (s *Core) applyFault(f Fault, m *Mount, w http.ResponseWriter, r *http.Request, next http.Handler) {
	o := s.faults.opts
	switch f {
	case Fault500, Fault502, Fault503:
		m.WriteError(w, f.status(), fmt.Sprintf("sandbox: injected %d", f.status()))
	case Fault429:
		// Retry-After carries whole seconds (RFC 9110 §10.2.3); round up so a client that obeys
		// it never comes back early.
		secs := int(math.Ceil(o.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		m.WriteError(w, http.StatusTooManyRequests, "sandbox: injected 429, retry later")
	case FaultSlow:
		if s.wait(r.Context(), o.SlowDelay) {
			next.ServeHTTP(w, r)
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
	case FaultDuplicate:
		s.duplicate(w, r, next)
	case Fault500After, Fault502After, Fault503After:
		next.ServeHTTP(&discardResponse{header: http.Header{}}, r)
		m.WriteError(w, f.status(), fmt.Sprintf("sandbox: injected %d after the request was served", f.status()))
	case FaultDropAnswer:
		next.ServeHTTP(&discardResponse{header: http.Header{}}, r)
		closeConn(w)
	case FaultTrickle:
		s.trickle(w, r, next)
	case FaultStall:
		// Read the whole request, as a server that accepted it would; the server then notices
		// when the client hangs up, which ends r's context.
		if r.Body != nil {
			_, _ = io.Copy(io.Discard, r.Body)
		}
		s.wait(r.Context(), -1)
		closeConn(w)
	default:
		next.ServeHTTP(w, r)
	}
}

// wait blocks for d (forever when d < 0) and reports whether the time passed; false when the
// client gave up or the sandbox is closing. The sandbox's own context is watched too, because
// under a caller's server (Handler) Close cannot cancel request contexts.
func (s *Core) wait(ctx context.Context, d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-ctx.Done():
	case <-s.reqCtx.Done():
	}
	return false
}

// hasBody reports whether a request carries a body (of known or unknown length).
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// isUpload tells a file upload from a small JSON call: it is the upload whose body a scripted
// reset should cut, while a reset on a small call should hit the answer.
func isUpload(r *http.Request) bool {
	if !hasBody(r) {
		return false
	}
	if r.ContentLength < 0 || r.ContentLength > 64<<10 {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/") || mt == "application/octet-stream" || mt == "application/zip"
}

// closeConn drops the connection without (another) byte. Closing with unread input makes the
// kernel send a TCP RST.
func closeConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // HTTP/2 and recorders: abort the stream instead
	}
	_ = conn.Close()
}

// resetRequest reads part of the request body, then drops the connection without answering, as
// a proxy that dies mid-upload does. A request without a body is dropped at once. The handler
// never runs.
func resetRequest(w http.ResponseWriter, r *http.Request) {
	if hasBody(r) {
		n := r.ContentLength / 2
		if n <= 0 {
			n = 32 << 10
		}
		_, _ = io.CopyN(io.Discard, r.Body, n)
	}
	closeConn(w)
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

// trickle runs the handler into a buffer, sends the headers with the full Content-Length, then
// the body one byte every TrickleInterval (the first TrickleBytes bytes; the rest at once). It
// stops when the client hangs up or the sandbox closes.
func (s *Core) trickle(w http.ResponseWriter, r *http.Request, next http.Handler) {
	o := s.faults.opts
	buf := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(buf, r)
	body := buf.body.Bytes()
	h := w.Header()
	for k, v := range buf.header {
		h[k] = v
	}
	if r.Method != http.MethodHead {
		h.Del("Transfer-Encoding")
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(buf.status)
	rc := http.NewResponseController(w)
	_ = rc.Flush()
	for i := 0; i < len(body); i++ {
		if o.TrickleBytes > 0 && int64(i) >= o.TrickleBytes {
			_, _ = w.Write(body[i:])
			return
		}
		if _, err := w.Write(body[i : i+1]); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		// Returning short of Content-Length makes the server close the connection.
		if i < len(body)-1 && !s.wait(r.Context(), o.TrickleInterval) {
			return
		}
	}
}

// duplicate delivers r twice, as a proxy that retries on its own does: the handler runs on a
// replay of the request and its answer is dropped, then it runs again and the client gets the
// second answer.
func (s *Core) duplicate(w http.ResponseWriter, r *http.Request, next http.Handler) {
	body, err := s.spoolBody(r)
	if err != nil {
		// The client went away part-way through its body: a proxy forwards nothing.
		closeConn(w)
		return
	}
	defer body.remove()
	for i := range 2 {
		rd, err := body.open()
		if err != nil {
			s.Logf("sandbox: duplicate: replay the request body: %v", err)
			closeConn(w)
			return
		}
		r2 := r.Clone(r.Context())
		r2.Body = rd
		if i == 0 {
			next.ServeHTTP(&discardResponse{header: http.Header{}}, r2)
		} else {
			next.ServeHTTP(w, r2)
		}
		_ = rd.Close()
	}
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

// discardResponse is a writer for an answer nobody will read (the first delivery of a
// duplicate, a 5xx-after, a dropped answer): it accepts everything and keeps nothing, so a large
// download costs no memory.
type discardResponse struct {
	header http.Header
}

// Header is a header map that is never sent.
func (d *discardResponse) Header() http.Header { return d.header }

// WriteHeader drops the status.
func (d *discardResponse) WriteHeader(int) {}

// Write drops the bytes.
func (d *discardResponse) Write(p []byte) (int, error) { return len(p), nil }
