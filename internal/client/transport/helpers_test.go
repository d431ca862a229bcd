package transport_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport/transporttest"
)

// fastClient keeps retry tests quick: backoffs of a few milliseconds.
func fastClient(opts transport.Options) (*transport.Client, *transporttest.CaptureLogger) {
	if opts.MinBackoff == 0 {
		opts.MinBackoff = time.Millisecond
	}
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = 5 * time.Millisecond
	}
	if opts.MaxRetryAfter == 0 {
		opts.MaxRetryAfter = 10 * time.Millisecond
	}
	logger := &transporttest.CaptureLogger{}
	if opts.Logger == nil {
		opts.Logger = logger
	}
	return transport.New(opts), logger
}

// hangUp closes the client's connection without an answer, as a crashing proxy would.
func hangUp(t testing.TB, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // reset rather than FIN, like a dropped connection
	}
	_ = conn.Close()
}

func closeBody(t *testing.T, resp *http.Response) {
	t.Helper()
	if resp == nil {
		return
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Errorf("draining response: %v", err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Errorf("closing response: %v", err)
	}
}

// countLines counts captured log lines with the given message.
func countLines(l *transporttest.CaptureLogger, msg string) int {
	n := 0
	for _, line := range l.Lines() {
		if line.Msg == msg {
			n++
		}
	}
	return n
}

// patternReader yields size deterministic pseudo-random bytes without allocating them: byte i depends
// only on i, so every re-open yields the same stream whatever the read sizes.
type patternReader struct {
	off, size int64
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *patternReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if rem := r.size - r.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	n := 0
	for n < len(p) && (r.off+int64(n))%8 != 0 {
		pos := r.off + int64(n)
		p[n] = byte(splitmix(uint64(pos/8)) >> (8 * (pos % 8)))
		n++
	}
	for ; n+8 <= len(p); n += 8 {
		binary.LittleEndian.PutUint64(p[n:], splitmix(uint64((r.off+int64(n))/8)))
	}
	for n < len(p) {
		pos := r.off + int64(n)
		p[n] = byte(splitmix(uint64(pos/8)) >> (8 * (pos % 8)))
		n++
	}
	r.off += int64(n)
	return n, nil
}

// trackedSource counts opens and closes and fails the test if an attempt opens while another is open.
type trackedSource struct {
	t        testing.TB
	mu       sync.Mutex
	open     int
	opens    int
	closes   int
	declared int64 // reported size; -1 for unknown
	yields   int64 // bytes actually produced
}

func (s *trackedSource) source(context.Context) (io.ReadCloser, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open != 0 {
		s.t.Errorf("source opened while %d earlier bodies are still open", s.open)
	}
	s.open++
	s.opens++
	return &trackedBody{Reader: &patternReader{size: s.yields}, s: s}, s.declared, nil
}

func (s *trackedSource) counts() (opens, closes, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens, s.closes, s.open
}

type trackedBody struct {
	io.Reader
	s      *trackedSource
	closed atomic.Bool
}

func (b *trackedBody) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	b.s.open--
	b.s.closes++
	return nil
}
