package mendix

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/sandbox/core"
)

// Options configures a test sandbox: a core with the Mendix vendor only.
type Options = core.Options

// newSandbox attaches a fresh Mendix vendor to a new core.
func newSandbox(opts Options) (*Mendix, error) {
	s := New()
	if _, err := core.New(opts, s); err != nil {
		return nil, err
	}
	return s, nil
}

func waitIdle(t *testing.T, s *Mendix) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		t.Fatalf("jobs still active: %v (%+v)", err, s.Jobs())
	}
}

// logSink collects Logf lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logSink) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
