package transporttest_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport"
	"github.com/appmigrate/terraform-provider-appmigrate/internal/client/transport/transporttest"
)

func TestFakeClock(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := transporttest.NewFakeClock(start)
	select {
	case at := <-c.After(3 * time.Second):
		if !at.Equal(start.Add(3 * time.Second)) {
			t.Fatalf("fired at %s", at)
		}
	default:
		t.Fatal("After must return an already-fired channel")
	}
	c.After(time.Second)
	c.Advance(time.Minute)
	if got := c.Now().Sub(start); got != time.Minute+4*time.Second {
		t.Fatalf("Now advanced %s", got)
	}
	if w := c.Waits(); len(w) != 2 || w[0] != 3*time.Second || w[1] != time.Second {
		t.Fatalf("Waits = %v", w)
	}
}

func TestCaptureLogger(t *testing.T) {
	var l transporttest.CaptureLogger
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.Log(context.Background(), transport.LevelDebug, "line", map[string]any{"i": i, "b": "x"})
		}()
	}
	wg.Wait()
	fields := map[string]any{"k": "v"}
	l.Log(context.Background(), transport.LevelTrace, "last", fields)
	fields["k"] = "changed"
	if n := len(l.Lines()); n != 21 {
		t.Fatalf("%d lines", n)
	}
	out := l.String()
	if !strings.Contains(out, "TRACE last k=v\n") || !strings.Contains(out, "DEBUG line b=x i=") {
		t.Fatalf("dump:\n%s", out)
	}
}
